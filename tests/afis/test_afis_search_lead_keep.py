"""The lead scan's keep by shared fingers: a slot sharing k fingers with the probe survives
when its lead score reaches the shard's (PREFILTER_LEAD_KEEP × 10 / k)-th best, so one- and
two-finger comparisons are kept deeper for the same full-code work per slot."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from securecomm.afis import matching
from securecomm.afis.search import EmbeddedSearchEngine, shard_search
from securecomm.afis.search.engine import prepare_probe
from securecomm.afis.search.kernels import top_slots
from securecomm.afis.search.parameters import PREFILTER_LEAD_KEEP
from securecomm.afis.template_synthesis import TenPrintGenerator
from securecomm.afis.types import FingerPosition

GEN = TenPrintGenerator(2417)
INDEXES = (FingerPosition.RIGHT_INDEX, FingerPosition.LEFT_INDEX)


def _reference(first: np.ndarray, shared: np.ndarray) -> list[int]:
    """The rule spelled out: sort the shard once, read each count's bar off it."""
    n = len(first)
    ranked = np.sort(first[np.isfinite(first)])[::-1]
    out = []
    for slot in range(n):
        k = int(shared[slot])
        if k == 0 or not np.isfinite(first[slot]):
            continue
        bar = ranked[min(len(ranked), shard_search.lead_survivors(n, k)) - 1]
        if first[slot] >= bar:
            out.append(slot)
    return out


def test_the_keep_grows_as_ten_over_the_shared_fingers(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(shard_search, "PREFILTER_LEAD_MIN", 1)
    n = 480_000
    assert shard_search.lead_survivors(n) == math.ceil(n * PREFILTER_LEAD_KEEP)
    assert shard_search.lead_survivors(n, 10) == 20_000
    assert shard_search.lead_survivors(n, 5) == 40_000
    assert shard_search.lead_survivors(n, 2) == 100_000
    assert shard_search.lead_survivors(n, 1) == 200_000
    monkeypatch.setattr(shard_search, "PREFILTER_LEAD_KEEP", 0.5)
    assert shard_search.lead_survivors(n, 1) == n  # never more than the shard


@settings(max_examples=200, deadline=None)
@given(
    first=hnp.arrays(
        np.float32,
        st.integers(1, 300),
        elements=st.one_of(
            st.floats(-8, 8, width=32), st.just(np.float32(-np.inf)), st.sampled_from([0.5, 1.0])
        ),
    ),
    data=st.data(),
    minimum=st.integers(1, 40),
)
def test_each_slot_is_kept_by_the_bar_of_its_finger_count(
    first: np.ndarray, data: st.DataObject, minimum: int
) -> None:
    shared = data.draw(hnp.arrays(np.uint8, len(first), elements=st.integers(0, 10)))
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(shard_search, "PREFILTER_LEAD_MIN", minimum)
        kept = shard_search.lead_keep(first, shared)
        assert kept.tolist() == _reference(first, shared)
        if len(set(shared[np.isfinite(first) & (shared > 0)].tolist())) == 1:
            k = int(shared[np.isfinite(first) & (shared > 0)][0])
            alone = top_slots(first, shard_search.lead_survivors(len(first), k))
            assert kept.tolist() == [s for s in alone.tolist() if shared[s] > 0]


def test_a_two_finger_search_keeps_five_times_the_slots_of_a_ten_finger_one(
    tmp_path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Through the real lead scan of a gallery of ten-prints and two-prints: a ten-finger
    probe keeps 1/24 of the ten-print slots but 5/24 by the two-print records' bar."""
    monkeypatch.setattr(shard_search, "PREFILTER_LEAD_MIN", 1)
    with EmbeddedSearchEngine.open(tmp_path / "g", shards=1) as engine:
        records = [(f"t{i}", GEN.ten_print(i)) for i in range(240)]
        two = {p: t for p, t in GEN.ten_print(1000).items() if p in INDEXES}
        records += [(f"w{i}", {p: GEN.ten_print(1000 + i)[p] for p in INDEXES}) for i in range(240)]
        engine.enrol_many(records)
        shard = engine.gallery.shards[0]
        n = shard.slots
        for fingers, expect in ((dict(GEN.ten_print(5000)), None), (two, 5 / 24)):
            probe = prepare_probe(fingers, matching)
            first = shard_search.lead_stage_scores(shard, probe)
            shared = shard_search.shared_fingers(shard, probe, n)
            kept = shard_search.lead_keep(first, shared)
            assert kept.tolist() == _reference(first, shared)
            if expect is not None:  # every slot shares the two index fingers
                assert len(kept) == math.ceil(n * expect)
            else:  # the two-print records are kept down to their own, lower bar
                ranked = np.sort(first)[::-1]
                bar_ten, bar_two = ranked[math.ceil(n / 24) - 1], ranked[math.ceil(n * 5 / 24) - 1]
                ten, two_kept = kept[shared[kept] == 10], kept[shared[kept] == 2]
                assert (first[ten] >= bar_ten).all() and (first[two_kept] >= bar_two).all()
                assert len(two_kept) == int(np.sum(first[shared == 2] >= bar_two))
                assert (first[two_kept] < bar_ten).any()
