"""A master fingerprint: everything SFinGe draws before a finger ever touches a sensor.

Steps (Cappelli, Erol & Maio 2000; Maltoni et al., *Handbook*, ch. 7): finger outline →
class and singular points → orientation field → ridge-period map → iterative Gabor growth →
ground-truth minutiae. Impressions (``impression.py``) are made from a master.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from securecomm.afis.synthesis.classes import (
    FingerClass,
    SingularPoints,
    draw_class,
    draw_singular_points,
)
from securecomm.afis.synthesis.contact import FingerShape, draw_finger_shape
from securecomm.afis.synthesis.density import period_map
from securecomm.afis.synthesis.ground_truth import extract_ground_truth
from securecomm.afis.synthesis.growth import grow_ridges
from securecomm.afis.synthesis.orientation import orientation_field
from securecomm.afis.synthesis.parameters import DEFAULT_MASTER, MasterParameters
from securecomm.afis.types import FloatArray, Template


@dataclass(frozen=True, eq=False)
class MasterFingerprint:
    """A synthetic finger: its ridge pattern, the fields that shaped it, and its minutiae."""

    finger_class: FingerClass
    shape: FingerShape
    singular_points: SingularPoints
    #: Ridge pattern, rows × columns, values in [−1, 1], > 0 on ridges, 0 outside the finger.
    ridges: FloatArray
    mask: npt.NDArray[np.bool_]
    orientation: FloatArray
    period: FloatArray
    #: Ground-truth minutiae in master coordinates.
    minutiae: Template
    growth_passes: int

    @property
    def height(self) -> int:
        return int(self.ridges.shape[0])

    @property
    def width(self) -> int:
        return int(self.ridges.shape[1])


def generate_master(
    rng: np.random.Generator,
    *,
    finger_class: FingerClass | None = None,
    params: MasterParameters = DEFAULT_MASTER,
) -> MasterFingerprint:
    """Draw a master fingerprint from ``rng`` (the class too, unless ``finger_class`` is given)."""
    size = (params.height, params.width)
    cls = draw_class(rng) if finger_class is None else FingerClass(finger_class)
    shape = draw_finger_shape(rng, params)
    mask = shape.mask(size)
    points = draw_singular_points(cls, shape, rng, params)
    orientation = orientation_field(cls, points, shape, size, rng, params)
    period = period_map(points, size, rng, params)
    ridges, passes = grow_ridges(mask, orientation, period, rng, params)
    minutiae = extract_ground_truth(ridges, mask, orientation, params)
    return MasterFingerprint(
        finger_class=cls,
        shape=shape,
        singular_points=points,
        ridges=ridges,
        mask=mask,
        orientation=orientation,
        period=period,
        minutiae=minutiae,
        growth_passes=passes,
    )
