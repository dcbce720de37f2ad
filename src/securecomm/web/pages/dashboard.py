"""The program dashboard: the registry's figures (``securecomm.program``: the funnel by month,
state and county; outcomes by level; detainer answers and expiries; safeguard outcomes;
refusals by month and rule; facility coverage by tier), each with its definition and
denominator, counted from the database on every view as the statistics report counts them.
This module only routes and draws the charts."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from markupsafe import Markup

from securecomm.enforcement import Permission
from securecomm.program import (
    BREAKDOWNS,
    FACILITY_COVERAGE,
    Dashboard,
    TierCoverage,
    dashboard_figures,
)
from securecomm.web import charts
from securecomm.web.auth import SignedInUser
from securecomm.web.errors import FormError
from securecomm.web.parameters import DASHBOARD_MONTHS, PREFIX
from securecomm.web.rendering import page
from securecomm.web.routing import ConsoleDep, ConsoleRoute, requires

router = APIRouter(prefix=PREFIX, route_class=ConsoleRoute, include_in_schema=False)
Statistician = Annotated[SignedInUser, Depends(requires(Permission.READ_STATISTICS))]

OUTCOME_SERIES = ("removed", "closed", "open")


@router.get("/dashboard")
def dashboard(
    request: Request, console: ConsoleDep, user: Statistician, by: str = "month"
) -> Response:
    if by not in BREAKDOWNS:
        raise FormError(f"by: {by!r} is not one of {', '.join(BREAKDOWNS)}")
    with console.unit() as session:
        figures = dashboard_figures(session, by, DASHBOARD_MONTHS)
    coverage = FACILITY_COVERAGE.query(console.clock.now().date())
    return page(
        request,
        "dashboard.html",
        user=user,
        figures=figures,
        breakdowns=BREAKDOWNS,
        coverage=coverage,
        coverage_figure=FACILITY_COVERAGE,
        charts=_charts(figures, coverage),
    )


def _charts(d: Dashboard, coverage: list[TierCoverage]) -> dict[str, Markup | str]:
    labels = d.stage_labels
    by_group = {g: [s.value for s in d.funnel_by[g]] for g in d.groups}
    outcomes = {
        group: {column: s.value for column, s in zip(d.outcome_columns, row, strict=True)}
        for group, row in d.outcomes.items()
    }
    refusal_kinds = [s.figure.key.removeprefix("refusals_") for s in d.refusal_totals[:-1]]
    return {
        "funnel": charts.funnel_chart(
            "Funnel: bookings to removals", [(s.label, s.value) for s in d.funnel]
        ),
        "funnel_by": (
            charts.line_chart(
                "Funnel by month",
                d.groups,
                {label: [by_group[g][i] for g in d.groups] for i, label in enumerate(labels)},
            )
            if d.by == "month"
            else charts.stacked_bar_chart(
                f"Funnel stages by {d.by}",
                d.groups,
                labels[1:],
                {g: dict(zip(labels[1:], by_group[g][1:], strict=True)) for g in d.groups},
            )
        ),
        "outcomes": charts.stacked_bar_chart(
            "Outcomes by level", list(outcomes), OUTCOME_SERIES, outcomes
        ),
        "detainers": charts.bar_chart(
            "Detainers by current status",
            [(s.label, s.value) for s in d.detainer_statuses],
            total=d.detainer_statuses[0].denominator,
        ),
        "answers": charts.bar_chart(
            "Jails' answers to detainers",
            [(s.label, s.value) for s in d.jail_answers],
            total=d.jail_answers[0].denominator,
            colour=charts.PALETTE[2],
        ),
        "safeguards": charts.bar_chart(
            "Safeguard outcomes",
            [(s.label, s.value) for s in d.safeguards],
            colour=charts.PALETTE[3],
        ),
        "refusals": (
            charts.stacked_bar_chart(
                "Refusals by month and kind",
                list(d.refusals),
                refusal_kinds,
                {
                    m: dict(zip(refusal_kinds, (s.value for s in row), strict=False))
                    for m, row in d.refusals.items()
                },
            )
            if d.refusals
            else ""
        ),
        "coverage": charts.bar_chart(
            f"{FACILITY_COVERAGE.title} ({FACILITY_COVERAGE.unit})",
            [
                (f"{row.tier} · {kind}", round(share, 1))
                for row in coverage
                for kind, share in row.shares().items()
            ],
        ),
    }
