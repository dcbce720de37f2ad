"""The dashboard's figures are computed from the database and shown with their definitions."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from sqlalchemy import distinct, func, select
from web_support import WebApp

from securecomm.enforcement.models import Case, Detainer, RemovalRecord
from securecomm.interop.submissions import Submission
from securecomm.program import Dashboard, dashboard_figures
from securecomm.synthetic import world
from securecomm.web.parameters import DASHBOARD_MONTHS


def _count(web: WebApp, query) -> int:
    with web.console.unit() as session:
        return int(session.scalar(query) or 0)


def _dashboard(web: WebApp, by: str = "month") -> Dashboard:
    with web.console.unit() as session:
        return dashboard_figures(session, by, DASHBOARD_MONTHS)


def test_funnel_totals_are_the_databases_counts(web: WebApp) -> None:
    dashboard = _dashboard(web)
    assert len(dashboard.months) < DASHBOARD_MONTHS  # the whole history is shown
    totals = {s.label: s.value for s in dashboard.funnel}
    assert totals["Bookings received"] == _count(web, select(func.count(Submission.id)))
    assert totals["Matches (cases opened)"] == _count(web, select(func.count(Case.id)))
    issued = _count(web, select(func.count(Detainer.id)))
    assert totals["Detainers issued"] == issued > 0
    assert issued >= _count(web, select(func.count(distinct(Detainer.case_id))))
    removed = _count(web, select(func.count(RemovalRecord.id)))
    assert totals["Removals verified"] == removed == 1
    assert (
        totals["Bookings received"] > totals["Matches (cases opened)"] > totals["Detainers issued"]
    )


def test_breakdowns_by_month_state_and_county_add_up(web: WebApp) -> None:
    by = {b: _dashboard(web, b) for b in ("month", "state", "county")}
    for dashboard in by.values():
        stages = zip(*dashboard.funnel_by.values(), strict=True)
        assert [sum(s.value for s in stage) for stage in stages] == [
            s.value for s in dashboard.funnel
        ], dashboard.by
    assert set(by["state"].groups) == {j.state for j in world.JAILS} == {"VA", "MD"}
    assert set(by["county"].groups) == {f"{j.county}, {j.state}" for j in world.JAILS}
    assert len(by["month"].groups) >= 5  # the demo spans five months


def test_outcomes_by_level_keep_convicted_charged_and_no_record_apart(web: WebApp) -> None:
    dashboard = _dashboard(web)
    outcomes = {
        group: {column: s.value for column, s in zip(dashboard.outcome_columns, row, strict=True)}
        for group, row in dashboard.outcomes.items()
    }
    assert sum(row["cases"] for row in outcomes.values()) == _count(
        web, select(func.count(Case.id))
    )
    # every booking brings its own charge, pending: a case of the pipeline always has one, so
    # the subjects with no conviction (the gate's citizen, the pending-charge-only ones) are
    # "charged, not convicted", never "no criminal record"
    unconvicted = [
        s for s in world.CONSOLE_STORIES if all(p.sentence_days is None for p in s.priors)
    ]
    assert outcomes["Charged, not convicted"]["cases"] == len(unconvicted) == 3
    assert outcomes["No criminal record"]["cases"] == 0
    assert outcomes["Level 1"]["removed"] == 1
    for row in outcomes.values():
        assert row["removed"] + row["closed"] + row["open"] == row["cases"]


def test_the_page_shows_each_chart_with_definition_and_denominator(web: WebApp) -> None:
    response = web.client("program.manager").get("/console/dashboard")
    assert response.status_code == 200
    html = response.text
    for testid in ("funnel", "funnel-by", "outcomes", "detainers", "safeguards", "coverage"):
        section = html.split(f'data-testid="{testid}"')[1].split("</section>")[0]
        assert "<svg" in section and 'role="img"' in section, testid
        assert "Definition." in section and "Denominator" in section, testid
    assert "http://" not in html.replace('xmlns="http://www.w3.org/2000/svg"', "")
    bookings = _count(web, select(func.count(Submission.id)))
    assert '<th>Bookings received</th><td data-figure="submissions"' in html
    assert f">{bookings}</td>" in html.split("<th>Bookings received</th>")[1]
    for by in ("state", "county"):
        assert web.client("program.manager").get(f"/console/dashboard?by={by}").status_code == 200
    assert web.client("program.manager").get("/console/dashboard?by=planet").status_code == 422


def test_charts_are_well_formed_svg(web: WebApp) -> None:
    html = web.client("auditor").get("/console/dashboard").text
    svgs = ["<svg" + part.split("</svg>")[0] + "</svg>" for part in html.split("<svg")[1:]]
    assert len(svgs) >= 7
    for svg in svgs:
        root = ET.fromstring(svg)
        assert root.find("{http://www.w3.org/2000/svg}title") is not None
        assert root.find("{http://www.w3.org/2000/svg}desc").text
