"""The extraction pipeline: one function calling the named stages in order."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from securecomm.afis.errors import ExtractionError
from securecomm.afis.extraction.clarity import local_clarity
from securecomm.afis.extraction.enhancement import enhance
from securecomm.afis.extraction.features import Features
from securecomm.afis.extraction.frequency import estimate_ridge_period
from securecomm.afis.extraction.minutiae import detect_minutiae
from securecomm.afis.extraction.normalization import normalise_contrast
from securecomm.afis.extraction.orientation import (
    OrientationField,
    estimate_orientation,
    screen_orientation,
)
from securecomm.afis.extraction.parameters import DEFAULT_PARAMETERS, ExtractionParameters
from securecomm.afis.extraction.quality import QualityMeasures, print_quality
from securecomm.afis.extraction.segmentation import segment
from securecomm.afis.extraction.skeleton import binarise, thin
from securecomm.afis.image import resample_to_working_ppi
from securecomm.afis.types import WORKING_PPI, FingerImage, Template


def extract_features(
    image: FingerImage, params: ExtractionParameters = DEFAULT_PARAMETERS
) -> Features:
    """Run every stage on one image and return all intermediate results.

    Raises ``ExtractionError`` when the image holds no usable print (too little foreground or
    too few minutiae).
    """
    stages = _run_stages(image, params)
    return Features(
        pixels=stages.pixels,
        normalised=stages.normalised,
        mask=stages.mask,
        orientation=screen_orientation(stages.orientation.angle),
        coherence=stages.orientation.coherence,
        clarity=stages.clarity,
        frequency=(1.0 / stages.period).astype(np.float32),
        enhanced=stages.enhanced,
        ridges=stages.ridges,
        skeleton=stages.skeleton,
        template=stages.template,
        quality=stages.quality,
    )


def extract(image: FingerImage, params: ExtractionParameters = DEFAULT_PARAMETERS) -> Template:
    """The minutiae template of one image (500 ppi, with print and minutia qualities).

    The same template as ``extract_features(image).template``, without building the maps
    that only the examiner's view needs (screen orientation, ridge frequency).
    """
    return _run_stages(image, params).template


@dataclass(frozen=True, eq=False)
class _Stages:
    pixels: np.ndarray
    normalised: np.ndarray
    mask: np.ndarray
    orientation: OrientationField
    period: np.ndarray
    enhanced: np.ndarray
    ridges: np.ndarray
    skeleton: np.ndarray
    clarity: np.ndarray
    template: Template
    quality: QualityMeasures


def _run_stages(image: FingerImage, params: ExtractionParameters) -> _Stages:
    pixels = resample_to_working_ppi(image.pixels, image.ppi)
    normalisation = normalise_contrast(pixels, params)
    normalised = normalisation.values
    orientation = estimate_orientation(normalised, params)
    mask = segment(
        normalisation.coarse_deviation, orientation.coarse_coherence, pixels.shape, params
    )
    area = int(mask.sum())
    if area < params.min_foreground_pixels:
        raise ExtractionError(
            f"no usable fingerprint in the {pixels.shape[1]}x{pixels.shape[0]} image: "
            f"{area} foreground pixels at 500 ppi (at least {params.min_foreground_pixels} needed)"
        )
    period, _ = estimate_ridge_period(normalised, orientation, mask, params)
    enhanced = enhance(normalised, orientation, period, mask, params)
    ridges = binarise(enhanced, mask)
    skeleton = thin(ridges)
    clarity = local_clarity(normalised, enhanced, params)
    raw = detect_minutiae(skeleton, mask, orientation, clarity, params)
    if raw.count < params.min_minutiae:
        raise ExtractionError(
            f"no usable template: {raw.count} reliable minutiae found "
            f"(at least {params.min_minutiae} needed)"
        )
    quality = print_quality(clarity, orientation.coherence, mask, raw.count)
    template = Template.from_arrays(
        width=pixels.shape[1],
        height=pixels.shape[0],
        x=raw.x,
        y=raw.y,
        angle=_screen_angle(raw.angle),
        kind=raw.kind,
        minutia_quality=raw.quality,
        ppi=float(WORKING_PPI),
        quality=quality.score,
        position=image.position,
        meta={"source": "securecomm"},
    )
    return _Stages(
        pixels=pixels,
        normalised=normalised,
        mask=mask,
        orientation=orientation,
        period=period,
        enhanced=enhanced,
        ridges=ridges,
        skeleton=skeleton,
        clarity=clarity,
        template=template,
        quality=quality,
    )


def _screen_angle(image_angle: np.ndarray) -> np.ndarray:
    """Image angle (y down) → the template's counter-clockwise-on-screen angle."""
    return np.mod(-image_angle.astype(np.float64), 2 * np.pi)
