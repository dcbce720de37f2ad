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
def select_pairs(gamma: np.ndarray, levels: int, max_pairs: int) -> tuple[np.ndarray, np.ndarray]:
    """Greedy one-to-one pairs in decreasing Γ (ties: lower index of A, then of B).

    A counting sort on the quantised Γ of the non-zero cells (kept in (i, j) order, so the sort
    is stable), then greedy; row and column are kept apart, so no division per candidate.
    """
    na, nb = gamma.shape
    counts = np.zeros(levels + 2, dtype=np.int32)
    cells = np.empty(na * nb, dtype=np.int32)  # the level of each non-zero cell
    ci = np.empty(na * nb, dtype=np.int32)
    cj = np.empty(na * nb, dtype=np.int32)
    total = 0
    for i in range(na):
        for j in range(nb):
            g = gamma[i, j]
            if g > 0.0:
                level = int(g * (levels - 1) + 0.5) + 1
                counts[level] += 1
                cells[total] = level
                ci[total] = i
                cj[total] = j
                total += 1
    # Start offsets for descending levels.
    start = counts  # reused in place: counts[level] becomes the level's start
    offset = 0
    for level in range(levels, 0, -1):
        c = counts[level]
        start[level] = offset
        offset += c
    order = np.empty(total, dtype=np.int32)
    for t in range(total):
        level = cells[t]
        order[start[level]] = t
        start[level] += 1
    used_a = np.zeros(na, dtype=np.bool_)
    used_b = np.zeros(nb, dtype=np.bool_)
    limit = min(na, nb, max_pairs)
    pa = np.empty(limit, dtype=np.int32)
    pb = np.empty(limit, dtype=np.int32)
    n = 0
    for t in range(total):
        if n >= limit:
            break
        k = order[t]
        i = ci[k]
        j = cj[k]
        if used_a[i] or used_b[j]:
            continue
        used_a[i] = True
        used_b[j] = True
        pa[n] = i
        pb[n] = j
        n += 1
    return pa[:n], pb[:n]


@njit(cache=True, nogil=True, fastmath=True)
def relax(
    gamma: np.ndarray,
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

    ``n_r`` is the number of pairs the relaxation is defined over (min(nA, nB), capped).
    """
    n = pa.shape[0]
    if n == 0:
        return 0.0, np.zeros(0, dtype=np.int32)
    rho = np.zeros((n, n), dtype=np.float32)
    steps = z_distance.shape[0]
    for i in range(n):
        ai = pa[i]
        bi = pb[i]
        for k in range(i + 1, n):
            ak = pa[k]
            bk = pb[k]
            # distance and relative direction are symmetric in (i, k): computed once
            da = math.sqrt((xa[ak] - xa[ai]) ** 2 + (ya[ak] - ya[ai]) ** 2)
            db = math.sqrt((xb[bk] - xb[bi]) ** 2 + (yb[bk] - yb[bi]) ** 2)
            s = int(max(abs(da - db) - relative_tolerance * (da + db), 0.0) * 4.0)
            if s >= steps:
                continue
            # relative directions (uint8 turns: wrap-around by integer arithmetic)
            d2 = ((int(ta[ak]) - int(ta[ai])) - (int(tb[bk]) - int(tb[bi]))) & 255
            if d2 > 128:
                d2 = 256 - d2
            # The products in float64, where they are exact (24 × 24 bits), then rounded once
            # to float32: the float32 products, without the subnormal results float32
            # arithmetic takes a slow path for (see NEGLIGIBLE_RHO).
            c = np.float64(z_distance[s]) * np.float64(z_angle[d2])
            if c < NEGLIGIBLE_RHO:  # z_angle < 1: both ρ are smaller still
                continue
            common = np.float64(np.float32(c))
            # radial angles differ: k seen from i, and i seen from k
            d3 = (int(ra[ai, ak]) - int(rb[bi, bk])) & 255
            if d3 > 128:
                d3 = 256 - d3
            r = common * np.float64(z_angle[d3])
            if r >= NEGLIGIBLE_RHO:
                rho[i, k] = np.float32(r)
            d3 = (int(ra[ak, ai]) - int(rb[bk, bi])) & 255
            if d3 > 128:
                d3 = 256 - d3
            r = common * np.float64(z_angle[d3])
            if r >= NEGLIGIBLE_RHO:
                rho[k, i] = np.float32(r)
    lam0 = np.empty(n, dtype=np.float32)
    for i in range(n):
        lam0[i] = gamma[pa[i], pb[i]]
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
