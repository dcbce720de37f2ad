"""Monthly interoperability statistics computed from the case database, with definitions.

Every figure is one of the registry's (:data:`securecomm.program.figures.FIGURES`: its
definition, its denominator and its query), counted by the UTC calendar month of the timestamp
named in its definition, nationally, by state and by county
(:mod:`securecomm.program.figures.counts`, the same counts the console's dashboard shows). The
county is the one the booking agency's record names, with its state ("SYNTHETIC COUNTY A, VA";
"unknown county, TX" for a facility not in the agency registry; see
:mod:`securecomm.program.figures.places` for why not the ORI's characters). Each figure names
its denominator (another figure of the same month and geography) so a share can be recomputed
by anyone.

Output is deterministic: rows sorted by (month, geography level, geography, figure order), no
timestamps, fixed number formats, so two runs on the same data are byte-identical (CSV and
HTML).
"""

from __future__ import annotations

import csv
import html
import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from securecomm.program.figures.counts import count_figures
from securecomm.program.figures.definition import GEOGRAPHIES, Database, Figure
from securecomm.program.figures.registry import FIGURES

#: The published definitions, in report order (the registry's figures).
DEFINITIONS: tuple[Figure, ...] = FIGURES
_ORDER = {d.key: i for i, d in enumerate(DEFINITIONS)}
_DENOMINATOR = {d.key: d.denominator for d in DEFINITIONS}


@dataclass(frozen=True)
class StatisticRow:
    month: str  # YYYY-MM
    geography: str  # national | state | county
    area: str  # "US", a state code, or "<county>, <state>"
    figure: str
    value: int
    denominator: int | None

    @property
    def share(self) -> float | None:
        if self.denominator is None or self.denominator == 0:
            return None
        return self.value / self.denominator


def compute_statistics(db: Database) -> list[StatisticRow]:
    """Every figure, by month and geography, in report order.

    A zero is written, not left out: every month from the first to the last event has every
    national figure, and every state and county with any event in a month has every figure
    published for counties and states that month, so a missing row never has to be read as a
    zero (refusals, counted nationally only, have no state or county rows).
    """
    counts = count_figures(db, DEFINITIONS)
    rows = []
    for month, geography, area in counts.places:
        for definition in DEFINITIONS:
            if geography not in definition.geographies:
                continue
            value = counts.value(definition.key, geography, area, [month])
            den_key = definition.denominator
            den = None if den_key is None else counts.value(den_key, geography, area, [month])
            rows.append(StatisticRow(month, geography, area, definition.key, value, den))
    geo_order = {g: i for i, g in enumerate(GEOGRAPHIES)}
    rows.sort(key=lambda r: (r.month, geo_order[r.geography], r.area, _ORDER[r.figure]))
    return rows


CSV_COLUMNS = (
    "month",
    "geography",
    "area",
    "figure",
    "value",
    "denominator_figure",
    "denominator",
    "share",
)


def _share_text(row: StatisticRow) -> str:
    share = row.share
    return "" if share is None else f"{share:.4f}"


def to_csv(rows: Sequence[StatisticRow]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for r in rows:
        writer.writerow(
            [
                r.month,
                r.geography,
                r.area,
                r.figure,
                r.value,
                _DENOMINATOR[r.figure] or "",
                "" if r.denominator is None else r.denominator,
                _share_text(r),
            ]
        )
    return out.getvalue()


def definitions_csv() -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(("figure", "definition", "denominator"))
    for d in DEFINITIONS:
        writer.writerow((d.key, d.definition, d.denominator or ""))
    return out.getvalue()


def to_html(rows: Sequence[StatisticRow], title: str = "Interoperability statistics") -> str:
    esc: Callable[[object], str] = lambda v: html.escape(str(v))  # noqa: E731
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>{esc(title)}</title></head><body>",
        f"<h1>{esc(title)}</h1>",
        "<h2>Definitions</h2>",
        "<table><thead><tr><th>figure</th><th>definition</th><th>denominator</th></tr></thead>",
        "<tbody>",
    ]
    for d in DEFINITIONS:
        parts.append(
            f"<tr><td>{esc(d.key)}</td><td>{esc(d.definition)}</td>"
            f"<td>{esc(d.denominator or '')}</td></tr>"
        )
    parts += ["</tbody></table>", "<h2>Figures</h2>", "<table><thead><tr>"]
    parts.append("".join(f"<th>{esc(c)}</th>" for c in CSV_COLUMNS))
    parts.append("</tr></thead><tbody>")
    for r in rows:
        cells = [
            r.month,
            r.geography,
            r.area,
            r.figure,
            r.value,
            _DENOMINATOR[r.figure] or "",
            "" if r.denominator is None else r.denominator,
            _share_text(r),
        ]
        parts.append("<tr>" + "".join(f"<td>{esc(c)}</td>" for c in cells) + "</tr>")
    parts += ["</tbody></table>", "</body></html>", ""]
    return "\n".join(parts)
