"""Multi-finger score fusion: the sum of calibrated finger scores (Fisher's method).

The 1:1 comparator's score is ``s = −log10 FMR`` (``securecomm.afis.matching.calibration``).
For an impostor each finger's FMR is uniform on (0, 1), so with independent fingers the sum
``Σ s_f`` over k fingers is ``Gamma(k, 1) / ln 10`` — Fisher's combined probability test (R. A.
Fisher, *Statistical Methods for Research Workers*, 1925, §21.1). The sum is therefore the
log-likelihood-ratio-like evidence of the fingers together, and :mod:`thresholds` can turn a
target FPIR into a threshold for any number of fingers. Fingers absent from the probe or the
candidate contribute nothing (no penalty, no evidence). Scores are clipped
(:data:`FUSION_SCORE_CLIP`) so one broken comparison cannot dominate.
"""

from __future__ import annotations

from collections.abc import Mapping

from securecomm.afis.search.parameters import FUSION_SCORE_CLIP


def fuse(finger_scores: Mapping[int, float]) -> float:
    """Fused evidence of the compared fingers (sum of clipped calibrated scores)."""
    lo, hi = FUSION_SCORE_CLIP
    return float(sum(min(hi, max(lo, s)) for s in finger_scores.values()))
