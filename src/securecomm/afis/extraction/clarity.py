"""Local ridge clarity: how well the oriented band-pass explains the image around each pixel.

The Gaussian-windowed correlation between the normalised image and its contextually filtered
version — near 1 where clear, regular ridges run, near 0 over noise, smudges, creases and
blur. It plays the role of NFIQ 2's local clarity and orientation-certainty features
(Tabassi et al., NIST IR 8382) and of the quality map of NIST's mindtct: minutiae in unclear
regions are dropped and the others weighted by it.
"""

from __future__ import annotations

import numpy as np

from securecomm.afis.extraction.blocks import block_mean_products, smooth_cells, upsample
from securecomm.afis.extraction.parameters import ExtractionParameters
from securecomm.afis.types import FloatArray


def local_clarity(
    normalised: FloatArray, enhanced: FloatArray, params: ExtractionParameters
) -> FloatArray:
    """Per-pixel clarity in [0, 1] (0 outside the print)."""
    factor, sigma = params.coarse_factor, params.clarity_sigma
    cross, image_energy, enhanced_energy = (
        smooth_cells(m, factor, sigma) for m in block_mean_products(normalised, enhanced, factor)
    )
    coarse = cross / np.sqrt(np.maximum(image_energy * enhanced_energy, 1e-6))
    return np.clip(upsample(coarse, factor, normalised.shape), 0.0, 1.0)
