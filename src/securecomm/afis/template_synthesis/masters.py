"""Master fingers: the true minutiae of one synthetic finger, before any impression.

A master is drawn from its own random stream: a class (by hand, see ``parameters``), a finger
ellipse, singular points for that class, then minutiae by dart throwing (a Poisson-disk
process with a minimum distance of about one ridge period) whose directions follow the ridge
orientation of the zero-pole model (:mod:`orientation`) with a little noise. The sense of a
minutia (which way along the ridge it points) follows a smooth field — away from the core —
except for a few flips, because on real prints nearby minutiae mostly point the same way; with
independent senses the impostor score tail is far lighter than real (see
docs/afis-template-synthesis.md).
"""

from __future__ import annotations

import math

import numba as nb
import numpy as np
import numpy.typing as npt

from securecomm.afis.template_synthesis import parameters as P
from securecomm.afis.template_synthesis.orientation import orientation_at
from securecomm.afis.template_synthesis.rng import normal, uniform

#: Layout of the per-master geometry vector.
GEOM_PATTERN, GEOM_CX, GEOM_CY, GEOM_RX, GEOM_RY, GEOM_ROT, GEOM_CORES, GEOM_DELTAS = range(8)
GEOMETRY_SIZE = 8

_CLASS_RIGHT = np.cumsum(P.CLASS_PROBABILITIES_RIGHT)
_CLASS_LEFT = np.cumsum(P.CLASS_PROBABILITIES_LEFT)


@nb.njit(cache=True)
def _pick_class(state: npt.NDArray[np.uint64], finger: int) -> int:
    cumulative = _CLASS_RIGHT if finger <= 5 else _CLASS_LEFT
    u = uniform(state) * cumulative[-1]
    for k in range(len(cumulative)):
        if u < cumulative[k]:
            return k
    return len(cumulative) - 1


@nb.njit(cache=True)
def generate_master(
    state: npt.NDArray[np.uint64],
    finger: int,
    geometry: npt.NDArray[np.float64],
    singular: npt.NDArray[np.float64],
    mx: npt.NDArray[np.float64],
    my: npt.NDArray[np.float64],
    mangle: npt.NDArray[np.float64],
    mkind: npt.NDArray[np.uint8],
    mquality: npt.NDArray[np.uint8],
) -> int:
    """Fill the master arrays from ``state``; returns the number of minutiae."""
    pattern = _pick_class(state, finger)
    cx = P.FRAME_WIDTH / 2.0 + P.CENTRE_JITTER * normal(state)
    cy = P.FRAME_HEIGHT / 2.0 + P.CENTRE_JITTER * normal(state)
    rx = P.SEMI_AXIS_X[0] + (P.SEMI_AXIS_X[1] - P.SEMI_AXIS_X[0]) * uniform(state)
    ry = P.SEMI_AXIS_Y[0] + (P.SEMI_AXIS_Y[1] - P.SEMI_AXIS_Y[0]) * uniform(state)
    rotation = P.PATTERN_ROTATION_SD * normal(state)
    core_x = cx + 0.15 * rx * normal(state)
    core_y = cy - 0.15 * ry + 0.12 * ry * normal(state)
    n_cores = 0
    n_deltas = 0
    if pattern == P.TENTED_ARCH:
        n_cores, n_deltas = 1, 1
        singular[0], singular[1] = core_x, core_y
        singular[4], singular[5] = core_x + 0.05 * rx * normal(state), core_y + 0.35 * ry
    elif pattern == P.LEFT_LOOP or pattern == P.RIGHT_LOOP:
        n_cores, n_deltas = 1, 1
        side = 1.0 if pattern == P.LEFT_LOOP else -1.0
        singular[0], singular[1] = core_x, core_y
        singular[4] = core_x + side * (0.45 + 0.15 * uniform(state)) * rx
        singular[5] = core_y + (0.45 + 0.2 * uniform(state)) * ry
    elif pattern == P.WHORL:
        n_cores, n_deltas = 2, 2
        spread = 0.08 * ry + 0.06 * ry * uniform(state)
        tilt = 0.6 * normal(state)
        singular[0] = core_x - spread * math.sin(tilt)
        singular[1] = core_y - spread * math.cos(tilt)
        singular[2] = core_x + spread * math.sin(tilt)
        singular[3] = core_y + spread * math.cos(tilt)
        singular[4] = core_x - (0.5 + 0.15 * uniform(state)) * rx
        singular[5] = core_y + (0.5 + 0.15 * uniform(state)) * ry
        singular[6] = core_x + (0.5 + 0.15 * uniform(state)) * rx
        singular[7] = core_y + (0.5 + 0.15 * uniform(state)) * ry
    geometry[GEOM_PATTERN] = pattern
    geometry[GEOM_CX], geometry[GEOM_CY] = cx, cy
    geometry[GEOM_RX], geometry[GEOM_RY] = rx, ry
    geometry[GEOM_ROT] = rotation
    geometry[GEOM_CORES], geometry[GEOM_DELTAS] = n_cores, n_deltas

    period = P.RIDGE_PERIOD[0] + (P.RIDGE_PERIOD[1] - P.RIDGE_PERIOD[0]) * uniform(state)
    ref_x = singular[0] if n_cores > 0 else cx
    ref_y = singular[1] if n_cores > 0 else cy - 0.15 * ry
    target = int(P.MASTER_MINUTIAE_MEAN + P.MASTER_MINUTIAE_SD * normal(state))
    target = max(P.MASTER_MINUTIAE_MIN, min(P.MASTER_MINUTIAE_MAX, target, len(mx)))
    min_d2 = P.MIN_MINUTIA_DISTANCE * P.MIN_MINUTIA_DISTANCE
    n = 0
    tries = 0
    while n < target and tries < 40 * target:
        tries += 1
        # A point in the ellipse, uniform by area.
        r = math.sqrt(uniform(state))
        phi = 2.0 * math.pi * uniform(state)
        px = cx + rx * r * math.cos(phi)
        py = cy + ry * r * math.sin(phi)
        theta = orientation_at(px, py, pattern, singular, n_cores, n_deltas, cx, cy, ry, rotation)
        if P.RIDGE_SNAP and n > 0:
            # On a ridge line: the offset across the flow from the nearest minutia so far is
            # a whole number of ridge periods.
            best = 1e30
            nearest = 0
            for k in range(n):
                d2 = (mx[k] - px) ** 2 + (my[k] - py) ** 2
                if d2 < best:
                    best = d2
                    nearest = k
            if best < P.RIDGE_SNAP_RADIUS * P.RIDGE_SNAP_RADIUS:
                nx_ = math.sin(theta)
                ny_ = math.cos(theta)
                across = (px - mx[nearest]) * nx_ + (py - my[nearest]) * ny_
                shift = period * round(across / period) - across
                px += shift * nx_
                py += shift * ny_
        ok = True
        for k in range(n):
            dx = mx[k] - px
            dy = my[k] - py
            if dx * dx + dy * dy < min_d2:
                ok = False
                break
        if not ok:
            continue
        # Sense: away from the (first) core, i.e. the flow vector has a positive component
        # along the outward radius (screen y points down, angles counter-clockwise).
        if math.cos(theta) * (px - ref_x) - math.sin(theta) * (py - ref_y) < 0.0:
            theta += math.pi
        if uniform(state) < P.SENSE_FLIP_PROBABILITY:
            theta += math.pi
        theta += P.DIRECTION_NOISE_SD * normal(state)
        mx[n] = px
        my[n] = py
        mangle[n] = theta % (2.0 * math.pi)
        mkind[n] = 1 if uniform(state) < P.ENDING_PROBABILITY else 2
        mquality[n] = 40 + int(60.0 * uniform(state))
        n += 1
    return n
