"""Whole-print quality 0–100 (NFIQ-like): how well the print is expected to compare.

In the spirit of NFIQ 2 (Tabassi et al., NIST IR 8382), whose most predictive features are
local ridge clarity and orientation certainty, the score combines measured properties of the
foreground:

- ``clear_fraction``: the fraction of the foreground where the local clarity (``clarity.py``:
  how well the oriented band-pass explains the image) exceeds ``_CLEAR``;
- ``clarity``: the mean local clarity, mapped to [0, 1];
- ``area``: foreground area relative to ``_ENOUGH_AREA`` (a partial print compares worse; above
  that, more area is not better — measured: larger FVC areas hold more noise, not more score);
- ``minutiae``: minutiae count relative to ``_ENOUGH_MINUTIAE``.

The score is their weighted geometric mean, so a print that is poor in any respect scores low.
``coherence`` (mean orientation coherence) is reported but not weighted: on FVC it predicted
genuine scores less well than clarity (Spearman 0.14 against 0.46–0.52 over 320 prints,
``docs/afis-extraction.md``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from securecomm.afis.types import FloatArray

#: Local clarity above which a region counts as clear.
_CLEAR = 0.6
#: Foreground area (pixels at 500 ppi) and minutiae count from which a print is not partial.
_ENOUGH_AREA = 45_000.0
_ENOUGH_MINUTIAE = 15.0
_WEIGHTS = {"clear_fraction": 0.45, "clarity": 0.25, "area": 0.2, "minutiae": 0.1}


@dataclass(frozen=True)
class QualityMeasures:
    clear_fraction: float
    clarity: float
    coherence: float
    area: float
    minutiae: float
    score: int


def print_quality(
    clarity: FloatArray, coherence: FloatArray, mask: np.ndarray, minutiae_count: int
) -> QualityMeasures:
    if not mask.any():
        return QualityMeasures(0.0, 0.0, 0.0, 0.0, 0.0, 0)
    local = clarity[mask]
    parts = {
        "clear_fraction": float(np.mean(local > _CLEAR)),
        "clarity": float(np.clip((np.mean(local) - 0.3) / 0.5, 0.0, 1.0)),
        "area": float(np.clip(mask.sum() / _ENOUGH_AREA, 0.0, 1.0)),
        "minutiae": float(np.clip(minutiae_count / _ENOUGH_MINUTIAE, 0.0, 1.0)),
    }
    log_score = sum(w * np.log(max(parts[k], 1e-3)) for k, w in _WEIGHTS.items())
    score = int(np.clip(round(100.0 * float(np.exp(log_score))), 0, 100))
    return QualityMeasures(
        clear_fraction=parts["clear_fraction"],
        clarity=parts["clarity"],
        coherence=float(np.mean(coherence[mask])),
        area=parts["area"],
        minutiae=parts["minutiae"],
        score=score,
    )
