"""Ridge frequency (period) map from oriented x-signatures.

Method: Hong, Wan and Jain (1998), "Fingerprint image enhancement: algorithm and performance
evaluation", §2.4: in an oriented window (long axis across the ridges) the gray levels are
averaged along the ridge direction, giving the x-signature, a sinusoid-like profile whose peak
spacing is the ridge period. Windows without a clear signature (fewer than two peaks, period out
of range) are unknown and filled by normalised convolution (Knutsson and Westin 1993) with a
Gaussian — which also smooths the map — then interpolated bilinearly to pixels.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from securecomm.afis.extraction.blocks import block_centres, gaussian_smooth, upsample
from securecomm.afis.extraction.orientation import OrientationField
from securecomm.afis.extraction.parameters import ExtractionParameters
from securecomm.afis.types import FloatArray

#: Largest deviation of one peak spacing from the mean spacing, as a fraction of it.
_MAX_SPACING_SPREAD = 0.35


def estimate_ridge_period(
    normalised: FloatArray,
    orientation: OrientationField,
    mask: np.ndarray,
    params: ExtractionParameters,
) -> tuple[FloatArray, FloatArray]:
    """Return (period per pixel, period per frequency-grid cell; NaN where not measured)."""
    step = params.frequency_step
    shape = normalised.shape
    cy, cx = block_centres(shape, step)
    gy, gx = np.meshgrid(cy, cx, indexing="ij")
    iy = np.rint(gy).astype(int)
    ix = np.rint(gx).astype(int)
    inside = mask[iy, ix]
    theta = orientation.angle[iy[inside], ix[inside]].astype(np.float64)
    length, width = params.frequency_window_length, params.frequency_window_width
    # ridge direction t = (cos θ, sin θ); normal n = (−sin θ, cos θ)  (x, y)
    signatures = _x_signatures(normalised, gy[inside], gx[inside], theta, length, width)
    periods = _periods_from_signatures(
        signatures.astype(np.float64), params.min_ridge_period, params.max_ridge_period
    )
    grid = np.full(gy.shape, np.nan, dtype=np.float32)
    grid[inside] = periods
    filled = _fill_and_smooth(grid, inside, params)
    return upsample(filled, step, shape), grid


def _fill_and_smooth(
    grid: np.ndarray, inside: np.ndarray, params: ExtractionParameters
) -> np.ndarray:
    valid = np.isfinite(grid)
    values = np.where(valid, grid, 0.0).astype(np.float64)
    weights = valid.astype(np.float64)
    sigma = params.frequency_smoothing_blocks
    num = gaussian_smooth(values, sigma, truncate=3.0)
    den = gaussian_smooth(weights, sigma, truncate=3.0)
    fallback = float(np.median(grid[valid])) if valid.any() else params.default_ridge_period
    smoothed = np.where(den > 1e-3, num / np.maximum(den, 1e-12), fallback)
    return np.clip(smoothed, params.min_ridge_period, params.max_ridge_period).astype(np.float32)


@njit(cache=True)
def _x_signatures(image, cy, cx, theta, length, width):  # pragma: no cover - numba
    """Mean of bilinear samples along the ridge (width) at each offset across it (length)."""
    h, w = image.shape
    out = np.zeros((cy.size, length))
    for k in range(cy.size):
        tx = np.cos(theta[k])
        ty = np.sin(theta[k])
        for i in range(length):
            a = i - (length - 1) / 2.0
            total = 0.0
            for j in range(width):
                b = j - (width - 1) / 2.0
                x = cx[k] - a * ty + b * tx
                y = cy[k] + a * tx + b * ty
                x = min(max(x, 0.0), w - 1.0)
                y = min(max(y, 0.0), h - 1.0)
                x0 = min(int(x), w - 2)
                y0 = min(int(y), h - 2)
                fx = x - x0
                fy = y - y0
                total += (
                    image[y0, x0] * (1 - fx) * (1 - fy)
                    + image[y0, x0 + 1] * fx * (1 - fy)
                    + image[y0 + 1, x0] * (1 - fx) * fy
                    + image[y0 + 1, x0 + 1] * fx * fy
                )
            out[k, i] = total / width
    return out


@njit(cache=True)
def _periods_from_signatures(signatures, min_period, max_period):  # pragma: no cover - numba
    """Mean peak spacing of each signature (sub-pixel peaks); NaN when unclear.

    The signature is smoothed with a 5-tap binomial kernel; peaks closer than ``min_period``
    to the previous one are ignored (pores and bridges), and signatures whose peak spacings
    vary by more than ``_MAX_SPACING_SPREAD`` of their mean are rejected, to be filled from
    their neighbours.
    """
    count, length = signatures.shape
    out = np.full(count, np.nan, dtype=np.float32)
    smooth = np.empty(length)
    peaks = np.empty(length)
    for k in range(count):
        s = signatures[k]
        for i in range(length):
            total = 0.0
            weight = 0.0
            for d, w in ((-2, 1.0), (-1, 4.0), (0, 6.0), (1, 4.0), (2, 1.0)):
                j = i + d
                if 0 <= j < length:
                    total += w * s[j]
                    weight += w
            smooth[i] = total / weight
        mean = 0.0
        for i in range(length):
            mean += smooth[i]
        mean /= length
        amplitude = 0.0
        for i in range(length):
            amplitude += abs(smooth[i] - mean)
        amplitude /= length
        if amplitude < 0.15:
            continue
        n = 0
        for i in range(1, length - 1):
            a, b, c = smooth[i - 1], smooth[i], smooth[i + 1]
            if b > a and b >= c and b > mean:
                denom = a - 2.0 * b + c
                offset = 0.5 * (a - c) / denom if denom < 0 else 0.0
                pos = i + offset
                if n > 0 and pos - peaks[n - 1] < min_period:
                    if b > smooth[int(peaks[n - 1] + 0.5)]:
                        peaks[n - 1] = pos
                    continue
                peaks[n] = pos
                n += 1
        if n < 2:
            continue
        period = (peaks[n - 1] - peaks[0]) / (n - 1)
        spread = 0.0
        for i in range(1, n):
            spread = max(spread, abs(peaks[i] - peaks[i - 1] - period))
        if spread > _MAX_SPACING_SPREAD * period:
            continue
        if min_period <= period <= max_period:
            out[k] = period
    return out
