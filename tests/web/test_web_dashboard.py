"""The dashboard's figures are computed from the database and shown with their definitions."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from sqlalchemy import distinct, func, select
from web_support import WebApp

from securecomm.enforcement.models import AuditEntry, Case, Detainer
from securecomm.interop.submissions import Submission
from securecomm.synthetic import world
from securecomm.web import statistics


def _count(web: WebApp, query) -> int:
    with web.console.unit() as session:
        return int(session.scalar(query) or 0)


def test_funnel_totals_are_the_databases_counts(web: WebApp) -> None:
    with web.console.unit() as session:
        totals = dict(statistics.funnel_totals(statistics.funnel(session, "month")))
    assert totals["Bookings received"] == _count(web, select(func.count(Submission.id)))
    assert totals["Matches (cases opened)"] == _count(web, select(func.count(Case.id)))
    issued = _count(web, select(func.count(distinct(Detainer.case_id))))
    assert totals["Detainer issued"] == issued > 0
    removed = _count(web, select(func.count()).where(AuditEntry.action == "case.verify_removal"))
    assert totals["Removal verified"] == removed == 1
    assert (
        totals["Bookings received"] > totals["Matches (cases opened)"] > totals["Detainer issued"]
    )


def test_breakdowns_by_month_state_and_county_add_up(web: WebApp) -> None:
    with web.console.unit() as session:
        by = {b: statistics.funnel(session, b) for b in ("month", "state", "county")}
    totals = {b: dict(statistics.funnel_totals(v)) for b, v in by.items()}
    assert totals["month"] == totals["state"] == totals["county"]
    assert set(by["state"].groups) == {j.state for j in world.JAILS} == {"VA", "MD"}
    assert "SYNTHETIC COUNTY A, VA" in by["county"].groups
    assert len(by["month"].groups) >= 5  # the demo spans five months


def test_outcomes_by_level_keep_convicted_charged_and_no_record_apart(web: WebApp) -> None:
    with web.console.unit() as session:
        outcomes = statistics.outcomes_by_level(session)
    assert sum(row.get("cases", 0) for row in outcomes.values()) == _count(
        web, select(func.count(Case.id))
    )
    # every booking brings its own charge, pending: a case of the pipeline always has one, so
    # the subjects with no conviction (the gate's citizen, the pending-charge-only ones) are
    # "charged, not convicted", never "no criminal record"
    unconvicted = [
        s for s in world.CONSOLE_STORIES if all(p.sentence_days is None for p in s.priors)
    ]
    assert outcomes["Charged, not convicted"]["cases"] == len(unconvicted) == 3
    assert outcomes["No criminal record"].get("cases", 0) == 0
    assert outcomes["Level 1"]["removed"] == 1
    for row in outcomes.values():
        assert row.get("removed", 0) + row.get("closed", 0) + row.get("open", 0) == row.get(
            "cases", 0
        )


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
    assert f"<th>Bookings received</th><td>{bookings}</td>" in html
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
