"""Ground-truth minutiae of a master fingerprint, read off its binary ridge pattern.

The master has no noise, so the classic chain is exact enough: remove ridge fragments and
valley holes smaller than ``min_component_area`` (growth leaves a few specks where fronts
meet), thin the ridges to one-pixel skeletons (Zhang & Suen, "A fast parallel algorithm for
thinning digital patterns", *CACM* 27(3), 1984), and classify skeleton pixels by their crossing
number (Arcelli & Baja; Mehtre 1993): 1 is a ridge ending, 3 a bifurcation.

Direction, in the convention of :mod:`securecomm.afis.types` (ISO/IEC 19794-2 sense): a ridge
ending points from its tip into the ridge it ends; a bifurcation points from the fork into the
valley between its two branches (the duals of each other, as ISO defines them). The angle is the
master's orientation field at the minutia (exact, unlike a traced chord); the sense comes from
probing the ridge pattern on both sides along that axis.
"""

from __future__ import annotations

import numba
import numpy as np
import numpy.typing as npt
from scipy import ndimage

from securecomm.afis.synthesis.parameters import MasterParameters
from securecomm.afis.types import FloatArray, MinutiaKind, Template

BoolArray = npt.NDArray[np.bool_]


@numba.njit(cache=True, nogil=True)
def _thin(image: np.ndarray) -> np.ndarray:
    """Zhang–Suen thinning of a 0/1 uint8 image with a zero border; returns the skeleton."""
    img = image.copy()
    rows, cols = img.shape
    ring = np.array([(-1, 0), (-1, 1), (0, 1), (1, 1), (1, 0), (1, -1), (0, -1), (-1, -1)])
    remove = np.zeros_like(img)
    changed = True
    while changed:
        changed = False
        for step in range(2):
            n_remove = 0
            for r in range(1, rows - 1):
                for c in range(1, cols - 1):
                    if img[r, c] == 0:
                        continue
                    p = np.empty(8, dtype=np.uint8)
                    for k in range(8):
                        p[k] = img[r + ring[k, 0], c + ring[k, 1]]
                    b = 0
                    for k in range(8):
                        b += p[k]
                    if b < 2 or b > 6:
                        continue
                    a = 0
                    for k in range(8):
                        if p[k] == 0 and p[(k + 1) % 8] == 1:
                            a += 1
                    if a != 1:
                        continue
                    # p[0]=N, p[2]=E, p[4]=S, p[6]=W
                    if step == 0:
                        if p[0] * p[2] * p[4] != 0 or p[2] * p[4] * p[6] != 0:
                            continue
                    else:
                        if p[0] * p[2] * p[6] != 0 or p[0] * p[4] * p[6] != 0:
                            continue
                    remove[r, c] = 1
                    n_remove += 1
            if n_remove:
                changed = True
                for r in range(1, rows - 1):
                    for c in range(1, cols - 1):
                        if remove[r, c]:
                            img[r, c] = 0
                            remove[r, c] = 0
    return img


@numba.njit(cache=True, nogil=True)
def _crossing_numbers(skeleton: np.ndarray) -> np.ndarray:
    rows, cols = skeleton.shape
    ring = np.array([(-1, 0), (-1, 1), (0, 1), (1, 1), (1, 0), (1, -1), (0, -1), (-1, -1)])
    out = np.zeros((rows, cols), dtype=np.uint8)
    for r in range(1, rows - 1):
        for c in range(1, cols - 1):
            if skeleton[r, c] == 0:
                continue
            total = 0
            for k in range(8):
                a = skeleton[r + ring[k, 0], c + ring[k, 1]]
                b = skeleton[r + ring[(k + 1) % 8, 0], c + ring[(k + 1) % 8, 1]]
                if a != b:
                    total += 1
            out[r, c] = total // 2
    return out


def _remove_small_pieces(ridges: BoolArray, min_area: int) -> BoolArray:
    """Drop ridge fragments and fill valley holes smaller than ``min_area`` pixels."""
    out = ridges.copy()
    for value in (True, False):
        labels, n = ndimage.label(out == value)
        if n == 0:
            continue
        sizes = np.bincount(labels.ravel())
        small = sizes < min_area
        small[0] = False
        out[small[labels]] = not value
    return out


def _senses(
    ridges: FloatArray,
    xs: np.ndarray,
    ys: np.ndarray,
    theta: np.ndarray,
    is_bif: np.ndarray,
    reach: float,
) -> np.ndarray:
    """+1 where a minutia points along θ, −1 where it points along θ + π.

    Probe the ridge pattern along the orientation axis on both sides: a ridge ending continues
    as ridge on its own side; a bifurcation opens into the valley between its branches.
    """
    steps = np.arange(2.0, reach + 1.0)
    ax, ay = np.cos(theta), -np.sin(theta)
    sides = []
    for sign in (1.0, -1.0):
        px = xs[:, None] + sign * ax[:, None] * steps[None, :]
        py = ys[:, None] + sign * ay[:, None] * steps[None, :]
        values = ndimage.map_coordinates(ridges, [py, px], order=1, mode="nearest")
        sides.append(values.mean(axis=1))
    forward_is_ridge = sides[0] >= sides[1]
    points_forward = np.where(is_bif, ~forward_is_ridge, forward_is_ridge)
    return np.where(points_forward, 1.0, -1.0)


def extract_ground_truth(
    ridges: FloatArray,
    mask: BoolArray,
    orientation: FloatArray,
    params: MasterParameters,
) -> Template:
    """The minutiae of a master ridge pattern (``ridges`` > 0 on ridges) inside ``mask``."""
    rows, cols = ridges.shape
    binary = _remove_small_pieces((ridges > 0) & mask, params.min_component_area)
    padded = np.zeros((rows + 2, cols + 2), dtype=np.uint8)
    padded[1:-1, 1:-1] = binary
    skeleton = _thin(padded)
    crossings = _crossing_numbers(skeleton)
    inner_distance = ndimage.distance_transform_edt(np.pad(mask, 1))
    candidates = np.argwhere(
        ((crossings == 1) | (crossings == 3)) & (inner_distance > params.border_margin)
    )
    ys = (candidates[:, 0] - 1).astype(np.float64)
    xs = (candidates[:, 1] - 1).astype(np.float64)
    is_bif = crossings[candidates[:, 0], candidates[:, 1]] == 3
    theta = orientation[ys.astype(int), xs.astype(int)].astype(np.float64)
    sense = _senses(ridges, xs, ys, theta, is_bif, params.direction_probe_reach)
    angles = np.mod(np.where(sense > 0, theta, theta + np.pi), 2 * np.pi)
    kinds = np.where(is_bif, MinutiaKind.BIFURCATION, MinutiaKind.ENDING).astype(np.uint8)
    keep = _drop_close_pairs(xs, ys, params.min_minutia_distance)
    return Template.from_arrays(
        width=cols,
        height=rows,
        x=xs[keep],
        y=ys[keep],
        angle=angles[keep],
        kind=kinds[keep],
        minutia_quality=np.full(int(keep.sum()), 100, dtype=np.uint8),
        meta={"source": "synthetic-ground-truth"},
    )


def _drop_close_pairs(xs: np.ndarray, ys: np.ndarray, distance: float) -> np.ndarray:
    """Mask keeping minutiae that have no other minutia within ``distance`` (spurs, bridges)."""
    keep = np.ones(len(xs), dtype=bool)
    if len(xs) < 2:
        return keep
    d = np.hypot(xs[:, None] - xs[None, :], ys[:, None] - ys[None, :])
    np.fill_diagonal(d, np.inf)
    keep &= d.min(axis=1) >= distance
    return keep
