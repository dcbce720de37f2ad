"""The slot-interleaved lead scan gives the slot-major scan's scores, for any finger sets,
deletions and standardisation, and its copy follows the shard through commits."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from securecomm.afis import matching
from securecomm.afis.search import EmbeddedSearchEngine, shard_search
from securecomm.afis.search.engine import prepare_probe
from securecomm.afis.search.gallery import Gallery
from securecomm.afis.search.kernels import sparse_lead_scores
from securecomm.afis.search.lead_blocks import LANES, LeadBlocks, blocked_lead_scores
from securecomm.afis.template_synthesis import TenPrintGenerator

WORDS = 12
GEN = TenPrintGenerator(4242)


def _codes(rng: np.random.Generator, n: int, presence: np.ndarray) -> np.ndarray:
    """Random lead codes of about a quarter density; absent fingers all zero (as stored)."""
    a = rng.integers(0, 2**63, (n, 10, WORDS), dtype=np.uint64)
    codes = a & rng.integers(0, 2**63, (n, 10, WORDS), dtype=np.uint64)
    absent = ((presence[:, None] >> np.arange(10, dtype=np.uint16)) & 1) == 0
    codes[absent] = 0
    return codes


def _pops(codes: np.ndarray) -> np.ndarray:
    half = WORDS // 2
    return np.stack(
        [
            np.bitwise_count(codes[:, :half]).sum(axis=1),
            np.bitwise_count(codes[:, half:]).sum(axis=1),
        ],
        axis=1,
    ).astype(np.uint16)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    seed=st.integers(0, 2**32 - 1),
    n=st.integers(1, 3 * LANES + 5),
    probe_fingers=st.sets(st.integers(0, 9), min_size=1),
    cuts=st.lists(st.floats(0.0, 1.0), max_size=3),
    normalise=st.booleans(),
    offset=st.sampled_from([0.0, 0.4]),
)
def test_blocked_scan_equals_the_slot_major_scan(
    seed: int, n: int, probe_fingers: set[int], cuts: list[float], normalise: bool, offset: float
) -> None:
    rng = np.random.default_rng(seed)
    presence = rng.integers(0, 1 << 10, n).astype(np.uint16)
    lead = _codes(rng, n, presence)
    live = rng.random(n) > 0.2
    probe_presence = np.array([sum(1 << f for f in probe_fingers)], np.uint16)
    probe = _codes(rng, 1, probe_presence)[0]
    probe_pop = _pops(probe)
    fingers = np.array(sorted(probe_fingers), np.int64)
    centre = rng.normal(1.0, 1.0, 10).astype(np.float32)
    inv_sd = rng.uniform(0.3, 2.0, 10).astype(np.float32)
    weights = np.array([1.0, 0.7])

    blocks = LeadBlocks(WORDS)
    for stop in [*sorted(int(c * n) for c in cuts), n]:  # extended commit by commit
        blocks.extend(lead[:stop])
    view = blocks.view
    assert view.slots == n

    args = (live, presence, probe.reshape(-1), probe_pop, fingers, weights, offset, centre,
            inv_sd, normalise)  # fmt: skip
    want = sparse_lead_scores(lead.reshape(n, -1), *args)
    got = blocked_lead_scores(view.codes, view.pops, n, *args)
    assert got.shape == (n,)
    assert np.array_equal(np.isneginf(got), np.isneginf(want))
    finite = np.isfinite(want)
    assert np.allclose(got[finite], want[finite], rtol=1e-5, atol=1e-4)
    # Deleted slots and (normalised) slots sharing no finger are never candidates.
    shares = (presence & probe_presence[0]) != 0
    assert np.isneginf(got[~live]).all()
    if normalise:
        assert np.isneginf(got[~shares]).all()


def test_extending_equals_building_at_once_and_keeps_earlier_slots() -> None:
    rng = np.random.default_rng(7)
    n = 5 * LANES + 3
    presence = np.full(n, 0x3FF, np.uint16)
    lead = _codes(rng, n, presence)
    once = LeadBlocks(WORDS)
    once.extend(lead)
    grown = LeadBlocks(WORDS)
    for stop in (1, LANES - 1, LANES, 2 * LANES + 7, n):
        before = grown.view
        held = [before.codes[i // LANES, :, :, i % LANES].copy() for i in range(before.slots)]
        grown.extend(lead[:stop])
        assert grown.view.slots == stop
        # A scan holding the earlier snapshot sees its slots unchanged.
        for i, codes in enumerate(held):
            assert np.array_equal(before.codes[i // LANES, :, :, i % LANES], codes)
    a, b = once.view, grown.view
    used = -(-n // LANES)
    assert np.array_equal(a.codes[:used], b.codes[:used])
    assert np.array_equal(a.pops[:used], b.pops[:used])
    # The copy holds the stored codes: slot i is lane i % LANES of block i // LANES.
    i = 2 * LANES + 5
    assert np.array_equal(a.codes[i // LANES, :, :, i % LANES], lead[i])
    assert np.array_equal(a.pops[i // LANES, :, :, i % LANES], _pops(lead[i]))


def test_the_shard_keeps_its_blocks_in_step_with_commits_and_reopening(tmp_path: Path) -> None:
    """Enrolments, deletions and reopening: the lead stage of a search reads blocks equal to
    the shard's lead rows, so its scores are the slot-major scan's."""
    path = tmp_path / "g"
    with Gallery.open(path, shards=1) as gallery:
        engine = EmbeddedSearchEngine(gallery)
        engine.enrol_many([(f"id{i}", GEN.ten_print(i)) for i in range(LANES + 9)])
        engine.enrol_many([(f"id{i}", GEN.ten_print(i)) for i in range(LANES + 9, 3 * LANES)])
        engine.delete("id3")
        shard = gallery.shards[0]
        probe = prepare_probe(GEN.ten_print(11, impression=1), matching)
        first = shard_search.lead_stage_scores(shard, probe)
        assert len(first) == shard.slots == 3 * LANES
        engine.enrol_many([(f"id{i}", GEN.ten_print(i)) for i in range(3 * LANES, 3 * LANES + 4)])
        scores = shard_search.lead_stage_scores(shard, probe)  # the blocks follow the commit
        assert shard.lead_block_view().slots == shard.slots == 3 * LANES + 4
        assert len(scores) == shard.slots
        assert np.isneginf(scores[3])  # id3, deleted (slots are in enrolment order)
        assert int(np.argmax(scores)) == shard.identity_index()["id11"]
    with Gallery.open(path, writable=False, create=False) as gallery:
        # Opening builds nothing (a reader of records never pays for the copy); a scan does.
        assert gallery.shards[0]._lead_blocks is None
        again = shard_search.lead_stage_scores(gallery.shards[0], probe)
        assert gallery.shards[0]._lead_blocks is not None
    assert np.array_equal(np.isneginf(again), np.isneginf(scores))
    finite = np.isfinite(scores)
    assert np.allclose(again[finite], scores[finite], rtol=1e-6, atol=1e-5)


def test_memory_reserved_for_a_shard_counts_its_blocks(tmp_path: Path) -> None:
    """Ray places shards by the memory they reserve: that includes the copy the scan builds."""
    from securecomm.afis.search.lead_blocks import BLOCK_BYTES_PER_LEAD_BYTE
    from securecomm.afis.search.ray_engine import (
        ACTOR_BASE_MEMORY_BYTES,
        SHARD_GROWTH_FACTOR,
        shard_memory_bytes,
    )

    blocks = LeadBlocks(WORDS)
    blocks.extend(np.zeros((4 * LANES, 10, WORDS), np.uint64))
    view = blocks.view
    lead_bytes = 4 * LANES * 10 * WORDS * 8
    assert view.codes.nbytes + view.pops.nbytes == round(lead_bytes * BLOCK_BYTES_PER_LEAD_BYTE)
    with Gallery.open(tmp_path / "g", shards=1) as gallery:
        EmbeddedSearchEngine(gallery).enrol_many([(f"id{i}", GEN.ten_print(i)) for i in range(40)])
        shard_dir = gallery.shards[0].path
    files = sum(f.stat().st_size for f in shard_dir.rglob("*") if f.is_file())
    lead = (shard_dir / "lead.bin").stat().st_size
    assert shard_memory_bytes(shard_dir) == ACTOR_BASE_MEMORY_BYTES + int(
        (files + lead * BLOCK_BYTES_PER_LEAD_BYTE) * SHARD_GROWTH_FACTOR
    )
    assert lead * BLOCK_BYTES_PER_LEAD_BYTE > 40 * 10 * WORDS * 8
