"""Calibration on a scaled run (the full table is benchmarks/simulation_calibration.py).

The scaled runs (0.4 % and 1 % of national bookings, fixed seed, so the test is deterministic)
must put every figure the model reproduces within ±10 %, and keep the documented misses on
their documented side, so docs/program.md stays true.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from securecomm.program.calibration import (
    TOLERANCE,
    CalibrationRow,
    calibrate,
    run_scenarios,
)
from securecomm.program.reference import load_reference_figures

SCALE = 0.004
#: The rollout's removals and arrests depend on queues of officers and judges, whose waiting
#: times need enough servers to resemble the national ones: 1 % of national volume.
ROLLOUT_SCALE = 0.01
SEED = 1

REPRODUCED = {
    "seed_charged_fy2007",
    "sc_submissions_mid2011",
    "sc_matches_mid2011",
    "sc_ice_arrests_mid2011",
    "sc_removals_mid2011",
    "sc_convicted_share_removals",
    "oig_identified_2012",
    "oig_removed_2012",
    "detainers_fy2012",
    "seed_level1_cost_low",
    "seed_level1_cost_high",
}
#: Known misses and their side (see docs/program.md for why).
BELOW = {
    "seed_removed_criminal_fy2007",
    "seed_removed_criminal_fy2006",
    "seed_criminal_aliens_low",
    "seed_criminal_aliens_high",
    "seed_cost_all_low",
    "seed_cost_all_high",
}
ABOVE = {"sc_noncriminal_share_removals_2010"}
#: Near the edge (about -9 % to -12 % depending on scale): a looser bound.
NEAR = {"oig_identified_detained_share", "detainers_peak_month"}


@pytest.fixture(scope="module")
def rows(shared_data: Path) -> dict[str, CalibrationRow]:
    figures = load_reference_figures(shared_data)
    results, _ = run_scenarios(["cap_fy2007", "plan_low", "plan_high"], SEED, scale=SCALE)
    rollout, _ = run_scenarios(["sc_rollout"], SEED, scale=ROLLOUT_SCALE)
    return {r.id: r for r in calibrate(figures, {**results, **rollout})}


@pytest.mark.slow
def test_reproduced_figures_within_tolerance(rows: dict[str, CalibrationRow]) -> None:
    off = {
        rid: round(rows[rid].relative_difference, 3)
        for rid in REPRODUCED
        if abs(rows[rid].relative_difference) > TOLERANCE
    }
    assert not off
    assert all(rows[rid].within_tolerance for rid in REPRODUCED)


@pytest.mark.slow
def test_known_misses_stay_on_their_side(rows: dict[str, CalibrationRow]) -> None:
    for rid in BELOW:
        assert rows[rid].relative_difference < 0, rid
    for rid in ABOVE:
        assert rows[rid].relative_difference > 0, rid


@pytest.mark.slow
def test_near_misses_stay_near(rows: dict[str, CalibrationRow]) -> None:
    for rid in NEAR:
        assert abs(rows[rid].relative_difference) < 2 * TOLERANCE, rid


@pytest.mark.slow
def test_every_compared_row_is_classified(rows: dict[str, CalibrationRow]) -> None:
    assert set(rows) == REPRODUCED | BELOW | ABOVE | NEAR
