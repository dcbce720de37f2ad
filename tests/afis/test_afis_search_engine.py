"""Search behaviour through the public engine API, with the project's 1:1 comparator."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from securecomm.afis.search import (
    Decision,
    EmbeddedSearchEngine,
    ProbeError,
    UnknownIdentityError,
    open_search_engine,
)
from securecomm.afis.search.codes import join_codes, split_codes
from securecomm.afis.search.kernels import (
    code_scores,
    lead_scores,
    popcounts,
    shortlist,
    top_slots,
)
from securecomm.afis.search.packed import PackedMinutiae
from securecomm.afis.search.parameters import (
    CODE_LEAD_BITS,
    CODE_LEAD_WORDS,
    CODE_PAIR_WORDS,
    CODE_WORDS,
)
from securecomm.afis.search.shard_search import PreparedCache
from securecomm.afis.search.thresholds import fused_threshold
from securecomm.afis.template_synthesis import NONMATED_BASE, TenPrintGenerator
from securecomm.afis.types import FingerPosition
from securecomm.config import Settings

GEN = TenPrintGenerator(21)
ENROLLED = 40


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmbeddedSearchEngine]:
    path = tmp_path_factory.mktemp("search") / "gallery"
    eng = EmbeddedSearchEngine.open(path, shards=2)
    eng.enrol_many([(f"id{i}", GEN.ten_print(i)) for i in range(ENROLLED)])
    yield eng
    eng.close()


def test_exact_probe_is_found_at_rank_1(engine: EmbeddedSearchEngine) -> None:
    result = engine.search(GEN.ten_print(7))
    assert result.decision is Decision.HIT
    assert result.candidates[0].identity_id == "id7"
    assert result.gallery_size == ENROLLED
    assert result.prefilter_comparisons == ENROLLED * 10


@pytest.mark.parametrize("identity", [3, 18, 33])
def test_mated_impression_is_found_at_rank_1(engine: EmbeddedSearchEngine, identity: int) -> None:
    result = engine.search(GEN.ten_print(identity, impression=1))
    top = result.candidates[0]
    assert top.identity_id == f"id{identity}"
    assert top.above_threshold and result.hit == top
    assert all(c.rank == k + 1 for k, c in enumerate(result.candidates))
    assert [c.score for c in result.candidates] == sorted(
        (c.score for c in result.candidates), reverse=True
    )


def test_nonmated_probe_gives_no_decision_above_threshold(engine: EmbeddedSearchEngine) -> None:
    for k in range(3):
        result = engine.search(GEN.ten_print(NONMATED_BASE + k, impression=1))
        assert result.decision is Decision.NO_HIT
        assert result.hit is None
        assert result.candidates, "the candidate list is still returned"
        assert all(not c.above_threshold for c in result.candidates)


def test_probe_with_fewer_fingers(engine: EmbeddedSearchEngine) -> None:
    full = GEN.ten_print(25, impression=2)
    probe = {p: full[p] for p in (FingerPosition.RIGHT_THUMB, FingerPosition.LEFT_INDEX)}
    result = engine.search(probe)
    top = result.candidates[0]
    assert top.identity_id == "id25"
    assert set(top.finger_scores) <= set(probe)
    assert result.probe_fingers == (FingerPosition.RIGHT_THUMB, FingerPosition.LEFT_INDEX)


def test_empty_probe_is_refused(engine: EmbeddedSearchEngine) -> None:
    with pytest.raises(ProbeError, match="no finger"):
        engine.search({})
    with pytest.raises(ProbeError, match="position 0 is not one of 1–10"):
        engine.search({FingerPosition.UNKNOWN: GEN.ten_print(1)[FingerPosition.RIGHT_THUMB]})


def test_delete_and_replace_change_answers(tmp_path: Path) -> None:
    with EmbeddedSearchEngine.open(tmp_path / "g", shards=1) as eng:
        eng.enrol_many([(f"id{i}", GEN.ten_print(i)) for i in range(6)])
        eng.delete("id2")
        assert all(c.identity_id != "id2" for c in eng.search(GEN.ten_print(2, 1)).candidates)
        eng.replace("id3", GEN.ten_print(500))
        assert eng.search(GEN.ten_print(500, 1)).candidates[0].identity_id == "id3"
        assert eng.search(GEN.ten_print(3, 1)).decision is Decision.NO_HIT
        with pytest.raises(UnknownIdentityError):
            eng.replace("nobody", GEN.ten_print(1))
        assert len(eng) == 5


def test_cached_preparations_give_the_same_answers(engine: EmbeddedSearchEngine) -> None:
    """Re-ranking prepares enrolled fingers through each shard's PreparedCache: answers are
    identical to preparing every finger afresh, and a repeated search hits the cache."""
    uncached = EmbeddedSearchEngine(engine.gallery)
    uncached.prepared = [PreparedCache(0) for _ in engine.gallery.shards]
    probes = [GEN.ten_print(i, impression=3) for i in (5, 11)] + [
        GEN.ten_print(NONMATED_BASE + 9, impression=1)
    ]
    hits = sum(c.hits for c in engine.prepared)
    for probe in probes * 2:
        got, want = engine.search(probe), uncached.search(probe)
        assert [(c.identity_id, c.score, dict(c.finger_scores)) for c in got.candidates] == [
            (c.identity_id, c.score, dict(c.finger_scores)) for c in want.candidates
        ]
        assert got.decision is want.decision
    assert sum(c.hits for c in engine.prepared) > hits
    assert all(len(c) == 0 for c in uncached.prepared)


def test_factory_opens_embedded_engine_under_settings(tmp_path: Path) -> None:
    settings = Settings(home=tmp_path / "home")
    with open_search_engine(settings, "criminal") as eng:
        eng.enrol("a", GEN.ten_print(1))
    with open_search_engine(settings, "criminal") as eng:
        assert len(eng) == 1
    assert (settings.gallery_dir / "criminal" / "MANIFEST.json").is_file()


def test_threshold_grows_with_gallery_and_falls_with_fingers() -> None:
    t = [fused_threshold(1e-3, n, 10) for n in (1_000, 100_000, 1_000_000)]
    assert t[0] < t[1] < t[2]
    assert fused_threshold(1e-3, 10_000, 2) < fused_threshold(1e-3, 10_000, 10)
    # One finger, one identity: the calibrated score itself, -log10(FPIR).
    assert fused_threshold(1e-3, 1, 1) == pytest.approx(3.0, abs=1e-6)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(0, 2**64 - 1), min_size=16 * 20, max_size=16 * 20))
def test_popcount_matches_numpy(words: list[int]) -> None:
    codes = np.array(words, dtype=np.uint64).reshape(20, 16)
    assert np.array_equal(popcounts(codes), np.bitwise_count(codes).sum(axis=1))


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.one_of(
            st.floats(-200, 300, width=32),
            st.sampled_from([-np.inf, 0.0, 1.5, 7.25]),  # deleted slots and ties
        ),
        max_size=300,
    ),
    st.integers(1, 320),
)
def test_top_slots_keeps_every_score_at_or_above_the_kth(values: list[float], k: int) -> None:
    scores = np.array(values, dtype=np.float32)
    got = top_slots(scores, k)
    finite = np.flatnonzero(np.isfinite(scores))
    if len(finite) <= k:
        assert got.tolist() == finite.tolist()
    else:
        kth = np.sort(scores[finite])[::-1][k - 1]
        assert got.tolist() == np.flatnonzero(np.isfinite(scores) & (scores >= kth)).tolist()


def _z_sum(inter, pa, pb, bits, weight):
    """Reference z-score sum over fingers (numpy, float64) for one segment."""
    mu = pa * pb / bits
    z = (inter - mu) / np.sqrt(mu * (1 - pa / bits) * (1 - pb / bits) + 1e-9)
    z[(pb == 0) | (pa == 0)] = 0.0
    return weight * z.sum(axis=-1)


def _random_codes(seed: int, n: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    codes = rng.integers(0, 2**63, size=(n, 10, CODE_WORDS), dtype=np.uint64)
    codes &= rng.integers(0, 2**63, size=(n, 10, CODE_WORDS), dtype=np.uint64)  # ~25 % density
    codes[2, 4] = 0  # an absent gallery finger
    seg = [slice(0, CODE_PAIR_WORDS), slice(CODE_PAIR_WORDS, CODE_WORDS)]
    pops = np.stack([np.bitwise_count(codes[:, :, g]).sum(axis=2) for g in seg], axis=2)
    return codes, pops.astype(np.uint16)


def test_full_code_scores_are_weighted_segment_z_sums() -> None:
    codes, pops = _random_codes(1, 6)
    lead, tail = split_codes(codes)
    assert np.array_equal(join_codes(lead, tail), codes)
    live = np.array([True, True, True, False, True, True])
    probe = codes[1].copy()
    probe[7] = 0  # a finger absent from the probe
    probe_pop = pops[1].copy()
    probe_pop[7] = 0
    weights = np.array([1.0, 0.5])
    p_lead, p_tail = split_codes(probe)
    slots = np.array([0, 1, 2, 3, 5], dtype=np.int64)  # any subset, in any order
    scores = code_scores(
        lead.reshape(6, -1),
        tail.reshape(6, -1),
        pops,
        live,
        slots,
        p_lead.reshape(-1),
        p_tail.reshape(-1),
        probe_pop,
        CODE_LEAD_WORDS,
        CODE_PAIR_WORDS - CODE_LEAD_WORDS,
        weights,
        0.0,
    )
    expected = np.zeros(6)
    for g, sl in enumerate([slice(0, CODE_PAIR_WORDS), slice(CODE_PAIR_WORDS, CODE_WORDS)]):
        inter = np.bitwise_count(codes[:, :, sl] & probe[None, :, sl]).sum(axis=2)
        pa, pb = probe_pop[None, :, g].astype(float), pops[:, :, g].astype(float)
        expected += _z_sum(inter.astype(float), pa, pb, (sl.stop - sl.start) * 64, weights[g])
    assert np.allclose(scores[[0, 1, 2, 4]], expected[[0, 1, 2, 5]], rtol=1e-4)
    assert scores[3] == -np.inf  # slot 3 is deleted
    assert scores[1] == scores.max() and scores[1] > 10 * abs(scores[0])
    assert shortlist(scores, 2).tolist() == [1, int(np.argsort(-scores)[1])]


def test_lead_scores_are_z_sums_over_the_lead_words_alone() -> None:
    codes, _ = _random_codes(2, 7)
    lead, _ = split_codes(codes)
    live = np.array([True, True, True, True, False, True, True])
    probe = lead[3].copy()
    probe[5] = 0
    probe_pop = popcounts(probe.reshape(-1, CODE_LEAD_WORDS)).reshape(10, 2)
    weights = np.array([1.0, 0.5])
    scores = lead_scores(lead.reshape(7, -1), live, probe.reshape(-1), probe_pop, weights, 0.0)
    expected = np.zeros(7)
    for g in range(2):
        sl = slice(g * CODE_LEAD_WORDS, (g + 1) * CODE_LEAD_WORDS)
        inter = np.bitwise_count(lead[:, :, sl] & probe[None, :, sl]).sum(axis=2).astype(float)
        pb = np.bitwise_count(lead[:, :, sl]).sum(axis=2).astype(float)  # counted, not stored
        pa = probe_pop[None, :, g].astype(float)
        expected += _z_sum(inter, pa, pb, CODE_LEAD_BITS, weights[g])
    assert np.allclose(scores[live], expected[live], rtol=1e-4, atol=1e-3)
    assert scores[4] == -np.inf
    assert int(np.argmax(scores)) == 3
    # The offset is taken once per finger and segment with lead bits on both sides.
    offset = lead_scores(lead.reshape(7, -1), live, probe.reshape(-1), probe_pop, weights, 0.5)
    for g in range(2):
        sl = slice(g * CODE_LEAD_WORDS, (g + 1) * CODE_LEAD_WORDS)
        both = (np.bitwise_count(lead[:, :, sl]).sum(axis=2) > 0) & (probe_pop[None, :, g] > 0)
        expected -= 0.5 * weights[g] * both.sum(axis=1)
    assert np.allclose(offset[live], expected[live], rtol=1e-4, atol=1e-3)


def test_two_stage_prefilter_keeps_the_lead_scan_survivors(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With the survivor count forced below the shard size, the full codes are scored only for
    the lead scan's best slots; with it above, the answer is the single full scan's."""
    from securecomm.afis import matching
    from securecomm.afis.search import shard_search
    from securecomm.afis.search.engine import prepare_probe
    from securecomm.afis.search.gallery import Gallery

    with Gallery.open(tmp_path / "g", shards=1) as gallery:
        engine = EmbeddedSearchEngine(gallery)
        engine.enrol_many([(f"id{i}", GEN.ten_print(i)) for i in range(60)])
        engine.delete("id5")
        shard = gallery.shards[0]
        probe = prepare_probe(GEN.ten_print(17, impression=1), matching)
        full_slots, full_scores = shard_search.prefilter(shard, probe, 8)  # 60 ≤ minimum: exact
        monkeypatch.setattr(shard_search, "PREFILTER_LEAD_MIN", 12)
        monkeypatch.setattr(shard_search, "PREFILTER_LEAD_KEEP", 0.0)
        assert shard_search.lead_survivors(shard.slots) == 12
        slots, scores = shard_search.prefilter(shard, probe, 8)
        first = shard_search.lead_stage_scores(shard, probe)
        survivors = set(shortlist(first, 12).tolist())
        assert set(slots.tolist()) <= survivors
        assert shard.identity_id(int(slots[0])) == "id17"
        assert shard.identity_index().get("id5") is None and np.isfinite(scores).all()
        # Where the full scan's best 8 all survived the lead scan, both stages agree exactly.
        if set(full_slots.tolist()) <= survivors:
            assert slots.tolist() == full_slots.tolist()
            assert np.array_equal(scores, full_scores)


def test_finger_codes_have_both_segments_and_absent_fingers_are_empty() -> None:
    from securecomm.afis.search.codes import finger_codes
    from securecomm.afis.search.parameters import CODE_SEGMENTS

    packed = GEN.impressions([3, 4], 0)
    codes, pops = finger_codes(packed)
    assert codes.shape == (20, CODE_WORDS) and pops.shape == (20, CODE_SEGMENTS)
    assert np.array_equal(pops[:, 0], np.bitwise_count(codes[:, :CODE_PAIR_WORDS]).sum(axis=1))
    assert np.array_equal(pops[:, 1], np.bitwise_count(codes[:, CODE_PAIR_WORDS:]).sum(axis=1))
    rich = np.diff(packed.offsets) >= 10
    assert (pops[rich] > 0).all()
    empty = PackedMinutiae.from_templates([None])
    e_codes, e_pops = finger_codes(empty)
    assert not e_codes.any() and not e_pops.any()


def test_finger_codes_are_invariant_to_rigid_motion() -> None:
    """Both segments describe minutiae relative to each other: rotating and shifting a whole
    finger keeps nearly every bit (only quantisation-boundary cases may flip)."""
    from securecomm.afis.search.codes import finger_codes

    packed = GEN.impressions([7, 8, 9], 0)
    theta = 0.5
    c, s = np.cos(theta), np.sin(theta)
    # Screen coordinates (y down); angles counter-clockwise as seen, so rotate by -theta in y.
    x = packed.x - 200.0
    y = packed.y - 250.0
    moved = PackedMinutiae(
        offsets=packed.offsets,
        x=(c * x + s * y + 230.0).astype(np.float32),
        y=(-s * x + c * y + 260.0).astype(np.float32),
        angle=((packed.angle + theta) % (2 * np.pi)).astype(np.float32),
        kind=packed.kind,
        minutia_quality=packed.minutia_quality,
        quality=packed.quality,
    )
    a, _ = finger_codes(packed)
    b, _ = finger_codes(moved)
    for seg in (slice(0, CODE_PAIR_WORDS), slice(CODE_PAIR_WORDS, None)):
        common = np.bitwise_count(a[:, seg] & b[:, seg]).sum()
        total = np.bitwise_count(a[:, seg] | b[:, seg]).sum()
        assert total > 0 and common / total > 0.9
    # Another identity's fingers share far fewer bits.
    other, _ = finger_codes(GEN.impressions([100, 101, 102], 0))
    assert np.bitwise_count(a & other).sum() < 0.5 * np.bitwise_count(a & b).sum()
