"""The finger-shaped contact region of a master fingerprint.

SFinGe (Cappelli, Erol & Maio 2000; Maltoni et al., *Handbook of Fingerprint Recognition*,
ch. 7) draws the fingerprint area as a rectangle closed by four quarter-ellipses: a rounder cap
at the fingertip, a flatter one at the first flexion crease. We do the same, with a per-finger
width, height and cap heights drawn from :class:`~.parameters.MasterParameters`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from securecomm.afis.synthesis.parameters import MasterParameters

BoolArray = npt.NDArray[np.bool_]


@dataclass(frozen=True)
class FingerShape:
    """Outline of the finger pad on the master canvas (pixels, y down)."""

    center_x: float
    center_y: float
    width: float
    height: float
    #: Heights of the elliptical caps at the tip (top) and at the base (bottom).
    top_cap: float
    bottom_cap: float

    @property
    def top(self) -> float:
        return self.center_y - self.height / 2

    @property
    def bottom(self) -> float:
        return self.center_y + self.height / 2

    @property
    def left(self) -> float:
        return self.center_x - self.width / 2

    def mask(self, shape: tuple[int, int]) -> BoolArray:
        """Boolean contact mask (rows × columns) of this outline."""
        rows, cols = np.mgrid[0 : shape[0], 0 : shape[1]].astype(np.float32)
        return self.inside(cols, rows)

    def inside(self, x: npt.NDArray[np.float32], y: npt.NDArray[np.float32]) -> BoolArray:
        """True for points (x, y) inside the outline."""
        a = self.width / 2
        u = (x - self.center_x) / a
        top_line = self.top + self.top_cap
        bottom_line = self.bottom - self.bottom_cap
        inside = np.abs(u) <= 1.0
        inside &= y >= self.top
        inside &= y <= self.bottom
        upper = y < top_line
        v_top = (top_line - y) / self.top_cap
        inside &= ~upper | (u * u + v_top * v_top <= 1.0)
        lower = y > bottom_line
        v_bottom = (y - bottom_line) / self.bottom_cap
        inside &= ~lower | (u * u + v_bottom * v_bottom <= 1.0)
        return inside


def draw_finger_shape(rng: np.random.Generator, params: MasterParameters) -> FingerShape:
    """A random finger outline centred (with a little jitter) on the master canvas."""
    width = float(rng.uniform(*params.finger_width_range))
    height = float(rng.uniform(*params.finger_height_range))
    width = min(width, params.width - 8.0)
    height = min(height, params.height - 8.0)
    slack_x = (params.width - width) / 2 - 4
    slack_y = (params.height - height) / 2 - 4
    return FingerShape(
        center_x=params.width / 2 + float(rng.uniform(-slack_x, slack_x)),
        center_y=params.height / 2 + float(rng.uniform(-slack_y, slack_y)),
        width=width,
        height=height,
        top_cap=width * float(rng.uniform(*params.top_cap_range)),
        bottom_cap=width * float(rng.uniform(*params.bottom_cap_range)),
    )
