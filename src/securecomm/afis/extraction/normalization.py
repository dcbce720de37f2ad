"""Local contrast normalisation of the gray image.

Each pixel becomes ``(local mean − value) / local standard deviation`` with Gaussian windows —
the adaptive form of the mean/variance normalisation of Hong, Wan and Jain (1998) — so that
ridges (dark) are positive, valleys negative, and dry or wet regions reach the same contrast.
The local standard deviation is also the ridge contrast that segmentation uses.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numba import njit

from securecomm.afis.extraction.blocks import block_mean_and_square, smooth_cells, upsample
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
    factor, sigma = params.coarse_factor, params.normalisation_sigma
    block_sum, block_square = block_mean_and_square(pixels, factor)
    mean_c = smooth_cells(block_sum, factor, sigma)
    square_c = smooth_cells(block_square, factor, sigma)
    deviation_c = np.sqrt(np.maximum(square_c - mean_c * mean_c, 1.0)).astype(np.float32)
    mean = upsample(mean_c, factor, pixels.shape)
    deviation = upsample(deviation_c, factor, pixels.shape)
    values = _normalise(pixels, mean, deviation, np.float32(_CLIP))
    return NormalisedImage(values=values, coarse_deviation=deviation_c)


@njit(cache=True, nogil=True)
def _normalise(pixels, mean, deviation, clip):  # pragma: no cover
    """``clip((mean − pixels) / deviation, −clip, clip)`` in float32."""
    h, w = pixels.shape
    out = np.empty((h, w), dtype=np.float32)
    for y in range(h):
        for x in range(w):
            v = (mean[y, x] - np.float32(pixels[y, x])) / deviation[y, x]
            out[y, x] = min(max(v, -clip), clip)
    return out
