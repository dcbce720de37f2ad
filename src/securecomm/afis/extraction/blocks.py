"""The block grid shared by segmentation, frequency and enhancement.

Block ``(i, j)`` covers pixels ``[i·b, (i+1)·b) × [j·b, (j+1)·b)``; its centre is sampled from
per-pixel maps, and block maps are brought back to pixels by bilinear interpolation between
block centres (or nearest block for masks).

The per-pixel passes (block sums, products of maps, bilinear upsampling) are numba loops that
perform exactly the arithmetic of the numpy expressions they replaced — float32 products,
float64 block sums rounded to float32, float32 interpolation without fused multiply-adds — so
the maps are the same as before, bit for bit, at a fraction of the memory traffic. Functions
with a transcendental step (exp, arctan2) leave it to numpy: numpy's SIMD versions round
differently from the C library numba calls.
"""

from __future__ import annotations

import numpy as np
from numba import njit
from scipy import ndimage

from securecomm.afis.types import FloatArray


def grid_shape(shape: tuple[int, int], block: int) -> tuple[int, int]:
    return (-(-shape[0] // block), -(-shape[1] // block))


def block_centres(shape: tuple[int, int], block: int) -> tuple[np.ndarray, np.ndarray]:
    """Row and column centre coordinates (pixels, clipped to the image) of the block grid."""
    rows, cols = grid_shape(shape, block)
    cy = np.minimum(np.arange(rows) * block + (block - 1) / 2.0, shape[0] - 1)
    cx = np.minimum(np.arange(cols) * block + (block - 1) / 2.0, shape[1] - 1)
    return cy, cx


def sample_at_centres(values: np.ndarray, block: int) -> np.ndarray:
    """Per-pixel map → block map (value at each block centre, nearest pixel)."""
    cy, cx = block_centres(values.shape, block)
    return values[np.rint(cy).astype(int)[:, None], np.rint(cx).astype(int)[None, :]]


def block_mean(values: np.ndarray, block: int) -> FloatArray:
    """Per-pixel map → block map (mean over each block, partial blocks included)."""
    return _block_means(np.ascontiguousarray(values), None, block)[0]


def block_mean_products(
    a: np.ndarray, b: np.ndarray, block: int
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Block means of ``a·b``, ``a·a`` and ``b·b`` (float32 products), in one pass."""
    out = _block_means(np.ascontiguousarray(a), np.ascontiguousarray(b), block)
    return out[0], out[1], out[2]


def block_mean_and_square(values: np.ndarray, block: int) -> tuple[FloatArray, FloatArray]:
    """Block means of ``v`` and of ``v·v`` for ``v = float32(values)``, in one pass."""
    out = _block_moments(np.ascontiguousarray(values), block)
    return out[0], out[1]


@njit(cache=True, nogil=True)
def _block_moments(values, block):  # pragma: no cover - numba
    h, w = values.shape
    rows = (h + block - 1) // block
    cols = (w + block - 1) // block
    total = np.zeros((2, rows, cols), dtype=np.float64)
    for y in range(h):
        r = y // block
        for x in range(w):
            c = x // block
            v = np.float32(values[y, x])
            total[0, r, c] += v
            total[1, r, c] += v * v
    out = np.empty((2, rows, cols), dtype=np.float32)
    for r in range(rows):
        count_y = min(block, h - r * block)
        for c in range(cols):
            count = float(count_y * min(block, w - c * block))
            out[0, r, c] = total[0, r, c] / count
            out[1, r, c] = total[1, r, c] / count
    return out


@njit(cache=True, nogil=True)
def _block_means(a, b, block):  # pragma: no cover - numba
    """Block means of a (b is None), or of a·b, a·a, b·b: float64 sums, float32 means."""
    h, w = a.shape
    rows = (h + block - 1) // block
    cols = (w + block - 1) // block
    maps = 1 if b is None else 3
    total = np.zeros((maps, rows, cols), dtype=np.float64)
    for y in range(h):
        r = y // block
        for x in range(w):
            c = x // block
            va = a[y, x]
            if b is None:
                total[0, r, c] += va
            else:
                vb = b[y, x]
                total[0, r, c] += va * vb
                total[1, r, c] += va * va
                total[2, r, c] += vb * vb
    out = np.empty((maps, rows, cols), dtype=np.float32)
    for r in range(rows):
        count_y = min(block, h - r * block)
        for c in range(cols):
            count = float(count_y * min(block, w - c * block))
            for m in range(maps):
                out[m, r, c] = total[m, r, c] / count
    return out


def expand_nearest(blocks: np.ndarray, block: int, shape: tuple[int, int]) -> np.ndarray:
    """Block map → per-pixel map, each pixel taking its block's value."""
    return np.repeat(np.repeat(blocks, block, axis=0), block, axis=1)[: shape[0], : shape[1]]


def smooth_coarse(values: np.ndarray, factor: int, sigma: float) -> FloatArray:
    """Gaussian smoothing (sigma in pixels) computed on a grid ``factor`` times coarser.

    Block means followed by a Gaussian of ``sigma / factor`` cells: for the wide windows of
    the orientation, normalisation and segmentation stages this matches full-resolution
    filtering to within a fraction of a percent, at a small fraction of the cost.
    """
    return smooth_cells(block_mean(values, factor), factor, sigma)


def smooth_cells(coarse: np.ndarray, factor: int, sigma: float) -> FloatArray:
    """The Gaussian step of ``smooth_coarse`` on block means already computed."""
    return gaussian_smooth(coarse, sigma / factor, truncate=3.0)


def gaussian_smooth(image: np.ndarray, sigma: float, truncate: float) -> np.ndarray:
    """``ndimage.gaussian_filter(image, sigma, mode="nearest", truncate=truncate)``, exactly.

    The same kernel, the same symmetric-kernel sums in double precision in the same order
    (w₀·v[0] + Σ_{j = r…1} (v[−j] + v[j])·w₋ⱼ), edge values repeated beyond the border, and
    the input's dtype after each axis — as numba loops over whole rows, without ndimage's
    per-line buffering (these grids are small, so that overhead dominated).
    """
    radius = int(truncate * float(sigma) + 0.5)
    if radius == 0 or image.ndim != 2 or image.dtype not in (np.float32, np.float64):
        return ndimage.gaussian_filter(image, sigma, mode="nearest", truncate=truncate)
    weights = gaussian_kernel(float(sigma), 0, radius)[::-1].copy()
    return _smooth_nearest(np.ascontiguousarray(image), weights)


def gaussian_kernel(sigma: float, order: int, radius: int) -> np.ndarray:
    """scipy.ndimage's 1-D Gaussian kernel of the given derivative order (its arithmetic)."""
    exponent_range = np.arange(order + 1)
    sigma2 = sigma * sigma
    x = np.arange(-radius, radius + 1)
    phi_x = np.exp(-0.5 / sigma2 * x**2)
    phi_x = phi_x / phi_x.sum()
    if order == 0:
        return phi_x
    q = np.zeros(order + 1)
    q[0] = 1
    d_matrix = np.diag(exponent_range[1:], 1)
    p_matrix = np.diag(np.ones(order) / -sigma2, -1)
    q_deriv = d_matrix + p_matrix
    for _ in range(order):
        q = q_deriv.dot(q)
    q = (x[:, None] ** exponent_range).dot(q)
    return q * phi_x


@njit(cache=True, nogil=True)
def _smooth_nearest(image, weights):  # pragma: no cover - numba
    h, w = image.shape
    r = weights.size // 2
    row = np.empty(w)
    along_y = np.empty_like(image)
    for y in range(h):
        for x in range(w):
            row[x] = np.float64(image[y, x]) * weights[r]
        for j in range(r, 0, -1):
            before = image[max(y - j, 0)]
            after = image[min(y + j, h - 1)]
            weight = weights[r - j]
            for x in range(w):
                row[x] += (np.float64(before[x]) + np.float64(after[x])) * weight
        for x in range(w):
            along_y[y, x] = row[x]
    out = np.empty_like(image)
    padded = np.empty(w + 2 * r)
    for y in range(h):
        for i in range(w + 2 * r):
            padded[i] = np.float64(along_y[y, min(max(i - r, 0), w - 1)])
        for x in range(w):
            row[x] = padded[x + r] * weights[r]
        for j in range(r, 0, -1):
            weight = weights[r - j]
            for x in range(w):
                row[x] += (padded[x + r - j] + padded[x + r + j]) * weight
        for x in range(w):
            out[y, x] = row[x]
    return out


def upsample(coarse: np.ndarray, factor: int, shape: tuple[int, int]) -> FloatArray:
    """Coarse grid (cell centres at ``(i + ½)·factor − ½``) → pixels, bilinear (separable)."""
    weights = interpolation(coarse.shape, factor, shape)
    return _upsample(np.ascontiguousarray(coarse, dtype=np.float32), *weights)


Interpolation = tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray,
                      np.ndarray, np.ndarray]  # fmt: skip


def interpolation(cells: tuple[int, int], factor: int, shape: tuple[int, int]) -> Interpolation:
    """Row and column source cells and float32 weights of ``upsample``."""
    r_low, r_high, r_frac = _interpolation_weights(shape[0], cells[0], factor)
    c_low, c_high, c_frac = _interpolation_weights(shape[1], cells[1], factor)
    one = np.float32(1.0)
    return (r_low, r_high, one - r_frac, r_frac, c_low, c_high, one - c_frac, c_frac)


@njit(cache=True, nogil=True)
def _upsample(grid, r_low, r_high, r_w0, r_w1, c_low, c_high, c_w0, c_w1):  # pragma: no cover
    """``(grid[r_low]·r_w0 + grid[r_high]·r_w1)`` then the same along columns, in float32."""
    h = r_low.size
    w = c_low.size
    cells = grid.shape[1]
    rows = np.empty(cells, dtype=np.float32)
    out = np.empty((h, w), dtype=np.float32)
    for y in range(h):
        lo = r_low[y]
        hi = r_high[y]
        for c in range(cells):
            rows[c] = grid[lo, c] * r_w0[y] + grid[hi, c] * r_w1[y]
        for x in range(w):
            out[y, x] = rows[c_low[x]] * c_w0[x] + rows[c_high[x]] * c_w1[x]
    return out


def _interpolation_weights(
    size: int, cells: int, factor: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    pos = (np.arange(size) - (factor - 1) / 2.0) / factor
    pos = np.clip(pos, 0.0, cells - 1)
    low = np.floor(pos).astype(np.int64)
    high = np.minimum(low + 1, cells - 1)
    return low, high, (pos - low).astype(np.float32)
