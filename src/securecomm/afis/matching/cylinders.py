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
    over-estimate near corners (a mitred rather than rounded Ω-enlargement).
    """
    if len(points) < 3:
        return np.zeros(len(query))
    from scipy.spatial import ConvexHull, QhullError

    try:
        hull = ConvexHull(points)
    except QhullError:  # collinear or duplicate points: no area, treat everything as inside
        return np.zeros(len(query))
    normals = hull.equations[:, :2]
    offsets = hull.equations[:, 2]
    return np.maximum((query @ normals.T + offsets).max(axis=1), 0.0)


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
    cos, sin = np.cos(th), np.sin(th)
    # Cell centres (n, cells, 2): along the minutia direction and perpendicular to it.
    cx = xs[:, None] + offsets[None, :, 0] * cos[:, None] - offsets[None, :, 1] * sin[:, None]
    cy = ys[:, None] + offsets[None, :, 0] * sin[:, None] + offsets[None, :, 1] * cos[:, None]
    centres = np.stack([cx.ravel(), cy.ravel()], axis=1)
    points = np.stack([xs, ys], axis=1)
    valid_cell = (_hull_distance(points, centres) <= P.HULL_MARGIN).reshape(n, n_cells)

    # Spatial contribution of every minutia t to every cell of every cylinder m.
    dx = cx[:, :, None] - xs[None, None, :]
    dy = cy[:, :, None] - ys[None, None, :]
    d2 = dx * dx + dy * dy
    spatial = np.exp(-d2 / (2 * P.SIGMA_S**2)) / (P.SIGMA_S * math.sqrt(2 * math.pi))
    spatial[d2 > (3 * P.SIGMA_S) ** 2] = 0.0
    spatial[np.arange(n), :, np.arange(n)] = 0.0  # the central minutia does not count
    # Directional contribution: direction difference of t to m, integrated over each section.
    dtheta = _wrap(th[None, :] - th[:, None])  # (m, t)
    width = 2 * math.pi / P.SECTIONS
    centres_k = -math.pi + (np.arange(P.SECTIONS) + 0.5) * width
    diff = _wrap(centres_k[None, None, :] - dtheta[:, :, None])  # (m, t, k)
    scale = math.sqrt(2) * P.SIGMA_D
    directional = 0.5 * (erf((diff + width / 2) / scale) - erf((diff - width / 2) / scale))
    contribution = np.einsum("mct,mtk->mck", spatial, directional)  # (m, cells, k)
    bits = contribution > P.MU_PSI
    mask_bits = np.repeat(valid_cell[:, :, None], P.SECTIONS, axis=2)

    # Validity of whole cylinders: enough valid cells and enough neighbours.
    dist = np.hypot(xs[:, None] - xs[None, :], ys[:, None] - ys[None, :])
    neighbours = (dist <= P.RADIUS + 3 * P.SIGMA_S).sum(axis=1) - 1
    keep = (valid_cell.sum(axis=1) >= P.MIN_VALID_CELL_FRACTION * n_cells) & (
        neighbours >= P.MIN_NEIGHBOURS
    )
    idx = np.flatnonzero(keep)
    return CylinderSet(
        values=_pack(bits[idx].reshape(len(idx), n_cells * P.SECTIONS), words),
        masks=_pack(mask_bits[idx].reshape(len(idx), n_cells * P.SECTIONS), words),
        minutia_index=idx.astype(np.int16),
    )


def _wrap(a: np.ndarray) -> np.ndarray:
    """Angle difference wrapped to [-π, π)."""
    return (a + math.pi) % (2 * math.pi) - math.pi


def _pack(bits: np.ndarray, words: int) -> UInt64Array:
    padded = np.zeros((bits.shape[0], words * 64), dtype=bool)
    padded[:, : bits.shape[1]] = bits
    packed = np.packbits(padded, axis=1, bitorder="little")
    return np.ascontiguousarray(packed).view("<u8").astype(np.uint64).reshape(-1, words)
