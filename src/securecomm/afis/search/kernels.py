"""The pre-filter scans: common bits of per-finger binary codes, as summed z-scores.

A code has two segments (:mod:`codes`); each is scored on its own. For every identity a scan
sums, over the fingers present in both the probe and the identity, the standardised excess of
common bits ``z = (|a∧b| − μ) / σ`` where ``μ = |a|·|b| / B`` and
``σ² = μ (1 − |a|/B)(1 − |b|/B)`` are the mean and (binomial approximation of the
hypergeometric) variance of the overlap of two unrelated bit sets of those sizes in B bits.
Unlike the Dice coefficient, z weighs a sparse finger (few minutiae, noisy overlap) less than a
rich one; measured on 20k synthetic identities it puts the mate in the top 16 for 67 % of
ten-print probes against 59 % for summed Dice. A finger absent on either side has popcount 0
and adds nothing.

There are two scans (``shard_search.prefilter``):

* :func:`lead_scores` reads only the *lead* words of every identity (a third of each segment,
  ``CODE_LEAD_WORDS``): the scan that touches the whole gallery, so its bytes and instructions
  per finger decide the search's cost.
* :func:`code_scores` scores the full codes (lead and tail) of chosen slots: the survivors of
  the lead scan (:func:`top_slots`), or every slot of a small shard.

Both are written for the compiler's vectoriser, which is what made them fast (measured on a
500k shard, one thread, Zen 4): the single scan before them ran at the same 48 M finger
comparisons/s in cache as from memory, so it was compute-bound. Word loops have run-time
lengths, so LLVM turns them into AVX-512 ``vpopcntq`` (a constant 12-word loop was unrolled
into scalar ``popcnt``); a finger's counts travel in one 64-bit sum as 16-bit fields (shifted
per word), so one reduction serves both segments (and, in the lead scan, the gallery's lead
popcounts, which are counted rather than stored); and with α = |a|/B the z-score is
``(c − α·|b|) · w/√(α(1 − α)) · h(|b|)``, ``h(|b|) = 1/√(|b|(1 − |b|/B))``: a constant per
probe finger times a table of B + 1 values, so no division, square root or 3-D table per
comparison. A full-code scan of every slot then ran at ≈ 100 M/s, the dense lead scan at
≈ 170 M/s. The finger-set scan (:func:`sparse_lead_scores`: a branch and a horizontal sum per
finger comparison) runs at 47 M/s for ten fingers and 6 M/s for one on the same machine, so
the search's lead stage now scans slot-interleaved blocks instead
(:func:`lead_blocks.blocked_lead_scores`, 187 M/s; this one scores the standardisation's
sample and is the reference the blocks are tested against).

Popcounts use the SWAR bit trick (Hacker's Delight §5-1), which LLVM recognises as ``ctpop``,
because numba 0.68 has no ``np.bitwise_count`` inside ``njit``.
"""

from __future__ import annotations

import math
import os

# OpenMP's default "active" waiting makes idle pool threads spin; on a shared, oversubscribed
# machine (this project's 2-core CI) that made a 2-thread scan 50× slower than 1 thread
# (measured: 24 ms against 0.46 ms for 5k identities). Passive waiting costs nothing here. It
# only takes effect if set before numba starts its OpenMP pool; a user's own value is kept.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

import numba as nb
import numpy as np
import numpy.typing as npt

_M1 = np.uint64(0x5555555555555555)
_M2 = np.uint64(0x3333333333333333)
_M4 = np.uint64(0x0F0F0F0F0F0F0F0F)
_H01 = np.uint64(0x0101010101010101)
_S1 = np.uint64(1)
_S2 = np.uint64(2)
_S4 = np.uint64(4)
_S56 = np.uint64(56)


@nb.njit(inline="always", cache=True)
def popcount64(x: np.uint64) -> np.uint64:
    """Bits set in one 64-bit word (SWAR)."""
    x = x - ((x >> _S1) & _M1)
    x = (x & _M2) + ((x >> _S2) & _M2)
    x = (x + (x >> _S4)) & _M4
    return (x * _H01) >> _S56


@nb.njit(cache=True)
def popcounts(codes: npt.NDArray[np.uint64]) -> npt.NDArray[np.uint16]:
    """Bits set per code row; ``codes`` is (rows, words)."""
    rows, words = codes.shape
    out = np.zeros(rows, dtype=np.uint16)
    for r in range(rows):
        total = np.uint64(0)
        for w in range(words):
            total += popcount64(codes[r, w])
        out[r] = np.uint16(total)
    return out


_FIELD = np.uint64(16)
_FIELD_MASK = np.uint64(0xFFFF)
_POPS_FIELD = np.uint64(32)
#: Identities per parallel work item of the lead scan.
_CHUNK = 4096
#: Survivors whose rows are loaded together before they are scored.
_TOUCH_BLOCK = 256


ALL_FINGERS = np.arange(10, dtype=np.int64)
#: Per-finger standardisation that changes nothing (the dense, unnormalised scans).
NO_CENTRE = np.zeros(10, dtype=np.float32)
UNIT_SCALE = np.ones(10, dtype=np.float32)
_ALL_PRESENT = np.uint16(0x3FF)


def lead_scores(
    lead: npt.NDArray[np.uint64],
    live: npt.NDArray[np.bool_],
    probe_lead: npt.NDArray[np.uint64],
    probe_lead_pop: npt.NDArray[np.uint16],
    weights: npt.NDArray[np.float64],
    offset: float,
) -> npt.NDArray[np.float32]:
    """Dense, unnormalised lead scan: the z-sum over all ten finger rows of every slot (the
    scan of code layouts 4–5 before finger sets; :func:`sparse_lead_scores` is the search's)."""
    presence = np.full(lead.shape[0], _ALL_PRESENT, dtype=np.uint16)
    return sparse_lead_scores(
        lead, live, presence, probe_lead, probe_lead_pop, ALL_FINGERS, weights, offset,
        NO_CENTRE, UNIT_SCALE, False,
    )  # fmt: skip


@nb.njit(parallel=True, cache=True, fastmath=True)
def sparse_lead_scores(
    lead: npt.NDArray[np.uint64],
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
    """Pre-filter score of every slot from its lead code alone (``-inf`` for deleted slots).

    ``lead`` is (slots, 10 × 2L): per finger the L lead words of segment 0, then of segment 1;
    ``probe_lead`` (10 × 2L) likewise and ``probe_lead_pop`` (10, 2) its popcounts. Only the
    probe's ``fingers`` (row indices 0–9) are read, and of those only the ones the slot has
    (bit f of ``presence[i]``): an absent finger on either side costs neither a load nor an
    instruction. Each segment's z-score is weighted by ``weights[segment]``, less ``offset``
    per finger and segment with lead bits on both sides. Lead popcounts of the gallery are
    counted here, not stored.

    Each finger's z (both segments) is standardised as ``(z − centre[f]) · inv_sd[f]`` (the
    impostor mean and spread of that probe finger, ``shard_search.finger_standardisation``;
    0 and 1 leave it as it is). With ``normalise`` the sum is divided by √k, k the number of
    fingers both sides have: k standardised unrelated fingers sum to mean 0 and variance k, so
    a two-print record and a ten-print record compete on one scale (``docs/afis-search.md``,
    finger sets); a slot sharing no finger with the probe scores ``-inf``.

    With α = |a|/B, z = (c − α·|b|) / √(α(1 − α)) · h(|b|), h(|b|) = 1/√(|b|(1 − |b|/B)): the
    probe's part is a constant per finger and segment, the gallery's a table of B + 1 values
    (in L1 cache), so a comparison needs no division or square root. h(0) = 0 (an absent
    finger adds nothing); h(B) = 0 too (a saturated code says nothing).
    """
    n = lead.shape[0]
    words = probe_lead.shape[0] // 10
    half = words // 2
    bits = half * 64
    shift = _field_shifts(words, half)
    h, alpha0, alpha1, scale0, scale1, less, mask, norm = lead_probe_terms(
        probe_lead_pop, bits, weights, centre, inv_sd, fingers, normalise
    )
    nf = len(fingers)
    scores = np.empty(n, dtype=np.float32)
    chunks = (n + _CHUNK - 1) // _CHUNK
    for c in nb.prange(chunks):
        for i in range(c * _CHUNK, min(n, (c + 1) * _CHUNK)):
            shared = presence[i] & mask
            if not live[i] or (normalise and shared == 0):
                scores[i] = -np.inf
                continue
            # Two sums, one per segment, halve the chain of dependent float additions.
            s0 = np.float32(0.0)
            s1 = np.float32(0.0)
            k = 0
            for j in range(nf):
                f = fingers[j]
                if (shared >> np.uint16(f)) & np.uint16(1) == 0:
                    continue
                k += 1
                s0 -= less[f]
                base = f * words
                t = np.uint64(0)
                for w in range(words):
                    g = lead[i, base + w]
                    t += (popcount64(g & probe_lead[base + w]) << shift[w]) + (
                        popcount64(g) << (shift[w] + _POPS_FIELD)
                    )
                r = np.int64(t)  # signed: converts to float in one instruction
                p0 = (r >> 32) & 0xFFFF
                p1 = (r >> 48) & 0xFFFF
                s0 += (np.float32(r & 0xFFFF) - alpha0[f] * np.float32(p0)) * (scale0[f] * h[p0])
                s1 += (np.float32((r >> 16) & 0xFFFF) - alpha1[f] * np.float32(p1)) * (
                    scale1[f] * h[p1]
                )
                if offset != 0.0:  # off by default (parameters.PREFILTER_Z_OFFSET)
                    if p0 > 0 and probe_lead_pop[f, 0] > 0:
                        s0 -= offset * weights[0]
                    if p1 > 0 and probe_lead_pop[f, 1] > 0:
                        s1 -= offset * weights[1]
            scores[i] = (s0 + s1) * norm[k]
    return scores


def code_scores(
    lead: npt.NDArray[np.uint64],
    tail: npt.NDArray[np.uint64],
    pops: npt.NDArray[np.uint16],
    live: npt.NDArray[np.bool_],
    slots: npt.NDArray[np.int64],
    probe_lead: npt.NDArray[np.uint64],
    probe_tail: npt.NDArray[np.uint64],
    probe_pop: npt.NDArray[np.uint16],
    lead_split: int,
    tail_split: int,
    weights: npt.NDArray[np.float64],
    offset: float,
) -> npt.NDArray[np.float32]:
    """Dense, unnormalised full-code scores of ``slots`` (all ten finger rows; see
    :func:`sparse_code_scores`, which the search uses)."""
    presence = np.full(lead.shape[0], _ALL_PRESENT, dtype=np.uint16)
    return sparse_code_scores(
        lead, tail, pops, live, presence, slots, probe_lead, probe_tail, probe_pop, ALL_FINGERS,
        lead_split, tail_split, weights, offset, NO_CENTRE, UNIT_SCALE, False,
    )  # fmt: skip


@nb.njit(parallel=True, cache=True, fastmath=True)
def sparse_code_scores(
    lead: npt.NDArray[np.uint64],
    tail: npt.NDArray[np.uint64],
    pops: npt.NDArray[np.uint16],
    live: npt.NDArray[np.bool_],
    presence: npt.NDArray[np.uint16],
    slots: npt.NDArray[np.int64],
    probe_lead: npt.NDArray[np.uint64],
    probe_tail: npt.NDArray[np.uint64],
    probe_pop: npt.NDArray[np.uint16],
    fingers: npt.NDArray[np.int64],
    lead_split: int,
    tail_split: int,
    weights: npt.NDArray[np.float64],
    offset: float,
    centre: npt.NDArray[np.float32],
    inv_sd: npt.NDArray[np.float32],
    normalise: bool,
) -> npt.NDArray[np.float32]:
    """Pre-filter score of each of ``slots`` from its full code (``-inf`` for deleted slots).

    Per finger, ``lead`` rows hold ``lead_split`` words of segment 0 then segment 1's lead
    words, ``tail`` rows ``tail_split`` words of segment 0 then segment 1's tail words (the
    stored layout: ``codes.split_codes``; a study of other code sizes passes whole codes as
    ``lead`` and an empty ``tail``). ``pops`` (slots, 10, 2) are the full segments' popcounts
    and ``probe_pop`` (10, 2) the probe's; the probe's words are laid out as a gallery row.
    Only the probe's ``fingers`` that the slot has (``presence``) are read; ``centre``,
    ``inv_sd`` and ``normalise`` standardise as in :func:`sparse_lead_scores`.
    """
    lw = probe_lead.shape[0] // 10
    tw = probe_tail.shape[0] // 10
    # z as in lead_scores: (c − α·|b|)·scale·h(|b|), per segment of B0 and B1 bits.
    bits0 = (lead_split + tail_split) * 64
    bits1 = (lw + tw) * 64 - bits0
    h0 = _h_table(bits0)
    h1 = _h_table(bits1)
    alpha0, scale0, less0 = _probe_terms(probe_pop[:, 0], bits0, weights[0], offset)
    alpha1, scale1, less1 = _probe_terms(probe_pop[:, 1], bits1, weights[1], offset)
    scale0 = scale0 * inv_sd
    scale1 = scale1 * inv_sd
    less0 = less0 * inv_sd
    less1 = less1 * inv_sd
    less = centre * inv_sd
    mask = np.uint16(0)
    for j in range(len(fingers)):
        mask |= np.uint16(1) << np.uint16(fingers[j])
    norm = np.zeros(11, dtype=np.float32)
    for k in range(1, 11):
        norm[k] = 1.0 / math.sqrt(k) if normalise else 1.0
    # Word loops with run-time lengths and both segments' counts in one sum (16-bit fields), as
    # in lead_scores, so the compiler vectorises them.
    lead_shift = _field_shifts(lw, lead_split)
    tail_shift = _field_shifts(tw, tail_split)
    scores = np.empty(len(slots), dtype=np.float32)
    sparse = 4 * len(slots) < lead.shape[0]  # survivors scattered over the shard
    blocks = (len(slots) + _TOUCH_BLOCK - 1) // _TOUCH_BLOCK
    for b in nb.prange(blocks):
        lo = b * _TOUCH_BLOCK
        hi = min(len(slots), lo + _TOUCH_BLOCK)
        if sparse:
            scores[lo] = _touch(lead, tail, pops, slots, lo, hi)  # overwritten below
        for k in range(lo, hi):
            i = slots[k]
            shared = presence[i] & mask
            if not live[i] or (normalise and shared == 0):
                scores[k] = -np.inf
                continue
            scores[k] = _full_score(
                lead, tail, pops, i, shared, fingers, probe_lead, probe_tail, lead_shift,
                tail_shift, h0, h1, alpha0, alpha1, scale0, scale1, less0, less1, less, norm,
            )  # fmt: skip
    return scores


@nb.njit(cache=True)
def _touch(lead, tail, pops, slots, lo, hi) -> np.float32:
    """Load one word of every cache line of the rows ``slots[lo:hi]`` will read.

    Survivors are scattered over the shard (1 in 24 by default), so scoring them one by one
    waits on memory for each; a loop of independent loads lets the CPU fetch many lines at once
    (measured on a 500k shard with 4 lead words, one thread: scoring 31,250 survivors
    16.5 → 13.7 ms). The sum is returned only so the loads are not optimised away.
    """
    x = np.uint64(0)
    for k in range(lo, hi):
        i = slots[k]
        for w in range(0, lead.shape[1], 8):
            x ^= lead[i, w]
        for w in range(0, tail.shape[1], 8):
            x ^= tail[i, w]
        x ^= np.uint64(pops[i, 0, 0])
    return np.float32(x & np.uint64(1))


@nb.njit(inline="always", fastmath=True)
def _full_score(
    lead, tail, pops, i, shared, fingers, probe_lead, probe_tail, lead_shift, tail_shift, h0, h1,
    alpha0, alpha1, scale0, scale1, less0, less1, less, norm,
):  # fmt: skip
    """One live slot's full-code score over the fingers in ``shared`` (see
    :func:`sparse_code_scores`)."""
    lw = probe_lead.shape[0] // 10
    tw = probe_tail.shape[0] // 10
    s0 = np.float32(0.0)
    s1 = np.float32(0.0)
    k = 0
    for j in range(len(fingers)):
        f = fingers[j]
        if (shared >> np.uint16(f)) & np.uint16(1) == 0:
            continue
        k += 1
        s0 -= less[f]
        lb = f * lw
        tb = f * tw
        t = np.uint64(0)
        for w in range(lw):
            t += popcount64(lead[i, lb + w] & probe_lead[lb + w]) << lead_shift[w]
        for w in range(tw):
            t += popcount64(tail[i, tb + w] & probe_tail[tb + w]) << tail_shift[w]
        r = np.int64(t)
        g0 = np.int64(pops[i, f, 0])
        g1 = np.int64(pops[i, f, 1])
        s0 += (np.float32(r & 0xFFFF) - alpha0[f] * np.float32(g0)) * (scale0[f] * h0[g0])
        s1 += (np.float32(r >> 16) - alpha1[f] * np.float32(g1)) * (scale1[f] * h1[g1])
        if g0 > 0:
            s0 -= less0[f]
        if g1 > 0:
            s1 -= less1[f]
    return (s0 + s1) * norm[k]


@nb.njit(cache=True)
def _field_shifts(words: int, first: int) -> npt.NDArray[np.uint64]:
    """Per word, where its count goes in the packed sum: field 0 for the first ``first`` words
    (segment 0), field 1 (16 bits up) for the rest (segment 1)."""
    shift = np.zeros(words, dtype=np.uint64)
    shift[first:] = _FIELD
    return shift


@nb.njit(cache=True)
def _h_table(bits: int) -> npt.NDArray[np.float32]:
    """h(|b|) = 1/√(|b|(1 − |b|/B)) for |b| = 0..B; 0 at both ends (see lead_scores)."""
    h = np.zeros(bits + 1, dtype=np.float32)
    for pb in range(1, bits):
        h[pb] = 1.0 / math.sqrt(pb * (1.0 - pb / bits))
    return h


@nb.njit(cache=True)
def lead_probe_terms(
    probe_lead_pop: npt.NDArray[np.uint16],
    bits: int,
    weights: npt.NDArray[np.float64],
    centre: npt.NDArray[np.float32],
    inv_sd: npt.NDArray[np.float32],
    fingers: npt.NDArray[np.int64],
    normalise: bool,
) -> tuple:
    """What a lead scan needs of the probe, whatever the gallery's layout: the h(|b|) table,
    per finger and segment α and weight/√(α(1 − α)) (standardised by ``inv_sd``), the centre to
    take per shared finger, the probe's finger mask and the 1/√k normalisation per k."""
    h = _h_table(bits)
    alpha0, scale0, _ = _probe_terms(probe_lead_pop[:, 0], bits, weights[0], 0.0)
    alpha1, scale1, _ = _probe_terms(probe_lead_pop[:, 1], bits, weights[1], 0.0)
    scale0 = scale0 * inv_sd
    scale1 = scale1 * inv_sd
    less = centre * inv_sd
    mask = np.uint16(0)
    for j in range(len(fingers)):
        mask |= np.uint16(1) << np.uint16(fingers[j])
    norm = np.zeros(11, dtype=np.float32)
    for k in range(1, 11):
        norm[k] = 1.0 / math.sqrt(k) if normalise else 1.0
    return h, alpha0, alpha1, scale0, scale1, less, mask, norm


@nb.njit(cache=True)
def _probe_terms(
    probe_pop: npt.NDArray[np.uint16], bits: int, weight: float, offset: float
) -> tuple[npt.NDArray[np.float32], npt.NDArray[np.float32], npt.NDArray[np.float32]]:
    """Per probe finger of one segment: α = |a|/B, weight/√(α(1 − α)), and the offset to take
    when the gallery finger is present (all 0 for an absent or saturated probe finger)."""
    alpha = np.zeros(10, dtype=np.float32)
    scale = np.zeros(10, dtype=np.float32)
    less = np.zeros(10, dtype=np.float32)
    for f in range(10):
        pa = float(probe_pop[f])
        if 0 < pa < bits:
            a = pa / bits
            alpha[f] = a
            scale[f] = weight / math.sqrt(a * (1.0 - a))
            less[f] = offset * weight
    return alpha, scale, less


#: top_slots' histogram: bins of 1/16 over [-64, 192) of fused z (wider values share the end
#: bins, which only makes the exact step below longer).
_HISTOGRAM_LOW = -64.0
_HISTOGRAM_BINS = 4096
_HISTOGRAM_PER_UNIT = 16.0


@nb.njit(inline="always")
def _bin(v: float) -> int:
    x = (v - _HISTOGRAM_LOW) * _HISTOGRAM_PER_UNIT
    return int(min(_HISTOGRAM_BINS - 1.0, max(0.0, x)))  # clamped before the cast


@nb.njit(cache=True)
def top_slots(scores: npt.NDArray[np.float32], k: int) -> npt.NDArray[np.int64]:
    """Ascending indices of every finite score at or above the ``k``-th highest.

    Ties at the boundary are all kept, so the set depends on the scores alone (not on a
    sorting algorithm) and has at least ``k`` members when that many are finite. Two passes:
    a histogram finds the bin holding the ``k``-th highest score, then the scores from that
    bin up are collected (with their indices, in order) and only those are sorted.
    """
    n = len(scores)
    counts = np.zeros(_HISTOGRAM_BINS, dtype=np.int64)
    finite = 0
    for i in range(n):
        v = scores[i]
        if np.isfinite(v):
            finite += 1
            counts[_bin(v)] += 1
    if finite <= k:
        out = np.empty(finite, dtype=np.int64)
        m = 0
        for i in range(n):
            if np.isfinite(scores[i]):
                out[m] = i
                m += 1
        return out
    above = 0
    b = _HISTOGRAM_BINS - 1
    while above + counts[b] < k:
        above += counts[b]
        b -= 1
    m = above + counts[b]
    near = np.empty(m, dtype=np.float32)
    index = np.empty(m, dtype=np.int64)
    j = 0
    for i in range(n):
        v = scores[i]
        if np.isfinite(v) and _bin(v) >= b:
            near[j] = v
            index[j] = i
            j += 1
    threshold = np.sort(near)[m - k]
    return index[near >= threshold]


def shortlist(scores: npt.NDArray[np.float32], k: int) -> npt.NDArray[np.int64]:
    """Indices of the ``k`` highest finite scores, best first; ties by lower index."""
    finite = int(np.count_nonzero(np.isfinite(scores)))
    k = min(k, finite)
    if k <= 0:
        return np.zeros(0, dtype=np.int64)
    part = np.argpartition(-scores, k - 1)[:k] if k < len(scores) else np.arange(len(scores))
    # Deterministic order: score descending, then slot ascending.
    order = np.lexsort((part, -scores[part].astype(np.float64)))
    return part[order].astype(np.int64)
