"""Whole-print quality 0–100 (NFIQ-like): how well the print is expected to compare.

In the spirit of NFIQ 2 (Tabassi et al., NIST IR 8382) and of the local-quality features of
Alonso-Fernandez et al. (2007), "A comparative study of fingerprint image-quality estimation
methods", the score combines four measured properties of the foreground:

- ``clarity``: how much of the normalised image the oriented band-pass explains (the
  correlation between the normalised and the enhanced image) — clear, regular ridges near 1,
  noise, smudges and blur near 0;
- ``coherence``: mean orientation coherence (Bazen and Gerez) — reliable ridge flow;
- ``area``: foreground area relative to a full 500-ppi plain impression;
- ``minutiae``: minutiae count relative to a typical full print.

Each is mapped to [0, 1] and the score is their weighted geometric mean, so a print that is poor
in any respect scores low.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from securecomm.afis.types import FloatArray

#: Foreground area (pixels at 500 ppi) of a good, full plain impression.
_FULL_AREA = 70_000.0
#: Minutiae count of a good, full plain impression.
_FULL_MINUTIAE = 35.0
_WEIGHTS = {"clarity": 0.4, "coherence": 0.25, "area": 0.2, "minutiae": 0.15}


@dataclass(frozen=True)
class QualityMeasures:
    clarity: float
    coherence: float
    area: float
    minutiae: float
    score: int


def print_quality(
    normalised: FloatArray,
    enhanced: FloatArray,
    coherence: FloatArray,
    mask: np.ndarray,
    minutiae_count: int,
) -> QualityMeasures:
    if not mask.any():
        return QualityMeasures(0.0, 0.0, 0.0, 0.0, 0)
    n = normalised[mask].astype(np.float64)
    e = enhanced[mask].astype(np.float64)
    # elementwise sums, not np.dot: BLAS threads spin on a busy machine
    denom = float(np.sqrt(np.sum(n * n) * np.sum(e * e)))
    correlation = float(np.sum(n * e) / denom) if denom > 0 else 0.0
    clarity = float(np.clip((correlation - 0.3) / 0.55, 0.0, 1.0))
    mean_coherence = float(np.mean(coherence[mask]))
    coherent = float(np.clip((mean_coherence - 0.2) / 0.5, 0.0, 1.0))
    area = float(np.clip(mask.sum() / _FULL_AREA, 0.0, 1.0))
    counted = float(np.clip(minutiae_count / _FULL_MINUTIAE, 0.0, 1.0))
    parts = {"clarity": clarity, "coherence": coherent, "area": area, "minutiae": counted}
    log_score = sum(w * np.log(max(parts[k], 1e-3)) for k, w in _WEIGHTS.items())
    score = round(100.0 * float(np.exp(log_score)))
    return QualityMeasures(clarity, coherent, area, counted, int(np.clip(score, 0, 100)))
