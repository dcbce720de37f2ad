"""The ridge-period (inverse frequency) map of a master fingerprint.

SFinGe's density model (Maltoni et al., *Handbook of Fingerprint Recognition*, §7.4): the
ridge frequency is lower above the northernmost core (towards the fingertip) and higher below
the southernmost delta (towards the flexion crease), with a gentle random variation elsewhere.
We model the period (pixels per ridge-valley cycle at 500 ppi) rather than the frequency.
"""

from __future__ import annotations

import numpy as np

from securecomm.afis.synthesis.classes import SingularPoints
from securecomm.afis.synthesis.fields import smooth_random_field
from securecomm.afis.synthesis.parameters import MasterParameters
from securecomm.afis.types import FloatArray

#: Width (pixels) of the smooth step between regions.
_TRANSITION = 25.0


def period_map(
    points: SingularPoints,
    size: tuple[int, int],
    rng: np.random.Generator,
    params: MasterParameters,
) -> FloatArray:
    """Ridge period in pixels at every pixel of a (rows, cols) canvas."""
    rows, _ = size
    y = np.arange(rows, dtype=np.float32)[:, None]
    base = float(rng.uniform(*params.period_range))
    if points.cores:
        top = min(p[1] for p in points.cores)
        bottom = max(p[1] for p in points.deltas) if points.deltas else top
    else:
        top = points.arch_center[1] - 0.5 * points.arch_spread
        bottom = points.arch_center[1] + points.arch_spread
    tip = 1.0 / (1.0 + np.exp((y - top) / _TRANSITION))
    crease = 1.0 / (1.0 + np.exp(-(y - bottom) / _TRANSITION))
    period = base + params.period_tip_extra * tip - params.period_base_drop * crease
    noise = smooth_random_field(rng, size, params.period_noise_scale)
    period = period + params.period_noise_amplitude * noise
    lo, hi = params.period_bank_range
    return np.clip(period, lo, hi).astype(np.float32)
