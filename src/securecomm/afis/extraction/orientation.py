"""Ridge orientation field and its coherence, from gradients (structure tensor).

Method: Kass and Witkin (1987), Bazen and Gerez (2002) "Systematic methods for the computation
of the directional fields and singular points of fingerprints": derivative-of-Gaussian gradients,
squared and averaged in the doubled-angle domain (``Gxx − Gyy``, ``2·Gxy``), so that opposite
gradients on the two flanks of a ridge reinforce instead of cancelling. The ridge orientation is
perpendicular to the mean gradient. Coherence ``|Σ g²| / Σ |g|²`` (0 = isotropic noise,
1 = perfectly parallel ridges) is the reliability of the estimate. The field is smoothed a second
time in the doubled-angle domain with a wider window to bridge scars and creases.

The averaging runs on the coarse grid (``blocks.smooth_coarse``); the fields are per pixel.
Angles here are image angles (``atan2(dy, dx)`` with y down), in [0, π).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import ndimage

from securecomm.afis.extraction.blocks import block_mean_products, smooth_cells, upsample
from securecomm.afis.extraction.parameters import ExtractionParameters
from securecomm.afis.types import FloatArray


@dataclass(frozen=True)
class OrientationField:
    """Per-pixel ridge orientation (image angle in [0, π)) and its coherence (0–1)."""

    angle: FloatArray
    coherence: FloatArray
    #: Unit doubled-angle vector (cos 2θ, sin 2θ) of the smoothed field.
    doubled_cos: FloatArray
    doubled_sin: FloatArray
    #: Coherence on the coarse grid (``coarse_factor``), for segmentation.
    coarse_coherence: FloatArray


def estimate_orientation(normalised: FloatArray, params: ExtractionParameters) -> OrientationField:
    gx = ndimage.gaussian_filter(normalised, params.gradient_sigma, order=(0, 1), truncate=3.0)
    gy = ndimage.gaussian_filter(normalised, params.gradient_sigma, order=(1, 0), truncate=3.0)
    factor, sigma = params.coarse_factor, params.orientation_sigma
    mean_xy, mean_xx, mean_yy = block_mean_products(gx, gy, factor)
    gxx = smooth_cells(mean_xx, factor, sigma)
    gyy = smooth_cells(mean_yy, factor, sigma)
    gxy = smooth_cells(mean_xy, factor, sigma)
    # doubled gradient angle is (gxx − gyy, 2·gxy); the ridge is perpendicular (+π in 2θ)
    vx = gyy - gxx
    vy = -2.0 * gxy
    coherence = np.clip(np.hypot(vx, vy) / np.maximum(gxx + gyy, 1e-6), 0.0, 1.0)
    wide = params.orientation_smoothing_sigma / factor
    sx = ndimage.gaussian_filter(vx, wide, mode="nearest", truncate=2.5)
    sy = ndimage.gaussian_filter(vy, wide, mode="nearest", truncate=2.5)
    norm = np.maximum(np.hypot(sx, sy), 1e-9)
    shape = normalised.shape
    cos2 = upsample(sx / norm, factor, shape)
    sin2 = upsample(sy / norm, factor, shape)
    angle = np.mod(0.5 * np.arctan2(sin2, cos2), np.pi).astype(np.float32)
    norm2 = np.maximum(np.hypot(cos2, sin2), 1e-9)
    return OrientationField(
        angle=angle,
        coherence=upsample(coherence, factor, shape),
        doubled_cos=(cos2 / norm2).astype(np.float32),
        doubled_sin=(sin2 / norm2).astype(np.float32),
        coarse_coherence=coherence.astype(np.float32),
    )
