"""Global pairing after LSS-R: align on the best relaxed pairs, pair everything, count the overlap.

LSS-R (consolidation.py) averages the n_P best relaxed pairs, so a genuine comparison of two
prints that overlap little — few minutiae in common, however well they agree — scores like an
impostor whose many minutiae happen to look alike. This stage adds the evidence LSS-R leaves
out, in the manner of the global consolidation of pairing-growth matchers (SourceAFIS, and the
"consolidation by alignment" of Cappelli et al. 2010 §5.3):

1. Root alignment: each of the best ``roots`` relaxed pairs (a, b) defines a rigid transform
   (rotate B by θa − θb about b, move b onto a). The root under which most of LSS-R's
   candidate pairs land on each other (position and direction within the tolerances below)
   is kept — a vote that costs O(pairs) per root, so five roots cost less than one full
   pairing.
2. Pairing: every minutia of B is mapped into A's frame; (i, j) is a candidate when the mapped
   position is within d₀ + c·|aᵢ − a| of aᵢ (tolerance growing with the distance from the root,
   for skin distortion) and the directions differ by at most δ. Candidates are taken greedily
   one-to-one by normalised error (B sorted by x, so each minutia of A scans a window only).
3. Overlap: for the winning alignment, the minutiae of A that have a minutia of B within D
   (and vice versa) — the minutiae that *could* have been paired. A partial print is judged
   on its overlap, not on all its minutiae.

The comparator's score is then s_LSS-R · m / √(max(o_A, k)·max(o_B, k)) (comparator.py):
the fraction of the overlapping minutiae that pair up, with a floor k so that a handful of
minutiae in a tiny overlap cannot reach a full ratio.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit


@njit(cache=True, nogil=True)
def _transform(xa, ya, ta, xb, yb, tb, ai, bi, bx, by, bt):
    """Map B's minutiae into A's frame by the rigid transform of root pair (ai, bi)."""
    rot = (int(ta[ai]) - int(tb[bi])) & 255
    theta = rot * (2.0 * math.pi / 256.0)
    c = math.cos(theta)
    s = math.sin(theta)
    for j in range(xb.shape[0]):
        dx = xb[j] - xb[bi]
        dy = yb[j] - yb[bi]
        bx[j] = c * dx - s * dy + xa[ai]
        by[j] = s * dx + c * dy + ya[ai]
        bt[j] = (int(tb[j]) + rot) & 255


@njit(cache=True, nogil=True)
def _sort_by(key, index, n):
    """Stable insertion sort of key[:n] in place, index[:n] moved alongside (n is a few dozen:
    no allocation). With ``key`` a copy of k[index], the same permutation as sorting index by
    k[index[t]], without the indirection."""
    for t in range(1, n):
        v = index[t]
        k = key[t]
        u = t - 1
        while u >= 0 and key[u] > k:
            key[u + 1] = key[u]
            index[u + 1] = index[u]
            u -= 1
        key[u + 1] = k
        index[u + 1] = v


@njit(cache=True, nogil=True)
def _lower_bound(sorted_values, n, value):
    """First position t < n with sorted_values[t] >= value (n if none): binary search."""
    lo = 0
    hi = n
    while lo < hi:
        mid = (lo + hi) >> 1
        if sorted_values[mid] < value:
            lo = mid + 1
        else:
            hi = mid
    return lo


@njit(cache=True, nogil=True)
def _agreement(
    pairs_a, pairs_b, xa, ya, ta, xb, yb, tb, ai, bi, distance_tolerance, relative_tolerance,
    direction_units,
):  # fmt: skip
    """How many of the candidate pairs the rigid transform of root (ai, bi) maps onto each other."""
    rot = (int(ta[ai]) - int(tb[bi])) & 255
    theta = rot * (2.0 * math.pi / 256.0)
    c = math.cos(theta)
    s = math.sin(theta)
    count = 0
    for t in range(pairs_a.shape[0]):
        i = pairs_a[t]
        j = pairs_b[t]
        dx = xb[j] - xb[bi]
        dy = yb[j] - yb[bi]
        ex = xa[i] - (c * dx - s * dy + xa[ai])
        ey = ya[i] - (s * dx + c * dy + ya[ai])
        rx = xa[i] - xa[ai]
        ry = ya[i] - ya[ai]
        tol = distance_tolerance + relative_tolerance * math.sqrt(rx * rx + ry * ry)
        d = (int(ta[i]) - ((int(tb[j]) + rot) & 255)) & 255
        d = min(d, 256 - d)
        # no branch: whether a pair agrees is a coin toss for the branch predictor
        count += 1 if (ex * ex + ey * ey <= tol * tol) & (d <= direction_units) else 0
    return count


@njit(cache=True, nogil=True)
def global_pairing(
    roots,
    pairs_a,
    pairs_b,
    xa,
    ya,
    ta,
    xb,
    yb,
    tb,
    distance_tolerance,
    relative_tolerance,
    direction_units,
    overlap_distance,
):
    """(pairs m, overlap o_A, overlap o_B, pair indices into A, into B) of the best root.

    ``pairs_a``/``pairs_b`` are LSS-R's candidate pairs and ``roots`` the positions (into them)
    of the root pairs to try: the root under which most candidate pairs agree wins (ties: the
    earlier root), then every minutia is paired under it.
    """
    na = xa.shape[0]
    nb = xb.shape[0]
    if roots.shape[0] == 0 or na == 0 or nb == 0:
        return 0, 0, 0, np.zeros(0, dtype=np.int32), np.zeros(0, dtype=np.int32)
    best = -1
    best_count = -1
    for r in range(roots.shape[0]):
        ai = pairs_a[roots[r]]
        bi = pairs_b[roots[r]]
        count = _agreement(
            pairs_a, pairs_b, xa, ya, ta, xb, yb, tb, ai, bi, distance_tolerance,
            relative_tolerance, direction_units,
        )  # fmt: skip
        if count > best_count:
            best_count = count
            best = r
    ai = pairs_a[roots[best]]
    bi = pairs_b[roots[best]]
    bx = np.empty(nb, dtype=np.float32)
    by = np.empty(nb, dtype=np.float32)
    bt = np.empty(nb, dtype=np.int32)
    _transform(xa, ya, ta, xb, yb, tb, ai, bi, bx, by, bt)
    by_x = np.empty(nb, dtype=np.int64)  # B's mapped minutiae by x: scan a window around each xa
    sx = np.empty(nb, dtype=np.float32)
    for j in range(nb):
        by_x[j] = j
        sx[j] = bx[j]
    _sort_by(sx, by_x, nb)
    cost = np.empty(na * nb, dtype=np.float32)
    cand_a = np.empty(na * nb, dtype=np.int32)  # the candidates' minutiae, no i·nB + j to divide
    cand_b = np.empty(na * nb, dtype=np.int32)
    n = 0
    for i in range(na):
        rx = xa[i] - xa[ai]
        ry = ya[i] - ya[ai]
        tol = distance_tolerance + relative_tolerance * math.sqrt(rx * rx + ry * ry)
        tol2 = tol * tol
        w = _lower_bound(sx, nb, xa[i] - tol)
        while w < nb and sx[w] <= xa[i] + tol:
            j = by_x[w]
            w += 1
            ex = xa[i] - bx[j]
            ey = ya[i] - by[j]
            e2 = ex * ex + ey * ey
            d = (int(ta[i]) - bt[j]) & 255
            d = min(d, 256 - d)
            # written at n in any case, kept (n moves on) when close enough: no branch
            cost[n] = math.sqrt(e2) / tol + d / direction_units
            cand_a[n] = i
            cand_b[n] = j
            n += 1 if (e2 <= tol2) & (d <= direction_units) else 0
    order = np.empty(n, dtype=np.int64)
    for t in range(n):
        order[t] = t
    _sort_by(cost, order, n)  # cost is not needed in candidate order after this
    used_a = np.zeros(na, dtype=np.bool_)
    used_b = np.zeros(nb, dtype=np.bool_)
    ga = np.empty(min(na, nb), dtype=np.int32)
    gb = np.empty(min(na, nb), dtype=np.int32)
    m = 0
    for t in range(n):
        i = cand_a[order[t]]
        j = cand_b[order[t]]
        if used_a[i] or used_b[j]:
            continue
        used_a[i] = True
        used_b[j] = True
        ga[m] = i
        gb[m] = j
        m += 1
    # Overlap: every (i, j) once, both counts in one pass that vectorises. The same verdicts
    # as scanning x-sorted windows of width 2D: a minutia outside the window is ≥ D away in x
    # alone, and float32 rounding is monotone, so its squared distance is ≥ D² there too.
    d2max = overlap_distance * overlap_distance
    near_b = np.zeros(nb, dtype=np.int32)
    overlap_a = 0
    for i in range(na):
        xi = xa[i]
        yi = ya[i]
        near = 0
        for j in range(nb):
            ex = xi - bx[j]
            ey = yi - by[j]
            hit = 1 if ex * ex + ey * ey < d2max else 0
            near |= hit
            near_b[j] |= hit
        overlap_a += near
    overlap_b = 0
    for j in range(nb):
        overlap_b += near_b[j]
    return m, overlap_a, overlap_b, ga[:m], gb[:m]
