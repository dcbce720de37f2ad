"""Search one shard: pre-filter every live slot, then re-rank the shortlist with the comparator.

Re-ranking is sequential (in the spirit of Wald's sequential probability ratio test): fingers
are compared best probe quality first, and a candidate whose first fingers sum to little
evidence is rejected early instead of paying for all ten comparisons.

This function is the unit both engines run — in-process for the embedded engine, inside a
shard actor for Ray — so they return the same candidates by construction.
"""

from __future__ import annotations

import math
import os
import threading
from collections import OrderedDict
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from typing import Any

import numpy as np

from securecomm.afis.search.engine import Comparator, Probe, ShardCandidate
from securecomm.afis.search.gallery import GalleryShard
from securecomm.afis.search.kernels import (
    NO_CENTRE,
    UNIT_SCALE,
    shortlist,
    sparse_code_scores,
    sparse_lead_scores,
    top_slots,
)
from securecomm.afis.search.lead_blocks import blocked_lead_scores
from securecomm.afis.search.parameters import (
    CODE_LEAD_WORDS,
    CODE_PAIR_WORDS,
    PREFILTER_LEAD_KEEP,
    PREFILTER_LEAD_KEEP_FINGERS,
    PREFILTER_LEAD_MIN,
    PREFILTER_NORMALISE,
    PREFILTER_SEGMENT_WEIGHTS,
    PREFILTER_STANDARDISE_MIN,
    PREFILTER_STANDARDISE_SAMPLE,
    PREFILTER_Z_OFFSET,
    PREPARED_CACHE_FINGERS,
    RERANK_CONTINUE_EVIDENCE,
    RERANK_FIRST_CHECK_EVIDENCE,
    RERANK_FIRST_CHECK_FINGERS,
    RERANK_MIN_FINGERS,
)
from securecomm.afis.types import FingerPosition

SEGMENT_WEIGHTS = np.asarray(PREFILTER_SEGMENT_WEIGHTS, dtype=np.float64)
#: Tail words of segment 0 (pair words) in a stored tail row.
TAIL_SPLIT = CODE_PAIR_WORDS - CODE_LEAD_WORDS


def lead_survivors(slots: int, shared: int = PREFILTER_LEAD_KEEP_FINGERS) -> int:
    """How many slots of a shard the lead scan keeps for full scoring, for slots sharing
    ``shared`` fingers with the probe: a share PREFILTER_LEAD_KEEP × 10 / ``shared`` of the
    shard (all of it at most), so each slot costs the full-code stage the same work whatever
    its finger count, and at least PREFILTER_LEAD_MIN."""
    share = min(1.0, PREFILTER_LEAD_KEEP * PREFILTER_LEAD_KEEP_FINGERS / max(1, shared))
    return max(PREFILTER_LEAD_MIN, math.ceil(slots * share))


def shared_fingers(shard: GalleryShard, probe: Probe, n: int) -> np.ndarray:
    """Per slot (of the first ``n``), how many fingers it and the probe both have."""
    mask = np.uint16(sum(1 << int(f) for f in probe.code_rows.tolist()))
    return np.bitwise_count(shard.presence[:n] & mask)


def lead_keep(first: np.ndarray, shared: np.ndarray) -> np.ndarray:
    """Ascending slots that survive the lead scan: a slot sharing k fingers survives when its
    lead score is at or above the :func:`lead_survivors` (n, k)-th best of the whole shard.

    Scores are on one scale for every finger count (standardised, ÷√k), so this is the keep
    a shard of only k-finger slots would use. Where every slot shares the same number of
    fingers (a ten-print probe on ten-print records, a two-finger probe on anything holding
    both fingers) it is :func:`kernels.top_slots` with that count's keep; ties are all kept.
    """
    n = len(first)
    counts = np.unique(shared[np.isfinite(first)])
    counts = counts[counts > 0]
    if len(counts) == 0:
        return np.zeros(0, np.int64)
    widest = lead_survivors(n, int(counts[0]))
    slots = top_slots(first, widest)
    if len(counts) == 1:
        return slots[shared[slots] > 0]
    # Each count's bar is the score of its keep-th best slot; all bars are among the widest.
    below = -first[slots]
    ranks = [min(len(below), lead_survivors(n, k)) - 1 for k in counts.tolist()]
    ordered = np.partition(below, sorted(set(ranks)))
    bars = np.full(PREFILTER_LEAD_KEEP_FINGERS + 1, np.inf, np.float32)
    for k, r in zip(counts.tolist(), ranks, strict=True):
        bars[k] = -ordered[r]
    return slots[first[slots] >= bars[shared[slots]]]


def prefilter(
    shard: GalleryShard, probe: Probe, k: int, normalise: bool = PREFILTER_NORMALISE
) -> tuple[np.ndarray, np.ndarray]:
    """Slots of the ``k`` best identities by pre-filter score, and those scores.

    Two stages: every slot's lead code is scored, the survivors (:func:`lead_keep`: deeper for
    slots sharing fewer fingers) are scored on their full codes, and the ``k`` best of those
    are returned. A shard no larger than the
    survivor count skips the first stage, so its scores are exactly the full-code scores.
    Both stages read only the fingers the probe and the slot both have, and (with
    ``normalise``, the default) divide each slot's z-sum by √(shared fingers), so a two-print
    record and a ten-print record compete on one scale; slots sharing no finger are skipped.
    """
    n = shard.slots
    if n == 0:
        return np.zeros(0, np.int64), np.zeros(0, np.float32)
    keep = lead_survivors(n, len(probe.code_rows))  # the least any slot can keep
    standard = finger_standardisation(shard, probe) if normalise else None
    if keep < n:
        first = lead_stage_scores(shard, probe, normalise, standard)
        # Ascending: the full codes are read in order.
        slots = lead_keep(first, shared_fingers(shard, probe, len(first)))
    else:
        slots = np.flatnonzero(shard.live).astype(np.int64)
    scores = full_code_scores(shard, probe, slots, normalise, standard)
    best = shortlist(scores, k)
    return slots[best], scores[best]


def _sample_slots(shard: GalleryShard) -> np.ndarray:
    """Evenly spaced live slots (at most PREFILTER_STANDARDISE_SAMPLE): a fixed function of
    the shard, so every engine standardises a probe identically."""
    live = np.flatnonzero(shard.live)
    if len(live) > PREFILTER_STANDARDISE_SAMPLE:
        live = live[np.linspace(0, len(live) - 1, PREFILTER_STANDARDISE_SAMPLE).astype(np.int64)]
    return live.astype(np.int64)


def _robust(values: np.ndarray) -> tuple[float, float]:
    """Median and IQR/1.349 (the mate, if sampled, does not move them)."""
    if len(values) < PREFILTER_STANDARDISE_MIN:
        return 0.0, 1.0
    q1, med, q3 = np.percentile(values, (25, 50, 75))
    return float(med), float(max((q3 - q1) / 1.349, 1e-3))


def finger_standardisation(
    shard: GalleryShard, probe: Probe
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Per probe finger, the impostor centre and 1/spread of its z-score on this shard, for
    the lead and the full codes: (lead centre, lead 1/sd, full centre, full 1/sd), (10,) each.

    Measured (docs/afis-search.md, finger sets): unrelated fingers' z is not centred at 0 (all
    fingerprints share common local structures): on the synthetic gallery a right index finger
    scored median ≈ 3.6 and spread ≈ 2.5 on the full code, a real FVC finger 2.2 and 2.0.
    Summed over fingers this bias favours records with more fingers, so a two-print mate sank
    below ten-print impostors. Standardised per probe finger on a fixed sample of the shard
    (PREFILTER_STANDARDISE_SAMPLE slots, each probe finger alone), z of unrelated fingers has
    median 0 and spread 1 whatever the finger, and the √k normalisation puts every finger
    count on one scale. Cost: two scans of the sample per probe finger.
    """
    lead_c, lead_s = NO_CENTRE.copy(), UNIT_SCALE.copy()
    full_c, full_s = NO_CENTRE.copy(), UNIT_SCALE.copy()
    sample = _sample_slots(shard)
    if len(sample) == 0:
        return lead_c, lead_s, full_c, full_s
    n = shard.slots
    # The sample's rows, gathered once: each finger's two scans then read them from cache.
    lead_rows = np.ascontiguousarray(shard.lead.reshape(n, -1)[sample])
    tail_rows = np.ascontiguousarray(shard.tail.reshape(n, -1)[sample])
    pops = np.ascontiguousarray(shard.pops[sample])
    live = np.ones(len(sample), np.bool_)
    presence = shard.presence[sample]
    rows = np.arange(len(sample), dtype=np.int64)
    for f in probe.code_rows.tolist():
        has = (presence >> np.uint16(f)) & np.uint16(1) == 1
        if not has.any():
            continue
        one = np.array([f], np.int64)
        z = sparse_lead_scores(
            lead_rows, live, presence, probe.lead, probe.lead_pops, one, SEGMENT_WEIGHTS, 0.0,
            NO_CENTRE, UNIT_SCALE, False,
        )  # fmt: skip
        c, sd = _robust(z[has])
        lead_c[f], lead_s[f] = c, 1.0 / sd
        z = sparse_code_scores(
            lead_rows, tail_rows, pops, live, presence, rows, probe.lead, probe.tail,
            probe.pops, one, CODE_LEAD_WORDS, TAIL_SPLIT, SEGMENT_WEIGHTS, 0.0, NO_CENTRE,
            UNIT_SCALE, False,
        )  # fmt: skip
        c, sd = _robust(z[has])
        full_c[f], full_s[f] = c, 1.0 / sd
    return lead_c, lead_s, full_c, full_s


def lead_stage_scores(
    shard: GalleryShard,
    probe: Probe,
    normalise: bool = PREFILTER_NORMALISE,
    standard: tuple[np.ndarray, ...] | None = None,
) -> np.ndarray:
    """Every slot's lead-code score (stage 1 of :func:`prefilter`; ``-inf`` for deleted slots
    and, normalised, for slots sharing no finger with the probe)."""
    if normalise and standard is None:
        standard = finger_standardisation(shard, probe)
    centre, inv_sd = standard[:2] if normalise and standard else (NO_CENTRE, UNIT_SCALE)
    # One snapshot: a commit in this process may extend the shard while the scan runs.
    blocks = shard.lead_block_view()
    n = blocks.slots
    return blocked_lead_scores(
        blocks.codes,
        blocks.pops,
        n,
        shard.live[:n],
        shard.presence[:n],
        probe.lead,
        probe.lead_pops,
        probe.code_rows,
        SEGMENT_WEIGHTS,
        PREFILTER_Z_OFFSET,
        centre,
        inv_sd,
        normalise,
    )


def full_code_scores(
    shard: GalleryShard,
    probe: Probe,
    slots: np.ndarray,
    normalise: bool = PREFILTER_NORMALISE,
    standard: tuple[np.ndarray, ...] | None = None,
) -> np.ndarray:
    """Pre-filter scores of ``slots`` (ascending) from their full codes (lead and tail)."""
    n = shard.slots
    if normalise and standard is None:
        standard = finger_standardisation(shard, probe)
    centre, inv_sd = standard[2:] if normalise and standard else (NO_CENTRE, UNIT_SCALE)
    return sparse_code_scores(
        shard.lead.reshape(n, -1),
        shard.tail.reshape(n, -1),
        shard.pops,
        shard.live,
        shard.presence,
        slots,
        probe.lead,
        probe.tail,
        probe.pops,
        probe.code_rows,
        CODE_LEAD_WORDS,
        TAIL_SPLIT,
        SEGMENT_WEIGHTS,
        PREFILTER_Z_OFFSET,
        centre,
        inv_sd,
        normalise,
    )


class PreparedCache:
    """The comparator's preparation of enrolled fingers, the most recently used ``capacity``
    kept, keyed by (slot, finger position) of one shard.

    Preparing an enrolled finger (its MCC cylinders) is most of the re-ranking's cost, and the
    same identities come back on many shortlists (fingerprints with many minutiae score high
    against every probe in the pre-filter: measured at 100k, a third of the shortlisted
    identities of 120 searches had been shortlisted before, docs/afis-search.md). A slot's
    templates never change (the gallery is append-only; a replaced identity gets a new slot
    and the old one is tombstoned, so it is not shortlisted again), so a cached preparation
    is always the one ``prepare`` would compute: the answers are the same with or without it.
    Safe for the re-ranking's threads.
    """

    def __init__(self, capacity: int = PREPARED_CACHE_FINGERS) -> None:
        self.capacity = capacity
        self.hits = 0
        self.misses = 0
        self._items: OrderedDict[tuple[int, int], Any] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: tuple[int, int], make: Callable[[], Any]) -> Any:
        with self._lock:
            found = self._items.get(key)
            if found is not None:
                self._items.move_to_end(key)
                self.hits += 1
                return found
            self.misses += 1
        made = make()  # outside the lock: preparations run in parallel
        if self.capacity > 0:
            with self._lock:
                self._items[key] = made
                while len(self._items) > self.capacity:
                    self._items.popitem(last=False)
        return made

    def __len__(self) -> int:
        return len(self._items)


def search_shard(
    shard: GalleryShard,
    probe: Probe,
    comparator: Comparator,
    k: int,
    prepared: PreparedCache | None = None,
) -> list[ShardCandidate]:
    """Shortlist ``k`` identities of ``shard`` and score the fingers shared with the probe
    (enrolled fingers prepared through ``prepared``, this shard's cache, when given).

    Candidates are scored on a small thread pool (the comparator's preparation is numpy work
    that partly releases the GIL); results keep the shortlist order, so they do not depend on
    thread timing.
    """
    slots, scores = prefilter(shard, probe, k)
    work = list(zip(slots.tolist(), scores.tolist(), strict=True))
    if len(work) <= 1:
        return [_score_candidate(shard, probe, comparator, s, pf, prepared) for s, pf in work]
    with ThreadPoolExecutor(max_workers=min(len(work), os.cpu_count() or 1)) as pool:
        return list(
            pool.map(
                lambda w: _score_candidate(shard, probe, comparator, w[0], w[1], prepared), work
            )
        )


def _score_candidate(
    shard: GalleryShard,
    probe: Probe,
    comparator: Comparator,
    slot: int,
    pf: float,
    prepared: PreparedCache | None = None,
) -> ShardCandidate:
    enrolled = shard.slot_reader(slot)
    finger_scores: dict[int, float] = {}
    evidence = 0.0
    for position in probe.order:
        template = enrolled.get(FingerPosition(position))
        if template is None or template.count == 0:
            continue
        compared = len(finger_scores)
        if (compared >= RERANK_MIN_FINGERS and evidence < RERANK_CONTINUE_EVIDENCE) or (
            compared == RERANK_FIRST_CHECK_FINGERS and evidence < RERANK_FIRST_CHECK_EVIDENCE
        ):
            break  # sequential early rejection (see parameters)
        if prepared is None:
            candidate = comparator.prepare(template)
        else:
            candidate = prepared.get((slot, position), partial(comparator.prepare, template))
        score = float(comparator.compare_prepared(probe.prepared[position], candidate))
        finger_scores[position] = score
        evidence += max(0.0, score)
    return ShardCandidate(shard.identity_id(slot), pf, finger_scores)
