"""The lead scan over slot-interleaved blocks: one pass of the pre-filter that vectorises across
identities.

``lead.bin`` stores a slot's ten lead codes together (slot-major, what appends and CRCs
want). Scanned that way, each finger comparison is a 12-word popcount reduced to one number,
and the reduction, the float epilogue and the per-slot branches run once per identity and
finger: measured on Zen 4 (one thread, 500k slots), 47 M finger comparisons/s for a
ten-finger probe and 6 M/s for a one-finger probe, under 5 GB/s of a 29 GB/s memory
(``benchmarks/search_lead_scan.py``; the blocks: 187 and 44 M/s).

A :class:`LeadBlocks` copy holds the same codes in blocks of :data:`LANES` slots, word-major
inside a block (``codes[block, finger, word, lane]``), with each finger's lead popcounts per
segment (``pops[block, finger, segment, lane]``): word ``w`` of finger ``f`` of 32
consecutive slots is 256 contiguous bytes, so LLVM turns the lane loops into AVX-512
``vpopcntq`` over whole registers and the epilogue into vector float arithmetic, with no
horizontal reduction at all. Scores are those of :func:`kernels.sparse_lead_scores` (the same
terms in the same order per slot; float contraction under ``fastmath`` may differ in the last
bits).

The copy is built in memory by a shard's first scan and extended by later ones to the
committed slots (slots are append-only; ``GalleryShard.lead_block_view``): about 1 kB per
slot, next to the 4.6 kB the shard's files keep in the page cache. A
block is skipped for a probe finger only if none of its slots has that finger, so a two-print
record costs a ten-print probe the loads of its absent fingers' (zero) codes when it shares
a block with ten-print records.
"""

from __future__ import annotations

import math
import threading
from dataclasses import dataclass

import numba as nb
import numpy as np
import numpy.typing as npt

from securecomm.afis.search.kernels import lead_probe_terms, popcount64
from securecomm.afis.search.parameters import CODE_LEAD_WORDS, CODE_SEGMENTS

#: Slots per block (measured on Zen 4, ten-finger probe, 500k slots: 16 lanes 191 M finger
#: comparisons/s, 32 lanes 220 M/s, 64 lanes 208 M/s).
LANES = 32
FINGERS = 10
#: Blocks per parallel work item (a few hundred kB of codes).
_CHUNK_BLOCKS = 64
#: Growth factor of the block arrays when commits outgrow them (amortised appends).
_GROWTH = 1.5
#: Bytes of the copy per byte of ``lead.bin`` (per slot: the 960 B of codes and 40 B of lead
#: popcounts), for whoever reserves memory for a shard (ray_engine.shard_memory_bytes).
BLOCK_BYTES_PER_LEAD_BYTE = (
    FINGERS * CODE_SEGMENTS * CODE_LEAD_WORDS * 8 + FINGERS * CODE_SEGMENTS * 2
) / (FINGERS * CODE_SEGMENTS * CODE_LEAD_WORDS * 8)


@dataclass(frozen=True)
class BlockView:
    """A consistent snapshot for one scan: ``slots`` of ``codes``/``pops`` are filled."""

    codes: npt.NDArray[np.uint64]
    pops: npt.NDArray[np.uint16]
    slots: int


class LeadBlocks:
    """The slot-interleaved copy of one shard's lead codes, grown as slots are committed."""

    def __init__(self, words: int) -> None:
        self.words = words
        self._lock = threading.Lock()
        self._view = BlockView(
            np.zeros((0, FINGERS, words, LANES), np.uint64),
            np.zeros((0, FINGERS, 2, LANES), np.uint16),
            0,
        )

    @property
    def view(self) -> BlockView:
        return self._view

    def extend(self, lead: npt.NDArray[np.uint64]) -> None:
        """Bring the copy up to ``lead`` (slots × 10 × words, the committed rows): only slots
        not yet copied are read. A shorter ``lead`` than the copy (a shard re-mapped after
        something other than an append) rebuilds it."""
        n = lead.shape[0]
        rows = lead.reshape(n, FINGERS * self.words)
        with self._lock:
            old = self._view
            start = old.slots if old.slots <= n else 0
            codes, pops = old.codes, old.pops
            need = -(-n // LANES)
            if start == 0 or need > codes.shape[0]:
                blocks = max(need, math.ceil(codes.shape[0] * _GROWTH)) if start else need
                grown_codes = np.zeros((blocks, FINGERS, self.words, LANES), np.uint64)
                grown_pops = np.zeros((blocks, FINGERS, 2, LANES), np.uint16)
                kept = -(-start // LANES)
                grown_codes[:kept] = codes[:kept]
                grown_pops[:kept] = pops[:kept]
                codes, pops = grown_codes, grown_pops
            _fill(codes, pops, rows, start, n)
            self._view = BlockView(codes, pops, n)


@nb.njit(parallel=True, cache=True)
def _fill(
    codes: npt.NDArray[np.uint64],
    pops: npt.NDArray[np.uint16],
    rows: npt.NDArray[np.uint64],
    start: int,
    stop: int,
) -> None:
    """Copy slots ``start:stop`` of the slot-major ``rows`` into the blocks, with their lead
    popcounts per segment (blocks in parallel: a gallery opens in half the time on two
    cores)."""
    words = codes.shape[2]
    lanes = codes.shape[3]
    half = words // 2
    for b in nb.prange(start // lanes, -(-stop // lanes)):
        for lane in range(lanes):
            i = b * lanes + lane
            if i < start or i >= stop:
                continue
            for f in range(FINGERS):
                p0 = np.uint64(0)
                p1 = np.uint64(0)
                for w in range(words):
                    g = rows[i, f * words + w]
                    codes[b, f, w, lane] = g
                    if w < half:
                        p0 += popcount64(g)
                    else:
                        p1 += popcount64(g)
                pops[b, f, 0, lane] = p0
                pops[b, f, 1, lane] = p1


@nb.njit(parallel=True, cache=True, fastmath=True)
def blocked_lead_scores(
    codes: npt.NDArray[np.uint64],
    pops: npt.NDArray[np.uint16],
    slots: int,
    live: npt.NDArray[np.bool_],
    presence: npt.NDArray[np.uint16],
    probe_lead: npt.NDArray[np.uint64],
    probe_lead_pop: npt.NDArray[np.uint16],
    fingers: npt.NDArray[np.int64],
    weights: npt.NDArray[np.float64],
    offset: float,
    centre: npt.NDArray[np.float32],
    inv_sd: npt.NDArray[np.float32],
    normalise: bool,
) -> npt.NDArray[np.float32]:
    """:func:`kernels.sparse_lead_scores` of the first ``slots`` slots, from the blocks.

    Lane loops have run-time trip counts (``codes.shape[3]``): a constant count is unrolled
    into scalar ``popcnt`` instead of vectorised.
    """
    words = codes.shape[2]
    lanes = codes.shape[3]
    half = words // 2
    bits = half * 64
    h, alpha0, alpha1, scale0, scale1, less, mask, norm = lead_probe_terms(
        probe_lead_pop, bits, weights, centre, inv_sd, fingers, normalise
    )
    nf = len(fingers)
    blocks = -(-slots // lanes)
    scores = np.empty(slots, dtype=np.float32)
    chunks = -(-blocks // _CHUNK_BLOCKS)
    for c in nb.prange(chunks):
        s0 = np.zeros(lanes, dtype=np.float32)
        s1 = np.zeros(lanes, dtype=np.float32)
        c0 = np.zeros(lanes, dtype=np.uint64)
        c1 = np.zeros(lanes, dtype=np.uint64)
        have = np.zeros(lanes, dtype=np.uint16)
        for b in range(c * _CHUNK_BLOCKS, min(blocks, (c + 1) * _CHUNK_BLOCKS)):
            first = b * lanes
            used = min(lanes, slots - first)
            block_has = np.uint16(0)
            for lane in range(lanes):
                s0[lane] = 0.0
                s1[lane] = 0.0
                have[lane] = presence[first + lane] & mask if lane < used else np.uint16(0)
                block_has |= have[lane]
            for j in range(nf):
                f = fingers[j]
                bit = np.uint16(1) << np.uint16(f)
                if block_has & bit == 0:
                    continue
                for lane in range(lanes):
                    c0[lane] = 0
                    c1[lane] = 0
                base = f * words
                for w in range(half):
                    p = probe_lead[base + w]
                    for lane in range(lanes):
                        c0[lane] += popcount64(codes[b, f, w, lane] & p)
                for w in range(half, words):
                    p = probe_lead[base + w]
                    for lane in range(lanes):
                        c1[lane] += popcount64(codes[b, f, w, lane] & p)
                lf = less[f]
                a0, a1 = alpha0[f], alpha1[f]
                k0, k1 = scale0[f], scale1[f]
                for lane in range(lanes):
                    q0 = pops[b, f, 0, lane]
                    q1 = pops[b, f, 1, lane]
                    if have[lane] & bit:
                        s0[lane] -= lf
                    s0[lane] += (np.float32(c0[lane]) - a0 * np.float32(q0)) * (k0 * h[q0])
                    s1[lane] += (np.float32(c1[lane]) - a1 * np.float32(q1)) * (k1 * h[q1])
                    if offset != 0.0:  # off by default (parameters.PREFILTER_Z_OFFSET)
                        if q0 > 0 and probe_lead_pop[f, 0] > 0:
                            s0[lane] -= offset * weights[0]
                        if q1 > 0 and probe_lead_pop[f, 1] > 0:
                            s1[lane] -= offset * weights[1]
            # Branch-free, so it vectorises too: k by a SWAR popcount of the shared bits.
            for lane in range(used):
                i = first + lane
                x = np.uint32(have[lane])
                x = x - ((x >> np.uint32(1)) & np.uint32(0x5555))
                x = (x & np.uint32(0x3333)) + ((x >> np.uint32(2)) & np.uint32(0x3333))
                x = (x + (x >> np.uint32(4))) & np.uint32(0x0F0F)
                shared = (x + (x >> np.uint32(8))) & np.uint32(0x1F)
                value = (s0[lane] + s1[lane]) * norm[shared]
                excluded = not live[i] or (normalise and shared == 0)
                scores[i] = -np.inf if excluded else value
    return scores
