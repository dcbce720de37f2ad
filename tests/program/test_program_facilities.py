"""The synthetic registry: the plan's exact tier counts, coverage, synthetic names."""

from __future__ import annotations

import numpy as np

from securecomm.program.facilities import FacilityKind, Tier
from securecomm.program.registry import generate_registry
from securecomm.program.scenario import build_scenario
from securecomm.program.tiers import rank_by_risk, risk_score, tier_counts


def _registry(seed: int = 3):
    s = build_scenario("sc_rollout")
    return generate_registry(s.registry, s.bookings, np.random.default_rng(seed))


def test_tier_counts_are_exactly_the_plans() -> None:
    for seed in (1, 2, 3):
        facilities = _registry(seed)
        counts = tier_counts(facilities)
        assert counts[FacilityKind.STATE] == (24, 437, 560, 104)
        assert counts[FacilityKind.COUNTY_CITY] == (4, 123, 757, 2250)
        assert sum(counts[FacilityKind.STATE]) + sum(counts[FacilityKind.COUNTY_CITY]) == 4259
        federal = [f for f in facilities if f.kind is FacilityKind.FEDERAL]
        assert len(federal) == 87
        assert all(f.tier is None and f.coverage.deport_remote for f in federal)


def test_tiers_follow_risk_within_each_kind() -> None:
    facilities = _registry()
    for kind in (FacilityKind.STATE, FacilityKind.COUNTY_CITY):
        ranked = rank_by_risk([f for f in facilities if f.kind is kind])
        tiers = [f.tier for f in ranked]
        assert tiers == sorted(tiers)  # Tier I first, never a lower-risk facility above
        assert risk_score(ranked[0]) > risk_score(ranked[-1])


def test_names_and_places_are_marked_synthetic() -> None:
    facilities = _registry()
    assert all(f.synthetic for f in facilities)
    assert all(f.name.startswith("Synthetic ") for f in facilities)
    assert all(f.place.startswith("Synthetic Place ") for f in facilities)
    assert len({f.name for f in facilities}) == len(facilities)


def test_coverage_matches_its_parameters() -> None:
    s = build_scenario("sc_rollout")
    facilities = _registry()
    local = [f for f in facilities if f.kind is FacilityKind.COUNTY_CITY]
    cap = sum(f.coverage.cap_team_on_site for f in local)
    assert cap == round(s.registry.local_cap_coverage * len(local))
    assert sum(f.coverage.agreement_287g for f in facilities) == s.registry.jail_287g_agreements
    assert not any(f.coverage.interoperability for f in facilities)
    total_local = sum(f.annual_bookings for f in local)
    assert abs(total_local - 13.6e6) < 1.0


def test_registry_is_reproducible_from_its_seed() -> None:
    a, b, c = _registry(5), _registry(5), _registry(6)
    assert a == b
    assert a != c
    assert [f.tier for f in a].count(Tier.I) == 28
