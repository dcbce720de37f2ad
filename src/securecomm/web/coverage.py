"""Facility coverage by tier, from the program's facility registry (``securecomm.program``).

The registry is the plan's synthetic list of facilities (generated from a seed, every record
marked synthetic) with risk tiers I–IV; interoperability is active at a facility once the plan's
rollout window for its tier has reached it (``program.simulation.activation_days``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import lru_cache

import numpy as np

from securecomm.program.facilities import Facility, FacilityKind, Tier
from securecomm.program.registry import generate_registry
from securecomm.program.scenario import Scenario, plan
from securecomm.program.simulation import activation_days

REGISTRY_SEED = 1


@dataclass(frozen=True)
class TierCoverage:
    tier: str
    facilities: int
    interoperable: int
    cap_team: int
    video: int
    agreement_287g: int
    window: str


@lru_cache(maxsize=1)
def _registry() -> tuple[Scenario, tuple[Facility, ...], np.ndarray]:
    scenario = plan()
    facilities = generate_registry(
        scenario.registry, scenario.bookings, np.random.default_rng(REGISTRY_SEED)
    )
    days = activation_days(scenario, facilities, np.random.default_rng(REGISTRY_SEED))
    return scenario, tuple(facilities), days


def coverage_by_tier(today: date) -> list[TierCoverage]:
    scenario, facilities, days = _registry()
    day = scenario.day_of(today)
    rows = []
    for tier, window in zip(Tier, scenario.rollout.tier_windows, strict=True):
        members = [
            (i, f)
            for i, f in enumerate(facilities)
            if f.tier is tier and f.kind is not FacilityKind.FEDERAL
        ]
        rows.append(
            TierCoverage(
                tier=f"Tier {tier.name}",
                facilities=len(members),
                interoperable=sum(1 for i, _ in members if days[i] <= day),
                cap_team=sum(1 for _, f in members if f.coverage.cap_team_on_site),
                video=sum(1 for _, f in members if f.coverage.video),
                agreement_287g=sum(1 for _, f in members if f.coverage.agreement_287g),
                window=f"{window[0]} to {window[1]}" if window else "not scheduled",
            )
        )
    return rows
