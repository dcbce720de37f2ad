"""Local similarity of two bit-wise MCC cylinders (Cappelli et al. 2010, eq. 13 bit form).

Over the cells valid in both cylinders (their masks' intersection) with value bits ``a`` and
``b``: ``1 − √popcount(a ⊕ b) / (√popcount(a) + √popcount(b))``; zero when the minutiae's
directions differ by more than δθ, when fewer than minME of the cells are valid in both, or
when both masked cylinders are empty. Numba has no ``np.bitwise_count``, so popcount is the
LLVM ``ctpop`` intrinsic (one POPCNT instruction on x86-64).
"""

from __future__ import annotations

import numpy as np
from numba import njit, types
from numba.extending import intrinsic


@intrinsic
def popcount(typingctx, x):
    """Number of set bits of a uint64 (LLVM ctpop)."""
    sig = types.uint64(types.uint64)

    def codegen(context, builder, signature, args):
        return builder.ctpop(args[0])

    return sig, codegen


@njit(cache=True, nogil=True)
def similar_cells(
    values_a: np.ndarray,
    masks_a: np.ndarray,
    angle_a: np.ndarray,
    values_b: np.ndarray,
    masks_b: np.ndarray,
    angle_b: np.ndarray,
    sqrt_table: np.ndarray,
    min_common_bits: int,
    max_direction_units: int,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, int]:
    """The non-zero Γ(i, j), in (i, j) order: rows, columns, Γ (float32) and their count.

    The comparator needs only these (the matrix is mostly zeros: half the pairs differ in
    direction); angles in 1/256 turn.
    """
    na = values_a.shape[0]
    nb = values_b.shape[0]
    words = values_a.shape[1]
    rows = np.empty(na * nb, dtype=np.int32)
    cols = np.empty(na * nb, dtype=np.int32)
    gamma = np.empty(na * nb, dtype=np.float32)
    n = 0
    for i in range(na):
        ai = int(angle_a[i])
        for j in range(nb):
            d = (ai - int(angle_b[j])) & 255
            if d > 128:
                d = 256 - d
            if d > max_direction_units:
                continue
            common = 0
            ca = 0
            cb = 0
            cx = 0
            for w in range(words):
                m = masks_a[i, w] & masks_b[j, w]
                va = values_a[i, w] & m
                vb = values_b[j, w] & m
                common += popcount(m)  # type: ignore[call-arg]  # numba intrinsic: typed by numba
                ca += popcount(va)
                cb += popcount(vb)
                cx += popcount(va ^ vb)
            if common < min_common_bits:
                continue
            denom = sqrt_table[ca] + sqrt_table[cb]
            if denom > 0.0:
                g = np.float32(1.0 - sqrt_table[cx] / denom)
                if g > 0.0:
                    rows[n] = i
                    cols[n] = j
                    gamma[n] = g
                    n += 1
    return rows, cols, gamma, n


@njit(cache=True, nogil=True)
def similarity_matrix(
    values_a: np.ndarray,
    masks_a: np.ndarray,
    angle_a: np.ndarray,
    values_b: np.ndarray,
    masks_b: np.ndarray,
    angle_b: np.ndarray,
    sqrt_table: np.ndarray,
    min_common_bits: int,
    max_direction_units: int,
) -> np.ndarray:
    """Γ(i, j) for every cylinder i of A and j of B (float32, nA × nB); angles in 1/256 turn."""
    rows, cols, g, n = similar_cells(
        values_a, masks_a, angle_a, values_b, masks_b, angle_b, sqrt_table, min_common_bits,
        max_direction_units,
    )  # fmt: skip
    gamma = np.zeros((values_a.shape[0], values_b.shape[0]), dtype=np.float32)
    for t in range(n):
        gamma[rows[t], cols[t]] = g[t]
    return gamma
