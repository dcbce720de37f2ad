"""Ridge orientation of a synthetic finger from its class: the zero-pole model.

Sherlock & Monro ("A model for interpreting fingerprint topology", 1993) write the orientation
at z as ``θ(z) = θ0 + ½ [Σ arg(z − delta) − Σ arg(z − core)]``; loops have one core and one
delta, whorls two of each, tented arches a core right above a delta. Plain arches have no
singular point: a smooth hump ``θ = atan(−a · u · exp(−v²))`` across the finger.

Angles follow :mod:`securecomm.afis.types`: counter-clockwise as seen on screen (y down), so
``arg(z)`` of a screen offset (dx, dy) is ``atan2(−dy, dx)``. Orientation is defined mod π.
"""

from __future__ import annotations

import math

import numba as nb
import numpy as np
import numpy.typing as npt

from securecomm.afis.template_synthesis.parameters import ARCH


@nb.njit(cache=True)
def orientation_at(
    px: float,
    py: float,
    pattern: int,
    singular: npt.NDArray[np.float64],
    n_cores: int,
    n_deltas: int,
    centre_x: float,
    centre_y: float,
    semi_y: float,
    rotation: float,
) -> float:
    """Ridge orientation (radians, mod π) at pixel (px, py).

    ``singular`` holds ``[core_x0, core_y0, core_x1, core_y1, delta_x0, delta_y0, ...]``
    (two slots each for cores and deltas).
    """
    if pattern == ARCH:
        u = (px - centre_x) / semi_y
        v = (py - (centre_y - 0.15 * semi_y)) / semi_y
        return rotation + math.atan(-1.1 * u * math.exp(-v * v))
    theta = rotation
    for c in range(n_cores):
        theta -= 0.5 * math.atan2(-(py - singular[2 * c + 1]), px - singular[2 * c])
    for d in range(n_deltas):
        theta += 0.5 * math.atan2(-(py - singular[4 + 2 * d + 1]), px - singular[4 + 2 * d])
    return theta % math.pi
