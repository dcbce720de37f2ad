"""Ridge enhancement by contextual filtering in the Fourier domain.

Method: short-time Fourier transform analysis and filtering of Chikkerur, Cartwright and
Govindaraju (2007), "Fingerprint enhancement using STFT analysis" (after Sherlock, Monro and
Millard 1994, "Fingerprint enhancement by directional Fourier filtering"). Overlapping
Hann-windowed tiles are transformed; each tile's spectrum is multiplied by a separable filter —
a log-Gaussian band-pass centred on the local ridge frequency (from ``frequency``) times an
angular Gaussian centred on the direction normal to the local ridges (from ``orientation``),
narrower where the orientation is coherent — and the tiles are overlap-added. It plays the role of
Hong–Wan–Jain's oriented Gabor filter bank at a fraction of the cost (one FFT pair per tile
instead of one spatial convolution per pixel; see ``docs/afis-extraction.md`` for the
measurement).
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import scipy.fft
from numba import njit

from securecomm.afis.extraction.orientation import OrientationField
from securecomm.afis.extraction.parameters import ExtractionParameters
from securecomm.afis.types import FloatArray


def enhance(
    normalised: FloatArray,
    orientation: OrientationField,
    period: FloatArray,
    mask: np.ndarray,
    params: ExtractionParameters,
) -> FloatArray:
    """Enhanced ridge image: ridges positive, valleys negative, 0 outside the mask."""
    size = params.enhancement_window
    step = params.enhancement_step
    h, w = normalised.shape
    half = size // 2
    # tile (i, j) is centred on pixel (i·step + step/2, j·step + step/2)
    rows = -(-h // step)
    cols = -(-w // step)
    centre_y = np.minimum(np.arange(rows) * step + step // 2, h - 1)
    centre_x = np.minimum(np.arange(cols) * step + step // 2, w - 1)
    # the mask dilated by a diamond of radius half // 2 (= that many dilations by the cross)
    near = _within_city_block(mask, half // 2)
    cy, cx = np.meshgrid(centre_y, centre_x, indexing="ij")
    selected = near[cy, cx]
    ty, tx = cy[selected], cx[selected]
    if ty.size == 0:
        return np.zeros_like(normalised)

    padded = _padded_source(normalised, near, size)
    window = np.outer(np.hanning(size + 2)[1:-1], np.hanning(size + 2)[1:-1]).astype(np.float32)
    tops = ty + size - half
    lefts = tx + size - half

    theta = 0.5 * np.arctan2(orientation.doubled_sin[ty, tx], orientation.doubled_cos[ty, tx])
    bank = _filter_bank(
        size,
        params.min_ridge_period,
        params.max_ridge_period,
        params.enhancement_radial_sigma,
        params.enhancement_angular_min,
        params.enhancement_angular_max,
    )
    a_bin = np.rint(np.mod(theta, np.pi) / np.pi * _ANGLE_BINS).astype(int) % _ANGLE_BINS
    p_bin = np.clip(
        np.rint((period[ty, tx] - params.min_ridge_period) / _PERIOD_STEP).astype(int),
        0,
        bank.shape[1] - 1,
    )
    c_bin = np.clip(
        (orientation.coherence[ty, tx] * _COHERENCE_BINS).astype(int), 0, _COHERENCE_BINS - 1
    )
    # Tiles go through in chunks that stay in the cache: gather × window → FFT → × filter →
    # inverse FFT → × window → overlap-add, in tile order (the same sums as one big batch).
    acc = np.zeros_like(padded)
    weight = np.zeros_like(padded)
    window2 = window * window
    for start in range(0, tops.size, _CHUNK):
        part = slice(start, start + _CHUNK)
        spectrum = scipy.fft.rfft2(
            _gather_tiles(padded, tops[part], lefts[part], window), axes=(1, 2), overwrite_x=True
        )
        _apply_filters(spectrum, bank, a_bin[part], p_bin[part], c_bin[part])
        filtered = scipy.fft.irfft2(spectrum, s=(size, size), axes=(1, 2), overwrite_x=True)
        _overlap_add(acc, weight, filtered, window, window2, tops[part], lefts[part])
    # acc / max(weight, 1e-3) inside the mask, 0 outside; then unit deviation over the mask
    out, inside = _normalised_sum(acc, weight, mask, size, np.float32(1e-3))
    scale = float(np.std(inside)) if inside.size else 1.0
    _scale_in_place(out, np.float32(max(scale, 1e-6)))
    return out


#: Tiles per FFT batch (32 × 32 float32 tiles: 4 KB each).
_CHUNK = 256


#: Filter bank quantisation: ridge orientation, ridge period (pixels) and coherence.
_ANGLE_BINS = 64
_PERIOD_STEP = 0.5
_COHERENCE_BINS = 4


@lru_cache(maxsize=4)
def _filter_bank(
    size: int,
    min_period: float,
    max_period: float,
    radial_sigma: float,
    angular_min: float,
    angular_max: float,
) -> np.ndarray:
    """All tile filters, indexed [orientation bin, period bin, coherence bin] (built once)."""
    theta = np.arange(_ANGLE_BINS) * np.pi / _ANGLE_BINS
    periods = np.arange(min_period, max_period + _PERIOD_STEP / 2, _PERIOD_STEP)
    coherence = (np.arange(_COHERENCE_BINS) + 0.5) / _COHERENCE_BINS
    t, p, c = np.meshgrid(theta, periods, coherence, indexing="ij")
    filters = _tile_filters(
        size, t.ravel(), 1.0 / p.ravel(), c.ravel(), radial_sigma, angular_min, angular_max
    )
    bank = filters.reshape(*t.shape, size, size // 2 + 1)
    bank.setflags(write=False)
    return bank


def _tile_filters(
    size: int,
    theta: np.ndarray,
    f0: np.ndarray,
    coherence: np.ndarray,
    radial_sigma: float,
    angular_min: float,
    angular_max: float,
) -> np.ndarray:
    fy = np.fft.fftfreq(size)[:, None]
    fx = np.fft.rfftfreq(size)[None, :]
    rho = np.hypot(fy, fx)
    phi = np.arctan2(fy, fx)
    log_rho = np.log(np.maximum(rho, 1e-6))
    # wave vector of the ridges is normal to them: θ + π/2
    normal = (theta + np.pi / 2)[:, None, None]
    delta = np.mod(phi[None] - normal + np.pi / 2, np.pi) - np.pi / 2
    sigma_a = angular_max - (angular_max - angular_min) * np.clip(coherence, 0.0, 1.0)
    angular = np.exp(-(delta * delta) / (2.0 * sigma_a[:, None, None] ** 2))
    radial_arg = log_rho[None] - np.log(f0)[:, None, None]
    radial = np.exp(-(radial_arg * radial_arg) / (2.0 * radial_sigma**2))
    radial[:, 0, 0] = 0.0
    return (angular * radial).astype(np.float32)


@njit(cache=True, nogil=True)
def _within_city_block(mask, radius):  # pragma: no cover
    """Pixels within city-block distance ``radius`` of the mask: the same set as ``radius``
    binary dilations by the 3 × 3 cross (two-pass chamfer distance, exact for this metric)."""
    h, w = mask.shape
    far = h + w + radius + 1  # farther than any pixel of the image, and than radius
    d = np.empty((h, w), dtype=np.int64)
    for y in range(h):
        for x in range(w):
            if mask[y, x]:
                d[y, x] = 0
            else:
                v = far
                if y > 0:
                    v = min(v, d[y - 1, x] + 1)
                if x > 0:
                    v = min(v, d[y, x - 1] + 1)
                d[y, x] = v
    out = np.empty((h, w), dtype=np.bool_)
    for y in range(h - 1, -1, -1):
        for x in range(w - 1, -1, -1):
            v = d[y, x]
            if y < h - 1:
                v = min(v, d[y + 1, x] + 1)
            if x < w - 1:
                v = min(v, d[y, x + 1] + 1)
            d[y, x] = v
            out[y, x] = v <= radius
    return out


@njit(cache=True, nogil=True)
def _padded_source(normalised, near, size):  # pragma: no cover
    """The normalised image where ``near`` (0 elsewhere), with ``size`` zeros around it."""
    h, w = normalised.shape
    out = np.zeros((h + 2 * size, w + 2 * size), dtype=np.float32)
    for y in range(h):
        for x in range(w):
            if near[y, x]:
                out[y + size, x + size] = normalised[y, x]
    return out


@njit(cache=True, nogil=True)
def _normalised_sum(acc, weight, mask, size, floor):  # pragma: no cover
    """The overlap-added image divided by its window weight (float32), 0 outside the mask, and
    its values inside the mask in raster order (what ``out[mask]`` gives)."""
    h, w = mask.shape
    out = np.zeros((h, w), dtype=np.float32)
    inside = np.empty(h * w, dtype=np.float32)
    n = 0
    for y in range(h):
        for x in range(w):
            if mask[y, x]:
                v = acc[y + size, x + size] / max(weight[y + size, x + size], floor)
                out[y, x] = v
                inside[n] = v
                n += 1
    return out, inside[:n]


@njit(cache=True, nogil=True)
def _scale_in_place(image, scale):  # pragma: no cover - numba
    h, w = image.shape
    for y in range(h):
        for x in range(w):
            image[y, x] = image[y, x] / scale


@njit(cache=True, nogil=True)
def _gather_tiles(padded, tops, lefts, window):  # pragma: no cover
    size = window.shape[0]
    out = np.empty((tops.size, size, size), dtype=np.float32)
    for k in range(tops.size):
        t = tops[k]
        left = lefts[k]
        for i in range(size):
            for j in range(size):
                out[k, i, j] = padded[t + i, left + j] * window[i, j]
    return out


@njit(cache=True, nogil=True)
def _apply_filters(spectrum, bank, a_bin, p_bin, c_bin):  # pragma: no cover
    """spectrum[k] *= bank[a_bin[k], p_bin[k], c_bin[k]] (a real filter: both parts scaled,
    as numpy's complex × (real + 0j) computes them)."""
    rows, cols = spectrum.shape[1], spectrum.shape[2]
    for k in range(spectrum.shape[0]):
        f = bank[a_bin[k], p_bin[k], c_bin[k]]
        for i in range(rows):
            for j in range(cols):
                v = spectrum[k, i, j]
                spectrum[k, i, j] = complex(v.real * f[i, j], v.imag * f[i, j])


@njit(cache=True, nogil=True)
def _overlap_add(acc, weight, tiles, window, window2, tops, lefts):  # pragma: no cover
    size = tiles.shape[1]
    for k in range(tops.size):
        t = tops[k]
        left = lefts[k]
        for i in range(size):
            for j in range(size):
                acc[t + i, left + j] += tiles[k, i, j] * window[i, j]
                weight[t + i, left + j] += window2[i, j]
