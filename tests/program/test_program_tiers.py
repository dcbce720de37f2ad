"""The risk assessment reproduces a known ranking on constructed data."""

from __future__ import annotations

import pytest

from securecomm.program.errors import ScenarioError
from securecomm.program.facilities import Coverage, Facility, FacilityKind, Tier
from securecomm.program.tiers import assign_tiers, rank_by_risk, risk_score


def _f(fid: int, bookings: float, fb: float, mix: tuple[float, float, float, float]) -> Facility:
    return Facility(
        id=fid,
        name=f"Synthetic County Jail {fid:04d}",
        place="Synthetic Place",
        kind=FacilityKind.COUNTY_CITY,
        annual_bookings=bookings,
        foreign_born_share=fb,
        level_mix=mix,
        coverage=Coverage(),
    )


# Constructed so that each input matters: the largest jail (id 1) has few foreign-born bookings,
# a mid-size jail (id 3) has many Level 1 matches, id 4 ties id 2 exactly (tie broken by id).
FACILITIES = [
    _f(1, 100_000, 0.01, (0.10, 0.20, 0.30, 0.40)),  # 100000*0.01*(0.1+0.1+0.075) = 275
    _f(2, 20_000, 0.20, (0.05, 0.10, 0.25, 0.60)),  # 20000*0.2*(0.05+0.05+0.0625) = 650
    _f(3, 10_000, 0.15, (0.60, 0.20, 0.10, 0.10)),  # 10000*0.15*(0.6+0.1+0.025) = 1087.5
    _f(4, 40_000, 0.10, (0.05, 0.10, 0.25, 0.60)),  # 40000*0.1*0.1625 = 650
    _f(5, 5_000, 0.05, (0.00, 0.00, 0.00, 1.00)),  # no convictions: 0
]


def test_scores_are_the_published_formula() -> None:
    assert [risk_score(f) for f in FACILITIES] == pytest.approx([275, 650, 1087.5, 650, 0])


def test_known_ranking_and_tiers() -> None:
    assert [f.id for f in rank_by_risk(FACILITIES)] == [3, 2, 4, 1, 5]
    tiered = assign_tiers(FACILITIES, {FacilityKind.COUNTY_CITY: (1, 2, 1, 1)})
    assert [f.id for f in tiered] == [1, 2, 3, 4, 5]
    assert {f.id: f.tier for f in tiered} == {
        3: Tier.I,
        2: Tier.II,
        4: Tier.II,
        1: Tier.III,
        5: Tier.IV,
    }


def test_ranking_ignores_input_order() -> None:
    assert [f.id for f in rank_by_risk(list(reversed(FACILITIES)))] == [3, 2, 4, 1, 5]


def test_quotas_must_match_the_registry() -> None:
    with pytest.raises(ScenarioError, match="add up to 4"):
        assign_tiers(FACILITIES, {FacilityKind.COUNTY_CITY: (1, 1, 1, 1)})
