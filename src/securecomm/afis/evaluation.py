"""Verification accuracy from genuine and impostor scores (FVC protocol measures).

- FMR(t): fraction of impostor scores ≥ t; FNMR(t): fraction of genuine scores < t
  (a comparison "matches" when its score reaches the threshold).
- EER: where FMR and FNMR cross on the threshold sweep, linearly interpolated between the two
  thresholds around the crossing (the FVC convention reports the crossing point).
- FMR100 / FMR1000: the lowest FNMR over thresholds with FMR ≤ 1 % / ≤ 0.1 %.
- ZeroFMR: the lowest FNMR with FMR = 0.
- DET: (FMR, FNMR) at every distinct threshold.

Failures to enrol are the caller's business: count them as score 0 comparisons, never drop
them. Pure functions of the two score arrays; no I/O.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np
import numpy.typing as npt

Scores = npt.ArrayLike


@dataclass(frozen=True)
class ErrorRates:
    """The FVC summary of one experiment (rates as fractions, not percent)."""

    eer: float
    fmr100: float
    fmr1000: float
    zero_fmr: float
    genuine: int
    impostor: int
    #: The threshold at the EER crossing.
    eer_threshold: float

    def as_dict(self) -> dict[str, float | int]:
        return asdict(self)


@dataclass(frozen=True)
class DetCurve:
    thresholds: npt.NDArray[np.float64]
    fmr: npt.NDArray[np.float64]
    fnmr: npt.NDArray[np.float64]


def det_curve(genuine: Scores, impostor: Scores) -> DetCurve:
    """FMR and FNMR at every distinct score used as threshold (plus one above all)."""
    g = np.sort(np.asarray(genuine, dtype=np.float64))
    i = np.sort(np.asarray(impostor, dtype=np.float64))
    if len(g) == 0 or len(i) == 0:
        raise ValueError("need at least one genuine and one impostor score")
    top = max(g[-1], i[-1])
    thresholds = np.unique(np.concatenate([g, i, [np.nextafter(top, np.inf)]]))
    fmr = 1.0 - np.searchsorted(i, thresholds, side="left") / len(i)
    fnmr = np.searchsorted(g, thresholds, side="left") / len(g)
    return DetCurve(thresholds, fmr, fnmr)


def error_rates(genuine: Scores, impostor: Scores) -> ErrorRates:
    """EER (interpolated crossing), FMR100, FMR1000 and ZeroFMR of two score sets."""
    det = det_curve(genuine, impostor)
    fmr, fnmr, t = det.fmr, det.fnmr, det.thresholds
    # FMR falls and FNMR rises along increasing thresholds; find the first t with FNMR ≥ FMR.
    diff = fnmr - fmr
    k = int(np.argmax(diff >= 0))
    if k == 0:
        eer, eer_t = float((fmr[0] + fnmr[0]) / 2), float(t[0])
    else:
        d0, d1 = diff[k - 1], diff[k]
        w = d0 / (d0 - d1) if d1 != d0 else 0.5
        eer = float(fmr[k - 1] + w * (fmr[k] - fmr[k - 1]))
        eer_t = float(t[k - 1] + w * (t[k] - t[k - 1]))

    def lowest_fnmr(max_fmr: float) -> float:
        ok = fmr <= max_fmr
        return float(fnmr[ok].min())

    return ErrorRates(
        eer=eer,
        fmr100=lowest_fnmr(0.01),
        fmr1000=lowest_fnmr(0.001),
        zero_fmr=lowest_fnmr(0.0),
        genuine=len(np.asarray(genuine)),
        impostor=len(np.asarray(impostor)),
        eer_threshold=eer_t,
    )
