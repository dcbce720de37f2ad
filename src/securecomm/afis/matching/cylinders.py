"""Minutia Cylinder-Code descriptors, bit-wise variant (Cappelli, Ferrara, Maltoni 2010).

Each minutia gets a cylinder: a disk of radius R around it, rotated to its direction, cut into
Ns × Ns cells × Nd angular sections. A cell section is "on" when nearby minutiae (Gaussian in
distance, σS) have a direction difference to the central minutia that falls in that section
(Gaussian-integrated, σD) strongly enough (> μψ). Cells outside the disk are never stored;
cells outside the enlarged convex hull of the minutiae are invalid (no information there).
The result is two bit vectors per minutia — values and validity — packed into uint64 words,
so that comparing two cylinders is a handful of AND/XOR/popcount operations.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import numpy.typing as npt
from numba import njit
from scipy.special import erf

from securecomm.afis.matching import parameters as P

UInt64Array = npt.NDArray[np.uint64]


@dataclass(frozen=True)
class CylinderSet:
    """Cylinders of one template: ``values``/``masks`` (n_valid, words) and their minutiae."""

    values: UInt64Array
    masks: UInt64Array
    #: Index of each cylinder's central minutia in the template.
    minutia_index: npt.NDArray[np.int16]


@lru_cache(maxsize=4)
def cell_offsets(cells_per_side: int = P.CELLS_PER_SIDE) -> npt.NDArray[np.float64]:
    """Offsets (along, across) of the cell centres that lie inside the disk of radius R."""
    step = 2.0 * P.RADIUS / cells_per_side
    c = (np.arange(cells_per_side) - (cells_per_side - 1) / 2.0) * step
    along, across = np.meshgrid(c, c, indexing="ij")
    inside = np.hypot(along, across) <= P.RADIUS
    return np.stack([along[inside], across[inside]], axis=1)


def words_per_cylinder(cells_per_side: int = P.CELLS_PER_SIDE) -> int:
    return (len(cell_offsets(cells_per_side)) * P.SECTIONS + 63) // 64


def _hull_distance(points: npt.NDArray[np.float64], query: npt.NDArray[np.float64]) -> np.ndarray:
    """How far each query point lies outside the convex hull of ``points`` (0 inside).

    The maximum over the hull's edge half-planes: exact inside and along edges, a slight
    over-estimate near corners (a mitred rather than rounded Ω-enlargement). The hull is
    Andrew's monotone chain (1979); with fewer than three non-collinear points it has no area
    and everything counts as inside.
    """
    if len(points) < 3:
        return np.zeros(len(query))
    order = np.lexsort((points[:, 1], points[:, 0]))
    return _hull_distance_kernel(
        np.ascontiguousarray(points[order], dtype=np.float64), np.ascontiguousarray(query)
    )


@njit(cache=True, nogil=True)
def _turn(points, o, a, b):  # pragma: no cover - numba
    """Cross product of (a − o) and (b − o): > 0 for a counter-clockwise turn."""
    return (points[a, 0] - points[o, 0]) * (points[b, 1] - points[o, 1]) - (
        points[a, 1] - points[o, 1]
    ) * (points[b, 0] - points[o, 0])


@njit(cache=True, nogil=True)
def _hull_distance_kernel(points, query):  # pragma: no cover
    """``points`` sorted by x, then y."""
    n = points.shape[0]
    hull = np.empty(2 * n, dtype=np.int64)
    k = 0
    for p in range(n):  # lower chain
        while k >= 2 and _turn(points, hull[k - 2], hull[k - 1], p) <= 0:
            k -= 1
        hull[k] = p
        k += 1
    lower = k + 1
    for p in range(n - 2, -1, -1):  # upper chain
        while k >= lower and _turn(points, hull[k - 2], hull[k - 1], p) <= 0:
            k -= 1
        hull[k] = p
        k += 1
    edges = k - 1  # the last point repeats the first
    out = np.zeros(query.shape[0])
    if edges < 3:
        return out
    nx = np.empty(edges)
    ny = np.empty(edges)
    offset = np.empty(edges)
    for e in range(edges):
        a = hull[e]
        b = hull[e + 1]
        dx = points[b, 0] - points[a, 0]
        dy = points[b, 1] - points[a, 1]
        length = np.hypot(dx, dy)
        nx[e] = dy / length  # outward normal of a counter-clockwise hull
        ny[e] = -dx / length
        offset[e] = -(nx[e] * points[a, 0] + ny[e] * points[a, 1])
    for q in range(query.shape[0]):
        best = 0.0
        for e in range(edges):
            d = nx[e] * query[q, 0] + ny[e] * query[q, 1] + offset[e]
            if d > best:
                best = d
        out[q] = best
    return out


def build_cylinders(
    x: npt.ArrayLike, y: npt.ArrayLike, angle: npt.ArrayLike, cells_per_side: int = P.CELLS_PER_SIDE
) -> CylinderSet:
    """Bit-wise MCC cylinders for minutiae at (x, y) (pixels at 500 ppi, y down), ``angle``
    in radians counter-clockwise as seen on screen."""
    xs = np.asarray(x, dtype=np.float64)
    ys = -np.asarray(y, dtype=np.float64)  # mathematical orientation: y up
    th = np.asarray(angle, dtype=np.float64)
    n = len(xs)
    offsets = cell_offsets(cells_per_side)
    n_cells = len(offsets)
    words = words_per_cylinder(cells_per_side)
    if n == 0:
        empty = np.zeros((0, words), dtype=np.uint64)
        return CylinderSet(empty, empty.copy(), np.zeros(0, dtype=np.int16))
    cx, cy = _cell_centres(xs, ys, th, offsets)
    points = np.stack([xs, ys], axis=1)
    centres = np.stack([cx.ravel(), cy.ravel()], axis=1)
    valid_cell = (_hull_distance(points, centres) <= P.HULL_MARGIN).reshape(n, n_cells)

    # Spatial contribution of minutia t to cell c of cylinder m, for the (m, c, t) within 3σS
    # (the others are zero): the triples are found in numba, the Gaussian is numpy's exp (the
    # same function as the dense computation this replaced, so the same bits).
    neighbour_radius = P.RADIUS + 3 * P.SIGMA_S + 1.0  # (+1: no rounding at the edge)
    cylinder, cell, other, d2, pair_m, pair_t = _near_triples(
        xs, ys, cx, cy, (3 * P.SIGMA_S) ** 2, neighbour_radius * neighbour_radius
    )
    spatial = np.exp(-d2 / (2 * P.SIGMA_S**2)) / (P.SIGMA_S * math.sqrt(2 * math.pi))
    # Directional contribution: direction difference of t to m, integrated over each section,
    # for the pairs (m, t) that contribute at all.
    width = 2 * math.pi / P.SECTIONS
    centres_k = -math.pi + (np.arange(P.SECTIONS) + 0.5) * width
    upper, lower = _section_bounds(
        th, pair_m, pair_t, centres_k, width / 2, math.sqrt(2) * P.SIGMA_D
    )
    directional = 0.5 * (erf(upper) - erf(lower))
    # Σ_t spatial·directional > μψ per bit; whole cylinders valid with enough valid cells and
    # enough neighbours (R + 3σS); bits packed into uint64 words (bit i → word i // 64).
    values, masks, idx = _assemble(
        cylinder, cell, other, spatial, pair_m, pair_t, directional, valid_cell,
        xs, ys, P.MU_PSI, P.RADIUS + 3 * P.SIGMA_S, P.MIN_VALID_CELL_FRACTION * n_cells,
        P.MIN_NEIGHBOURS, words,
    )  # fmt: skip
    return CylinderSet(values=values, masks=masks, minutia_index=idx)


@njit(cache=True, nogil=True)
def _cell_centres(xs, ys, th, offsets):  # pragma: no cover
    """Cell centres (n, cells): x + a·cos θ − b·sin θ, y + a·sin θ + b·cos θ for the cell's
    offset (a along the minutia direction, b across it) — numpy's operation order."""
    n = xs.size
    cells = offsets.shape[0]
    cx = np.empty((n, cells))
    cy = np.empty((n, cells))
    for m in range(n):
        cos = np.cos(th[m])
        sin = np.sin(th[m])
        for c in range(cells):
            cx[m, c] = xs[m] + offsets[c, 0] * cos - offsets[c, 1] * sin
            cy[m, c] = ys[m] + offsets[c, 0] * sin + offsets[c, 1] * cos
    return cx, cy


@njit(cache=True, nogil=True)
def _assemble(  # pragma: no cover - numba
    cylinder, cell, other, spatial, pair_m, pair_t, directional, valid_cell,
    xs, ys, mu_psi, neighbour_distance, min_valid_cells, min_neighbours, words,
):  # fmt: skip
    n, cells = valid_cell.shape
    sections = directional.shape[1]
    pair_of = np.full((n, n), -1, dtype=np.int64)
    for p in range(pair_m.size):
        pair_of[pair_m[p], pair_t[p]] = p
    # contributions summed in increasing t for each (m, c, k), like np.einsum over t
    contribution = np.zeros((n, cells, sections))
    for i in range(cylinder.size):
        m = cylinder[i]
        c = cell[i]
        p = pair_of[m, other[i]]
        s = spatial[i]
        for k in range(sections):
            contribution[m, c, k] += s * directional[p, k]
    keep = np.zeros(n, dtype=np.bool_)
    kept = 0
    for m in range(n):
        valid = 0
        for c in range(cells):
            if valid_cell[m, c]:
                valid += 1
        neighbours = 0
        for t in range(n):
            dx = xs[m] - xs[t]
            dy = ys[m] - ys[t]
            # hypot ≥ max(|dx|, |dy|): the cheap test first, the same verdict
            if abs(dx) > neighbour_distance or abs(dy) > neighbour_distance:
                continue
            if t != m and np.hypot(dx, dy) <= neighbour_distance:
                neighbours += 1
        if valid >= min_valid_cells and neighbours >= min_neighbours:
            keep[m] = True
            kept += 1
    values = np.zeros((kept, words), dtype=np.uint64)
    masks = np.zeros((kept, words), dtype=np.uint64)
    index = np.empty(kept, dtype=np.int16)
    row = 0
    one = np.uint64(1)
    for m in range(n):
        if not keep[m]:
            continue
        index[row] = m
        for c in range(cells):
            for k in range(sections):
                bit = c * sections + k
                word = bit // 64
                flag = one << np.uint64(bit % 64)
                if contribution[m, c, k] > mu_psi:
                    values[row, word] |= flag
                if valid_cell[m, c]:
                    masks[row, word] |= flag
        row += 1
    return values, masks, index


@njit(cache=True, nogil=True)
def _near_triples(xs, ys, cx, cy, reach2, neighbour2):  # pragma: no cover
    """(m, c, t, d²) for every cell c of cylinder m and minutia t ≠ m with d² ≤ ``reach2``,
    and the pairs (m, t) among them (only minutiae closer than √``neighbour2`` to m are
    tried: no farther one can reach a cell of m). Distances as numpy computes them:
    (cx − x)² + (cy − y)². Triples come in the order (m, t, c): for each (m, c) the minutiae t
    still come in increasing order, the order in which the contributions are summed."""
    n, cells = cx.shape
    pair_m = np.empty(n * n, dtype=np.int64)
    pair_t = np.empty(n * n, dtype=np.int64)
    pairs = 0
    for m in range(n):
        for t in range(n):
            ex = xs[m] - xs[t]
            ey = ys[m] - ys[t]
            if t != m and ex * ex + ey * ey <= neighbour2:
                pair_m[pairs] = m
                pair_t[pairs] = t
                pairs += 1
    capacity = pairs * cells
    cylinder = np.empty(capacity, dtype=np.int64)
    cell = np.empty(capacity, dtype=np.int64)
    other = np.empty(capacity, dtype=np.int64)
    d2 = np.empty(capacity, dtype=np.float64)
    count = 0
    used = 0
    for p in range(pairs):
        m = pair_m[p]
        t = pair_t[p]
        first = count
        for c in range(cells):
            dx = cx[m, c] - xs[t]
            dy = cy[m, c] - ys[t]
            dd = dx * dx + dy * dy
            if dd <= reach2:
                cylinder[count] = m
                cell[count] = c
                other[count] = t
                d2[count] = dd
                count += 1
        if count > first:  # keep the pairs that reach at least one cell
            pair_m[used] = m
            pair_t[used] = t
            used += 1
    return cylinder[:count], cell[:count], other[:count], d2[:count], pair_m[:used], pair_t[:used]


@njit(cache=True, nogil=True)
def _wrap(a):  # pragma: no cover - numba
    """(a + π) mod 2π − π with numpy's (and Python's) float remainder: fmod, plus 2π when
    the signs differ. For v = a + π in [−2π, 4π) that remainder is v itself, v + 2π (rounded
    once, as there), or v − 2π (exact by Sterbenz's lemma, as fmod) — no fmod call needed;
    elsewhere ``%`` itself."""
    two_pi = 2 * math.pi
    v = a + math.pi
    if 0.0 <= v < two_pi:
        r = v
    elif -two_pi <= v < 0.0:
        r = v + two_pi
    elif two_pi <= v < 2 * two_pi:
        r = v - two_pi
    else:
        r = v % two_pi
    return r - math.pi


@njit(cache=True, nogil=True)
def _section_bounds(th, pair_m, pair_t, centres, half_width, scale):  # pragma: no cover
    """Bounds of the Gaussian integral of each pair (m, t) over each direction section k:
    (diff ± width/2)/scale with diff = wrap(centre_k − wrap(θt − θm)), wrap to [−π, π)."""
    pairs = pair_m.size
    sections = centres.size
    upper = np.empty((pairs, sections))
    lower = np.empty((pairs, sections))
    for p in range(pairs):
        dtheta = _wrap(th[pair_t[p]] - th[pair_m[p]])
        for k in range(sections):
            diff = _wrap(centres[k] - dtheta)
            upper[p, k] = (diff + half_width) / scale
            lower[p, k] = (diff - half_width) / scale
    return upper, lower
