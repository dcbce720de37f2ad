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
from concurrent.futures import ThreadPoolExecutor

import numpy as np

from securecomm.afis.search.engine import Comparator, Probe, ShardCandidate
from securecomm.afis.search.gallery import GalleryShard
from securecomm.afis.search.kernels import (
    shortlist,
    sparse_code_scores,
    sparse_lead_scores,
    top_slots,
)
from securecomm.afis.search.parameters import (
    CODE_LEAD_WORDS,
    CODE_PAIR_WORDS,
    PREFILTER_LEAD_KEEP,
    PREFILTER_LEAD_MIN,
    PREFILTER_NORMALISE,
    PREFILTER_SEGMENT_WEIGHTS,
    PREFILTER_Z_OFFSET,
    RERANK_CONTINUE_EVIDENCE,
    RERANK_MIN_FINGERS,
)
from securecomm.afis.types import FingerPosition

SEGMENT_WEIGHTS = np.asarray(PREFILTER_SEGMENT_WEIGHTS, dtype=np.float64)
#: Tail words of segment 0 (pair words) in a stored tail row.
TAIL_SPLIT = CODE_PAIR_WORDS - CODE_LEAD_WORDS


def lead_survivors(slots: int) -> int:
    """How many slots of a shard the lead scan keeps for full scoring."""
    return max(PREFILTER_LEAD_MIN, math.ceil(slots * PREFILTER_LEAD_KEEP))


def prefilter(
    shard: GalleryShard, probe: Probe, k: int, normalise: bool = PREFILTER_NORMALISE
) -> tuple[np.ndarray, np.ndarray]:
    """Slots of the ``k`` best identities by pre-filter score, and those scores.

    Two stages: every slot's lead code is scored, the best :func:`lead_survivors` are scored
    on their full codes, and the ``k`` best of those are returned. A shard no larger than the
    survivor count skips the first stage, so its scores are exactly the full-code scores.
    Both stages read only the fingers the probe and the slot both have, and (with
    ``normalise``, the default) divide each slot's z-sum by √(shared fingers), so a two-print
    record and a ten-print record compete on one scale; slots sharing no finger are skipped.
    """
    n = shard.slots
    if n == 0:
        return np.zeros(0, np.int64), np.zeros(0, np.float32)
    keep = lead_survivors(n)
    if keep < n:
        first = lead_stage_scores(shard, probe, normalise)
        slots = top_slots(first, keep)  # ascending: the full codes are read in order
    else:
        slots = np.flatnonzero(shard.live).astype(np.int64)
    scores = full_code_scores(shard, probe, slots, normalise)
    best = shortlist(scores, k)
    return slots[best], scores[best]


def lead_stage_scores(
    shard: GalleryShard, probe: Probe, normalise: bool = PREFILTER_NORMALISE
) -> np.ndarray:
    """Every slot's lead-code score (stage 1 of :func:`prefilter`; ``-inf`` for deleted slots
    and, normalised, for slots sharing no finger with the probe)."""
    n = shard.slots
    return sparse_lead_scores(
        shard.lead.reshape(n, -1),
        shard.live,
        shard.presence,
        probe.lead,
        probe.lead_pops,
        probe.code_rows,
        SEGMENT_WEIGHTS,
        PREFILTER_Z_OFFSET,
        normalise,
    )


def full_code_scores(
    shard: GalleryShard, probe: Probe, slots: np.ndarray, normalise: bool = PREFILTER_NORMALISE
) -> np.ndarray:
    """Pre-filter scores of ``slots`` (ascending) from their full codes (lead and tail)."""
    n = shard.slots
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
        normalise,
    )


def search_shard(
    shard: GalleryShard, probe: Probe, comparator: Comparator, k: int
) -> list[ShardCandidate]:
    """Shortlist ``k`` identities of ``shard`` and score the fingers shared with the probe.

    Candidates are scored on a small thread pool (the comparator's preparation is numpy work
    that partly releases the GIL); results keep the shortlist order, so they do not depend on
    thread timing.
    """
    slots, scores = prefilter(shard, probe, k)
    work = list(zip(slots.tolist(), scores.tolist(), strict=True))
    if len(work) <= 1:
        return [_score_candidate(shard, probe, comparator, s, pf) for s, pf in work]
    with ThreadPoolExecutor(max_workers=min(len(work), os.cpu_count() or 1)) as pool:
        return list(pool.map(lambda w: _score_candidate(shard, probe, comparator, *w), work))


def _score_candidate(
    shard: GalleryShard, probe: Probe, comparator: Comparator, slot: int, pf: float
) -> ShardCandidate:
    enrolled = shard.slot_reader(slot)
    finger_scores: dict[int, float] = {}
    evidence = 0.0
    for position in probe.order:
        template = enrolled.get(FingerPosition(position))
        if template is None or template.count == 0:
            continue
        if len(finger_scores) >= RERANK_MIN_FINGERS and evidence < RERANK_CONTINUE_EVIDENCE:
            break  # sequential early rejection (see parameters)
        score = float(
            comparator.compare_prepared(probe.prepared[position], comparator.prepare(template))
        )
        finger_scores[position] = score
        evidence += max(0.0, score)
    return ShardCandidate(shard.identity_id(slot), pf, finger_scores)
