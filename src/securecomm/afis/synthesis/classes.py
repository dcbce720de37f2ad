"""Fingerprint classes (Henry's five), their frequencies, and where their singular points lie.

Frequencies are those Wilson, Candela & Watson measured on NIST data ("Neural network
fingerprint classification", *J. Artificial Neural Networks* 1(2), 1994), as quoted in
Maltoni et al., *Handbook of Fingerprint Recognition* (2nd ed., §5.1): arch 3.7 %, tented arch
2.9 %, left loop 33.8 %, right loop 31.7 %, whorl 27.9 %. They sum to 100 %.

Singular points follow the usual topology (Sherlock & Monro 1993; SFinGe):

- plain arch: no singular point (its field comes from a separate analytic model);
- tented arch: a core with a delta right below it;
- left loop: one core, one delta below it to the viewer's right (ridges enter and leave on the
  left); right loop: the mirror image;
- whorl: two cores stacked close together, two deltas low on either side.

Positions are drawn relative to the finger outline, so they scale with the finger.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

import numpy as np

from securecomm.afis.synthesis.contact import FingerShape
from securecomm.afis.synthesis.parameters import MasterParameters


class FingerClass(StrEnum):
    ARCH = "arch"
    TENTED_ARCH = "tented_arch"
    LEFT_LOOP = "left_loop"
    RIGHT_LOOP = "right_loop"
    WHORL = "whorl"


#: Wilson, Candela & Watson (1994): share of each class among fingers.
CLASS_FREQUENCIES: dict[FingerClass, float] = {
    FingerClass.ARCH: 0.037,
    FingerClass.TENTED_ARCH: 0.029,
    FingerClass.LEFT_LOOP: 0.338,
    FingerClass.RIGHT_LOOP: 0.317,
    FingerClass.WHORL: 0.279,
}

Point = tuple[float, float]


@dataclass(frozen=True)
class SingularPoints:
    """Cores and deltas (x, y) in master pixels; for an arch, its analytic-model parameters."""

    cores: tuple[Point, ...]
    deltas: tuple[Point, ...]
    #: Plain arch only: peak ridge slope and vertical spread (pixels) of the bump, and its
    #: centre (x, y).
    arch_slope: float = 0.0
    arch_spread: float = 0.0
    arch_center: Point = (0.0, 0.0)


def draw_class(rng: np.random.Generator) -> FingerClass:
    """A fingerprint class drawn with the frequencies of :data:`CLASS_FREQUENCIES`."""
    classes = list(CLASS_FREQUENCIES)
    weights = np.array([CLASS_FREQUENCIES[c] for c in classes])
    return classes[int(rng.choice(len(classes), p=weights / weights.sum()))]


def draw_singular_points(
    finger_class: FingerClass,
    shape: FingerShape,
    rng: np.random.Generator,
    params: MasterParameters,
) -> SingularPoints:
    """Place the class's cores and deltas inside the finger outline."""
    w, h = shape.width, shape.height
    core_x = shape.center_x + float(rng.uniform(-1, 1)) * params.core_x_jitter * w
    core_y = shape.top + float(rng.uniform(*params.core_y_range)) * h

    if finger_class is FingerClass.ARCH:
        return SingularPoints(
            cores=(),
            deltas=(),
            arch_slope=float(rng.uniform(*params.arch_slope_range)),
            arch_spread=float(rng.uniform(*params.arch_spread_range)) * h,
            arch_center=(core_x, core_y + 0.1 * h),
        )
    if finger_class is FingerClass.TENTED_ARCH:
        dy = float(rng.uniform(*params.tented_delta_dy_range)) * h
        dx = float(rng.uniform(-0.02, 0.02)) * w
        return SingularPoints(cores=((core_x, core_y),), deltas=((core_x + dx, core_y + dy),))
    if finger_class in (FingerClass.LEFT_LOOP, FingerClass.RIGHT_LOOP):
        side = 1.0 if finger_class is FingerClass.LEFT_LOOP else -1.0
        dx = side * float(rng.uniform(*params.loop_delta_dx_range)) * w
        dy = float(rng.uniform(*params.loop_delta_dy_range)) * h
        # The core sits a little towards the side the loop opens to.
        core_x -= side * 0.04 * w
        return SingularPoints(cores=((core_x, core_y),), deltas=((core_x + dx, core_y + dy),))
    # Whorl: two cores, one above the other, slightly offset (a spiral when offset more).
    gap = float(rng.uniform(*params.whorl_core_gap_range)) * h
    tilt = float(rng.uniform(-0.04, 0.04)) * w
    cores = ((core_x - tilt / 2, core_y - gap / 2), (core_x + tilt / 2, core_y + gap / 2))
    dy = float(rng.uniform(*params.whorl_delta_dy_range)) * h
    left_dx = float(rng.uniform(*params.whorl_delta_dx_range)) * w
    right_dx = float(rng.uniform(*params.whorl_delta_dx_range)) * w
    skew = float(rng.uniform(-0.05, 0.05)) * h
    deltas = (
        (core_x - left_dx, core_y + dy + skew),
        (core_x + right_dx, core_y + dy - skew),
    )
    return SingularPoints(cores=cores, deltas=deltas)
