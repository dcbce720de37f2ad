"""Local contrast normalisation of the gray image.

Each pixel becomes ``(local mean − value) / local standard deviation`` with Gaussian windows —
the adaptive form of the mean/variance normalisation of Hong, Wan and Jain (1998) — so that
ridges (dark) are positive, valleys negative, and dry or wet regions reach the same contrast.
The local standard deviation is also the ridge contrast that segmentation uses.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from securecomm.afis.extraction.blocks import smooth_coarse, upsample
from securecomm.afis.extraction.parameters import ExtractionParameters
from securecomm.afis.types import ByteArray, FloatArray

#: Values are clipped to this many local standard deviations (pores, dust, scratches).
_CLIP = 3.0


@dataclass(frozen=True)
class NormalisedImage:
    #: Ridges positive, valleys negative, unit local deviation.
    values: FloatArray
    #: Local gray-level standard deviation on the coarse grid (``coarse_factor``).
    coarse_deviation: FloatArray


def normalise_contrast(pixels: ByteArray, params: ExtractionParameters) -> NormalisedImage:
    image = pixels.astype(np.float32)
    factor, sigma = params.coarse_factor, params.normalisation_sigma
    mean_c = smooth_coarse(image, factor, sigma)
    square_c = smooth_coarse(image * image, factor, sigma)
    deviation_c = np.sqrt(np.maximum(square_c - mean_c * mean_c, 1.0)).astype(np.float32)
    mean = upsample(mean_c, factor, image.shape)
    deviation = upsample(deviation_c, factor, image.shape)
    values = np.clip((mean - image) / deviation, -_CLIP, _CLIP).astype(np.float32)
    return NormalisedImage(values=values, coarse_deviation=deviation_c)
