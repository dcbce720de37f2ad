"""The figure registry: every published figure defined once — its definition, unit,
denominator and query — and the counts the statistics report and the dashboard both read.

* :mod:`.definition` — :class:`Figure`, what a query returns;
* :mod:`.places` — the county rule (the agency record's county, not the ORI's characters);
* :mod:`.queries` — the queries over the case database;
* :mod:`.registry` — :data:`FIGURES` in report order, and the dashboard's tables of them;
* :mod:`.counts` — the counts by month, state and county;
* :mod:`.dashboard` — the dashboard's view of the counts; :mod:`.refusals` — refusals by rule;
* :mod:`.coverage` — facility coverage by tier, from the plan's facility registry.
"""

from securecomm.program.figures.counts import FigureCounts, count_figures
from securecomm.program.figures.coverage import (
    FACILITY_COVERAGE,
    CoverageFigure,
    TierCoverage,
    coverage_by_tier,
)
from securecomm.program.figures.dashboard import BREAKDOWNS, Dashboard, Shown, dashboard_figures
from securecomm.program.figures.definition import Figure
from securecomm.program.figures.places import Places
from securecomm.program.figures.refusals import RefusalRules
from securecomm.program.figures.registry import BY_KEY, FIGURES

__all__ = [
    "BREAKDOWNS",
    "BY_KEY",
    "FACILITY_COVERAGE",
    "FIGURES",
    "CoverageFigure",
    "Dashboard",
    "Figure",
    "FigureCounts",
    "Places",
    "RefusalRules",
    "Shown",
    "TierCoverage",
    "count_figures",
    "coverage_by_tier",
    "dashboard_figures",
]
