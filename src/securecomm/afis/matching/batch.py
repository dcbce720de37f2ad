"""Many comparisons in one call: prepared templates packed into flat arrays.

A gallery or a benchmark keeps its prepared templates as a :class:`PackedTemplates` (a few
concatenated numpy arrays plus offsets), and the numba loop compares any list of index pairs,
or one probe against all, without a Python call per comparison. Scores are identical to
:func:`~securecomm.afis.matching.compare_prepared` (same kernel, same symmetric ordering).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numba
import numpy as np
import numpy.typing as npt
from numba import njit, prange

from securecomm.afis.matching import parameters as P
from securecomm.afis.matching.calibration import RAW_CAP, calibrate_many
from securecomm.afis.matching.comparator import (
    _GLOBAL_DIRECTION_UNITS,
    _MAX_DIRECTION_UNITS,
    _MIN_COMMON_BITS,
    _SQRT,
    _Z_ANGLE,
    _Z_DISTANCE,
    _match,
)
from securecomm.afis.matching.cylinders import words_per_cylinder
from securecomm.afis.matching.prepared import PreparedTemplate

#: Pairs a thread takes at a time in ``raw_scores(..., parallel=True)`` (a few ms of work).
PARALLEL_CHUNK = 256


@dataclass(frozen=True)
class PackedTemplates:
    """Prepared templates concatenated: entry i owns rows offsets[i]:offsets[i+1]."""

    values: npt.NDArray[np.uint64]
    masks: npt.NDArray[np.uint64]
    x: npt.NDArray[np.float32]
    y: npt.NDArray[np.float32]
    angle: npt.NDArray[np.uint8]
    radial: npt.NDArray[np.uint8]
    offsets: npt.NDArray[np.int64]
    radial_offsets: npt.NDArray[np.int64]
    keys: npt.NDArray[np.int64]

    def __len__(self) -> int:
        return len(self.keys)


def pack(prepared: Sequence[PreparedTemplate]) -> PackedTemplates:
    words = words_per_cylinder()
    counts = np.array([p.count for p in prepared], dtype=np.int64)
    offsets = np.concatenate([[0], np.cumsum(counts)])
    radial_offsets = np.concatenate([[0], np.cumsum(counts * counts)])

    def cat(name: str, dtype: type, empty_shape: tuple[int, ...]) -> np.ndarray:
        parts: list[np.ndarray] = [np.asarray(getattr(p, name), dtype=dtype) for p in prepared]
        return np.ascontiguousarray(
            np.concatenate(parts) if parts else np.zeros(empty_shape, dtype)
        )

    return PackedTemplates(
        values=cat("values", np.uint64, (0, words)).reshape(-1, words),
        masks=cat("masks", np.uint64, (0, words)).reshape(-1, words),
        x=cat("x", np.float32, (0,)),
        y=cat("y", np.float32, (0,)),
        angle=cat("angle", np.uint8, (0,)),
        radial=np.ascontiguousarray(
            np.concatenate([p.radial.ravel() for p in prepared])
            if prepared
            else np.zeros(0, np.uint8)
        ),
        offsets=offsets,
        radial_offsets=radial_offsets,
        keys=np.array([p.key for p in prepared], dtype=np.int64),
    )


@njit(cache=True, nogil=True)
def _score_pair(
    values, masks, x, y, angle, radial, offsets, roff, keys, a, b, consts_f, consts_i,
    sqrt_table, zd, za, raw_cap,
):  # fmt: skip
    """Raw score of packed entries a and b (lower key first, as compare_prepared)."""
    if keys[b] < keys[a]:
        a, b = b, a
    s0, s1 = offsets[a], offsets[a + 1]
    u0, u1 = offsets[b], offsets[b + 1]
    na = s1 - s0
    nb = u1 - u0
    ra = radial[roff[a] : roff[a + 1]].reshape((na, na))
    rb = radial[roff[b] : roff[b + 1]].reshape((nb, nb))
    score, _, _ = _match(
        values[s0:s1], masks[s0:s1], x[s0:s1], y[s0:s1], angle[s0:s1], ra,
        values[u0:u1], masks[u0:u1], x[u0:u1], y[u0:u1], angle[u0:u1], rb,
        sqrt_table, consts_i[0], consts_i[1], zd, za,
        consts_i[2], consts_i[3], consts_i[4], consts_i[5],
        consts_f[0], consts_f[1], consts_i[6], consts_f[2], consts_f[3],
        consts_i[7], consts_f[4], consts_f[5], consts_i[8], consts_f[6], consts_i[9], raw_cap,
    )  # fmt: skip
    return score


@njit(cache=True, nogil=True)
def _score_pairs(
    values, masks, x, y, angle, radial, offsets, roff, keys, ia, ib, consts_f, consts_i,
    sqrt_table, zd, za, raw_cap,
):  # fmt: skip
    out = np.zeros(ia.shape[0], dtype=np.float64)
    for t in range(ia.shape[0]):
        out[t] = _score_pair(
            values, masks, x, y, angle, radial, offsets, roff, keys, ia[t], ib[t], consts_f,
            consts_i, sqrt_table, zd, za, raw_cap,
        )  # fmt: skip
    return out


@njit(cache=True, nogil=True, parallel=True)
def _score_pairs_parallel(
    values, masks, x, y, angle, radial, offsets, roff, keys, ia, ib, consts_f, consts_i,
    sqrt_table, zd, za, raw_cap,
):  # fmt: skip
    """_score_pairs on numba's threads (NUMBA_NUM_THREADS, numba.set_num_threads): each pair
    is scored by the same code, so the scores are the same."""
    out = np.zeros(ia.shape[0], dtype=np.float64)
    for t in prange(ia.shape[0]):
        out[t] = _score_pair(
            values, masks, x, y, angle, radial, offsets, roff, keys, ia[t], ib[t], consts_f,
            consts_i, sqrt_table, zd, za, raw_cap,
        )  # fmt: skip
    return out


_CONSTS_F = np.array(
    [
        P.MU_P,
        P.TAU_P,
        P.RELAXATION_WEIGHT,
        P.RELATIVE_DISTANCE_TOLERANCE,
        P.GLOBAL_DISTANCE_TOLERANCE,
        P.GLOBAL_RELATIVE_TOLERANCE,
        P.OVERLAP_DISTANCE,
    ],
    dtype=np.float64,
)
_CONSTS_I = np.array(
    [
        _MIN_COMMON_BITS,
        _MAX_DIRECTION_UNITS,
        P.SIMILARITY_LEVELS,
        P.MAX_RELAXATION_PAIRS,
        P.MIN_NP,
        P.MAX_NP,
        P.RELAXATION_ITERATIONS,
        P.GLOBAL_ROOTS,
        _GLOBAL_DIRECTION_UNITS,
        P.MIN_OVERLAP_MINUTIAE,
    ],
    dtype=np.int64,
)


def raw_scores(
    packed: PackedTemplates,
    ia: npt.ArrayLike,
    ib: npt.ArrayLike,
    *,
    parallel: bool = False,
    raw_cap: npt.NDArray[np.float64] = RAW_CAP,
) -> np.ndarray:
    """Raw similarity of packed[ia[t]] and packed[ib[t]] for every t.

    ``parallel``: on all of numba's threads (``numba.get_num_threads()``: every core, or
    ``NUMBA_NUM_THREADS``); the scores are the same as on one. ``raw_cap``: the limit by the
    number of pairs (calibration.RAW_CAP); an array of +inf gives the uncapped raw similarity,
    for tests and studies of the cap.
    """
    a = np.ascontiguousarray(ia, dtype=np.int64)
    b = np.ascontiguousarray(ib, dtype=np.int64)
    if a.shape != b.shape:
        raise ValueError("index arrays differ in length")
    kernel = _score_pairs_parallel if parallel else _score_pairs
    # Threads take PARALLEL_CHUNK pairs at a time rather than one equal share each: on a
    # shared machine a core taken by another process no longer holds the others up.
    previous = numba.set_parallel_chunksize(PARALLEL_CHUNK if parallel else 0)
    try:
        return kernel(
            packed.values, packed.masks, packed.x, packed.y, packed.angle, packed.radial,
            packed.offsets, packed.radial_offsets, packed.keys, a, b, _CONSTS_F, _CONSTS_I,
            _SQRT, _Z_DISTANCE, _Z_ANGLE, np.ascontiguousarray(raw_cap, dtype=np.float64),
        )  # fmt: skip
    finally:
        numba.set_parallel_chunksize(previous)


def compare_pairs(
    packed: PackedTemplates, ia: npt.ArrayLike, ib: npt.ArrayLike, *, parallel: bool = False
) -> np.ndarray:
    """Calibrated scores of the index pairs (ia[t], ib[t]); ``parallel`` as in raw_scores."""
    return calibrate_many(raw_scores(packed, ia, ib, parallel=parallel))


@njit(cache=True, nogil=True)
def _score_one_to_many(
    pv, pm, px, py, pt, pr, pkey,
    values, masks, x, y, angle, radial, offsets, roff, keys, consts_f, consts_i,
    sqrt_table, zd, za, raw_cap,
):  # fmt: skip
    n = keys.shape[0]
    out = np.zeros(n, dtype=np.float64)
    for b in range(n):
        u0, u1 = offsets[b], offsets[b + 1]
        nb = u1 - u0
        rb = radial[roff[b] : roff[b + 1]].reshape((nb, nb))
        if keys[b] < pkey:  # same order as compare_prepared: lower key first
            score, _, _ = _match(
                values[u0:u1], masks[u0:u1], x[u0:u1], y[u0:u1], angle[u0:u1], rb,
                pv, pm, px, py, pt, pr,
                sqrt_table, consts_i[0], consts_i[1], zd, za,
                consts_i[2], consts_i[3], consts_i[4], consts_i[5],
                consts_f[0], consts_f[1], consts_i[6], consts_f[2], consts_f[3],
                consts_i[7], consts_f[4], consts_f[5], consts_i[8], consts_f[6], consts_i[9],
                raw_cap,
            )  # fmt: skip
        else:
            score, _, _ = _match(
                pv, pm, px, py, pt, pr,
                values[u0:u1], masks[u0:u1], x[u0:u1], y[u0:u1], angle[u0:u1], rb,
                sqrt_table, consts_i[0], consts_i[1], zd, za,
                consts_i[2], consts_i[3], consts_i[4], consts_i[5],
                consts_f[0], consts_f[1], consts_i[6], consts_f[2], consts_f[3],
                consts_i[7], consts_f[4], consts_f[5], consts_i[8], consts_f[6], consts_i[9],
                raw_cap,
            )  # fmt: skip
        out[b] = score
    return out


def raw_scores_one_to_many(probe: PreparedTemplate, gallery: PackedTemplates) -> np.ndarray:
    """Raw similarity of ``probe`` against every gallery entry (no copies)."""
    return _score_one_to_many(
        probe.values, probe.masks, probe.x, probe.y, probe.angle, probe.radial, probe.key,
        gallery.values, gallery.masks, gallery.x, gallery.y, gallery.angle, gallery.radial,
        gallery.offsets, gallery.radial_offsets, gallery.keys, _CONSTS_F, _CONSTS_I,
        _SQRT, _Z_DISTANCE, _Z_ANGLE, RAW_CAP,
    )  # fmt: skip


def compare_one_to_many(probe: PreparedTemplate, gallery: PackedTemplates) -> np.ndarray:
    """Calibrated scores of ``probe`` against every gallery entry (one numba call)."""
    return calibrate_many(raw_scores_one_to_many(probe, gallery))
