"""The extractor's intermediate results, exposed for the examiner's view and for tests."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from securecomm.afis.extraction.quality import QualityMeasures
from securecomm.afis.types import ByteArray, FloatArray, Template


@dataclass(frozen=True, eq=False)
class Features:
    """Every stage's output for one image (all maps are per pixel, at 500 ppi).

    Orientation angles are ridge orientations in [0, π) measured like the template's minutia
    angles: counter-clockwise from +x as seen on screen.
    """

    #: The input image at 500 ppi.
    pixels: ByteArray
    #: Contrast-normalised image (ridges positive).
    normalised: FloatArray
    #: Foreground (bool): where the print is.
    mask: np.ndarray
    #: Ridge orientation (radians, [0, π), counter-clockwise on screen).
    orientation: FloatArray
    #: Orientation coherence 0–1 (the reliability of ``orientation``).
    coherence: FloatArray
    #: Local ridge clarity 0–1 (how well the enhanced ridges explain the image).
    clarity: FloatArray
    #: Ridge frequency (cycles per pixel); its inverse is the ridge period.
    frequency: FloatArray
    #: Enhanced image (ridges positive, unit deviation, 0 outside the mask).
    enhanced: FloatArray
    #: Binarised ridges (bool).
    ridges: np.ndarray
    #: One-pixel-wide ridge skeleton (bool).
    skeleton: np.ndarray
    #: The minutiae template (500 ppi, screen angles; see ``afis.types``).
    template: Template
    #: The components of the print quality score.
    quality: QualityMeasures

    @property
    def ridge_period(self) -> FloatArray:
        return (1.0 / np.maximum(self.frequency, 1e-6)).astype(np.float32)
