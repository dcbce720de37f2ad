"""The simulation: deterministic from a seed, conserving people, behaving as modelled."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from functools import cache

import numpy as np
import pytest
import simpy

from securecomm.program.errors import ScenarioError
from securecomm.program.facilities import Facility
from securecomm.program.ledger import PeopleLedger, Place
from securecomm.program.registry import generate_registry
from securecomm.program.scenario import (
    NO_CONVICTION_DETAINER_CUTS,
    SCENARIOS,
    Scenario,
    build_scenario,
)
from securecomm.program.simulation import NONE, Event, SimulationResult, Source, simulate

SCALE = 0.004


@cache
def _facilities() -> tuple[Facility, ...]:
    s = build_scenario("sc_rollout")
    return tuple(generate_registry(s.registry, s.bookings, np.random.default_rng(11)))


def _short() -> Scenario:
    return replace(build_scenario("sc_rollout"), start=date(2010, 6, 1), end=date(2010, 9, 1))


def _run(seed: int, scenario: Scenario | None = None, scale: float = SCALE) -> SimulationResult:
    return simulate(
        scenario or _short(),
        list(_facilities()),
        np.random.default_rng(seed),
        scale=scale,
        env=simpy.Environment(),
        trace=True,
    )


def test_same_seed_same_trace_and_results() -> None:
    a, b = _run(42), _run(42)
    assert a.trace is not None and len(a.trace) > 1000
    assert a.trace == b.trace
    assert np.array_equal(a.events, b.events)
    assert a.places == b.places


def test_different_seed_different_trace() -> None:
    a, b = _run(42), _run(43)
    assert a.trace != b.trace
    assert not np.array_equal(a.events, b.events)


def test_people_are_conserved() -> None:
    r = _run(7)
    assert r.entered == int(r.events[Event.MATCH].sum()) > 200
    assert sum(r.places.values()) == r.entered
    # Non-vacuous: people end in many different places.
    assert sum(1 for v in r.places.values() if v > 0) >= 5
    # Every entrance is in the trace once, and every removal follows an arrest.
    assert r.trace is not None
    entered = [pid for _, pid, what in r.trace if what == "enter"]
    assert len(entered) == len(set(entered)) == r.entered
    first_arrest: dict[int, float] = {}
    for t, pid, what in r.trace:
        if what == "arrest":
            first_arrest.setdefault(pid, t)
        if what == "removed":
            assert pid in first_arrest and first_arrest[pid] <= t


def test_interoperability_produces_matches_only_where_active() -> None:
    r = _run(3)
    # Mid-2010: Tier I active, IV barely started; CAP continues where SC is not active.
    assert r.count(Event.MATCH, sources=(Source.SC,)) > 0
    assert r.count(Event.MATCH, sources=(Source.CAP,)) > 0
    no_sc = replace(
        _short(), rollout=replace(_short().rollout, tier_windows=(None, None, None, None))
    )
    r0 = _run(3, no_sc)
    assert r0.count(Event.MATCH, sources=(Source.SC,)) == 0
    assert r0.submissions.sum() == 0


def test_fewer_teams_means_more_missed() -> None:
    base = replace(build_scenario("measured_low"), start=date(2012, 6, 1), end=date(2012, 8, 1))
    few = replace(base, capacity=replace(base.capacity, cap_teams=20))
    many = _run(5, base)
    starved = _run(5, few)
    assert starved.count(Event.MISSED) > 2 * max(many.count(Event.MISSED), 1.0)


def test_bad_scale_is_a_user_error() -> None:
    with pytest.raises(ScenarioError, match="scale"):
        _run(1, scale=0.0)


def test_ledger_detects_imbalance() -> None:
    ledger = PeopleLedger()
    a = ledger.enter(Place.LESC_CHECK)
    ledger.enter(Place.LESC_CHECK)
    ledger.move(a, Place.REMOVED)
    ledger.check()
    assert ledger.by_place()["removed"] == 1
    ledger.counts[Place.RELIEF] += 1
    with pytest.raises(AssertionError, match="out of balance"):
        ledger.check()


def test_rollout_orders_keep_the_pace_and_change_the_order() -> None:
    from securecomm.program.simulation import activation_days
    from securecomm.program.tiers import risk_score

    s = build_scenario("plan_low")
    facilities = list(_facilities())
    by_order = {
        order: activation_days(
            replace(s, rollout=replace(s.rollout, order=order)),
            facilities,
            np.random.default_rng(9),
        )
        for order in ("risk", "reverse", "random")
    }
    never = by_order["risk"].max()
    slots = {o: np.sort(d[d < never]).tolist() for o, d in by_order.items()}
    assert slots["risk"] == slots["reverse"] == slots["random"]
    risk = np.array([risk_score(f) for f in facilities])
    first_year = {o: risk[(d <= 365)].sum() for o, d in by_order.items()}
    assert first_year["risk"] > first_year["random"] > first_year["reverse"]
    with pytest.raises(ScenarioError, match="rollout order"):
        activation_days(
            replace(s, rollout=replace(s.rollout, order="alphabetical")),
            facilities,
            np.random.default_rng(9),
        )


def test_bookings_follow_the_seasons_without_changing_the_year() -> None:
    s = replace(build_scenario("cap_fy2007"), start=date(2006, 1, 1), end=date(2007, 1, 1))
    flat = replace(s, bookings=replace(s.bookings, seasonal_amplitude=0.0))
    seasonal, level = _run(4, s, scale=0.01), _run(4, flat, scale=0.01)
    jan = seasonal.window(date(2006, 1, 1), date(2006, 2, 1))
    jul = seasonal.window(date(2006, 7, 1), date(2006, 8, 1))
    assert seasonal.bookings[jul].sum() > 1.08 * seasonal.bookings[jan].sum()
    assert level.bookings[jul].sum() < 1.04 * level.bookings[jan].sum()
    assert abs(seasonal.bookings.sum() / level.bookings.sum() - 1.0) < 0.01


def test_convictions_on_the_booking_charge_are_counted_at_removal() -> None:
    s = replace(build_scenario("sc_rollout"), start=date(2010, 1, 1), end=date(2010, 12, 1))
    r = _run(8, s)
    converted = r.events[Event.CONVICTED_BEFORE_REMOVAL]
    removed_none = r.events[Event.REMOVED, :, NONE].sum()
    # Only people booked with no prior conviction, and only some of them.
    assert converted[:, :NONE].sum() == 0
    assert 0 < converted.sum() < removed_none
    never = replace(s, custody=replace(s.custody, pending_charge_conviction=0.0))
    assert _run(8, never).events[Event.CONVICTED_BEFORE_REMOVAL].sum() == 0


def test_the_plan_removes_everyone_it_identifies() -> None:
    s = replace(build_scenario("plan_low"), start=date(2012, 4, 1), end=date(2012, 7, 1))
    r = _run(6, s)
    assert r.count(Event.ARREST) > 0
    for event in (Event.NO_ACTION, Event.DECLINED, Event.NOTIFY_ONLY, Event.RELIEF):
        assert r.count(event) == 0, event.name
    m = replace(build_scenario("measured_low"), start=s.start, end=s.end)
    assert _run(6, m).count(Event.NO_ACTION) > 0


def test_other_channels_are_an_input_by_fiscal_year() -> None:
    other = build_scenario("cap_fy2007").other_channels
    assert other.criminal_removals(2007) > other.criminal_removals(2006) > 0
    with pytest.raises(ScenarioError, match="FY2010"):
        other.criminal_removals(2010)


def test_discretion_after_the_june_2011_memo_only_for_low_priority_court_cases() -> None:
    s = replace(build_scenario("sc_rollout"), start=date(2011, 5, 1), end=date(2011, 9, 1))
    memo = s.enforcement.discretion_from
    assert memo == date(2011, 6, 17)
    before = s.day_of(memo)
    no_policy = replace(s, enforcement=replace(s.enforcement, discretion_from=None))
    r, r0 = _run(12, s), _run(12, no_policy)
    released = r.events[Event.DISCRETION_RELEASE]
    # Only Level 3 and no-conviction cases, only from the memo's date, and a real effect.
    assert released[:, :2].sum() == 0
    assert released[..., :before].sum() == 0
    assert released.sum() > 20
    assert r0.events[Event.DISCRETION_RELEASE].sum() == 0
    # The same random numbers: matches, interviews and detainers are identical (detainers are
    # still lodged and counted); ICE arrests differ only after the date, by exactly those
    # released, and Level 1-2 arrests not at all.
    for event in (Event.MATCH, Event.INTERVIEW, Event.DETAINER):
        assert np.array_equal(r.events[event], r0.events[event]), event.name
    arrests, arrests0 = r.events[Event.ARREST], r0.events[Event.ARREST]
    assert np.array_equal(arrests[..., :before], arrests0[..., :before])
    assert np.array_equal(arrests[:, :2], arrests0[:, :2])
    assert arrests0.sum() - arrests.sum() == released.sum()
    # Everyone is still somewhere.
    assert sum(r.places.values()) == r.entered == int(r.events[Event.MATCH].sum())


def test_detainer_what_if_drops_no_conviction_detainers_only_after_the_memo() -> None:
    s = replace(build_scenario("sc_rollout"), start=date(2011, 5, 1), end=date(2011, 9, 1))
    assert s.enforcement.detainer_discretion_share == (0.0, 0.0, 0.0, 0.0)
    before = s.day_of(date(2011, 6, 17))
    cut = replace(s, enforcement=replace(s.enforcement, detainer_discretion_share=(0, 0, 0, 0.5)))
    # 1.2 % of national bookings: enough no-conviction detainers after the memo to measure.
    r0, r = _run(12, s, scale=0.012), _run(12, cut, scale=0.012)
    det0, det = r0.events[Event.DETAINER], r.events[Event.DETAINER]
    # Same random numbers: the same matches; interviews and detainers identical before the
    # memo. After it no-conviction detainers fall by about half; Levels 1-3 keep theirs, up to
    # the officers' time freed by the detainers not lodged (queueing).
    assert np.array_equal(r.events[Event.MATCH], r0.events[Event.MATCH])
    for event in (Event.INTERVIEW, Event.DETAINER):
        assert np.array_equal(r.events[event][..., :before], r0.events[event][..., :before])
    after0, after = det0[:, NONE, before:].sum(), det[:, NONE, before:].sum()
    assert after0 > 100
    assert 0.35 < after / after0 < 0.65
    convicted0, convicted = det0[:, :NONE, before:].sum(), det[:, :NONE, before:].sum()
    assert abs(convicted - convicted0) <= 0.03 * convicted0
    # The persons not given a detainer are among those the custody discretion would have
    # released (the same part of the draw): fewer discretion releases.
    released0 = r0.events[Event.DISCRETION_RELEASE].sum()
    assert r.events[Event.DISCRETION_RELEASE].sum() < released0
    assert sum(r.places.values()) == r.entered == int(r.events[Event.MATCH].sum())


def test_detainer_what_if_sizes_come_from_the_published_trac_shares() -> None:
    # Odds of no conviction 0.477/0.523 after against 0.774/0.226 before: 1 - 0.266.
    assert NO_CONVICTION_DETAINER_CUTS == {"odds": 0.73, "counts": 0.33}
    # What-if only: no named scenario lodges fewer detainers.
    for name in SCENARIOS:
        assert build_scenario(name).enforcement.detainer_discretion_share == (0, 0, 0, 0), name
