"""Where to put CAP teams and video links: a 0-1 integer programme solved with HiGHS.

Each facility can get a CAP team on site, a video link, or neither. A Level 1 person identified
at a facility is worked before release with probability ``p_team`` (team on site), ``p_video``
(video link) or ``p_remote`` (neither: travel or telephone). The programme chooses at most one
option per facility to maximise the expected Level 1 persons worked per year within a budget and
a number of teams:

    maximise   Σ_i e_i (p_remote + (p_team − p_remote) x_i + (p_video − p_remote) v_i)
    subject to x_i + v_i ≤ 1,  Σ x_i ≤ teams,  Σ (c_team x_i + c_video v_i) ≤ budget,
               x_i, v_i ∈ {0, 1}

where e_i is the facility's expected Level 1 identifications per year. It is a multiple-choice
knapsack, solved exactly by ``scipy.optimize.milp`` (HiGHS branch and bound). The baseline puts
teams at the largest jails by booking volume and video at the next ones (how coverage grew
before risk-based planning); the report gives the gain over it, in persons and per dollar.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp

from securecomm.program.errors import AllocationError
from securecomm.program.facilities import Facility, FacilityKind
from securecomm.program.scenario import Scenario
from securecomm.program.simulation import L1


@dataclass(frozen=True)
class AllocationProblem:
    expected_l1: np.ndarray  # e_i, Level 1 identifications per year
    team_cost: float  # per team per year
    video_cost: float  # per link per year
    teams: int
    budget: float
    p_team: float = 0.95
    p_video: float = 0.85
    p_remote: float = 0.45

    def __post_init__(self) -> None:
        if self.expected_l1.ndim != 1 or len(self.expected_l1) == 0:
            raise AllocationError("expected_l1 must be a non-empty vector")
        if np.any(self.expected_l1 < 0) or not np.all(np.isfinite(self.expected_l1)):
            raise AllocationError("expected_l1 must be finite and non-negative")
        if self.teams < 0 or self.budget < 0 or self.team_cost <= 0 or self.video_cost <= 0:
            raise AllocationError("teams and budget must be >= 0 and unit costs > 0")
        if not 0 <= self.p_remote <= min(self.p_video, self.p_team) <= 1:
            raise AllocationError("need 0 <= p_remote <= p_video, p_team <= 1")


@dataclass(frozen=True)
class Allocation:
    team: np.ndarray  # bool per facility
    video: np.ndarray  # bool per facility
    worked_l1: float  # expected Level 1 persons worked per year
    cost: float  # per year (teams + video)

    @property
    def per_million_dollars(self) -> float:
        return self.worked_l1 / (self.cost / 1e6) if self.cost > 0 else float("inf")


def evaluate(problem: AllocationProblem, team: np.ndarray, video: np.ndarray) -> Allocation:
    if np.any(team & video):
        raise AllocationError("a facility cannot have both a team and a video link")
    e = problem.expected_l1
    p = np.where(team, problem.p_team, np.where(video, problem.p_video, problem.p_remote))
    cost = team.sum() * problem.team_cost + video.sum() * problem.video_cost
    return Allocation(team.copy(), video.copy(), float((e * p).sum()), float(cost))


def optimise(problem: AllocationProblem) -> Allocation:
    """The exact optimum of the programme (HiGHS)."""
    n = len(problem.expected_l1)
    e = problem.expected_l1
    gain = np.concatenate(
        [e * (problem.p_team - problem.p_remote), e * (problem.p_video - problem.p_remote)]
    )
    eye = np.eye(n)
    one_option = np.hstack([eye, eye])
    teams_row = np.concatenate([np.ones(n), np.zeros(n)])
    cost_row = np.concatenate([np.full(n, problem.team_cost), np.full(n, problem.video_cost)])
    constraints = [
        LinearConstraint(one_option, -np.inf, 1.0),
        LinearConstraint(teams_row[None, :], -np.inf, problem.teams),
        LinearConstraint(cost_row[None, :], -np.inf, problem.budget),
    ]
    res = milp(
        c=-gain,
        constraints=constraints,
        integrality=np.ones(2 * n),
        bounds=Bounds(0, 1),
        options={"disp": False, "mip_rel_gap": 0.0},
    )
    if res.x is None:
        raise AllocationError(f"the allocation programme has no solution: {res.message}")
    x = np.round(res.x).astype(bool)
    return evaluate(problem, x[:n], x[n:])


def baseline(problem: AllocationProblem, volume: np.ndarray) -> Allocation:
    """Teams at the largest facilities by volume, then video links while the budget lasts."""
    n = len(problem.expected_l1)
    order = np.lexsort((np.arange(n), -volume))
    team = np.zeros(n, dtype=bool)
    video = np.zeros(n, dtype=bool)
    spent = 0.0
    for i in order:
        if team.sum() < problem.teams and spent + problem.team_cost <= problem.budget:
            team[i] = True
            spent += problem.team_cost
        elif spent + problem.video_cost <= problem.budget:
            video[i] = True
            spent += problem.video_cost
    return evaluate(problem, team, video)


def expected_level1(scenario: Scenario, facilities: Sequence[Facility]) -> np.ndarray:
    """Expected removable Level 1 identifications per year at each local or state facility
    once interoperability is everywhere (federal prisons are the DEPORT centre's)."""
    b = scenario.bookings
    return np.array(
        [
            0.0
            if f.kind is FacilityKind.FEDERAL
            else f.annual_bookings
            * f.foreign_born_share
            * b.ident_record_share
            * (1.0 - b.not_removable_share)
            * f.level_mix[L1]
            for f in facilities
        ]
    )


def national_problem(
    scenario: Scenario,
    facilities: Sequence[Facility],
    *,
    teams: int | None = None,
    budget: float | None = None,
    video_cost: float = 60000.0,
) -> AllocationProblem:
    """The national instance: team cost from the scenario's staffing and officer cost."""
    cap = scenario.capacity
    team_cost = cap.officers_per_team * scenario.costs.officer_year
    n_teams = cap.cap_teams if teams is None else teams
    return AllocationProblem(
        expected_l1=expected_level1(scenario, facilities),
        team_cost=team_cost,
        video_cost=video_cost,
        teams=n_teams,
        budget=budget if budget is not None else n_teams * team_cost + 500 * video_cost,
    )
