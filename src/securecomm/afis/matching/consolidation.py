"""Consolidation of local similarities into one score: LSS-R (Cappelli et al. 2010, §5).

1. The best one-to-one pairs by local similarity (a counting sort on quantised Γ, then greedy:
   a pair is taken when neither minutia is already paired) — at most min(nA, nB) of them.
2. Relaxation: each pair's similarity λ is repeatedly mixed with the similarities of the pairs
   that are geometrically compatible with it, ρ(i, k) = Z(d₁)·Z(d₂)·Z(d₃) with d₁ the difference
   of the two inter-minutia distances, d₂ of the relative directions and d₃ of the radial
   angles; λᵗ = w·λᵗ⁻¹ + (1 − w)·Σₖ ρ(i, k)·λᵗ⁻¹ₖ / (n − 1).
3. The score is the mean relaxed λ of the n_P pairs whose λ kept best through the relaxation
   (efficiency λ_final / λ_initial). The sigmoids Z are lookup tables (angles in 1/256 turn,
   distances in 1/4 pixel), so the kernel needs no transcendental function.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

from securecomm.afis.matching import parameters as P

DISTANCE_STEPS_PER_PIXEL = 4
DISTANCE_TABLE_SIZE = 160  # 40 px: beyond it Z(d₁) < 1e-20
#: ρ below this is stored as 0. The tables reach 1e-58 and their products underflow: float32
#: arithmetic on subnormal numbers (below 2⁻¹²⁶) takes a slow path, and ρ of 1e-38 times a λ
#: gives one. A ρ < 2⁻¹⁰⁰ adds at most 64 · 2⁻¹⁰⁰ ≈ 5e-29 to a support sum that only enters
#: λ = w·λ + (1 − w)·support/(n − 1) beside w·λ ≥ 2⁻⁵·Γ, far below half an ulp of it: the
#: scores of the 159,600 pairs of all FVC templates (ISO and ours) are bit-identical.
NEGLIGIBLE_RHO = 2.0**-100


def _z(v: np.ndarray, mu: float, tau: float) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-tau * (v - mu)))


def rho_tables() -> tuple[np.ndarray, np.ndarray]:
    """Z(d₁) per 1/4 pixel, then a 0 for everything farther; Z(d₂ or d₃) per 1/256 turn
    (0…128)."""
    d = np.arange(DISTANCE_TABLE_SIZE) / DISTANCE_STEPS_PER_PIXEL
    distance = np.append(_z(d, P.MU_RHO_DISTANCE, P.TAU_RHO_DISTANCE), 0.0)
    a = np.arange(P.ANGLE_UNITS // 2 + 1) * (2 * math.pi / P.ANGLE_UNITS)
    angle = _z(a, P.MU_RHO_ANGLE, P.TAU_RHO_ANGLE)
    return distance.astype(np.float32), angle.astype(np.float32)


@njit(cache=True, nogil=True)
def select_pairs(
    rows: np.ndarray,
    cols: np.ndarray,
    gamma: np.ndarray,
    cells: int,
    na: int,
    nb: int,
    levels: int,
    max_pairs: int,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Greedy one-to-one pairs in decreasing Γ (ties: lower index of A, then of B): their
    minutiae in A and B and their Γ.

    ``rows``/``cols``/``gamma``: the ``cells`` non-zero Γ in (i, j) order
    (local_similarity.similar_cells). A counting sort on the quantised Γ (stable, so ties keep
    the (i, j) order), then greedy.
    """
    counts = np.zeros(levels + 2, dtype=np.int32)
    level_of = np.empty(cells, dtype=np.int32)
    for t in range(cells):
        level = int(gamma[t] * (levels - 1) + 0.5) + 1
        counts[level] += 1
        level_of[t] = level
    # Start offsets for descending levels.
    start = counts  # reused in place: counts[level] becomes the level's start
    offset = 0
    for level in range(levels, 0, -1):
        c = counts[level]
        start[level] = offset
        offset += c
    order = np.empty(cells, dtype=np.int32)
    for t in range(cells):
        level = level_of[t]
        order[start[level]] = t
        start[level] += 1
    # Greedy without a branch on whether a minutia is taken (mispredicted, at random): every
    # cell is written to position n, and n moves on only when both minutiae were free.
    used_a = np.zeros(na, dtype=np.int32)
    used_b = np.zeros(nb, dtype=np.int32)
    limit = min(na, nb, max_pairs)
    pa = np.empty(limit, dtype=np.int32)
    pb = np.empty(limit, dtype=np.int32)
    pg = np.empty(limit, dtype=np.float32)
    n = 0
    for t in range(cells):
        if n >= limit:
            break
        k = order[t]
        i = rows[k]
        j = cols[k]
        free = 1 - (used_a[i] | used_b[j])
        used_a[i] |= free
        used_b[j] |= free
        pa[n] = i
        pb[n] = j
        pg[n] = gamma[k]
        n += free
    return pa[:n], pb[:n], pg[:n]


@njit(cache=True, nogil=True, fastmath=True)
def relax(
    pair_gamma: np.ndarray,
    pa: np.ndarray,
    pb: np.ndarray,
    xa: np.ndarray,
    ya: np.ndarray,
    ta: np.ndarray,
    ra: np.ndarray,
    xb: np.ndarray,
    yb: np.ndarray,
    tb: np.ndarray,
    rb: np.ndarray,
    z_distance: np.ndarray,
    z_angle: np.ndarray,
    iterations: int,
    weight: float,
    n_p: int,
    n_r: int,
    relative_tolerance: float,
) -> tuple[float, np.ndarray]:
    """LSS-R score of the selected pairs and the indices (into pa/pb) of the n_P best ones.

    ``pair_gamma``: the pairs' Γ (the relaxation's starting λ). ``n_r`` is the number of
    pairs the relaxation is defined over (min(nA, nB), capped).
    """
    n = pa.shape[0]
    if n == 0:
        return 0.0, np.zeros(0, dtype=np.int32)
    # The pairs' geometry gathered once, contiguous.
    pxa = np.empty(n, dtype=np.float32)
    pya = np.empty(n, dtype=np.float32)
    pxb = np.empty(n, dtype=np.float32)
    pyb = np.empty(n, dtype=np.float32)
    pt = np.empty(n, dtype=np.int64)  # θa − θb of each pair in 1/256 turn, not wrapped
    for i in range(n):
        pxa[i] = xa[pa[i]]
        pya[i] = ya[pa[i]]
        pxb[i] = xb[pb[i]]
        pyb[i] = yb[pb[i]]
        pt[i] = int(ta[pa[i]]) - int(tb[pb[i]])
    # ρ without a branch on the pair's geometry (a mispredicted branch per pair cost more
    # than the table look-ups it saved), in two loops per row: the arithmetic (square roots,
    # the distance step, the relative direction) over k vectorises; the table look-ups
    # (gathers, which the vectoriser declines) follow.
    rho = np.empty((n, n), dtype=np.float32)
    steps = z_distance.shape[0] - 1  # z_distance[steps] = 0: farther than the table
    step = np.empty(n, dtype=np.int64)
    turn = np.empty(n, dtype=np.int64)
    for i in range(n):
        ai = pa[i]
        bi = pb[i]
        xi = pxa[i]
        yi = pya[i]
        ui = pxb[i]
        vi = pyb[i]
        ti = pt[i]
        rho[i, i] = 0.0
        for k in range(i + 1, n):
            # distance and relative direction are symmetric in (i, k): computed once
            da = math.sqrt((pxa[k] - xi) ** 2 + (pya[k] - yi) ** 2)
            db = math.sqrt((pxb[k] - ui) ** 2 + (pyb[k] - vi) ** 2)
            step[k] = min(int(max(abs(da - db) - relative_tolerance * (da + db), 0.0) * 4.0), steps)
            # relative directions (uint8 turns: wrap-around by integer arithmetic)
            d2 = (pt[k] - ti) & 255
            turn[k] = min(d2, 256 - d2)
        for k in range(i + 1, n):
            ak = pa[k]
            bk = pb[k]
            # The products in float64, where they are exact (24 × 24 bits), each rounded once
            # to float32: the float32 products, without the subnormal results that float32
            # arithmetic takes a slow path for (see NEGLIGIBLE_RHO).
            common = np.float64(
                np.float32(np.float64(z_distance[step[k]]) * np.float64(z_angle[turn[k]]))
            )
            # radial angles differ: k seen from i, and i seen from k
            d3 = (int(ra[ai, ak]) - int(rb[bi, bk])) & 255
            d3 = min(d3, 256 - d3)
            r = common * np.float64(z_angle[d3])
            rho[i, k] = np.float32(r) if r >= NEGLIGIBLE_RHO else np.float32(0.0)
            d3 = (int(ra[ak, ai]) - int(rb[bk, bi])) & 255
            d3 = min(d3, 256 - d3)
            r = common * np.float64(z_angle[d3])
            rho[k, i] = np.float32(r) if r >= NEGLIGIBLE_RHO else np.float32(0.0)
    lam0 = pair_gamma
    lam = lam0.copy()
    nxt = np.empty(n, dtype=np.float32)
    # As in the paper the sum is over n_R = min(nA, nB) pairs: pairs the greedy selection did
    # not fill (no similar cylinder left) count as pairs with λ = 0, so few pairs do not
    # inflate the score.
    norm = (1.0 - weight) / max(max(n, n_r) - 1, 1)
    for _ in range(iterations):
        for i in range(n):
            support = np.float32(0.0)
            for k in range(n):
                support += rho[i, k] * lam[k]
            nxt[i] = weight * lam[i] + norm * support
        lam[:] = nxt
    efficiency = lam / lam0
    best = np.argsort(-efficiency, kind="mergesort")[: min(n_p, n)].astype(np.int32)
    total = 0.0
    for t in range(best.shape[0]):
        total += lam[best[t]]
    return total / n_p, best
