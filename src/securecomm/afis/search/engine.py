"""The search interface: what every engine (embedded, Ray) offers, and the values it returns.

A search is: per-finger codes of the probe → the pre-filter over every shard (:mod:`kernels`:
a scan of every identity's lead code, then the full codes of its survivors) → a shortlist per
shard → the 1:1 comparator on every finger the probe and the candidate share
(:mod:`shard_search`) → fusion (:mod:`fusion`) → candidates ranked by fused score (ties: more
fingers, then pre-filter score, then identity id) → the decision against the threshold for the
target FPIR at the current gallery size (:mod:`thresholds`).
"""

from __future__ import annotations

import enum
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol, Self, runtime_checkable

import numpy as np
import numpy.typing as npt

from securecomm.afis.search.codes import finger_codes, split_codes
from securecomm.afis.search.errors import ProbeError
from securecomm.afis.search.fusion import fuse
from securecomm.afis.search.gallery import pack_ten_print
from securecomm.afis.search.kernels import popcounts
from securecomm.afis.search.parameters import CANDIDATE_LIST_LENGTH, CODE_LEAD_WORDS
from securecomm.afis.search.thresholds import ThresholdPolicy
from securecomm.afis.types import FingerPosition, Template

TenPrint = Mapping[FingerPosition, Template]


class Comparator(Protocol):
    """The 1:1 comparator the re-ranking uses (``securecomm.afis.matching`` satisfies it)."""

    def prepare(self, template: Template) -> Any: ...

    def compare_prepared(self, probe: Any, candidate: Any) -> float: ...


class Decision(enum.StrEnum):
    HIT = "hit"
    NO_HIT = "no_hit"


@dataclass(frozen=True)
class Candidate:
    """One enrolled identity on the candidate list."""

    identity_id: str
    #: Calibrated fused score: −log10 of the probability that a non-mated identity compared
    #: on as many fingers reaches this fused score (thresholds.FusionCalibration), so scores
    #: of a two-print and a ten-print comparison mean the same.
    score: float
    #: Calibrated 1:1 score per finger compared (only positions both sides have).
    finger_scores: Mapping[FingerPosition, float]
    #: Decision threshold on ``score`` (−log10 of the per-identity false match rate allowed by
    #: the target FPIR at this gallery size; the same for any number of fingers).
    threshold: float
    prefilter_score: float
    rank: int
    #: Fused evidence before calibration (sum of the finger scores, fusion.py).
    fused: float = 0.0

    @property
    def fingers(self) -> int:
        """Fingers compared (shared by probe and candidate, fewer after early rejection)."""
        return len(self.finger_scores)

    @property
    def above_threshold(self) -> bool:
        return self.score >= self.threshold


@dataclass(frozen=True)
class SearchResult:
    """Ranked candidates and the decision for one probe."""

    candidates: tuple[Candidate, ...]
    decision: Decision
    target_fpir: float
    gallery_size: int
    probe_fingers: tuple[FingerPosition, ...]
    #: Finger comparisons the pre-filter made (identities × probe fingers).
    prefilter_comparisons: int = 0
    timings: Mapping[str, float] = field(default_factory=dict)

    @property
    def hit(self) -> Candidate | None:
        """The top candidate when the decision is a hit."""
        return self.candidates[0] if self.decision is Decision.HIT else None


@dataclass(frozen=True)
class Probe:
    """A probe ready for every shard: codes for the pre-filter, prepared fingers for re-ranking.

    Plain data (numpy arrays and the comparator's prepared templates), so it pickles to Ray
    actors unchanged.
    """

    #: Lead and tail words of the ten finger codes (finger p at row p - 1; absent fingers are
    #: zero), laid out as a gallery slot's (codes.split_codes), and the popcounts of the full
    #: segments and of their lead words (10, 2).
    lead: npt.NDArray[np.uint64]
    tail: npt.NDArray[np.uint64]
    pops: npt.NDArray[np.uint16]
    lead_pops: npt.NDArray[np.uint16]
    prepared: Mapping[int, Any]
    #: Finger positions in re-ranking order (best probe quality first, then position).
    order: tuple[int, ...] = ()
    #: Row indices (position − 1) of the probe's fingers with a non-empty code: the only rows
    #: the pre-filter reads (an absent position costs nothing).
    code_rows: npt.NDArray[np.int64] = field(default_factory=lambda: np.zeros(0, np.int64))

    @property
    def fingers(self) -> tuple[FingerPosition, ...]:
        return tuple(FingerPosition(p) for p in sorted(self.prepared))


def prepare_probe(fingers: TenPrint, comparator: Comparator) -> Probe:
    """Codes and prepared templates of the probe's fingers (positions 1–10 only)."""
    for position in fingers:
        if not 1 <= int(position) <= 10:
            raise ProbeError(
                f"probe finger position {int(position)} is not one of 1–10 (ANSI/NIST FGP)"
            )
    usable = {p: t for p, t in fingers.items() if t is not None and t.count > 0}
    if not usable:
        raise ProbeError("the probe has no finger with minutiae to search")
    packed = pack_ten_print(usable)
    codes, pops = finger_codes(packed)
    lead, tail = split_codes(codes)
    lead_pops = popcounts(lead.reshape(-1, CODE_LEAD_WORDS)).reshape(pops.shape)
    prepared = {int(p): comparator.prepare(t) for p, t in sorted(usable.items())}
    order = tuple(int(p) for p, _ in sorted(usable.items(), key=lambda i: (-i[1].quality, i[0])))
    rows = np.flatnonzero(pops.sum(axis=1) > 0).astype(np.int64)
    return Probe(
        lead=lead.reshape(-1),
        tail=tail.reshape(-1),
        pops=pops,
        lead_pops=lead_pops,
        prepared=prepared,
        order=order,
        code_rows=rows,
    )


@dataclass(frozen=True)
class ShardCandidate:
    """What a shard returns: a shortlisted identity and its per-finger scores."""

    identity_id: str
    prefilter_score: float
    finger_scores: Mapping[int, float]


def rank_and_decide(
    found: Sequence[ShardCandidate],
    *,
    policy: ThresholdPolicy,
    gallery_size: int,
    probe: Probe,
    prefilter_comparisons: int,
    length: int = CANDIDATE_LIST_LENGTH,
    timings: Mapping[str, float] | None = None,
) -> SearchResult:
    """Fuse, calibrate per number of compared fingers, rank deterministically (calibrated
    score, then more fingers, pre-filter score, id), cut to ``length`` and decide."""
    scored = []
    for c in found:
        fused = fuse(c.finger_scores)
        k = len(c.finger_scores)
        calibrated = policy.calibrated(fused, k)
        scored.append((calibrated, k, c.prefilter_score, c.identity_id, fused, c))
    scored.sort(key=lambda t: (-t[0], -t[1], -t[2], t[3]))
    threshold = policy.decision_threshold(gallery_size)
    candidates = []
    for rank, (calibrated, _k, _pf, _id, fused, c) in enumerate(scored[:length], start=1):
        candidates.append(
            Candidate(
                identity_id=c.identity_id,
                score=calibrated,
                finger_scores={FingerPosition(p): s for p, s in sorted(c.finger_scores.items())},
                threshold=threshold,
                prefilter_score=c.prefilter_score,
                rank=rank,
                fused=fused,
            )
        )
    decision = Decision.HIT if candidates and candidates[0].above_threshold else Decision.NO_HIT
    return SearchResult(
        candidates=tuple(candidates),
        decision=decision,
        target_fpir=policy.target_fpir,
        gallery_size=gallery_size,
        probe_fingers=probe.fingers,
        prefilter_comparisons=prefilter_comparisons,
        timings=dict(timings or {}),
    )


@runtime_checkable
class SearchEngine(Protocol):
    """Enrol, replace, delete and search ten-prints; embedded and Ray engines agree exactly."""

    def enrol(self, identity_id: str, fingers: TenPrint) -> None: ...

    def enrol_many(self, items: Sequence[tuple[str, TenPrint]]) -> None: ...

    def replace(self, identity_id: str, fingers: TenPrint) -> None: ...

    def delete(self, identity_id: str) -> None: ...

    def search(self, probe: TenPrint) -> SearchResult: ...

    def __len__(self) -> int: ...

    def close(self) -> None: ...

    def __enter__(self) -> Self: ...

    def __exit__(self, *exc: object) -> None: ...
