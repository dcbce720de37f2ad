"""The 1:1 comparator: MCC cylinders + LSS-R consolidation + global pairing, calibrated score.

raw = s_LSS-R · m / √(max(o_A, k)·max(o_B, k)): the LSS-R similarity (consolidation.py) times
the fraction of the overlapping minutiae that pair up under the best root alignment
(global_pairing.py). On the FVC sets this lowered the FVC2002 average EER from 1.96 to 1.45 %
end to end and from 2.54 to 1.80 % on the ISO templates (docs/afis-matching.md). The raw
similarity is then limited to what its m paired minutiae can carry, ``calibration.RAW_CAP[m]``
(PAIR_EVIDENCE_DECADES·(m − 1) decades once calibrated, parameters.py), in the kernel, so every
path — compare, compare_prepared, the batch and one-to-many kernels — applies the same cap.

``compare(a, b)`` is symmetric by construction: the two prepared templates are put in a fixed
order (by content digest) before the kernel runs, and the pairs are swapped back, so
``compare(a, b).score == compare(b, a).score`` exactly.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from numba import njit

from securecomm.afis.matching import parameters as P
from securecomm.afis.matching.calibration import RAW_CAP, calibrate
from securecomm.afis.matching.consolidation import relax, rho_tables, select_pairs
from securecomm.afis.matching.cylinders import cell_offsets
from securecomm.afis.matching.global_pairing import global_pairing
from securecomm.afis.matching.local_similarity import similar_cells
from securecomm.afis.matching.prepared import PreparedTemplate, prepare
from securecomm.afis.types import Template

_Z_DISTANCE, _Z_ANGLE = rho_tables()
_TOTAL_BITS = len(cell_offsets()) * P.SECTIONS
_SQRT = np.sqrt(np.arange(_TOTAL_BITS + 1, dtype=np.float32))
_MIN_COMMON_BITS = int(np.ceil(P.MIN_MATCHABLE_FRACTION * _TOTAL_BITS))
_MAX_DIRECTION_UNITS = round(P.MAX_DIRECTION_DIFFERENCE / (2 * np.pi) * P.ANGLE_UNITS)
_GLOBAL_DIRECTION_UNITS = round(P.GLOBAL_DIRECTION_TOLERANCE / (2 * np.pi) * P.ANGLE_UNITS)


@dataclass(frozen=True)
class Comparison:
    """The result of comparing two templates."""

    #: Calibrated similarity: −log10 of the estimated false match rate (calibration.py).
    score: float
    #: The comparator's raw similarity in [0, 1] (LSS-R × overlap pairing ratio, at most
    #: calibration.RAW_CAP[len(pairs)]: the score is at most len(pairs) − 1 decades).
    raw: float
    #: (n, 2) int: indices of paired minutiae, column 0 into A, column 1 into B (the pairs of
    #: the best global alignment).
    pairs: npt.NDArray[np.int64]


@njit(cache=True, nogil=True)
def _match(
    va,
    ma,
    xa,
    ya,
    ta,
    ra,
    vb,
    mb,
    xb,
    yb,
    tb,
    rb,
    sqrt_table,
    min_common,
    max_dir,
    zd,
    za,
    levels,
    max_pairs,
    min_np,
    max_np,
    mu_p,
    tau_p,
    iterations,
    weight,
    relative_tolerance,
    roots,
    global_distance,
    global_relative,
    global_direction,
    overlap_distance,
    min_overlap,
    raw_cap,
):
    """Γ (its non-zero cells) → one-to-one pairs → relaxation → global pairing → (raw, pair
    indices into A, B). The raw similarity of m pairs is at most ``raw_cap[m]`` (the last value
    for more pairs: calibration.RAW_CAP, the evidence m pairs can carry)."""
    na = va.shape[0]
    nb = vb.shape[0]
    if na == 0 or nb == 0:
        return 0.0, np.zeros(0, dtype=np.int32), np.zeros(0, dtype=np.int32)
    rows, cols, gamma, cells = similar_cells(
        va, ma, ta, vb, mb, tb, sqrt_table, min_common, max_dir
    )
    pa, pb, pair_gamma = select_pairs(rows, cols, gamma, cells, na, nb, levels, max_pairs)
    z = 1.0 / (1.0 + np.exp(-tau_p * (min(na, nb) - mu_p)))
    n_p = min_np + int(z * (max_np - min_np) + 0.5)
    score, best = relax(
        pair_gamma,
        pa,
        pb,
        xa,
        ya,
        ta,
        ra,
        xb,
        yb,
        tb,
        rb,
        zd,
        za,
        iterations,
        weight,
        n_p,
        min(na, nb, max_pairs),
        relative_tolerance,
    )
    if best.shape[0] == 0:
        return 0.0, np.zeros(0, dtype=np.int32), np.zeros(0, dtype=np.int32)
    m, overlap_a, overlap_b, ga, gb = global_pairing(
        best[: min(roots, best.shape[0])],
        pa,
        pb,
        xa,
        ya,
        ta,
        xb,
        yb,
        tb,
        global_distance,
        global_relative,
        global_direction,
        overlap_distance,
    )
    ratio = m / math.sqrt(max(overlap_a, min_overlap) * max(overlap_b, min_overlap))
    return min(score * ratio, raw_cap[min(m, raw_cap.shape[0] - 1)]), ga, gb


def raw_score(p: PreparedTemplate, q: PreparedTemplate) -> float:
    """Raw similarity of two prepared templates, in [0, 1] (symmetric; limited by the pairs)."""
    if q.key < p.key:
        p, q = q, p
    return float(_kernel(p, q)[0])


def _kernel(
    p: PreparedTemplate, q: PreparedTemplate, raw_cap: npt.NDArray[np.float64] = RAW_CAP
) -> tuple[float, np.ndarray, np.ndarray]:
    """The kernel on (p, q) in that order; ``raw_cap`` of +inf gives the uncapped raw (tests)."""
    return _match(
        p.values,
        p.masks,
        p.x,
        p.y,
        p.angle,
        p.radial,
        q.values,
        q.masks,
        q.x,
        q.y,
        q.angle,
        q.radial,
        _SQRT,
        _MIN_COMMON_BITS,
        _MAX_DIRECTION_UNITS,
        _Z_DISTANCE,
        _Z_ANGLE,
        P.SIMILARITY_LEVELS,
        P.MAX_RELAXATION_PAIRS,
        P.MIN_NP,
        P.MAX_NP,
        P.MU_P,
        P.TAU_P,
        P.RELAXATION_ITERATIONS,
        P.RELAXATION_WEIGHT,
        P.RELATIVE_DISTANCE_TOLERANCE,
        P.GLOBAL_ROOTS,
        P.GLOBAL_DISTANCE_TOLERANCE,
        P.GLOBAL_RELATIVE_TOLERANCE,
        _GLOBAL_DIRECTION_UNITS,
        P.OVERLAP_DISTANCE,
        P.MIN_OVERLAP_MINUTIAE,
        raw_cap,
    )


def compare_prepared(p: PreparedTemplate, q: PreparedTemplate) -> float:
    """Calibrated score of two prepared templates (the fast path)."""
    return calibrate(raw_score(p, q))


def compare(a: Template, b: Template) -> Comparison:
    """Compare two templates: calibrated score, raw similarity and the paired minutiae."""
    p, q = prepare(a), prepare(b)
    swapped = q.key < p.key
    if swapped:
        p, q = q, p
    raw, ia, ib = _kernel(p, q)
    pairs = np.stack(
        [p.minutia_index[ia].astype(np.int64), q.minutia_index[ib].astype(np.int64)], axis=1
    )
    if swapped:
        pairs = pairs[:, ::-1].copy()
    return Comparison(score=calibrate(float(raw)), raw=float(raw), pairs=pairs.reshape(-1, 2))
