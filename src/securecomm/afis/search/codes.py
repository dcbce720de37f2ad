"""Fixed-length per-finger binary codes: two Bloom filters of hashed local structures.

Segment 1 (:data:`CODE_PAIR_BITS`, this module's kernel) hashes nearest-neighbour pair words;
segment 2 (:data:`CODE_CYLINDER_BITS`, :mod:`cylinder_codes`) hashes LSH keys of binary minutia
cylinders. Each segment has its own popcount and z-score in the scan (:mod:`kernels`); the two
describe the neighbourhood differently (exact neighbour features against a tolerant occupancy
grid), so their errors are partly independent and the sum separates mates far better than
either alone at the same size (``docs/afis-search.md``).

Segment 1:

Each minutia ``i`` is described relative to its own position and direction by its nearest
neighbours ``j`` (:data:`CODE_NEIGHBOURS`): the distance ``d_ij``, the direction of ``j`` as
seen from ``i`` and ``j``'s direction relative to ``i``'s, each quantised — the rotation- and
translation-invariant pair features of Germain, Califano & Colville (1997). Every unordered
pair of neighbour features of one minutia is one *word* (a small local structure, in the
spirit of Jiang & Yau's minutia-centred structures, 2000); its hash sets one bit in a
768-bit segment (a Bloom filter of the finger's local structures, as in Farooq et al.'s triplet
bit-vectors, 2007). A finger costs 192 bytes, needs no alignment, and two fingers are compared
by counting common bits (:mod:`kernels`).

Choice by measurement (``docs/afis-search.md``): this was compared with a plain pair histogram
(one bit per quantised pair) on synthetic mated/non-mated fingers; the pair-of-pairs words
separate better (per-finger d' 1.06 against 0.85) with fewer bits set (≈105 against ≈173).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numba as nb
import numpy as np
import numpy.typing as npt

from securecomm.afis.search.cylinder_codes import cylinder_codes_kernel, lsh_cells
from securecomm.afis.search.kernels import popcounts
from securecomm.afis.search.packed import PackedMinutiae
from securecomm.afis.search.parameters import (
    CODE_ANGLE_BINS,
    CODE_CYLINDER_BITS,
    CODE_DISTANCE_BINS,
    CODE_DISTANCE_STEP,
    CODE_LEAD_WORDS,
    CODE_MAX_DISTANCE,
    CODE_MIN_DISTANCE,
    CODE_NEIGHBOURS,
    CODE_PAIR_BITS,
    CODE_WORDS,
    CYLINDER_CELL_REACH,
    CYLINDER_CELLS,
    CYLINDER_DIRECTION_REACH,
    CYLINDER_RADIUS,
    CYLINDER_SECTIONS,
    LSH_BITS,
    LSH_HASHES,
    LSH_MIN_ONES,
    LSH_SEED,
)

_TWO_PI = 2.0 * math.pi
#: Fibonacci hashing multiplier (Knuth, TAOCP vol. 3, §6.4).
_FIB = np.uint64(11400714819323198485)
_SHIFT = np.uint64(40)
_WORD_RADIX = 1 << 16


@nb.njit(parallel=True, cache=True)
def pair_codes_kernel(
    offsets: npt.NDArray[np.int64],
    x: npt.NDArray[np.float32],
    y: npt.NDArray[np.float32],
    angle: npt.NDArray[np.float32],
    out: npt.NDArray[np.uint64],
    first_word: int,
    code_bits: int,
    neighbours: int,
    min_distance: float,
    max_distance: float,
    distance_step: float,
    distance_bins: int,
    angle_bins: int,
) -> None:
    """Set, in ``out[:, first_word:]``, the ``code_bits``-bit Bloom code of every finger's
    nearest-neighbour pair words."""
    fingers = len(offsets) - 1
    min2 = min_distance * min_distance
    max2 = max_distance * max_distance
    for f in nb.prange(fingers):
        a = offsets[f]
        n = offsets[f + 1] - a
        if n < 3:
            continue
        best_d = np.empty(neighbours)
        best_j = np.empty(neighbours, dtype=np.int64)
        feats = np.empty(neighbours, dtype=np.int64)
        for i in range(n):
            xi = x[a + i]
            yi = y[a + i]
            used = 0
            # Nearest neighbours by insertion into a short sorted list.
            for j in range(n):
                dx = x[a + j] - xi
                dy = y[a + j] - yi
                d2 = dx * dx + dy * dy
                if j == i or d2 < min2 or d2 >= max2:
                    continue
                if used == neighbours and d2 >= best_d[used - 1]:
                    continue
                k = used if used < neighbours else neighbours - 1
                while k > 0 and best_d[k - 1] > d2:
                    best_d[k] = best_d[k - 1]
                    best_j[k] = best_j[k - 1]
                    k -= 1
                best_d[k] = d2
                best_j[k] = j
                if used < neighbours:
                    used += 1
            for r in range(used):
                j = best_j[r]
                d = math.sqrt(best_d[r])
                # Screen y points down; angles are counter-clockwise as seen (types.py).
                line = math.atan2(yi - y[a + j], x[a + j] - xi)
                phi = (line - angle[a + i]) % _TWO_PI
                rel = (angle[a + j] - angle[a + i]) % _TWO_PI
                db = min(int((d - min_distance) / distance_step), distance_bins - 1)
                bp = int(phi / _TWO_PI * angle_bins) % angle_bins
                br = int(rel / _TWO_PI * angle_bins) % angle_bins
                feats[r] = (db * angle_bins + bp) * angle_bins + br
            for p in range(used):
                for q in range(p + 1, used):
                    lo = min(feats[p], feats[q])
                    hi = max(feats[p], feats[q])
                    h = np.uint64(lo * _WORD_RADIX + hi) * _FIB
                    bit = int(h >> _SHIFT) % code_bits
                    out[f, first_word + (bit >> 6)] |= np.uint64(1) << np.uint64(bit & 63)


@dataclass(frozen=True)
class CodeShape:
    """How the two segments describe a finger; the defaults are the stored layout's constants
    (``parameters.py``). Benchmarks measure other shapes with the same kernels."""

    neighbours: int = CODE_NEIGHBOURS
    min_distance: float = CODE_MIN_DISTANCE
    max_distance: float = CODE_MAX_DISTANCE
    distance_step: float = CODE_DISTANCE_STEP
    distance_bins: int = CODE_DISTANCE_BINS
    angle_bins: int = CODE_ANGLE_BINS
    cylinder_radius: float = CYLINDER_RADIUS
    cylinder_cells: int = CYLINDER_CELLS
    cylinder_sections: int = CYLINDER_SECTIONS
    cell_reach: float = CYLINDER_CELL_REACH
    direction_reach: float = CYLINDER_DIRECTION_REACH
    lsh_hashes: int = LSH_HASHES
    lsh_bits: int = LSH_BITS
    lsh_min_ones: int = LSH_MIN_ONES
    lsh_seed: int = LSH_SEED

    def lsh_cells(self) -> npt.NDArray[np.int64]:
        return lsh_cells(
            self.cylinder_cells, self.cylinder_sections, self.lsh_hashes, self.lsh_bits,
            self.lsh_seed,
        )  # fmt: skip


STORED_SHAPE = CodeShape()
_STORED_LSH_CELLS = STORED_SHAPE.lsh_cells()


def finger_codes(
    packed: PackedMinutiae,
) -> tuple[npt.NDArray[np.uint64], npt.NDArray[np.uint16]]:
    """Codes (fingers, CODE_WORDS) and per-segment popcounts (fingers, CODE_SEGMENTS) of every
    packed finger; an absent finger has an all-zero code and popcounts."""
    return segment_codes(packed, CODE_PAIR_BITS, CODE_CYLINDER_BITS)


def segment_codes(
    packed: PackedMinutiae,
    pair_bits: int,
    cylinder_bits: int,
    shape: CodeShape = STORED_SHAPE,
) -> tuple[npt.NDArray[np.uint64], npt.NDArray[np.uint16]]:
    """Two-segment codes of any segment sizes (multiples of 64 bits; 0 leaves a segment out)
    and shape: the stored layout is ``segment_codes(p, CODE_PAIR_BITS, CODE_CYLINDER_BITS)``;
    the pre-filter studies measure other sizes and shapes with the same kernels."""
    split = pair_bits // 64
    codes = np.zeros((packed.count, (pair_bits + cylinder_bits) // 64), dtype=np.uint64)
    if pair_bits:
        pair_codes_kernel(
            packed.offsets, packed.x, packed.y, packed.angle, codes, 0, pair_bits,
            shape.neighbours, shape.min_distance, shape.max_distance, shape.distance_step,
            shape.distance_bins, shape.angle_bins,
        )  # fmt: skip
    if cylinder_bits:
        cells = _STORED_LSH_CELLS if shape == STORED_SHAPE else shape.lsh_cells()
        cylinder_codes_kernel(
            packed.offsets,
            packed.x,
            packed.y,
            packed.angle,
            cells,
            shape.cylinder_radius,
            shape.cylinder_cells,
            shape.cylinder_sections,
            shape.cell_reach,
            shape.direction_reach,
            shape.lsh_min_ones,
            codes,
            split,
            cylinder_bits,
        )
    pops = np.stack([popcounts(codes[:, :split]), popcounts(codes[:, split:])], axis=1)
    return codes, np.ascontiguousarray(pops)


_PAIR_WORDS = CODE_PAIR_BITS // 64
#: Word indices of the lead part of a code (each segment's first CODE_LEAD_WORDS words) and of
#: the tail (the rest), in the order they are stored.
LEAD_WORDS = np.r_[0:CODE_LEAD_WORDS, _PAIR_WORDS : _PAIR_WORDS + CODE_LEAD_WORDS]
TAIL_WORDS = np.r_[CODE_LEAD_WORDS:_PAIR_WORDS, _PAIR_WORDS + CODE_LEAD_WORDS : CODE_WORDS]


def split_codes(
    codes: npt.NDArray[np.uint64],
) -> tuple[npt.NDArray[np.uint64], npt.NDArray[np.uint64]]:
    """The lead and tail words of codes (..., CODE_WORDS): lead is each segment's first
    CODE_LEAD_WORDS words (segment 0's, then segment 1's), tail the rest in the same order."""
    return (
        np.ascontiguousarray(codes[..., LEAD_WORDS]),
        np.ascontiguousarray(codes[..., TAIL_WORDS]),
    )


def join_codes(
    lead: npt.NDArray[np.uint64], tail: npt.NDArray[np.uint64]
) -> npt.NDArray[np.uint64]:
    """Inverse of :func:`split_codes`."""
    codes = np.zeros((*lead.shape[:-1], CODE_WORDS), dtype=np.uint64)
    codes[..., LEAD_WORDS] = lead
    codes[..., TAIL_WORDS] = tail
    return codes
