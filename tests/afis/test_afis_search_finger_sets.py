"""Any set of fingers on either side: searches without error, fuse only shared positions, and
the FPIR per number of shared fingers stays at its target once the fusion is calibrated."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from securecomm.afis import matching
from securecomm.afis.search import EmbeddedSearchEngine, shard_search
from securecomm.afis.search.engine import prepare_probe
from securecomm.afis.search.gallery import Gallery
from securecomm.afis.search.thresholds import (
    MODEL_CALIBRATION,
    FusionCalibration,
    ThresholdPolicy,
    fit_fusion_calibration,
)
from securecomm.afis.template_synthesis import NONMATED_BASE, TenPrintGenerator
from securecomm.afis.types import FingerPosition

GEN = TenPrintGenerator(1717)
POSITIONS = tuple(FingerPosition(p) for p in range(1, 11))
#: Record shapes of a real gallery: ten-print, four slaps (index…little), two index fingers,
#: thumbs only, one finger.
SHAPES = (
    POSITIONS,
    tuple(FingerPosition(p) for p in (2, 3, 4, 5, 7, 8, 9, 10)),
    (FingerPosition.RIGHT_INDEX, FingerPosition.LEFT_INDEX),
    (FingerPosition.RIGHT_THUMB, FingerPosition.LEFT_THUMB),
    (FingerPosition.LEFT_MIDDLE,),
)
MIXED = 40


def _record(identity: int) -> dict:
    shape = SHAPES[identity % len(SHAPES)]
    t = GEN.ten_print(identity)
    return {p: t[p] for p in shape}


@pytest.fixture(scope="module")
def mixed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmbeddedSearchEngine]:
    eng = EmbeddedSearchEngine.open(tmp_path_factory.mktemp("sets") / "g", shards=2)
    eng.enrol_many([(f"m{i}", _record(i)) for i in range(MIXED)])
    yield eng
    eng.close()


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    identity=st.integers(0, MIXED - 1),
    probe_positions=st.sets(st.sampled_from(POSITIONS), min_size=1),
    mated=st.booleans(),
)
def test_any_probe_subset_against_any_record_subset(
    mixed: EmbeddedSearchEngine, identity: int, probe_positions: set, mated: bool
) -> None:
    source = GEN.ten_print(identity if mated else NONMATED_BASE + identity, impression=1)
    probe = {p: source[p] for p in probe_positions}
    result = mixed.search(probe)
    assert result.probe_fingers == tuple(sorted(probe_positions))
    thresholds = {c.threshold for c in result.candidates}
    assert len(thresholds) <= 1, "one decision threshold whatever the number of fingers"
    scores = [c.score for c in result.candidates]
    assert scores == sorted(scores, reverse=True)
    for c in result.candidates:
        record = set(SHAPES[int(c.identity_id[1:]) % len(SHAPES)])
        assert set(c.finger_scores) <= record & probe_positions, "only shared fingers are fused"
        assert c.finger_scores, "a record sharing no finger is never a candidate"
        assert c.fused == pytest.approx(sum(c.finger_scores.values()))
    shared = set(SHAPES[identity % len(SHAPES)]) & probe_positions
    if mated and len(shared) >= 3:
        assert result.candidates[0].identity_id == f"m{identity}"
    if not mated:
        assert result.hit is None


@settings(
    max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    record=st.sets(st.sampled_from(POSITIONS), min_size=1),
    probe=st.sets(st.sampled_from(POSITIONS), min_size=1),
)
def test_any_record_subset_enrols_and_searches(tmp_path: Path, record: set, probe: set) -> None:
    # Hypothesis replays examples (shrinking): every run needs a gallery of its own.
    path = Path(tempfile.mkdtemp(dir=tmp_path)) / "g"
    with EmbeddedSearchEngine.open(path, shards=1) as eng:
        eng.enrol_many([(f"s{i}", GEN.ten_print(100 + i)) for i in range(5)])
        full = GEN.ten_print(7)
        eng.enrol("x", {p: full[p] for p in record})
        assert set(eng.gallery.fingers("x")) == record
        probe_t = GEN.ten_print(7, impression=1)
        result = eng.search({p: probe_t[p] for p in probe})
        mate = next((c for c in result.candidates if c.identity_id == "x"), None)
        if record & probe:
            assert mate is not None and set(mate.finger_scores) <= record & probe
        else:
            assert mate is None, "no shared finger: not a candidate"


def test_prefilter_reads_only_shared_fingers_and_normalises_per_count(tmp_path: Path) -> None:
    """Ten-print bookings against two-print records: with the standardised, √k-normalised
    pre-filter the mate ranks as it does for a probe of its two fingers alone; the dense,
    unnormalised scan (before finger sets) put it below nearly every ten-print impostor."""
    index = SHAPES[2]
    with Gallery.open(tmp_path / "g", shards=1) as gallery:
        engine = EmbeddedSearchEngine(gallery)
        engine.enrol_many([(f"t{i}", GEN.ten_print(200 + i)) for i in range(300)])
        engine.enrol_many([(f"two{i}", {p: GEN.ten_print(i)[p] for p in index}) for i in range(10)])
        shard = gallery.shards[0]
        new10, new2, old10 = [], [], []
        for i in range(10):
            slot = shard.identity_index()[f"two{i}"]
            assert shard.presence[slot] == (1 << 1) | (1 << 6)
            booking = dict(GEN.ten_print(NONMATED_BASE + i, impression=1))
            mate = GEN.ten_print(i, impression=1)
            booking.update({p: mate[p] for p in index})
            p10 = prepare_probe(booking, matching)
            p2 = prepare_probe({p: mate[p] for p in index}, matching)

            def rank(scores: np.ndarray, slot: int = slot) -> int:
                return int(np.count_nonzero(scores > scores[slot])) + 1

            new10.append(rank(shard_search.lead_stage_scores(shard, p10)))
            new2.append(rank(shard_search.lead_stage_scores(shard, p2)))
            old10.append(rank(shard_search.lead_stage_scores(shard, p10, normalise=False)))
        assert np.median(new10) <= 3 and np.median(old10) > 250
        assert sum(new10) <= sum(new2) + 30
        result = engine.search(booking)
        assert all(
            set(c.finger_scores) <= set(index)
            for c in result.candidates
            if c.identity_id[:3] == "two"
        )


class CachedComparator:
    """The project's comparator with prepared templates cached by content (the re-ranking
    prepares every gallery template on each search; the FPIR test runs hundreds)."""

    def __init__(self) -> None:
        self._cache: dict[bytes, object] = {}

    def prepare(self, t):  # type: ignore[no-untyped-def]
        key = t.x.tobytes() + t.y.tobytes() + t.angle.tobytes()
        got = self._cache.get(key)
        if got is None:
            got = self._cache[key] = matching.prepare(t)
        return got

    def compare_prepared(self, a, b) -> float:  # type: ignore[no-untyped-def]
        return float(matching.compare_prepared(a, b))


SUBSETS = {
    1: (FingerPosition.RIGHT_INDEX,),
    2: (FingerPosition.RIGHT_INDEX, FingerPosition.LEFT_INDEX),
    4: tuple(FingerPosition(p) for p in (2, 3, 7, 8)),
    10: POSITIONS,
}


def test_fpir_per_number_of_shared_fingers_stays_at_target(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Calibrate the fusion per number of fingers on one sample of non-mated comparisons,
    then measure the FPIR of non-mated searches (other identities) per number of shared
    fingers: each stays near the target. Every candidate is re-ranked on every shared finger
    (shortlist ≥ gallery, early rejection off), so the FPIR measured is the calibration's."""
    n, searches, target = 80, 150, 0.25
    monkeypatch.setattr(shard_search, "RERANK_MIN_FINGERS", 10)
    monkeypatch.setattr(shard_search, "RERANK_FIRST_CHECK_FINGERS", 10)
    comparator = CachedComparator()
    with Gallery.open(tmp_path / "g", shards=1) as gallery:
        gen = TenPrintGenerator(4242)
        engine = EmbeddedSearchEngine(gallery, comparator=comparator, shortlist=n)
        engine.enrol_many([(f"g{i}", gen.ten_print(i)) for i in range(n)])
        stored = [gallery.fingers(f"g{i}") for i in range(n)]
        # Calibration sample: 40 non-mated identities × the whole gallery, per finger.
        per_finger = []
        for j in range(40):
            probe = gen.ten_print(NONMATED_BASE + 10_000 + j, impression=1)
            prepared = {p: comparator.prepare(t) for p, t in probe.items()}
            for record in stored:
                per_finger.append(
                    [
                        comparator.compare_prepared(prepared[p], comparator.prepare(record[p]))
                        for p in POSITIONS
                    ]
                )
        scores = np.asarray(per_finger)  # (pairs, 10), positions in order
        sums = {k: scores[:, [int(p) - 1 for p in SUBSETS[k]]].sum(axis=1) for k in SUBSETS}
        calibration = fit_fusion_calibration(sums, "test: synthetic non-mated")
        assert isinstance(calibration, FusionCalibration)
        engine.policy = ThresholdPolicy(target, calibration)
        measured = {}
        for k, positions in SUBSETS.items():
            false = 0
            for j in range(searches):
                probe = gen.ten_print(NONMATED_BASE + j, impression=1)
                result = engine.search({p: probe[p] for p in positions})
                assert all(c.fingers == k for c in result.candidates)
                false += result.hit is not None
            measured[k] = false / searches
    # 150 searches at FPIR 0.25: binomial sd ≈ 0.035. Measured (seeded, so stable): 0.11, 0.12,
    # 0.18, 0.17 for 1, 2, 4, 10 fingers. Below the target for every count: one probe's
    # non-mated scores against the gallery are correlated (a finger scores alike against
    # everyone), which 1 − (1 − p)^N, built for independent identities, does not capture, so
    # the threshold errs on the safe side. What the test pins: never above the target (beyond
    # sampling), never grossly conservative, and the same meaning for 1 and 10 fingers.
    for k, fpir in measured.items():
        assert target / 3 <= fpir <= target + 0.12, f"{k} fingers: FPIR {fpir:.3f} {measured}"
    assert max(measured.values()) <= 2.5 * min(measured.values()), measured
    assert MODEL_CALIBRATION.scales != calibration.scales
