"""Decision threshold for a target FPIR at the current gallery size.

Model (documented in ``docs/afis-search.md``, checked by ``benchmarks/search_scale.py``):

1. The fused score of one non-mated identity compared on k fingers is ``Σ s_f`` with
   ``s_f = −log10 FMR_f`` and FMR_f ~ U(0, 1) (:mod:`fusion`), i.e. ``G/ln 10`` with
   ``G ~ Gamma(k, 1)``; its survival function is ``S_k(t) = Q(k, t·ln 10)`` (the regularised
   upper incomplete gamma function).
2. A non-mated search against N identities raises a false alarm when any of them reaches the
   threshold: ``FPIR(t) = 1 − (1 − S_k(t))^N``. Solving for the target gives
   ``S_k(t) = 1 − (1 − FPIR)^(1/N)`` (≈ FPIR / N), so ``t = Q⁻¹(k, ·) / ln 10``.

The threshold thus grows with the gallery (log-linearly in N) and shrinks with more fingers
per decade of evidence needed. It is exact when the comparator's calibration holds on the
population searched; the benchmark reports the FPIR measured at this threshold on non-mated
searches, so a mismatch between calibration and population is visible, not hidden.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from scipy import special

from securecomm.afis.search.parameters import DEFAULT_TARGET_FPIR


def per_identity_false_match_rate(target_fpir: float, gallery_size: int) -> float:
    """The probability one non-mated identity may reach the threshold."""
    if not 0.0 < target_fpir < 1.0:
        raise ValueError(f"target FPIR must be in (0, 1), got {target_fpir}")
    n = max(1, int(gallery_size))
    return -math.expm1(math.log1p(-target_fpir) / n)


def fused_threshold(target_fpir: float, gallery_size: int, fingers: int) -> float:
    """Fused-score threshold for ``fingers`` compared fingers (see module docstring)."""
    if fingers < 1:
        return math.inf
    p = per_identity_false_match_rate(target_fpir, gallery_size)
    return float(special.gammainccinv(fingers, p)) / math.log(10.0)


@dataclass(frozen=True)
class ThresholdPolicy:
    """Target FPIR; the threshold follows the gallery size at each search."""

    target_fpir: float = DEFAULT_TARGET_FPIR

    def threshold(self, gallery_size: int, fingers: int) -> float:
        return fused_threshold(self.target_fpir, gallery_size, fingers)
