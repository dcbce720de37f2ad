"""Score calibration: raw similarity → −log10(estimated false match rate).

The comparator's raw similarity (LSS-R × overlap pairing ratio, 0…1) has no meaning an
officer can act on. The calibrated score is ``s = −log10 FMR(raw)``, where FMR(raw) is the
fraction of impostor comparisons (different fingers) that reach ``raw``. So a threshold of 3
accepts about one impostor in a thousand and 4 one in ten thousand: :data:`THRESHOLD_FMR_1E3`
and :data:`THRESHOLD_FMR_1E4`.

How it was fitted (:func:`fit_calibration`, run by ``benchmarks/afis_fvc.py --fit``): all
impostor comparisons of the FVC sets in ``../shared/data/fvc`` (five sets × 2,880 pairs, both
on the third-party ISO templates and on our extractor's templates: 28,800 pairs) give the
empirical survival function FMR(raw) = P(impostor ≥ raw). Knots are
taken at fixed impostor quantiles up to 99.9 %; beyond the last knot, where samples are too
few, the tail is extrapolated by the exponential (log-linear) fit of FMR on the top 5 % of
impostor scores. Between knots the mapping is linear, so it is monotone and continuous.
Genuine scores play no part in the fit. The knots below are the output of that fit.

The tail extrapolates far beyond the impostors it was fitted on, so a score is also limited by
the evidence its paired minutiae can carry: at most PAIR_EVIDENCE_DECADES·(m − 1) decades for
m pairs (parameters.py says why). The comparator applies it to the raw similarity, in the
kernel, through :data:`RAW_CAP` (the raw similarity at each cap), so that calibrate(raw) is
min(calibrate(uncapped raw), m − 1) on every path; :func:`calibrate` itself knows nothing of m.
"""

from __future__ import annotations

import bisect

import numpy as np
import numpy.typing as npt

from securecomm.afis.matching import parameters as P

#: Calibrated score at which the estimated false match rate is 1e-3 (resp. 1e-4).
THRESHOLD_FMR_1E3 = 3.0
THRESHOLD_FMR_1E4 = 4.0

#: Impostor quantiles used as knots.
KNOT_QUANTILES = (0.5, 0.7, 0.8, 0.9, 0.95, 0.98, 0.99, 0.995, 0.998, 0.999)
TAIL_FRACTION = 0.05

# --- fitted values (see module docstring) ---------------------------------------------
#: Raw similarity at each knot and the −log10 FMR there; then the tail slope (decades/raw).
RAW_KNOTS: tuple[float, ...] = (
    0,
    0.00397863,
    0.00506265,
    0.00587273,
    0.0072714,
    0.00880266,
    0.0110585,
    0.0133757,
    0.0159121,
    0.0202733,
    0.0242145,
)
LOG_FMR_KNOTS: tuple[float, ...] = (
    0.0000,
    0.3010,
    0.5229,
    0.6990,
    1.0000,
    1.3010,
    1.6990,
    2.0000,
    2.3010,
    2.6960,
    2.9970,
)
TAIL_SLOPE = 108.5461
FIT_SOURCE = (
    "iso, e2e impostors of fvc2002/DB1_B, fvc2002/DB2_B, fvc2002/DB3_B, fvc2002/DB4_B, "
    "fvc2004/DB1_B: 28800 pairs"
)


def calibrate(raw: float) -> float:
    """−log10 of the estimated FMR at raw similarity ``raw`` (0 for raw ≤ 0)."""
    if raw > RAW_KNOTS[-1]:
        return LOG_FMR_KNOTS[-1] + TAIL_SLOPE * (raw - RAW_KNOTS[-1])
    if raw <= 0.0:
        return 0.0
    k = bisect.bisect_right(RAW_KNOTS, raw)
    r0, r1 = RAW_KNOTS[k - 1], RAW_KNOTS[k]
    l0, l1 = LOG_FMR_KNOTS[k - 1], LOG_FMR_KNOTS[k]
    return l0 + (l1 - l0) * (raw - r0) / (r1 - r0)


def calibrate_many(raw: npt.ArrayLike) -> npt.NDArray[np.float64]:
    r = np.asarray(raw, dtype=np.float64)
    out = np.interp(r, RAW_KNOTS, LOG_FMR_KNOTS)
    beyond = r > RAW_KNOTS[-1]
    out[beyond] = LOG_FMR_KNOTS[-1] + TAIL_SLOPE * (r[beyond] - RAW_KNOTS[-1])
    return np.maximum(out, 0.0)


def raw_threshold(calibrated: float) -> float:
    """The raw similarity that corresponds to a calibrated threshold (inverse mapping)."""
    if calibrated > LOG_FMR_KNOTS[-1]:
        return RAW_KNOTS[-1] + (calibrated - LOG_FMR_KNOTS[-1]) / TAIL_SLOPE
    return float(np.interp(calibrated, LOG_FMR_KNOTS, RAW_KNOTS))


def fit_calibration(impostor_raw: npt.ArrayLike) -> tuple[list[float], list[float], float]:
    """Knots (raw, −log10 FMR) and the tail slope from impostor raw similarities."""
    s = np.sort(np.asarray(impostor_raw, dtype=np.float64))
    n = len(s)
    if n < 1000:
        raise ValueError(f"need at least 1000 impostor scores to calibrate, got {n}")
    raws = [0.0]
    logs = [0.0]
    for q in KNOT_QUANTILES:
        r = float(np.quantile(s, q))
        fmr = float(np.mean(s >= r))
        lf = -np.log10(max(fmr, 1.0 / n))
        if r > raws[-1] and lf > logs[-1]:
            raws.append(r)
            logs.append(lf)
    tail = s[int(n * (1 - TAIL_FRACTION)) :]
    survival = 1.0 - np.arange(len(tail)) / n - (n - len(tail)) / n
    slope, _ = np.polyfit(tail, -np.log10(survival), 1)
    return raws, logs, float(max(slope, 1e-6))


def pair_evidence_cap(pairs: int) -> float:
    """The most a comparison with ``pairs`` paired minutiae may score (decades):
    PAIR_EVIDENCE_DECADES·(pairs − 1), 0 for one pair or none (parameters.py says why)."""
    return P.PAIR_EVIDENCE_DECADES * max(pairs - 1, 0)


def _largest_raw_within(calibrated: float) -> float:
    """The largest raw similarity whose calibrated score, by :func:`calibrate` and by
    :func:`calibrate_many` alike, is at most ``calibrated``: the inverse mapping's value,
    moved by a few units in the last place where rounding put it on the wrong side (the
    calibrated score at the cap is then ``calibrated`` itself, or the float just below)."""
    if calibrated <= 0.0:
        return 0.0
    r = raw_threshold(calibrated)

    def within(x: float) -> bool:
        return max(calibrate(x), float(calibrate_many([x])[0])) <= calibrated

    while not within(r):
        r = float(np.nextafter(r, -np.inf))
    for _ in range(64):
        up = float(np.nextafter(r, np.inf))
        if not within(up):
            break
        r = up
    return r


def pair_raw_caps(size: int = P.MAX_CAPPED_PAIRS + 1) -> npt.NDArray[np.float64]:
    """RAW_CAP[m] for m = 0 … size − 1: the raw similarity at the cap of m pairs."""
    return np.array([_largest_raw_within(pair_evidence_cap(m)) for m in range(size)])


#: The comparator's raw similarity with m paired minutiae is limited to RAW_CAP[min(m, last)]
#: in the kernel (comparator._match), so that every path (compare, compare_prepared, the batch
#: and one-to-many kernels) scores at most pair_evidence_cap(m): calibrate(RAW_CAP[m]) is
#: PAIR_EVIDENCE_DECADES·(m − 1) (or the float just below), and a raw below the cap is untouched.
RAW_CAP: npt.NDArray[np.float64] = pair_raw_caps()
