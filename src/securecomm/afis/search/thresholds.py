"""Decision threshold for a target FPIR at the current gallery size, for any number of fingers.

Model (documented in ``docs/afis-search.md``, checked by ``benchmarks/search_scale.py`` and
``benchmarks/search_real.py``):

1. The fused score of one non-mated identity compared on k fingers is ``Σ s_f`` with
   ``s_f = −log10 FMR_f`` (:mod:`fusion`). If every finger's calibration held exactly
   (FMR_f ~ U(0, 1), fingers independent), it would be ``G/ln 10`` with ``G ~ Gamma(k, 1)``.
   Real fingers do not follow it exactly, so the model is **calibrated per number of fingers**
   from non-mated scores (:class:`FusionCalibration`, :func:`fit_fusion_calibration`): for k
   fingers, t0_k is the (1 − TAIL_FRACTION) quantile of measured non-mated sums; below it the
   survival is Gamma(k, θ_k) with θ_k chosen to pass through (t0_k, TAIL_FRACTION); above it
   the tail is exponential with the measured mean excess τ_k (the maximum-likelihood
   exponential fit of the sums beyond t0_k), which is what thresholds at p ≪ 1 extrapolate.
   θ_k = 1/ln 10 without a tail is the uncalibrated model.
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
from scipy import special

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
    """Per number of compared fingers k = 1–10, the survival function of a non-mated fused
    score: Gamma(k, ``scales[k − 1]``) up to ``tail_starts[k − 1]``, an exponential tail of
    mean excess ``tail_decays[k − 1]`` beyond it (no tail: Gamma throughout)."""

    scales: tuple[float, ...] = FUSION_GAMMA_SCALES
    source: str = FUSION_CALIBRATION_SOURCE
    tail_starts: tuple[float, ...] | None = None
    tail_decays: tuple[float, ...] | None = None

    def __post_init__(self) -> None:
        if len(self.scales) != FINGERS or not all(s > 0 for s in self.scales):
            raise ValueError(f"need {FINGERS} positive Gamma scales, got {self.scales!r}")
        for tail in (self.tail_starts, self.tail_decays):
            if tail is not None and (len(tail) != FINGERS or not all(v > 0 for v in tail)):
                raise ValueError(f"need {FINGERS} positive tail parameters, got {tail!r}")

    def scale(self, fingers: int) -> float:
        return self.scales[min(FINGERS, max(1, fingers)) - 1]

    def _tail(self, fingers: int) -> tuple[float, float, float] | None:
        """(t0, ln S(t0), mean excess) of the exponential tail, or None."""
        if self.tail_starts is None or self.tail_decays is None:
            return None
        k = min(FINGERS, max(1, fingers))
        t0 = self.tail_starts[k - 1]
        return t0, log_gamma_survival(k, t0 / self.scales[k - 1]), self.tail_decays[k - 1]

    def calibrated(self, fused: float, fingers: int) -> float:
        """−log10 of the probability that a non-mated identity compared on ``fingers``
        fingers reaches ``fused`` (0 when nothing was compared)."""
        if fingers < 1 or fused <= 0.0:
            return 0.0
        tail = self._tail(fingers)
        if tail is not None and fused > tail[0]:
            t0, log_s0, decay = tail
            return -(log_s0 - (fused - t0) / decay) / math.log(10.0)
        return -log_gamma_survival(fingers, fused / self.scale(fingers)) / math.log(10.0)

    def fused_for(self, calibrated: float, fingers: int) -> float:
        """The fused score of ``fingers`` fingers whose calibrated score is ``calibrated``."""
        if fingers < 1:
            return math.inf
        tail = self._tail(fingers)
        log_p = -calibrated * math.log(10.0)
        if tail is not None and log_p < tail[1]:
            t0, log_s0, decay = tail
            return t0 + (log_s0 - log_p) * decay
        return self.scale(fingers) * float(special.gammainccinv(fingers, math.exp(log_p)))

    def as_dict(self) -> dict[str, object]:
        return {
            "gamma_scales": list(self.scales),
            "tail_starts": list(self.tail_starts) if self.tail_starts else None,
            "tail_mean_excess": list(self.tail_decays) if self.tail_decays else None,
            "source": self.source,
        }


#: θ_k = 1/ln 10 for every k: Fisher's method with exactly calibrated, independent fingers.
MODEL_CALIBRATION = FusionCalibration((MODEL_SCALE,) * FINGERS, "model: Gamma(k, 1/ln 10)")


def fit_tail(
    sums: Sequence[float] | np.ndarray, k: int, tail: float = TAIL_FRACTION
) -> tuple[float, float, float]:
    """(θ, t0, mean excess) for k fingers from non-mated fused sums (see module docstring)."""
    s = np.sort(np.asarray(sums, dtype=np.float64))
    n = len(s)
    if n < 50:
        raise ValueError(f"too few non-mated sums to calibrate {k} fingers ({n})")
    t0 = float(np.quantile(s, 1.0 - tail))
    if t0 <= 0.0:
        t0 = float(s[s > 0].min()) if (s > 0).any() else 1e-6
    share = float(np.mean(s > t0))
    excess = s[s > t0] - t0
    decay = float(excess.mean()) if len(excess) else MODEL_SCALE
    theta = t0 / float(special.gammainccinv(k, min(max(share, 1e-12), 1.0 - 1e-12)))
    return theta, t0, max(decay, 1e-6)


def fit_fusion_calibration(
    sums_by_fingers: Mapping[int, Sequence[float] | np.ndarray],
    source: str,
    tail: float = TAIL_FRACTION,
) -> FusionCalibration:
    """A calibration from non-mated fused sums per number of fingers; counts without samples
    keep the nearest fitted count's parameters (or the model's when none was fitted)."""
    fitted = {k: fit_tail(v, k, tail) for k, v in sums_by_fingers.items() if len(v) >= 50}
    if not fitted:
        return MODEL_CALIBRATION
    rows = []
    for k in range(1, FINGERS + 1):
        if k in fitted:
            rows.append(fitted[k])
        else:
            j = min(fitted, key=lambda j: (abs(j - k), j))
            theta, _t0, decay = fitted[j]
            # Another count: keep its tail share at the Gamma quantile of this count.
            t0_k = theta * float(special.gammainccinv(k, tail))
            rows.append((theta, t0_k, decay))
    return FusionCalibration(
        tuple(r[0] for r in rows), source, tuple(r[1] for r in rows), tuple(r[2] for r in rows)
    )


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
