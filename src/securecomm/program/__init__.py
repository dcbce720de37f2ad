"""securecomm.program — planning and statistics: facilities and tiers, CAP teams,
simulation, cost, reports.

The public surface is re-exported here; see docs/program.md.
"""

from securecomm.program.allocation import AllocationProblem, baseline, national_problem, optimise
from securecomm.program.calibration import TARGETS, calibrate, run_scenarios, side_by_side
from securecomm.program.costs import CostBreakdown, program_cost
from securecomm.program.errors import (
    AllocationError,
    ProgramError,
    ReferenceDataError,
    ScenarioError,
    StatisticsError,
)
from securecomm.program.facilities import Coverage, Facility, FacilityKind, Tier
from securecomm.program.figures import (
    BREAKDOWNS,
    FACILITY_COVERAGE,
    FIGURES,
    CoverageFigure,
    Dashboard,
    Figure,
    FigureCounts,
    Shown,
    TierCoverage,
    count_figures,
    coverage_by_tier,
    dashboard_figures,
)
from securecomm.program.reference import ReferenceFigures, load_reference_figures
from securecomm.program.registry import generate_registry
from securecomm.program.scenario import Scenario, build_scenario, parameter_sources
from securecomm.program.simulation import Event, SimulationResult, Source, simulate
from securecomm.program.statistics import compute_statistics
from securecomm.program.tiers import assign_tiers, rank_by_risk, risk_score

__all__ = [
    "BREAKDOWNS",
    "FACILITY_COVERAGE",
    "FIGURES",
    "TARGETS",
    "AllocationError",
    "AllocationProblem",
    "CostBreakdown",
    "Coverage",
    "CoverageFigure",
    "Dashboard",
    "Event",
    "Facility",
    "FacilityKind",
    "Figure",
    "FigureCounts",
    "ProgramError",
    "ReferenceDataError",
    "ReferenceFigures",
    "Scenario",
    "ScenarioError",
    "Shown",
    "SimulationResult",
    "Source",
    "StatisticsError",
    "Tier",
    "TierCoverage",
    "assign_tiers",
    "baseline",
    "build_scenario",
    "calibrate",
    "compute_statistics",
    "count_figures",
    "coverage_by_tier",
    "dashboard_figures",
    "generate_registry",
    "load_reference_figures",
    "national_problem",
    "optimise",
    "parameter_sources",
    "program_cost",
    "rank_by_risk",
    "risk_score",
    "run_scenarios",
    "side_by_side",
    "simulate",
]
