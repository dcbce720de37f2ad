"""Per-finger Bloom codes of binarised minutia cylinders hashed by locality-sensitive hashing.

The pre-filter's per-finger code, after Cappelli, Ferrara & Maltoni, "Fingerprint indexing based
on Minutia Cylinder-Code" (IEEE TPAMI 33(5), 2011): every minutia gets a *binary cylinder* — a
grid of ``Ns × Ns`` spatial cells of a disc of radius ``R`` centred on the minutia and rotated
to its direction, times ``Nd`` sections of relative ridge direction — whose cell is set when a
neighbouring minutia lies near the cell centre (within ``rs`` pixels) with a relative direction
near the section (within ``rd`` of it). This is the binarised MCC contribution (a sum of
Gaussians above a threshold ≈ "some neighbour close enough") computed by direct dilation,
which costs a few cells per neighbour instead of every cell.

Each cylinder is then hashed by ``L`` bit-sampling LSH functions (Indyk & Motwani 1998): hash
``l`` reads ``h`` fixed cells of the cylinder; the ``h``-bit key, mixed with ``l``, sets one bit
of the finger's ``B``-bit code (a Bloom filter of the finger's LSH keys). Two fingers are then
compared, like any Bloom code here, by the excess of common bits over chance (:mod:`kernels`).
Keys with fewer than ``min_ones`` set cells (near-empty neighbourhoods collide between unrelated
fingers) are not hashed. MCC's validity mask (cells outside the minutiae's convex hull are
"unknown") was tried and measured worse here: it discards most keys of partial impressions.
"""

from __future__ import annotations

import math

import numba as nb
import numpy as np
import numpy.typing as npt

_TWO_PI = 2.0 * math.pi
_FIB = np.uint64(11400714819323198485)
_MIX = np.uint64(0x9E3779B97F4A7C15)


def lsh_cells(ns: int, nd: int, lsh_hashes: int, lsh_bits: int, seed: int) -> np.ndarray:
    """The ``(L, h)`` cylinder cells each LSH function reads (cells inside the disc only).

    Cells are ``(a * ns + b) * nd + s``. Fixed by ``seed`` so galleries and probes agree."""
    half = (ns - 1) / 2.0
    inside = [
        (a * ns + b) * nd + s
        for a in range(ns)
        for b in range(ns)
        if (a - half) ** 2 + (b - half) ** 2 <= (ns / 2.0) ** 2
        for s in range(nd)
    ]
    rng = np.random.default_rng(seed)
    return np.stack(
        [rng.choice(np.array(inside), size=lsh_bits, replace=False) for _ in range(lsh_hashes)]
    ).astype(np.int64)


@nb.njit(parallel=True, cache=True)
def cylinder_codes_kernel(
    offsets: npt.NDArray[np.int64],
    x: npt.NDArray[np.float32],
    y: npt.NDArray[np.float32],
    angle: npt.NDArray[np.float32],
    cells: npt.NDArray[np.int64],
    radius: float,
    ns: int,
    nd: int,
    rs: float,
    rd: float,
    min_ones: int,
    out: npt.NDArray[np.uint64],
    first_word: int,
    code_bits: int,
) -> None:
    """Set, in ``out[:, first_word:]``, the ``code_bits``-bit Bloom code of every finger's
    hashed binary cylinders."""
    fingers = len(offsets) - 1
    lsh_hashes, lsh_bits = cells.shape
    step = 2.0 * radius / ns
    half = (ns - 1) / 2.0
    sector = _TWO_PI / nd
    reach2 = (radius + rs) * (radius + rs)
    for f in nb.prange(fingers):
        a0 = offsets[f]
        n = offsets[f + 1] - a0
        if n < 2:
            continue
        # Math coordinates (y up) so that angles are counter-clockwise as seen (types.py).
        xs = np.empty(n)
        ys = np.empty(n)
        for i in range(n):
            xs[i] = x[a0 + i]
            ys[i] = -y[a0 + i]
        cyl = np.zeros(ns * ns * nd, dtype=np.uint8)
        for i in range(n):
            th = angle[a0 + i]
            c, s = math.cos(th), math.sin(th)
            cyl[:] = 0
            for j in range(n):
                if j == i:
                    continue
                dx = xs[j] - xs[i]
                dy = ys[j] - ys[i]
                if dx * dx + dy * dy > reach2:
                    continue
                u = dx * c + dy * s
                v = -dx * s + dy * c
                rel = (angle[a0 + j] - th) % _TWO_PI
                alo = max(0, int(np.ceil((u - rs) / step + half)))
                ahi = min(ns - 1, int(np.floor((u + rs) / step + half)))
                blo = max(0, int(np.ceil((v - rs) / step + half)))
                bhi = min(ns - 1, int(np.floor((v + rs) / step + half)))
                for a in range(alo, ahi + 1):
                    cu = (a - half) * step - u
                    for b in range(blo, bhi + 1):
                        cv = (b - half) * step - v
                        if cu * cu + cv * cv > rs * rs:
                            continue
                        for sd in range(nd):
                            dd = abs(rel - (sd + 0.5) * sector)
                            dd = min(dd, _TWO_PI - dd)
                            if dd <= 0.5 * sector + rd:
                                cyl[(a * ns + b) * nd + sd] = 1
            for hfn in range(lsh_hashes):
                key = np.uint64(0)
                ones = 0
                for q in range(lsh_bits):
                    bit = cyl[cells[hfn, q]]
                    ones += bit
                    key = (key << np.uint64(1)) | np.uint64(bit)
                if ones < min_ones:
                    continue
                hv = (key + np.uint64(hfn + 1) * _MIX) * _FIB
                hv ^= hv >> np.uint64(29)
                hv *= _FIB
                pos = int(hv >> np.uint64(32)) % code_bits
                out[f, first_word + (pos >> 6)] |= np.uint64(1) << np.uint64(pos & 63)
