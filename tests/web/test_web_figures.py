"""The dashboard and the published statistics report give the same numbers for every figure they
share, on the seeded world with its history.

The dashboard is read over HTTP as a statistician sees it: every number of a figure is a table
cell naming the figure, the geography, the area and the months it sums
(``data-figure``/``data-geography``/``data-area``/``data-from``/``data-to``). The report is the
CSV that ``securecomm plan stats`` writes for the same database. Each cell must equal the sum
of the report's rows for that figure, area and months — so a dashboard that counted a figure
with another query, another county rule or another period than the report would fail here.
"""

from __future__ import annotations

import csv
import html
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path

from typer.testing import CliRunner
from web_support import WebApp

from securecomm.cli.main import app as cli
from securecomm.program import FIGURES
from securecomm.synthetic import world

OUTCOMES = ("detainer", "custody", "removed", "closed", "open")


class _Cells(HTMLParser):
    """The figure cells of a page: (figure, geography, area, from, to) → the number shown."""

    def __init__(self) -> None:
        super().__init__()
        self.cells: list[tuple[tuple[str, str, str, str, str], str]] = []
        self._open: tuple[str, str, str, str, str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "td" and a.get("data-figure"):
            names = ("data-figure", "data-geography", "data-area", "data-from", "data-to")
            self._open = (
                a["data-figure"] or "",
                a["data-geography"] or "",
                a["data-area"] or "",
                a["data-from"] or "",
                a["data-to"] or "",
            )
            assert all(a.get(n) for n in names), a

    def handle_data(self, data: str) -> None:
        if self._open is not None:
            self.cells.append((self._open, data.strip()))
            self._open = None


def _dashboard_cells(web: WebApp, by: str) -> list[tuple[tuple[str, str, str, str, str], str]]:
    response = web.client("program.manager").get(f"/console/dashboard?by={by}")
    assert response.status_code == 200
    parser = _Cells()
    parser.feed(response.text)
    return parser.cells


def _report(web: WebApp, out: Path) -> tuple[Counter[tuple[str, str, str, str]], dict[str, str]]:
    """The CLI's report of the web's database: (figure, geography, area, month) → value, and
    each figure's published definition."""
    url = web.settings.effective_database_url
    result = CliRunner().invoke(cli, ["plan", "stats", "--out", str(out), "--database-url", url])
    assert result.exit_code == 0, result.output
    with (out / "statistics.csv").open(encoding="utf-8", newline="") as f:
        values = Counter(
            {
                (r["figure"], r["geography"], r["area"], r["month"]): int(r["value"])
                for r in csv.DictReader(f)
            }
        )
    with (out / "definitions.csv").open(encoding="utf-8", newline="") as f:
        definitions = {r["figure"]: r["definition"] for r in csv.DictReader(f)}
    return values, definitions


def _months(report: Counter[tuple[str, str, str, str]], first: str, last: str) -> list[str]:
    return sorted({m for *_, m in report if first <= m <= last})


def test_every_figure_the_dashboard_shows_is_the_reports(web: WebApp, tmp_path: Path) -> None:
    # the seeded history holds no refusal: three, as in test_web_refusals (two rules, one kind)
    web.client("deputy.287g").get(f"/console/cases/{web.case_at('match', world.NOTIFY_ONLY_JAIL)}")
    for user in ("program.manager", "booking.officer"):
        web.client(user).get(f"/console/cases/{web.case_at('in_proceedings')}")
    report, definitions = _report(web, tmp_path / "report")
    shown: set[str] = set()
    checked = 0
    disagreements = []
    for by in ("month", "state", "county"):
        cells = _dashboard_cells(web, by)
        assert cells, by
        for (figure, geography, area, first, last), text in cells:
            months = _months(report, first, last)
            assert months and months[0] == first and months[-1] == last, (figure, first, last)
            published = sum(report[(figure, geography, area, m)] for m in months)
            if int(text) != published:
                disagreements.append((by, figure, geography, area, first, last, text, published))
            shown.add(figure)
            checked += 1
    assert disagreements == []
    # Every figure of the registry the dashboard shows is published, and the dashboard shows
    # all of them but the report-only breakdowns (re-bookings, charging and custody kinds …).
    assert shown <= set(definitions) == {f.key for f in FIGURES}
    report_only = {
        "matches_rebooked",
        "matches_no_conviction",
        "verifications",
        "detainer_answers",
        "notices_to_appear",
        "summary_charging",
        "custody_decisions",
        "custody_detained",
        "custody_bond",
        "custody_own_recognizance",
        "custody_alternatives",
        "removals_convicted",
        "citizenship_reviews_resolved",
    }
    assert set(definitions) - shown == report_only
    assert checked > 200
    # The numbers are not all zeros: the seeded history has bookings, matches, detainers and
    # refusals in several months, states and counties.
    nonzero = {f for (f, *_), v in report.items() if v}
    assert {"submissions", "matches", "detainers_issued", "removals", "refusals"} <= nonzero


def test_the_dashboard_states_the_reports_definitions(web: WebApp) -> None:
    page = html.unescape(web.client("program.manager").get("/console/dashboard").text)
    defined = {f.key for f in FIGURES if f.definition in page}
    cells = {figure for (figure, *_), _ in _dashboard_cells(web, "month")}
    # each figure shown is defined on the page, but the outcomes of a level group, whose
    # columns the outcome tile's definition states once
    outcome_columns = {
        f for f in cells if f.startswith("matches_") and f.rsplit("_", 1)[-1] in OUTCOMES
    }
    assert outcome_columns and cells - defined == outcome_columns
