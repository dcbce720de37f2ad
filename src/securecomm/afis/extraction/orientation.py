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
from numba import njit
from scipy import ndimage

from securecomm.afis.extraction.blocks import (
    block_mean_products,
    gaussian_kernel,
    gaussian_smooth,
    smooth_cells,
    upsample,
)
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
    gx, gy = gaussian_gradients(normalised, params.gradient_sigma)
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
    sx = gaussian_smooth(vx, wide, truncate=2.5)
    sy = gaussian_smooth(vy, wide, truncate=2.5)
    norm = np.maximum(np.hypot(sx, sy), 1e-9)
    shape = normalised.shape
    cos2 = upsample(sx / norm, factor, shape)
    sin2 = upsample(sy / norm, factor, shape)
    # angle = (½·atan2(sin 2θ, cos 2θ)) mod π; the unit doubled-angle vector (numpy's arctan2,
    # the rest in one pass with the same float32 arithmetic)
    angle, doubled_cos, doubled_sin = _field(cos2, sin2, np.arctan2(sin2, cos2))
    return OrientationField(
        angle=angle,
        coherence=upsample(coherence, factor, shape),
        doubled_cos=doubled_cos,
        doubled_sin=doubled_sin,
        coarse_coherence=coherence.astype(np.float32),
    )


def gaussian_gradients(image: FloatArray, sigma: float) -> tuple[FloatArray, FloatArray]:
    """Derivative-of-Gaussian gradients (x, y) of a float32 image, truncated at 3σ.

    The values of ``ndimage.gaussian_filter(image, sigma, order=(0, 1))`` and ``order=(1, 0)``
    exactly: the same kernels, the same symmetric-kernel sums in double precision in the same
    order, the same mirror ("reflect") borders and a float32 result after each axis — in one
    numba pass per axis for both gradients.
    """
    radius = int(3.0 * float(sigma) + 0.5)
    if min(image.shape) <= radius:
        gx = ndimage.gaussian_filter(image, sigma, order=(0, 1), truncate=3.0)
        gy = ndimage.gaussian_filter(image, sigma, order=(1, 0), truncate=3.0)
        return gx, gy
    # correlation weights, as gaussian_filter1d takes them (the kernel reversed)
    smooth = gaussian_kernel(float(sigma), 0, radius)[::-1].copy()
    derivative = gaussian_kernel(float(sigma), 1, radius)[::-1].copy()
    return _gradients(np.ascontiguousarray(image, dtype=np.float32), smooth, derivative)


@njit(cache=True, nogil=True)
def _mirror(i, n):  # pragma: no cover - numba
    """Index into a line of length n extended by mirroring (d c b a | a b c d | d c b a)."""
    if i < 0:
        return -i - 1
    if i >= n:
        return 2 * n - i - 1
    return i


@njit(cache=True, nogil=True)
def _gradients(image, smooth, derivative):  # pragma: no cover
    """ndimage's correlate1d for a symmetric kernel: w₀·v[0] + Σ_{j = r…1} (v[−j] + v[j])·w₋ⱼ
    (antisymmetric: v[−j] − v[j]), in double, rounded to float32 after each axis. The sums
    run over whole rows at a time (the same terms in the same order for every pixel)."""
    h, w = image.shape
    r = smooth.size // 2
    s_row = np.empty(w)
    d_row = np.empty(w)
    along_y_smooth = np.empty((h, w), dtype=np.float32)
    along_y_derivative = np.empty((h, w), dtype=np.float32)
    for y in range(h):
        for x in range(w):
            centre = np.float64(image[y, x])
            s_row[x] = centre * smooth[r]
            d_row[x] = centre * derivative[r]
        for j in range(r, 0, -1):
            before = image[_mirror(y - j, h)]
            after = image[_mirror(y + j, h)]
            ws = smooth[r - j]
            wd = derivative[r - j]
            for x in range(w):
                b = np.float64(before[x])
                a = np.float64(after[x])
                s_row[x] += (b + a) * ws
                d_row[x] += (b - a) * wd
        for x in range(w):
            along_y_smooth[y, x] = np.float32(s_row[x])
            along_y_derivative[y, x] = np.float32(d_row[x])
    gx = np.empty((h, w), dtype=np.float32)
    gy = np.empty((h, w), dtype=np.float32)
    padded_s = np.empty(w + 2 * r)
    padded_d = np.empty(w + 2 * r)
    for y in range(h):
        for i in range(w + 2 * r):
            x = _mirror(i - r, w)
            padded_s[i] = np.float64(along_y_smooth[y, x])
            padded_d[i] = np.float64(along_y_derivative[y, x])
        for x in range(w):
            d_row[x] = padded_s[x + r] * derivative[r]
            s_row[x] = padded_d[x + r] * smooth[r]
        for j in range(r, 0, -1):
            ws = smooth[r - j]
            wd = derivative[r - j]
            for x in range(w):
                d_row[x] += (padded_s[x + r - j] - padded_s[x + r + j]) * wd
                s_row[x] += (padded_d[x + r - j] + padded_d[x + r + j]) * ws
        for x in range(w):
            gx[y, x] = np.float32(d_row[x])
            gy[y, x] = np.float32(s_row[x])
    return gx, gy


def screen_orientation(angle: FloatArray) -> FloatArray:
    """Image orientation (y down) → counter-clockwise on screen, in [0, π): (−θ) mod π."""
    return _screen(angle)


@njit(cache=True, nogil=True)
def _mod_positive(a, b):  # pragma: no cover - numba
    """numpy's float remainder for b > 0: fmod (exact; a itself when |a| < b), plus b when
    the signs differ."""
    m = a if -b < a < b else np.fmod(a, b)
    if m == 0:
        return b * 0
    if m < 0:
        m += b
    return m


@njit(cache=True, nogil=True)
def _field(cos2, sin2, atan):  # pragma: no cover - numba
    h, w = cos2.shape
    pi = np.float32(np.pi)
    half = np.float32(0.5)
    tiny = np.float32(1e-9)
    angle = np.empty((h, w), dtype=np.float32)
    unit_cos = np.empty((h, w), dtype=np.float32)
    unit_sin = np.empty((h, w), dtype=np.float32)
    for y in range(h):
        for x in range(w):
            angle[y, x] = _mod_positive(half * atan[y, x], pi)
            # hypot of two float32 values as the C library's hypotf computes it: the square
            # root in double precision of the (exact) double squares, rounded once to float32
            c = np.float64(cos2[y, x])
            s = np.float64(sin2[y, x])
            norm = max(np.float32(np.sqrt(c * c + s * s)), tiny)
            unit_cos[y, x] = cos2[y, x] / norm
            unit_sin[y, x] = sin2[y, x] / norm
    return angle, unit_cos, unit_sin


@njit(cache=True, nogil=True)
def _screen(angle):  # pragma: no cover - numba
    h, w = angle.shape
    pi = np.float32(np.pi)
    out = np.empty((h, w), dtype=np.float32)
    for y in range(h):
        for x in range(w):
            out[y, x] = _mod_positive(-angle[y, x], pi)
    return out
