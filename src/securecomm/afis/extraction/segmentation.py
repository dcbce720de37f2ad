"""Foreground segmentation: which part of the image holds the print.

Method: block-wise gray-level variance and orientation coherence (Mehtre 1993; Bazen and
Gerez 2001, "Segmentation of fingerprint images"), with the contrast threshold set per image by
Otsu's method on the contrast histogram (bounded, relative to the image's own contrast), then
morphological clean-up (closing, hole filling, opening, removal of small components) as in
SourceAFIS' segmentation mask. Works on the coarse grid of the orientation stage.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from securecomm.afis.extraction.blocks import expand_nearest
from securecomm.afis.extraction.parameters import ExtractionParameters
from securecomm.afis.types import FloatArray


def segment(
    coarse_deviation: FloatArray,
    coarse_coherence: FloatArray,
    shape: tuple[int, int],
    params: ExtractionParameters,
) -> np.ndarray:
    """Per-pixel foreground mask (bool) from the coarse contrast and coherence maps."""
    factor = params.coarse_factor
    reference = float(np.percentile(coarse_deviation, 95))
    if reference <= 0:
        return np.zeros(shape, dtype=bool)
    ratio = coarse_deviation / reference
    threshold = float(
        np.clip(
            _otsu(ratio),
            params.segmentation_contrast_ratio,
            params.segmentation_max_contrast_ratio,
        )
    )
    contrasted = ratio >= threshold
    min_coherence = params.segmentation_min_coherence
    if params.segmentation_relative_coherence > 0 and contrasted.any():
        min_coherence = min(
            min_coherence,
            params.segmentation_relative_coherence * float(np.median(coarse_coherence[contrasted])),
        )
    cells = contrasted & (coarse_coherence >= min_coherence)
    cells = _clean(cells, params)
    return np.ascontiguousarray(expand_nearest(cells, factor, shape))


def _clean(cells: np.ndarray, params: ExtractionParameters) -> np.ndarray:
    """Closing (on a grid padded by the closing radius), hole filling, opening, and removal
    of components smaller than a fraction of the largest — ``ndimage``'s binary morphology
    (disk structures, cross connectivity, nothing outside the grid), in numba."""
    close = max(1, round(params.segmentation_closing_radius / params.coarse_factor))
    open_ = max(1, round(params.segmentation_opening_radius / params.coarse_factor))
    padded = np.pad(cells, close, mode="constant")
    close_reach = _row_reach(close)
    open_reach = _row_reach(open_)
    closed = _erode(_dilate(padded, close_reach), close_reach)[close:-close, close:-close]
    opened = _dilate(_erode(_fill_holes(np.ascontiguousarray(closed)), open_reach), open_reach)
    return _keep_large_components(opened, params.segmentation_min_component_ratio)


def _row_reach(radius: int) -> np.ndarray:
    """For each row offset −r…r of the disk ``_disk(radius)``, how far it reaches along x."""
    disk = _disk(radius)
    return np.array([int(np.flatnonzero(row).max()) - radius for row in disk], dtype=np.int64)


@njit(cache=True, nogil=True)
def _row_counts(image):  # pragma: no cover - numba
    """Per row, the number of set pixels before each column (prefix sums, width + 1)."""
    h, w = image.shape
    counts = np.zeros((h, w + 1), dtype=np.int64)
    for y in range(h):
        for x in range(w):
            counts[y, x + 1] = counts[y, x] + (1 if image[y, x] else 0)
    return counts


@njit(cache=True, nogil=True)
def _dilate(image, reach):  # pragma: no cover - numba
    """Set where any pixel of the disk around it is set (outside the grid counts as unset)."""
    h, w = image.shape
    r = reach.size // 2
    counts = _row_counts(image)
    out = np.zeros((h, w), dtype=np.bool_)
    for y in range(h):
        for x in range(w):
            for i in range(reach.size):
                yy = y + i - r
                if yy < 0 or yy >= h:
                    continue
                lo = max(x - reach[i], 0)
                hi = min(x + reach[i] + 1, w)
                if counts[yy, hi] > counts[yy, lo]:
                    out[y, x] = True
                    break
    return out


@njit(cache=True, nogil=True)
def _erode(image, reach):  # pragma: no cover - numba
    """Set where every pixel of the disk around it is set (outside the grid counts as unset)."""
    h, w = image.shape
    r = reach.size // 2
    counts = _row_counts(image)
    out = np.zeros((h, w), dtype=np.bool_)
    for y in range(h):
        for x in range(w):
            inside = True
            for i in range(reach.size):
                yy = y + i - r
                lo = x - reach[i]
                hi = x + reach[i] + 1
                if (
                    yy < 0
                    or yy >= h
                    or lo < 0
                    or hi > w
                    or counts[yy, hi] - counts[yy, lo] < hi - lo
                ):
                    inside = False
                    break
            out[y, x] = inside
    return out


@njit(cache=True, nogil=True)
def _flood(image, seen, stack, members, y0, x0, value):  # pragma: no cover
    """Mark the 4-connected component of pixels equal to ``value`` from (y0, x0) as seen;
    its pixels (flat indices) go to ``members``; returns how many."""
    h, w = image.shape
    seen[y0, x0] = True
    stack[0] = y0 * w + x0
    top = 1
    count = 0
    while top > 0:
        top -= 1
        p = stack[top]
        members[count] = p
        count += 1
        y = p // w
        x = p - y * w
        for k in range(4):
            yy = y + (k == 1) - (k == 0)
            xx = x + (k == 3) - (k == 2)
            if 0 <= yy < h and 0 <= xx < w and image[yy, xx] == value and not seen[yy, xx]:
                seen[yy, xx] = True
                stack[top] = yy * w + xx
                top += 1
    return count


@njit(cache=True, nogil=True)
def _fill_holes(image):  # pragma: no cover - numba
    """Set every unset pixel that is not 4-connected to the outside of the grid."""
    h, w = image.shape
    seen = np.zeros((h, w), dtype=np.bool_)
    stack = np.empty(h * w, dtype=np.int64)
    members = np.empty(h * w, dtype=np.int64)
    for y in range(h):
        for x in range(w):
            border = y == 0 or y == h - 1 or x == 0 or x == w - 1
            if border and not image[y, x] and not seen[y, x]:
                _flood(image, seen, stack, members, y, x, False)
    out = np.empty((h, w), dtype=np.bool_)
    for y in range(h):
        for x in range(w):
            out[y, x] = image[y, x] or not seen[y, x]
    return out


@njit(cache=True, nogil=True)
def _keep_large_components(image, ratio):  # pragma: no cover
    """The 4-connected components with at least ``ratio`` × the largest one's pixels."""
    h, w = image.shape
    seen = np.zeros((h, w), dtype=np.bool_)
    stack = np.empty(h * w, dtype=np.int64)
    members = np.empty(h * w, dtype=np.int64)
    label = np.full((h, w), -1, dtype=np.int64)
    sizes = np.empty(h * w, dtype=np.int64)
    n = 0
    for y in range(h):
        for x in range(w):
            if image[y, x] and not seen[y, x]:
                count = _flood(image, seen, stack, members, y, x, True)
                for i in range(count):
                    p = members[i]
                    label[p // w, p % w] = n
                sizes[n] = count
                n += 1
    out = np.zeros((h, w), dtype=np.bool_)
    if n == 0:
        return out
    largest = sizes[:n].max()
    for y in range(h):
        for x in range(w):
            k = label[y, x]
            if k >= 0 and (n == 1 or sizes[k] >= ratio * largest):
                out[y, x] = True
    return out


def _otsu(values: np.ndarray, bins: int = 64) -> float:
    """Otsu's (1979) threshold of ``values`` in [0, 1]: the split maximising the between-class
    variance, here between background and print contrast."""
    hist, edges = np.histogram(np.clip(values, 0.0, 1.0), bins=bins, range=(0.0, 1.0))
    centres = (edges[:-1] + edges[1:]) / 2.0
    weight0 = np.cumsum(hist)
    weight1 = weight0[-1] - weight0
    sum0 = np.cumsum(hist * centres)
    mean0 = sum0 / np.maximum(weight0, 1)
    mean1 = (sum0[-1] - sum0) / np.maximum(weight1, 1)
    between = weight0 * weight1 * (mean0 - mean1) ** 2
    return float(edges[1:][np.argmax(between)])


def _disk(radius: int) -> np.ndarray:
    r = np.arange(-radius, radius + 1)
    return (r[:, None] ** 2 + r[None, :] ** 2) <= radius * radius + radius
