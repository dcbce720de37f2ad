"""Impressions of master fingers, the way a sensor and an extractor would report them.

For each finger of an impression, from its own random stream: a contact ellipse (partial
overlap), a smooth non-linear skin distortion (a sum of Gaussian displacement bumps, in the
spirit of Cappelli, Maio & Maltoni's distortion model, 2001), a rigid rotation and
translation, position and direction noise, missed true minutiae, spurious minutiae that follow
the ridge flow (often in facing pairs, the two ends of a broken ridge), ending/bifurcation
confusion, and — for a fraction of fingers — low quality (more noise, more misses, more
spurious points). Impression 0 is what a gallery enrols;
impressions 1, 2, … are later captures of the same fingers.
"""

from __future__ import annotations

import math

import numba as nb
import numpy as np
import numpy.typing as npt

from securecomm.afis.template_synthesis import parameters as P
from securecomm.afis.template_synthesis.masters import (
    GEOM_CORES,
    GEOM_CX,
    GEOM_CY,
    GEOM_DELTAS,
    GEOM_PATTERN,
    GEOM_ROT,
    GEOM_RX,
    GEOM_RY,
    GEOMETRY_SIZE,
    generate_master,
)
from securecomm.afis.template_synthesis.orientation import orientation_at
from securecomm.afis.template_synthesis.rng import normal, poisson, stream_seed, uniform

#: Impression number that returns the master itself (no sensor effects); for tests.
MASTER_IMPRESSION = -1


@nb.njit(parallel=True, cache=True)
def impressions_kernel(
    seed: int,
    identities: npt.NDArray[np.int64],
    impression: int,
    out_x: npt.NDArray[np.float32],
    out_y: npt.NDArray[np.float32],
    out_angle: npt.NDArray[np.float32],
    out_kind: npt.NDArray[np.uint8],
    out_mq: npt.NDArray[np.uint8],
    out_count: npt.NDArray[np.int64],
    out_quality: npt.NDArray[np.uint8],
) -> None:
    """Fill row ``i * 10 + (finger - 1)`` of the outputs for every identity ``i``."""
    capacity = out_x.shape[1]
    rows = len(identities) * 10
    for row in nb.prange(rows):
        identity = identities[row // 10]
        finger = row % 10 + 1
        state = np.empty(1, dtype=np.uint64)
        state[0] = stream_seed(seed, identity, finger, -1)
        geometry = np.zeros(GEOMETRY_SIZE)
        singular = np.zeros(8)
        mx = np.empty(P.MASTER_MINUTIAE_MAX)
        my = np.empty(P.MASTER_MINUTIAE_MAX)
        ma = np.empty(P.MASTER_MINUTIAE_MAX)
        mk = np.empty(P.MASTER_MINUTIAE_MAX, dtype=np.uint8)
        mq = np.empty(P.MASTER_MINUTIAE_MAX, dtype=np.uint8)
        n = generate_master(state, finger, geometry, singular, mx, my, ma, mk, mq)
        if impression == MASTER_IMPRESSION:
            m = min(n, capacity)
            for k in range(m):
                out_x[row, k] = mx[k]
                out_y[row, k] = my[k]
                out_angle[row, k] = ma[k]
                out_kind[row, k] = mk[k]
                out_mq[row, k] = mq[k]
            out_count[row] = m
            out_quality[row] = 90
            continue
        state[0] = stream_seed(seed, identity, finger, impression)
        out_count[row] = _impress(
            state,
            geometry,
            singular,
            mx,
            my,
            ma,
            mk,
            mq,
            n,
            out_x[row],
            out_y[row],
            out_angle[row],
            out_kind[row],
            out_mq[row],
            out_quality[row : row + 1],
        )


@nb.njit(cache=True)
def _impress(
    state: npt.NDArray[np.uint64],
    geometry: npt.NDArray[np.float64],
    singular: npt.NDArray[np.float64],
    mx: npt.NDArray[np.float64],
    my: npt.NDArray[np.float64],
    ma: npt.NDArray[np.float64],
    mk: npt.NDArray[np.uint8],
    mq: npt.NDArray[np.uint8],
    n: int,
    ox: npt.NDArray[np.float32],
    oy: npt.NDArray[np.float32],
    oa: npt.NDArray[np.float32],
    ok: npt.NDArray[np.uint8],
    oq: npt.NDArray[np.uint8],
    quality: npt.NDArray[np.uint8],
) -> int:
    capacity = len(ox)
    low = 1 if uniform(state) < P.LOW_QUALITY_PROBABILITY else 0
    cx, cy = geometry[GEOM_CX], geometry[GEOM_CY]
    rx, ry = geometry[GEOM_RX], geometry[GEOM_RY]
    # Contact region.
    kx = cx + P.CONTACT_OFFSET_SD * normal(state)
    ky = cy + P.CONTACT_OFFSET_SD * normal(state)
    s0 = P.CONTACT_SCALE[0] + (P.CONTACT_SCALE[1] - P.CONTACT_SCALE[0]) * uniform(state)
    krx, kry = rx * s0, ry * s0
    # Distortion bumps.
    bump = np.empty((P.DISTORTION_BUMPS, 4))
    for b in range(P.DISTORTION_BUMPS):
        bump[b, 0] = kx + krx * (2.0 * uniform(state) - 1.0)
        bump[b, 1] = ky + kry * (2.0 * uniform(state) - 1.0)
        bump[b, 2] = P.DISTORTION_AMPLITUDE_SD * normal(state)
        bump[b, 3] = P.DISTORTION_AMPLITUDE_SD * normal(state)
    # Rigid placement about the contact centre.
    rot = min(P.ROTATION_MAX, max(-P.ROTATION_MAX, P.ROTATION_SD * normal(state)))
    tx = P.TRANSLATION_SD * normal(state)
    ty = P.TRANSLATION_SD * normal(state)
    cos_r, sin_r = math.cos(rot), math.sin(rot)
    pos_sd = P.POSITION_NOISE_SD[low]
    dir_sd = P.DIRECTION_NOISE_IMPRESSION_SD[low]
    miss = P.MISS_PROBABILITY[low]
    inv2s2 = 1.0 / (2.0 * P.DISTORTION_SIGMA * P.DISTORTION_SIGMA)
    spurious = poisson(state, P.SPURIOUS_MEAN[low])
    m = 0
    last_x, last_y, last_theta = kx, ky, 0.0
    pattern = int(geometry[GEOM_PATTERN])
    n_cores = int(geometry[GEOM_CORES])
    n_deltas = int(geometry[GEOM_DELTAS])
    for k in range(n + spurious):
        if k < n:
            px, py, theta = mx[k], my[k], ma[k]
            kind = mk[k]
            q = mq[k]
            u = (px - kx) / krx
            v = (py - ky) / kry
            if u * u + v * v > 1.0 or uniform(state) < miss:
                continue
            if uniform(state) < P.KIND_FLIP_PROBABILITY:
                kind = 3 - kind
        elif (k - n) % 2 == 1 and uniform(state) < P.SPURIOUS_PAIR_PROBABILITY:
            # The other end of a broken ridge: a little further along the flow, facing back.
            gap = P.SPURIOUS_PAIR_GAP[0] + (P.SPURIOUS_PAIR_GAP[1] - P.SPURIOUS_PAIR_GAP[0]) * (
                uniform(state)
            )
            px = last_x + gap * math.cos(last_theta)
            py = last_y - gap * math.sin(last_theta)
            theta = last_theta + math.pi
            kind = 1
            q = 20 + int(40.0 * uniform(state))
        else:
            r = math.sqrt(uniform(state))
            phi = 2.0 * math.pi * uniform(state)
            px = kx + krx * r * math.cos(phi)
            py = ky + kry * r * math.sin(phi)
            theta = orientation_at(
                px, py, pattern, singular, n_cores, n_deltas, cx, cy, ry, geometry[GEOM_ROT]
            )
            if uniform(state) < 0.5:
                theta += math.pi
            kind = 1 if uniform(state) < 0.5 else 2
            q = 20 + int(40.0 * uniform(state))
            last_x, last_y, last_theta = px, py, theta
        # Distortion: displacement and its effect on direction (finite difference).
        dx = 0.0
        dy = 0.0
        ddx = 0.0
        ddy = 0.0
        ex = math.cos(theta)
        ey = -math.sin(theta)
        for b in range(P.DISTORTION_BUMPS):
            gx = px - bump[b, 0]
            gy = py - bump[b, 1]
            w = math.exp(-(gx * gx + gy * gy) * inv2s2)
            w2 = math.exp(-((gx + 4.0 * ex) ** 2 + (gy + 4.0 * ey) ** 2) * inv2s2)
            dx += bump[b, 2] * w
            dy += bump[b, 3] * w
            ddx += bump[b, 2] * (w2 - w)
            ddy += bump[b, 3] * (w2 - w)
        theta = math.atan2(-(4.0 * ey + ddy), 4.0 * ex + ddx)
        px += dx
        py += dy
        # Rigid motion (screen coordinates, counter-clockwise as seen).
        rxp = px - kx
        ryp = py - ky
        nx = kx + cos_r * rxp + sin_r * ryp + tx + pos_sd * normal(state)
        ny = ky - sin_r * rxp + cos_r * ryp + ty + pos_sd * normal(state)
        if nx < 0.0 or ny < 0.0 or nx >= P.FRAME_WIDTH or ny >= P.FRAME_HEIGHT:
            continue
        if m >= capacity:
            break
        ox[m] = nx
        oy[m] = ny
        oa[m] = (theta + rot + dir_sd * normal(state)) % (2.0 * math.pi)
        ok[m] = kind
        oq[m] = q if low == 0 else q // 2
        m += 1
    lo, hi = P.QUALITY_RANGE_LOW if low else P.QUALITY_RANGE_GOOD
    quality[0] = lo + int((hi - lo) * uniform(state))
    return m
