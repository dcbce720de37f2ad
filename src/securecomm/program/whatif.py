"""What-if scenarios: one change at a time against a base scenario, compared in its last year.

The variants cover the levers the plan names: rollout order by tier, CAP teams, detention beds,
the share released on Alternatives to Detention, and video interviews.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date
from typing import TypedDict

import numpy as np
import simpy

from securecomm.program.costs import program_cost
from securecomm.program.facilities import Facility
from securecomm.program.scenario import Scenario
from securecomm.program.simulation import L1, Event, SimulationResult, simulate


def variants(base: Scenario) -> dict[str, Scenario]:
    cap, enf, roll = base.capacity, base.enforcement, base.rollout
    few_teams = replace(cap, cap_teams=119)
    return {
        "base": base,
        "rollout: lowest risk first": replace(base, rollout=replace(roll, order="reverse")),
        "rollout: random order": replace(base, rollout=replace(roll, order="random")),
        "teams: 119": replace(base, capacity=few_teams),
        "teams: 119 + video everywhere": replace(
            base, capacity=replace(few_teams, video_everywhere=True)
        ),
        "teams: 400": replace(base, capacity=replace(cap, cap_teams=400)),
        "beds: 22,000": replace(base, capacity=replace(cap, detention_beds=22000)),
        # Half of the discretionary (non-Level 1) detention replaced by ATD.
        "alternatives: half of discretionary detention": replace(
            base,
            enforcement=replace(
                enf,
                detention_probability=(
                    enf.detention_probability[0],
                    enf.detention_probability[1] / 2,
                    enf.detention_probability[2] / 2,
                    enf.detention_probability[3] / 2,
                ),
                alternatives_share=0.70,
            ),
        ),
    }


def last_year(result: SimulationResult) -> tuple[date, date]:
    end = result.scenario.end
    return date(end.year - 1, end.month, end.day), end


class WhatIfRow(TypedDict):
    """One variant's summary (national, divided by the scale): counts per year and detention in
    its last simulated year, and Level 1 removals from the start to the end of the rollout."""

    variant: str
    level1_removed_per_year: float
    level1_removed_during_rollout: float
    removed_per_year: float
    missed_before_interview: float
    average_daily_detained: float
    cost_per_year: float


def summarise(name: str, result: SimulationResult) -> WhatIfRow:
    start, end = last_year(result)
    w = result.window(start, end)
    # Level 1 removals during the rollout are where order matters most.
    rollout_end = date(2012, 4, 1)
    return {
        "variant": name,
        "level1_removed_per_year": result.count(Event.REMOVED, start, end, levels=(L1,)),
        "level1_removed_during_rollout": result.count(
            Event.REMOVED, None, rollout_end, levels=(L1,)
        ),
        "removed_per_year": result.count(Event.REMOVED, start, end),
        "missed_before_interview": result.count(Event.MISSED, start, end),
        "average_daily_detained": float(result.detention[:, w].sum())
        / result.scale
        / max(w.stop - w.start, 1),
        "cost_per_year": program_cost(result, start, end).total,
    }


def run_whatif(
    base: Scenario,
    facilities: list[Facility],
    seed: int,
    *,
    scale: float,
    progress: Callable[[str, int, int], None] | None = None,
) -> list[WhatIfRow]:
    """Run every variant with the same seed (common random numbers) and summarise them."""
    rows: list[WhatIfRow] = []
    for name, scenario in variants(base).items():

        def tick(done: int, total: int, _name: str = name) -> None:
            if progress is not None:
                progress(_name, done, total)

        result = simulate(
            scenario,
            facilities,
            np.random.default_rng(seed),
            scale=scale,
            env=simpy.Environment(),
            progress=tick,
        )
        rows.append(summarise(name, result))
    return rows
