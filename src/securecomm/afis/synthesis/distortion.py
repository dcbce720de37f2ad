"""Where a point of the master ends up on the sensor: placement and skin distortion.

Non-linear (plastic) distortion after Cappelli, Maio & Maltoni, "Modelling plastic distortion
in fingerprint images" (ICAPR 2001): when a finger is pressed and dragged or twisted, the skin
in a close-contact region *a* sticks to the sensor and does not move, the skin outside follows
the finger's rigid motion *r* (a rotation φ about the contact centre and a translation t), and
between them the skin stretches elastically. With Δ(v) = r(v) − v and shapedist(v) the distance
from v to region *a* (an ellipse),

    distortion(v) = v + Δ(v) · brake(shapedist(v)),   brake(d) = 1 − exp(−d / k),

so displacement is 0 inside *a* and grows smoothly to the full rigid motion far from it (k is
the skin's "brake" distance). The impression is then placed on the sensor by a rotation α about
the contact centre, an optional horizontal stretch (the unrolling of a rolled print) and a
translation. :meth:`ImpressionGeometry.forward` maps master points to image points (used for
the ground-truth minutiae); :meth:`ImpressionGeometry.inverse` maps image pixels back to the
master (used to render the image) by fixed-point iteration of the distortion, so both go
through the same transformation.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

Array = npt.NDArray[np.float64]


@dataclass(frozen=True)
class SkinDistortion:
    """The Cappelli–Maio–Maltoni distortion, in master coordinates."""

    center_x: float
    center_y: float
    #: Semi-axes of the close-contact region a (pixels).
    close_a: float
    close_b: float
    #: Rigid motion of the finger outside region a.
    shift_x: float = 0.0
    shift_y: float = 0.0
    rotation: float = 0.0
    brake_k: float = 90.0

    @property
    def is_identity(self) -> bool:
        return self.shift_x == 0.0 and self.shift_y == 0.0 and self.rotation == 0.0

    def displacement(self, x: Array, y: Array) -> tuple[Array, Array]:
        """Δ(v)·brake(shapedist(v)) at points (x, y)."""
        dx, dy = x - self.center_x, y - self.center_y
        cos, sin = np.cos(self.rotation), np.sin(self.rotation)
        # Rotation counter-clockwise on screen (y down): x' = x cos + y sin, y' = −x sin + y cos.
        rx = dx * cos + dy * sin + self.center_x + self.shift_x
        ry = -dx * sin + dy * cos + self.center_y + self.shift_y
        rho = np.sqrt((dx / self.close_a) ** 2 + (dy / self.close_b) ** 2)
        radius = np.hypot(dx, dy)
        # Distance to the ellipse along the ray from its centre (exact for a circle).
        dist = np.where(rho > 1.0, radius * (1.0 - 1.0 / np.maximum(rho, 1e-12)), 0.0)
        brake = 1.0 - np.exp(-dist / self.brake_k)
        return (rx - x) * brake, (ry - y) * brake

    def apply(self, x: Array, y: Array) -> tuple[Array, Array]:
        ux, uy = self.displacement(x, y)
        return x + ux, y + uy

    def invert(self, x: Array, y: Array, iterations: int) -> tuple[Array, Array]:
        """Points v with apply(v) = (x, y), by fixed-point iteration v ← w − disp(v)."""
        if self.is_identity:
            return x, y
        vx, vy = x.copy(), y.copy()
        for _ in range(iterations):
            ux, uy = self.displacement(vx, vy)
            vx, vy = x - ux, y - uy
        return vx, vy


@dataclass(frozen=True)
class ImpressionGeometry:
    """Master → image mapping: skin distortion, then stretch, rotation and placement."""

    distortion: SkinDistortion
    #: Master point that lands on (image_x, image_y).
    anchor_x: float
    anchor_y: float
    image_x: float
    image_y: float
    #: Counter-clockwise rotation on screen (radians).
    rotation: float
    #: Horizontal stretch in the finger's frame (1 for flat prints).
    stretch: float = 1.0
    inverse_iterations: int = 6

    def forward(self, x: npt.ArrayLike, y: npt.ArrayLike) -> tuple[Array, Array]:
        """Image coordinates of master points (x, y)."""
        dx, dy = self.distortion.apply(np.asarray(x, np.float64), np.asarray(y, np.float64))
        dx = (dx - self.anchor_x) * self.stretch
        dy = dy - self.anchor_y
        cos, sin = np.cos(self.rotation), np.sin(self.rotation)
        return (dx * cos + dy * sin + self.image_x, -dx * sin + dy * cos + self.image_y)

    def inverse(self, u: npt.ArrayLike, v: npt.ArrayLike) -> tuple[Array, Array]:
        """Master coordinates of image points (u, v)."""
        du = np.asarray(u, np.float64) - self.image_x
        dv = np.asarray(v, np.float64) - self.image_y
        cos, sin = np.cos(self.rotation), np.sin(self.rotation)
        wx = (du * cos - dv * sin) / self.stretch + self.anchor_x
        wy = du * sin + dv * cos + self.anchor_y
        return self.distortion.invert(wx, wy, self.inverse_iterations)

    def forward_angle(self, x: Array, y: Array, angle: Array, step: float = 3.0) -> Array:
        """Image-space direction of master directions ``angle`` at master points (x, y)."""
        x0, y0 = self.forward(x, y)
        x1, y1 = self.forward(x + step * np.cos(angle), y - step * np.sin(angle))
        return np.mod(np.arctan2(-(y1 - y0), x1 - x0), 2 * np.pi)
