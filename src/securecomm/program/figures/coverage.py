"""Facility coverage by tier, from the program's facility registry (not the case database).

The registry is the plan's synthetic list of facilities (generated from a seed, every record
marked synthetic) with risk tiers I–IV; interoperability is active at a facility once the plan's
rollout window for its tier has reached it (``program.simulation.activation_days``). These
figures are shares of a tier's facilities on a given day, so they are not monthly counts of the
statistics report.
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
#: (column, label) of the kinds of coverage, each a share of the tier's facilities.
KINDS: tuple[tuple[str, str], ...] = (
    ("interoperable", "interoperable"),
    ("cap_team", "CAP team on site"),
    ("video", "video link"),
    ("agreement_287g", "287(g) agreement"),
)
_DEFINITION = (
    "State and local facilities of the program's facility registry (synthetic, generated with "
    f"seed {REGISTRY_SEED}; federal prisons, screened remotely by the DEPORT centre, have no "
    "tier), by risk tier. Interoperable: the plan's rollout window for the tier has reached the "
    "facility by the day shown."
)


@dataclass(frozen=True)
class TierCoverage:
    tier: str
    facilities: int
    interoperable: int
    cap_team: int
    video: int
    agreement_287g: int
    window: str

    def shares(self) -> dict[str, float]:
        """Per kind of coverage (its label), the percentage of the tier's facilities."""
        return {
            label: 100 * getattr(self, column) / max(self.facilities, 1) for column, label in KINDS
        }


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


@dataclass(frozen=True)
class CoverageFigure:
    """The coverage figures: per tier, each kind of coverage as a share of its facilities."""

    title: str
    definition: str
    denominator: str
    unit: str
    #: (TierCoverage attribute, label) of the kinds of coverage.
    kinds: tuple[tuple[str, str], ...]
    seed: int

    def query(self, today: date) -> list[TierCoverage]:
        return coverage_by_tier(today)


FACILITY_COVERAGE = CoverageFigure(
    "Facility coverage by tier",
    _DEFINITION,
    "the tier's facilities",
    "% of the tier's facilities",
    KINDS,
    REGISTRY_SEED,
)
