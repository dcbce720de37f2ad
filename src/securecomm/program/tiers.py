"""Risk assessment: tiers assigned from data, not by hand.

The plan ranks jurisdictions by the expected volume of serious criminal aliens passing through
their jails. The score implemented here is that expectation per year:

    risk = annual bookings × foreign-born share of bookings
           × Σ_level (share of matched persons at the level × severity weight)

(weights in :data:`SEVERITY_WEIGHTS`: Level 1 counts fully, Level 2 half, Level 3 a quarter,
no conviction nothing). Facilities are ranked by score within their kind (state, county/city),
highest first, ties broken by facility id; the plan's tier quotas are filled in rank order,
so the highest-risk facilities are Tier I. Federal prisons are screened by the DEPORT centre and
get no tier.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace

from securecomm.program.errors import ScenarioError
from securecomm.program.facilities import Facility, FacilityKind, Tier

SEVERITY_WEIGHTS: tuple[float, float, float, float] = (1.0, 0.5, 0.25, 0.0)


def risk_score(facility: Facility) -> float:
    """Expected severity-weighted identifications of criminal aliens per year."""
    severity = sum(s * w for s, w in zip(facility.level_mix, SEVERITY_WEIGHTS, strict=True))
    return facility.annual_bookings * facility.foreign_born_share * severity


def rank_by_risk(facilities: Sequence[Facility]) -> list[Facility]:
    """Highest risk first; equal scores in increasing id order (deterministic)."""
    return sorted(facilities, key=lambda f: (-risk_score(f), f.id))


def assign_tiers(
    facilities: Sequence[Facility],
    quotas: Mapping[FacilityKind, Sequence[int]],
) -> list[Facility]:
    """Return the facilities (in id order) with tiers filled from the risk ranking.

    ``quotas[kind]`` gives the number of facilities of that kind in Tiers I..IV; it must add up
    to the number of facilities of that kind in the registry.
    """
    out: dict[int, Facility] = {}
    for kind in FacilityKind:
        members = [f for f in facilities if f.kind is kind]
        if kind not in quotas:
            out.update({f.id: replace(f, tier=None) for f in members})
            continue
        counts = list(quotas[kind])
        if len(counts) != len(Tier):
            raise ScenarioError(f"tier quotas for {kind.value}: need {len(Tier)} counts")
        if sum(counts) != len(members) or min(counts) < 0:
            raise ScenarioError(
                f"tier quotas for {kind.value} add up to {sum(counts)}, but the registry has "
                f"{len(members)} {kind.value} facilities"
            )
        ranked = rank_by_risk(members)
        start = 0
        for tier, count in zip(Tier, counts, strict=True):
            for facility in ranked[start : start + count]:
                out[facility.id] = replace(facility, tier=tier)
            start += count
    return [out[f.id] for f in sorted(facilities, key=lambda f: f.id)]


def tier_counts(facilities: Sequence[Facility]) -> dict[FacilityKind, tuple[int, ...]]:
    """Facilities per tier (I..IV) by kind; federal facilities (no tier) are left out."""
    result: dict[FacilityKind, tuple[int, ...]] = {}
    for kind in (FacilityKind.STATE, FacilityKind.COUNTY_CITY):
        result[kind] = tuple(
            sum(1 for f in facilities if f.kind is kind and f.tier is tier) for tier in Tier
        )
    return result
