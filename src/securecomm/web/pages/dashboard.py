"""The program dashboard: the funnel by month, state and county; outcomes by level; detainer
answers and expiries; safeguard outcomes; refusals by month and rule; facility coverage by tier
— each chart with its definition and denominator (``web.statistics``), computed from the
database on every view."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from securecomm.enforcement.refusals import RefusalKind
from securecomm.enforcement.roles import Permission
from securecomm.web import charts, statistics
from securecomm.web.auth import SignedInUser
from securecomm.web.coverage import REGISTRY_SEED, coverage_by_tier
from securecomm.web.errors import FormError
from securecomm.web.parameters import DASHBOARD_MONTHS, PREFIX
from securecomm.web.rendering import page
from securecomm.web.routing import ConsoleDep, ConsoleRoute, requires

router = APIRouter(prefix=PREFIX, route_class=ConsoleRoute, include_in_schema=False)
Statistician = Annotated[SignedInUser, Depends(requires(Permission.READ_STATISTICS))]

BREAKDOWNS = ("month", "state", "county")
OUTCOME_SERIES = ("removed", "closed", "open")


@router.get("/dashboard")
def dashboard(
    request: Request, console: ConsoleDep, user: Statistician, by: str = "month"
) -> Response:
    if by not in BREAKDOWNS:
        raise FormError(f"by: {by!r} is not one of {', '.join(BREAKDOWNS)}")
    with console.unit() as session:
        breakdown = statistics.funnel(session, by)
        outcomes = statistics.outcomes_by_level(session)
        detainers_by_status, detainer_answers = statistics.detainer_figures(session)
        safeguards = statistics.safeguard_figure(session)
        refused = statistics.refusal_figures(session)
    refused.months = refused.months[-DASHBOARD_MONTHS:]
    if by == "month":
        breakdown.groups = breakdown.groups[-DASHBOARD_MONTHS:]
    totals = statistics.funnel_totals(breakdown)
    stage_keys = ["submissions"] + [k for k, _, _ in statistics.FUNNEL_STAGES]
    stage_labels = [label for label, _ in totals]
    coverage = coverage_by_tier(console.clock.now().date())
    coverage_values = {
        row.tier: {
            "interoperable": 100 * row.interoperable / max(row.facilities, 1),
            "CAP team on site": 100 * row.cap_team / max(row.facilities, 1),
            "video link": 100 * row.video / max(row.facilities, 1),
            "287(g) agreement": 100 * row.agreement_287g / max(row.facilities, 1),
        }
        for row in coverage
    }
    series_by_group = {
        label: [breakdown.counts[g].get(key, 0) for g in breakdown.groups]
        for key, label in zip(stage_keys, stage_labels, strict=True)
    }
    charts_ = {
        "funnel": charts.funnel_chart("Funnel: bookings to removals", totals),
        "funnel_by": (
            charts.line_chart("Funnel by month of the match", breakdown.groups, series_by_group)
            if by == "month"
            else charts.stacked_bar_chart(
                f"Funnel stages by {by}",
                breakdown.groups,
                stage_labels[1:],
                {
                    g: {
                        label: breakdown.counts[g].get(key, 0)
                        for key, label in zip(stage_keys[1:], stage_labels[1:], strict=True)
                    }
                    for g in breakdown.groups
                },
            )
        ),
        "outcomes": charts.stacked_bar_chart(
            "Outcomes by level", statistics.LEVEL_GROUPS, OUTCOME_SERIES, outcomes
        ),
        "detainers": charts.bar_chart(
            detainers_by_status.title,
            detainers_by_status.values,
            total=detainers_by_status.total,
        ),
        "answers": charts.bar_chart(
            detainer_answers.title,
            detainer_answers.values,
            total=detainer_answers.total,
            colour=charts.PALETTE[2],
        ),
        "safeguards": charts.bar_chart(
            safeguards.title, safeguards.values, total=safeguards.total, colour=charts.PALETTE[3]
        ),
        "refusals": (
            charts.stacked_bar_chart(
                "Refusals by month and kind",
                refused.months,
                [k.value for k in RefusalKind],
                refused.by_kind(),
            )
            if refused.months
            else ""
        ),
    }
    return page(
        request,
        "dashboard.html",
        user=user,
        by=by,
        breakdowns=BREAKDOWNS,
        breakdown=breakdown,
        stage_keys=stage_keys,
        stage_labels=stage_labels,
        totals=totals,
        outcomes=outcomes,
        level_groups=statistics.LEVEL_GROUPS,
        outcome_columns=("cases", "detainers", "custody", "removed", "closed", "open"),
        detainers_by_status=detainers_by_status,
        detainer_answers=detainer_answers,
        safeguards=safeguards,
        refused=refused,
        coverage=coverage,
        coverage_values=coverage_values,
        coverage_chart=_coverage_chart(coverage_values),
        registry_seed=REGISTRY_SEED,
        charts=charts_,
    )


def _coverage_chart(values: dict[str, dict[str, float]]):
    """Per tier, one bar per kind of coverage, as a share of the tier's facilities."""
    rows = [
        (f"{tier} · {kind}", round(share, 1))
        for tier, kinds in values.items()
        for kind, share in kinds.items()
    ]
    return charts.bar_chart("Facility coverage by tier (% of the tier's facilities)", rows)
