"""The ridge-orientation field of a master fingerprint.

Zero-pole model of Sherlock & Monro ("A model for interpreting fingerprint topology", *Pattern
Recognition* 26(7), 1993): with z = x + iy (y up) and the singular points as zeros (cores) and
poles (deltas) of a complex function,

    θ(z) = θ∞ + ½ [ Σ_cores g_c(arg(z − z_c)) − Σ_deltas g_d(arg(z − z_d)) ].

With g(α) = α this is the original model; Vizcaya & Gerhardt ("A nonlinear orientation model
for global description of fingerprints", *Pattern Recognition* 29(7), 1996) replace it with a
piecewise-linear g through L nodes, g(α_k) = α_k + ε_k, which bends the ridges around each
singular point the way real ones bend. SFinGe does the same; we draw the ε_k at random per
singular point, so that two loops never flow quite alike.

Plain arches have no singular point; their field is the analytic bump SFinGe uses:
θ = atan(−s · sin(π ψ) · exp(−((y − y₀)/σ)²)), ψ = (x − x₀)/(half finger width).

Angles are in [0, π), counter-clockwise from the x axis as seen on screen (the convention of
:mod:`securecomm.afis.types`).
"""

from __future__ import annotations

import numpy as np

from securecomm.afis.synthesis.classes import FingerClass, SingularPoints
from securecomm.afis.synthesis.contact import FingerShape
from securecomm.afis.synthesis.fields import smooth_random_field
from securecomm.afis.synthesis.parameters import MasterParameters
from securecomm.afis.types import FloatArray


def _correction(rng: np.random.Generator, params: MasterParameters) -> np.ndarray:
    """Node values g(α_k) of one singular point's Vizcaya–Gerhardt correction (L + 1 nodes)."""
    nodes = params.correction_nodes
    alphas = -np.pi + 2 * np.pi * np.arange(nodes + 1) / nodes
    eps = rng.normal(0.0, params.correction_sigma, nodes)
    values = alphas.copy()
    values[:nodes] += eps
    values[nodes] = values[0] + 2 * np.pi  # periodic: g(π) = g(−π) + 2π
    return values


def _apply_correction(alpha: np.ndarray, values: np.ndarray) -> np.ndarray:
    nodes = len(values) - 1
    alphas = -np.pi + 2 * np.pi * np.arange(nodes + 1) / nodes
    return np.interp(alpha, alphas, values)


def orientation_field(
    finger_class: FingerClass,
    points: SingularPoints,
    shape: FingerShape,
    size: tuple[int, int],
    rng: np.random.Generator,
    params: MasterParameters,
) -> FloatArray:
    """Ridge orientation (radians in [0, π)) at every pixel of a ``size`` = (rows, cols) canvas."""
    rows, cols = size
    y, x = np.mgrid[0:rows, 0:cols].astype(np.float64)
    base = float(rng.uniform(-1, 1)) * params.field_rotation_max
    if finger_class is FingerClass.ARCH:
        cx, cy = points.arch_center
        psi = np.clip((x - cx) / (shape.width / 2), -1.0, 1.0)
        bump = np.exp(-(((y - cy) / points.arch_spread) ** 2))
        # Ridges are a little steeper above the centre than below (they hug the tip).
        skew = 1.0 + 0.25 * np.tanh((cy - y) / points.arch_spread)
        theta = base + np.arctan(-points.arch_slope * skew * np.sin(np.pi * psi) * bump)
    else:
        theta = np.full((rows, cols), base)
        for px, py in points.deltas:
            alpha = np.arctan2(-(y - py), x - px)
            theta -= 0.5 * _apply_correction(alpha, _correction(rng, params))
        for px, py in points.cores:
            alpha = np.arctan2(-(y - py), x - px)
            theta += 0.5 * _apply_correction(alpha, _correction(rng, params))
    if params.orientation_noise > 0:
        # Real fields wander from any model: add a smooth random turn (continuous, so the
        # singular points keep their Poincaré index).
        theta = theta + params.orientation_noise * smooth_random_field(
            rng, (rows, cols), params.orientation_noise_scale
        )
    return np.mod(theta, np.pi).astype(np.float32)
