"""Minutiae from the skeleton, their directions, and the removal of false minutiae.

Candidates are skeleton pixels with crossing number 1 (ridge ending) or 3 (bifurcation)
(``tracing``). Directions come from the skeleton traced over ``direction_trace_length`` pixels,
refined by the smoothed orientation field (the sense from the trace, the angle from the field).

False minutiae are removed with the structural rules of Xiao and Raafat (1991) and Ratha, Chen
and Jain (1995), as summarised in Maltoni et al., *Handbook of Fingerprint Recognition* §3.8:
spurs (an ending joined to a bifurcation by a short branch), short ridges and dots (two endings
joined by a short ridge), bridges and lakes (two bifurcations joined by a short branch), broken
ridges (two endings facing each other across a short gap along the ridge flow), minutiae at the
border of the foreground (the skeleton is cut there), clusters (minutiae too close to any other)
and minutiae where the orientation is unreliable or the ridges unclear (``clarity``).

Angles here are image angles (``atan2(dy, dx)``, y down); the extractor flips them to the
template's screen convention. The sense is that of ISO/IEC 19794-2 as the FVC ``.iso`` templates
use it (``afis.types``): an ending points into its ridge, a bifurcation into the valley between
its branches.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numba import njit
from scipy.spatial import cKDTree

from securecomm.afis.extraction.orientation import OrientationField
from securecomm.afis.extraction.parameters import ExtractionParameters
from securecomm.afis.extraction.tracing import find_candidates, trace_branches
from securecomm.afis.types import MinutiaKind


@dataclass(frozen=True)
class RawMinutiae:
    """Minutiae in image geometry (angle = image angle, y down)."""

    x: np.ndarray
    y: np.ndarray
    angle: np.ndarray
    kind: np.ndarray
    quality: np.ndarray

    @property
    def count(self) -> int:
        return len(self.x)


def detect_minutiae(
    skeleton: np.ndarray,
    mask: np.ndarray,
    orientation: OrientationField,
    clarity: np.ndarray,
    params: ExtractionParameters,
) -> RawMinutiae:
    ys, xs, cn = find_candidates(skeleton)
    keep_cn = (cn == 1) | (cn == 3)
    ys, xs, cn = ys[keep_cn], xs[keep_cn], cn[keep_cn]
    is_bif = cn == 3
    hit, length, py, px = trace_branches(
        skeleton, ys, xs, is_bif, params.trace_length, params.direction_trace_length
    )
    angle = _directions(ys, xs, is_bif, py, px, orientation)
    border = border_distance(mask, ys, xs)
    remove = _structural_false(ys, xs, is_bif, hit, length, angle, orientation, params)
    remove |= border < params.border_distance
    min_coherence = _adaptive(
        params.min_minutia_coherence, params.relative_minutia_coherence, orientation.coherence, mask
    )
    remove |= orientation.coherence[ys, xs] < min_coherence
    remove |= clarity[ys, xs] < params.min_minutia_clarity
    ys, xs, is_bif, angle = ys[~remove], xs[~remove], is_bif[~remove], angle[~remove]
    border = border[~remove]
    remove = _too_close(ys, xs, params.min_minutia_distance)
    ys, xs, is_bif, angle = ys[~remove], xs[~remove], is_bif[~remove], angle[~remove]
    border = border[~remove]
    quality = _minutia_quality(ys, xs, clarity, border)
    order = np.lexsort((xs, ys, -quality))[: params.max_minutiae]
    order = order[np.lexsort((xs[order], ys[order]))]
    kind = np.where(is_bif, MinutiaKind.BIFURCATION, MinutiaKind.ENDING).astype(np.uint8)
    return RawMinutiae(
        x=xs[order].astype(np.float32),
        y=ys[order].astype(np.float32),
        angle=angle[order].astype(np.float32),
        kind=kind[order],
        quality=quality[order],
    )


def _adaptive(threshold: float, relative: float, measure: np.ndarray, mask: np.ndarray) -> float:
    """``threshold``, lowered to ``relative`` × the print's median ``measure`` over the
    foreground when that is lower: a print that is incoherent everywhere (wet, dry, a poor
    sensor) is judged against itself, not against the prints the default was tuned on.
    ``relative`` 0 (the default) keeps the fixed threshold."""
    if relative <= 0 or not mask.any():
        return threshold
    return min(threshold, relative * float(np.median(measure[mask])))


def _directions(
    ys: np.ndarray,
    xs: np.ndarray,
    is_bif: np.ndarray,
    py: np.ndarray,
    px: np.ndarray,
    orientation: OrientationField,
) -> np.ndarray:
    """Image angle of each minutia: an ending points from the ending into its ridge; a
    bifurcation points from the fork into the valley between its two branches (the ridge-valley
    duality: a bifurcation is a valley ending)."""
    branch = np.arctan2(py - ys[:, None], px - xs[:, None])  # (n, 3)
    traced = branch[:, 0].copy()
    bif = np.flatnonzero(is_bif)
    if bif.size:
        b = branch[bif]
        # the two fork branches are the pair with the smallest angle between them
        pairs = ((0, 1), (1, 2), (0, 2))
        gaps = np.stack([_angle_gap(b[:, p], b[:, q]) for p, q in pairs], axis=1)
        best = np.argmin(gaps, axis=1)
        first = np.array([p for p, _ in pairs])[best]
        second = np.array([q for _, q in pairs])[best]
        rows = np.arange(bif.size)
        a1, a2 = b[rows, first], b[rows, second]
        traced[bif] = np.arctan2(np.sin(a1) + np.sin(a2), np.cos(a1) + np.cos(a2))
    field = np.mod(orientation.angle[ys, xs].astype(np.float64), np.pi)
    # choose the sense of the field's axis nearer to the traced direction
    refined = np.where(np.cos(field - traced) >= 0, field, field + np.pi)
    agree = np.abs(np.cos(refined - traced)) > np.cos(np.pi / 6)
    return np.mod(np.where(agree, refined, traced), 2 * np.pi)


def _angle_gap(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return np.abs(np.angle(np.exp(1j * (a - b))))


def _structural_false(
    ys: np.ndarray,
    xs: np.ndarray,
    is_bif: np.ndarray,
    hit: np.ndarray,
    length: np.ndarray,
    angle: np.ndarray,
    orientation: OrientationField,
    params: ExtractionParameters,
) -> np.ndarray:
    n = len(ys)
    remove = np.zeros(n, dtype=bool)
    src, branch = np.nonzero(hit >= 0)
    dst = hit[src, branch]
    dist = length[src, branch]
    bif_src, bif_dst = is_bif[src], is_bif[dst]
    spur = (bif_src != bif_dst) & (dist < params.max_spur_length)
    short_ridge = ~bif_src & ~bif_dst & (dist < params.max_short_ridge_length)
    bridge = bif_src & bif_dst & (dist < params.max_bridge_length)
    bad = spur | short_ridge | bridge
    remove[src[bad]] = True
    remove[dst[bad]] = True
    # a bifurcation whose branch loops back to itself quickly: a small lake or a hook
    loop = (hit == -1) & is_bif[:, None] & (length < params.max_bridge_length)
    # (-1 with a short length means the branch stopped: a short dangling spur)
    remove |= loop.any(axis=1) & is_bif
    # broken ridges: endings facing each other across a short gap along the ridge flow
    endings = np.flatnonzero(~is_bif)
    if endings.size > 1:
        ey, ex = ys[endings].astype(float), xs[endings].astype(float)
        # only pairs closer than the break distance can qualify: find them with a k-d tree,
        # then evaluate the tests on those ordered pairs (i → j and j → i)
        close = cKDTree(np.stack([ey, ex], axis=1)).query_pairs(
            params.max_break_distance, output_type="ndarray"
        )
        if close.size:
            i = np.concatenate([close[:, 0], close[:, 1]])
            j = np.concatenate([close[:, 1], close[:, 0]])
            dy = ey[j] - ey[i]
            dx = ex[j] - ex[i]
            d = np.hypot(dy, dx)
            gap_angle = np.arctan2(dy, dx)  # from i to j
            ai = angle[endings][i]
            aj = angle[endings][j]
            flow = orientation.angle[ys[endings], xs[endings]][i]
            facing = (np.cos(ai - aj) < -0.5) & (np.cos(gap_angle - ai) < 0)
            along = np.abs(np.sin(gap_angle - flow)) < np.sin(params.max_break_angle)
            near = (d > 0) & (d < params.max_break_distance)
            pairs = facing & along & near
            remove[endings[i[pairs]]] = True
            remove[endings[j[pairs]]] = True
    return remove


def _too_close(ys: np.ndarray, xs: np.ndarray, limit: float) -> np.ndarray:
    if len(ys) < 2:
        return np.zeros(len(ys), dtype=bool)
    d = np.hypot(ys[:, None] - ys[None, :], xs[:, None] - xs[None, :]).astype(float)
    np.fill_diagonal(d, np.inf)
    return (d < limit).any(axis=1)


def border_distance(mask: np.ndarray, ys: np.ndarray, xs: np.ndarray) -> np.ndarray:
    """Euclidean distance from each pixel (ys, xs) to the nearest background pixel, counting
    the pixels just outside the image as background.

    The same values as ``ndimage.distance_transform_edt(np.pad(mask, 1))`` at those pixels
    (exact: the square root of an integer squared distance), computed only where asked: per
    row, the horizontal distance to the nearest background pixel (the first pass of the exact
    transforms of Meijster et al. 2000), then per query the minimum over rows, searched outward
    until the row offset alone exceeds the best distance.
    """
    padded = np.zeros((mask.shape[0] + 2, mask.shape[1] + 2), dtype=np.bool_)
    padded[1:-1, 1:-1] = mask
    return _border_distance(
        padded, np.asarray(ys, dtype=np.int64) + 1, np.asarray(xs, dtype=np.int64) + 1
    )


@njit(cache=True, nogil=True)
def _border_distance(padded, ys, xs):  # pragma: no cover - numba
    h, w = padded.shape
    far = h + w
    horizontal = np.empty((h, w), dtype=np.int64)
    for y in range(h):
        last = -far
        for x in range(w):
            if not padded[y, x]:
                last = x
            horizontal[y, x] = x - last
        last = 2 * far
        for x in range(w - 1, -1, -1):
            if not padded[y, x]:
                last = x
            horizontal[y, x] = min(horizontal[y, x], last - x)
    out = np.empty(ys.size, dtype=np.float64)
    for k in range(ys.size):
        y0 = ys[k]
        x0 = xs[k]
        g = horizontal[y0, x0]
        best = g * g
        dy = 1
        while dy * dy < best:
            for y in (y0 - dy, y0 + dy):
                if 0 <= y < h:
                    g = horizontal[y, x0]
                    best = min(best, dy * dy + g * g)
            dy += 1
        out[k] = np.sqrt(np.float64(best))
    return out


def _minutia_quality(
    ys: np.ndarray, xs: np.ndarray, clarity: np.ndarray, border: np.ndarray
) -> np.ndarray:
    """0–100 from the local ridge clarity and the distance to the foreground border
    (``border``: per minutia)."""
    clear = np.clip((clarity[ys, xs] - 0.2) / 0.6, 0.0, 1.0)
    inside = np.clip(border / 48.0, 0.0, 1.0)
    quality = 100.0 * clear * (0.5 + 0.5 * inside)
    return np.clip(np.rint(quality), 1, 100).astype(np.uint8)
