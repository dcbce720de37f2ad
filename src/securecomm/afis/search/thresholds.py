"""Decision threshold for a target FPIR at the current gallery size, for any number of fingers.

Model (documented in ``docs/afis-search.md``, checked by ``benchmarks/search_scale.py`` and
``benchmarks/search_real.py``):

1. The fused score of one non-mated identity compared on k fingers is ``Σ s_f`` with
   ``s_f = −log10 FMR_f`` (:mod:`fusion`). If every finger's calibration held exactly
   (FMR_f ~ U(0, 1), fingers independent), it would be ``G/ln 10`` with ``G ~ Gamma(k, 1)``.
   Real fingers do not follow it exactly, so the model is **calibrated per number of fingers**
   from non-mated scores (:class:`FusionCalibration`): the fused score of k non-mated fingers
   is ``Gamma(k, θ_k)`` with the scale θ_k fitted to the upper tail of measured non-mated
   sums of k fingers (:func:`fit_fusion_calibration`); θ_k = 1/ln 10 is the uncalibrated model.
2. The **calibrated score** of a candidate is ``c = −log10 S_k(fused)``, S_k the survival
   function of that Gamma: the decades of per-identity false match rate the comparison is
   worth, whatever k. A two-print record compared on two fingers and a ten-print record on ten
   are therefore ranked and decided on one scale.
3. A non-mated search against N identities raises a false alarm when any of them reaches the
   threshold: ``FPIR = 1 − (1 − p)^N``, so the decision threshold is ``c ≥ −log10 p`` with
   ``p = 1 − (1 − FPIR)^(1/N)`` (≈ FPIR / N): the same for every number of fingers. In fused
   units it is ``t_k = θ_k · Q⁻¹(k, p)``.

The threshold grows with the gallery (log-linearly in N). It is exact when the calibration
holds on the population searched; the benchmarks report the FPIR measured at this threshold per
number of shared fingers, so a mismatch is visible, not hidden.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
from scipy import optimize, special

from securecomm.afis.search.parameters import (
    DEFAULT_TARGET_FPIR,
    FUSION_CALIBRATION_SOURCE,
    FUSION_GAMMA_SCALES,
    TAIL_FRACTION,
)

FINGERS = 10
#: The uncalibrated model's scale: Σ −log10 U = Gamma(k, 1/ln 10).
MODEL_SCALE = 1.0 / math.log(10.0)


def per_identity_false_match_rate(target_fpir: float, gallery_size: int) -> float:
    """The probability one non-mated identity may reach the threshold."""
    if not 0.0 < target_fpir < 1.0:
        raise ValueError(f"target FPIR must be in (0, 1), got {target_fpir}")
    n = max(1, int(gallery_size))
    return -math.expm1(math.log1p(-target_fpir) / n)


def log_gamma_survival(k: float, x: float) -> float:
    """ln Q(k, x), the regularised upper incomplete gamma function, without underflow (mated
    fused scores reach thousands of units, where Q itself is below the smallest double)."""
    if x <= 0.0:
        return 0.0
    q = float(special.gammaincc(k, x))
    if q > 1e-280:
        return math.log(q)
    # Asymptotic series: Q(k, x) ≈ x^(k−1) e^(−x) / Γ(k) · (1 + (k−1)/x + (k−1)(k−2)/x² …).
    series = 1.0 + (k - 1.0) / x + (k - 1.0) * (k - 2.0) / (x * x)
    return (k - 1.0) * math.log(x) - x - math.lgamma(k) + math.log(max(series, 1e-300))


def fused_threshold(target_fpir: float, gallery_size: int, fingers: int) -> float:
    """Fused-score threshold of the uncalibrated model for ``fingers`` compared fingers."""
    if fingers < 1:
        return math.inf
    p = per_identity_false_match_rate(target_fpir, gallery_size)
    return float(special.gammainccinv(fingers, p)) / math.log(10.0)


@dataclass(frozen=True)
class FusionCalibration:
    """Per number of compared fingers k = 1–10: the fused score of a non-mated identity is
    Gamma(k, ``scales[k − 1]``) (decades)."""

    scales: tuple[float, ...] = FUSION_GAMMA_SCALES
    source: str = FUSION_CALIBRATION_SOURCE

    def __post_init__(self) -> None:
        if len(self.scales) != FINGERS or not all(s > 0 for s in self.scales):
            raise ValueError(f"need {FINGERS} positive Gamma scales, got {self.scales!r}")

    def scale(self, fingers: int) -> float:
        return self.scales[min(FINGERS, max(1, fingers)) - 1]

    def calibrated(self, fused: float, fingers: int) -> float:
        """−log10 of the probability that a non-mated identity compared on ``fingers``
        fingers reaches ``fused`` (0 when nothing was compared)."""
        if fingers < 1 or fused <= 0.0:
            return 0.0
        return -log_gamma_survival(fingers, fused / self.scale(fingers)) / math.log(10.0)

    def fused_for(self, calibrated: float, fingers: int) -> float:
        """The fused score of ``fingers`` fingers whose calibrated score is ``calibrated``."""
        if fingers < 1:
            return math.inf
        p = 10.0 ** (-calibrated)
        return self.scale(fingers) * float(special.gammainccinv(fingers, p))

    def as_dict(self) -> dict[str, object]:
        return {"gamma_scales": list(self.scales), "source": self.source}


#: θ_k = 1/ln 10 for every k: Fisher's method with exactly calibrated, independent fingers.
MODEL_CALIBRATION = FusionCalibration((MODEL_SCALE,) * FINGERS, "model: Gamma(k, 1/ln 10)")


def fit_gamma_scale(
    sums: Sequence[float] | np.ndarray, k: int, tail: float = TAIL_FRACTION
) -> float:
    """θ of Gamma(k, θ) fitted to the upper ``tail`` of non-mated fused sums of k fingers: the
    least-squares fit of ln S(t) over that tail (the part a threshold at p ≪ 1 extrapolates)."""
    s = np.sort(np.asarray(sums, dtype=np.float64))
    n = len(s)
    if n < 50:
        raise ValueError(f"too few non-mated sums to calibrate {k} fingers ({n})")
    first = int(n * (1.0 - tail))
    t = s[first:]
    emp = np.log((n - np.arange(first, n)) / n)  # empirical survival at each sorted value

    def loss(log_theta: float) -> float:
        theta = math.exp(log_theta)
        model = np.array([log_gamma_survival(k, v / theta) if v > 0 else 0.0 for v in t])
        return float(np.mean((model - emp) ** 2))

    res = optimize.minimize_scalar(loss, bounds=(math.log(0.05), math.log(5.0)), method="bounded")
    return float(math.exp(res.x))


def fit_fusion_calibration(
    sums_by_fingers: Mapping[int, Sequence[float] | np.ndarray],
    source: str,
    tail: float = TAIL_FRACTION,
) -> FusionCalibration:
    """A calibration from non-mated fused sums per number of fingers; counts without samples
    keep the nearest fitted count's scale (or the model's when none was fitted)."""
    fitted = {k: fit_gamma_scale(v, k, tail) for k, v in sums_by_fingers.items() if len(v) >= 50}
    scales = []
    for k in range(1, FINGERS + 1):
        if k in fitted:
            scales.append(fitted[k])
        elif fitted:
            nearest = min(fitted, key=lambda j: (abs(j - k), j))
            scales.append(fitted[nearest])
        else:
            scales.append(MODEL_SCALE)
    return FusionCalibration(tuple(scales), source)


@dataclass(frozen=True)
class ThresholdPolicy:
    """Target FPIR and the fusion calibration; the threshold follows the gallery size."""

    target_fpir: float = DEFAULT_TARGET_FPIR
    calibration: FusionCalibration = field(default_factory=FusionCalibration)

    def decision_threshold(self, gallery_size: int) -> float:
        """Calibrated-score threshold, the same for any number of fingers: −log10 p."""
        return -math.log10(per_identity_false_match_rate(self.target_fpir, gallery_size))

    def threshold(self, gallery_size: int, fingers: int) -> float:
        """The same threshold in fused units for ``fingers`` compared fingers."""
        return self.calibration.fused_for(self.decision_threshold(gallery_size), fingers)

    def calibrated(self, fused: float, fingers: int) -> float:
        return self.calibration.calibrated(fused, fingers)
