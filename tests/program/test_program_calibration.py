"""Calibration on a scaled run (the full table, over seeds at 3 %, is
benchmarks/simulation_calibration.py).

The scaled runs (0.4 % and 1 % of national bookings, fixed seed, so the test is deterministic)
must put every figure the model reproduces within ±10 % plus a margin for the sampling noise of
so small a run (a share computed from about a thousand simulated removals moves by a few per
cent between seeds), and keep the documented misses on their documented side and near their
documented size, so docs/program.md stays true.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

import numpy as np
import pytest

from securecomm.program.calibration import (
    TARGETS,
    TOLERANCE,
    CalibrationRow,
    calibrate,
    run_scenarios,
)
from securecomm.program.reference import load_reference_figures
from securecomm.program.scenario import build_scenario

SCALE = 0.004
#: The rollout's removals and arrests depend on queues of officers and judges, whose waiting
#: times need enough servers to resemble the national ones: 1 % of national volume.
ROLLOUT_SCALE = 0.01
SEED = 1
#: Sampling noise allowed on top of the ±10 % at the test's small scale.
NOISE_MARGIN = 0.03

#: Known misses (see docs/program.md, "Rows not reached"): the side and the largest size.
MISSES: dict[str, tuple[int, float]] = {
    # The August 2011 peak and the fall of detainers after it are not modelled (the June 2011
    # discretion acts on custody, not on detainers); the level is near the edge.
    "detainers_peak_month": (-1, 0.15),
}
#: Rows a parameter was fitted to (scenario.py); they are not independent checks.
FITS = {
    "seed_charged_fy2007",
    "seed_removed_criminal_fy2007",
    "sc_submissions_mid2011",
    "sc_matches_mid2011",
    "sc_removals_mid2011",
    # The size of ICE's discretion after the June 2011 memoranda (HISTORICAL_DISCRETION).
    "oig_identified_detained_share",
}
REPRODUCED = {t.id for t in TARGETS} - set(MISSES)


@pytest.fixture(scope="module")
def rows(shared_data: Path) -> dict[str, CalibrationRow]:
    figures = load_reference_figures(shared_data)
    results, _ = run_scenarios(["cap_fy2007", "plan_low", "plan_high"], SEED, scale=SCALE)
    rollout, _ = run_scenarios(["sc_rollout"], SEED, scale=ROLLOUT_SCALE)
    return {r.id: r for r in calibrate(figures, {**results, **rollout})}


@pytest.mark.slow
def test_reproduced_figures_within_tolerance_with_margin(
    rows: dict[str, CalibrationRow],
) -> None:
    off = {
        rid: round(rows[rid].relative_difference, 3)
        for rid in REPRODUCED
        if abs(rows[rid].relative_difference) > TOLERANCE + NOISE_MARGIN
    }
    assert not off
    # Most are inside the strict tolerance even at this scale.
    strict = sum(rows[rid].within_tolerance for rid in REPRODUCED)
    assert strict >= len(REPRODUCED) - 2


@pytest.mark.slow
def test_independent_checks_outnumber_fits(rows: dict[str, CalibrationRow]) -> None:
    fits = {rid for rid, r in rows.items() if r.role == "fit"}
    assert fits == FITS
    checks = [r for r in rows.values() if r.role == "check"]
    assert len(checks) == 14
    # Every check but the known miss, less at most one for the sampling noise of a small run.
    checks_ok = sum(r.within_tolerance for r in checks)
    assert checks_ok >= len(checks) - len(MISSES) - 1


@pytest.mark.slow
def test_known_misses_stay_on_their_side_and_size(rows: dict[str, CalibrationRow]) -> None:
    for rid, (side, largest) in MISSES.items():
        rel = rows[rid].relative_difference
        assert rel * side > 0, rid
        assert abs(rel) < largest, rid


@pytest.mark.slow
def test_plan_range_rows_fall_inside_the_plan_range(rows: dict[str, CalibrationRow]) -> None:
    # Under the plan's assumptions the identified population and the cost of removing it are
    # inside the plan's own ranges (not merely within 10 % of an end).
    for rid in (
        "seed_criminal_aliens_low",
        "seed_criminal_aliens_high",
        "seed_cost_all_low",
        "seed_cost_all_high",
    ):
        assert rows[rid].relative_difference == 0.0, (rid, rows[rid].simulated)


@pytest.mark.slow
def test_every_compared_row_is_classified(rows: dict[str, CalibrationRow]) -> None:
    assert set(rows) == REPRODUCED | set(MISSES)


def test_a_scenario_run_alone_is_the_same_run_as_in_the_full_set() -> None:
    short = {
        name: replace(build_scenario(name), start=date(2010, 6, 1), end=date(2010, 8, 1))
        for name in ("sc_rollout", "plan_low")
    }
    names = sorted(short)
    full, _ = run_scenarios(names, SEED, scale=SCALE, scenarios=short)
    alone, _ = run_scenarios(names, SEED, scale=SCALE, scenarios=short, only={"sc_rollout"})
    assert set(alone) == {"sc_rollout"}
    assert np.array_equal(alone["sc_rollout"].events, full["sc_rollout"].events)
    assert alone["sc_rollout"].events[0].sum() > 0
