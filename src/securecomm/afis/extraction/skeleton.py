"""Binarisation of the enhanced image and thinning to a one-pixel-wide ridge skeleton.

Binarisation: the enhanced image is a zero-mean band-pass signal, so its sign separates ridges
from valleys (no threshold to tune); specks and pinholes smaller than a few pixels are removed.
(Mixing some of the normalised image in before taking the sign, to stop the filter from
extending ridges into wide empty valleys, was measured and rejected: FVC2002 DB1 EER 3.6 % →
5.0 %, FVC2004 DB1 8.9 % → 17.1 %.)

Thinning: the parallel two-subiteration algorithm of Guo and Hall (1989), "Parallel thinning
with two-subiteration algorithms", in the look-up-table form of Lam, Lee and Suen (1992),
"Thinning methodologies — a comprehensive survey" (as in scikit-image's ``thin``). It keeps
8-connectivity and leaves no two-pixel-thick staircases, so the crossing number is reliable.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from securecomm.afis.types import FloatArray

#: Connected ridge or valley specks smaller than this many pixels are flipped.
_MIN_SPECK = 12


def binarise(enhanced: FloatArray, mask: np.ndarray) -> np.ndarray:
    """Ridge pixels (bool): positive enhanced response inside the mask, specks removed."""
    ridges = (enhanced > 0) & mask
    ridges = _remove_small(ridges)
    holes = _remove_small(~ridges & mask)
    return ridges | (mask & ~holes & ~ridges)


def _remove_small(binary: np.ndarray) -> np.ndarray:
    """The pixels of 4-connected components of at least ``_MIN_SPECK`` pixels (what
    ``ndimage.label`` with its default cross structure and a size filter keep)."""
    return _large_components(np.ascontiguousarray(binary), _MIN_SPECK)


@njit(cache=True, nogil=True)
def _large_components(binary, min_size):  # pragma: no cover
    """Flood fill (4-connected) each component; keep it when it has ``min_size`` pixels."""
    h, w = binary.shape
    keep = np.zeros((h, w), dtype=np.bool_)
    seen = np.zeros((h, w), dtype=np.bool_)
    stack = np.empty(h * w, dtype=np.int64)
    members = np.empty(h * w, dtype=np.int64)
    for y0 in range(h):
        for x0 in range(w):
            if not binary[y0, x0] or seen[y0, x0]:
                continue
            seen[y0, x0] = True
            top = 0
            stack[top] = y0 * w + x0
            top += 1
            count = 0
            while top > 0:
                top -= 1
                p = stack[top]
                members[count] = p
                count += 1
                y = p // w
                x = p - y * w
                if y > 0 and binary[y - 1, x] and not seen[y - 1, x]:
                    seen[y - 1, x] = True
                    stack[top] = p - w
                    top += 1
                if y < h - 1 and binary[y + 1, x] and not seen[y + 1, x]:
                    seen[y + 1, x] = True
                    stack[top] = p + w
                    top += 1
                if x > 0 and binary[y, x - 1] and not seen[y, x - 1]:
                    seen[y, x - 1] = True
                    stack[top] = p - 1
                    top += 1
                if x < w - 1 and binary[y, x + 1] and not seen[y, x + 1]:
                    seen[y, x + 1] = True
                    stack[top] = p + 1
                    top += 1
            if count >= min_size:
                for i in range(count):
                    p = members[i]
                    keep[p // w, p % w] = True
    return keep


def _thinning_tables() -> tuple[np.ndarray, np.ndarray]:
    """The two subiteration deletion tables, indexed by the 8-neighbour code.

    Bit k of the code is neighbour k counter-clockwise from east: E, NE, N, NW, W, SW, S, SE.
    """

    def bits(n: int) -> list[bool]:
        return [bool(n >> i & 1) for i in range(8)]

    def g1(b: list[bool]) -> bool:
        crossings = sum(1 for i in (0, 2, 4, 6) if not b[i] and (b[i + 1] or b[(i + 2) % 8]))
        return crossings == 1

    def g2(b: list[bool]) -> bool:
        n1 = sum(1 for k in (1, 3, 5, 7) if b[k] or b[k - 1])
        n2 = sum(1 for k in (1, 3, 5, 7) if b[k] or b[(k + 1) % 8])
        return min(n1, n2) in (2, 3)

    def g3(b: list[bool]) -> bool:
        return not ((b[1] or b[2] or not b[7]) and b[0])

    def g3p(b: list[bool]) -> bool:
        return not ((b[5] or b[6] or not b[3]) and b[4])

    first = np.array([g1(bits(n)) and g2(bits(n)) and g3(bits(n)) for n in range(256)])
    second = np.array([g1(bits(n)) and g2(bits(n)) and g3p(bits(n)) for n in range(256)])
    return first, second


_FIRST, _SECOND = _thinning_tables()


def thin(ridges: np.ndarray) -> np.ndarray:
    """One-pixel-wide, 8-connected skeleton of the ridge pixels (bool)."""
    image = np.zeros((ridges.shape[0] + 2, ridges.shape[1] + 2), dtype=np.uint8)
    image[1:-1, 1:-1] = ridges
    _thin_inplace(image, _FIRST, _SECOND)
    return image[1:-1, 1:-1].astype(bool)


@njit(cache=True)
def _neighbour_code(img, y, x):  # pragma: no cover - numba
    return (
        img[y, x + 1]
        | (img[y - 1, x + 1] << 1)
        | (img[y - 1, x] << 2)
        | (img[y - 1, x - 1] << 3)
        | (img[y, x - 1] << 4)
        | (img[y + 1, x - 1] << 5)
        | (img[y + 1, x] << 6)
        | (img[y + 1, x + 1] << 7)
    )


@njit(cache=True)
def _thin_inplace(img, first, second):  # pragma: no cover - numba
    h, w = img.shape
    ys = np.empty(h * w, dtype=np.int64)
    xs = np.empty(h * w, dtype=np.int64)
    # candidate list: the current ridge pixels
    n = 0
    for y in range(1, h - 1):
        for x in range(1, w - 1):
            if img[y, x]:
                ys[n] = y
                xs[n] = x
                n += 1
    del_y = np.empty(n, dtype=np.int64)
    del_x = np.empty(n, dtype=np.int64)
    changed = True
    while changed:
        changed = False
        for table_index in range(2):
            table = first if table_index == 0 else second
            d = 0
            for k in range(n):
                y = ys[k]
                x = xs[k]
                if img[y, x] and table[_neighbour_code(img, y, x)]:
                    del_y[d] = y
                    del_x[d] = x
                    d += 1
            for k in range(d):
                img[del_y[k], del_x[k]] = 0
            if d > 0:
                changed = True
        # compact the candidate list
        m = 0
        for k in range(n):
            if img[ys[k], xs[k]]:
                ys[m] = ys[k]
                xs[m] = xs[k]
                m += 1
        n = m
