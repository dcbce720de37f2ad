"""The placement optimiser: exact on a small instance, better than the baseline."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from securecomm.program.allocation import AllocationProblem, baseline, evaluate, optimise
from securecomm.program.errors import AllocationError

# Six jails. The largest by volume (ids 0, 1) have few Level 1 identifications; the baseline
# puts its team and links there. One team ($1M) and a $1.8M budget (team + 2 links at $0.4M).
E = np.array([10.0, 12.0, 80.0, 60.0, 55.0, 5.0])
VOLUME = np.array([90_000, 80_000, 30_000, 20_000, 25_000, 70_000])
PROBLEM = AllocationProblem(
    expected_l1=E,
    team_cost=1_000_000,
    video_cost=400_000,
    teams=1,
    budget=1_800_000,
    p_team=0.95,
    p_video=0.85,
    p_remote=0.45,
)


def _brute_force(problem: AllocationProblem) -> float:
    best = -1.0
    n = len(problem.expected_l1)
    for choice in itertools.product((0, 1, 2), repeat=n):  # none, team, video
        team = np.array([c == 1 for c in choice])
        video = np.array([c == 2 for c in choice])
        a = evaluate(problem, team, video)
        if team.sum() <= problem.teams and a.cost <= problem.budget:
            best = max(best, a.worked_l1)
    return best


def test_optimum_equals_brute_force() -> None:
    best = optimise(PROBLEM)
    # Known optimum: team at id 2 (80), links at ids 3 and 4 (60, 55).
    assert np.flatnonzero(best.team).tolist() == [2]
    assert np.flatnonzero(best.video).tolist() == [3, 4]
    assert best.worked_l1 == pytest.approx(_brute_force(PROBLEM))
    assert best.worked_l1 == pytest.approx(0.45 * E.sum() + 0.5 * 80 + 0.4 * (60 + 55))
    assert best.cost <= PROBLEM.budget


def test_beats_the_volume_baseline() -> None:
    best = optimise(PROBLEM)
    base = baseline(PROBLEM, VOLUME)
    assert np.flatnonzero(base.team).tolist() == [0]
    assert best.worked_l1 > base.worked_l1 + 50
    assert best.per_million_dollars > base.per_million_dollars


def test_invalid_problems_are_user_errors() -> None:
    with pytest.raises(AllocationError, match="non-negative"):
        AllocationProblem(np.array([-1.0]), 1.0, 1.0, 1, 1.0)
    with pytest.raises(AllocationError, match="both"):
        evaluate(PROBLEM, np.ones(6, dtype=bool), np.ones(6, dtype=bool))
