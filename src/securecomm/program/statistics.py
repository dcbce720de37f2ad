"""Monthly interoperability statistics computed from the case database, with definitions.

Every figure is computed from the same records the officers work with (the interop
``submissions`` table and the ``enforcement_*`` tables), counted by the UTC calendar month of
the timestamp named in its definition, nationally, by state and by county. Geography comes from
the booking agency's ORI: the state is its first two letters, the county its first five
characters (state + the NCIC county code). Each figure names its denominator (another figure of
the same month and geography) so a share can be recomputed by anyone.

Output is deterministic: rows sorted by (month, geography level, geography, figure order), no
timestamps, fixed number formats, so two runs on the same data are byte-identical (CSV and
HTML).
"""

from __future__ import annotations

import csv
import html
import io
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.engine import Connection

from securecomm.enforcement.models import (
    Case,
    CaseBooking,
    ChargingDocument,
    CitizenshipReview,
    CustodyDecision,
    Detainer,
    IdentityVerification,
    RemovalRecord,
)
from securecomm.enforcement.vocabulary import (
    SUMMARY_CHARGING,
    ChargingKind,
    CustodyKind,
    JailAnswer,
    ReviewFinding,
)
from securecomm.interop.submissions import Submission

GEOGRAPHIES = ("national", "state", "county")


@dataclass(frozen=True)
class FigureDefinition:
    key: str
    definition: str
    denominator: str | None = None


#: The published definitions, in report order.
DEFINITIONS: tuple[FigureDefinition, ...] = (
    FigureDefinition("submissions", "booking submissions received (submissions.received_at)"),
    FigureDefinition(
        "matches",
        "IDENT matches notified to ICE that opened a case (enforcement_cases.opened_at); a "
        "person has one open case, so a re-booking is counted in matches_rebooked instead",
        "submissions",
    ),
    FigureDefinition(
        "matches_rebooked",
        "IDENT matches of persons whose case was open: the booking joined that case "
        "(enforcement_case_bookings.booked_at)",
        "submissions",
    ),
    FigureDefinition("matches_level_1", "cases opened whose level is 1", "matches"),
    FigureDefinition("matches_level_2", "cases opened whose level is 2", "matches"),
    FigureDefinition("matches_level_3", "cases opened whose level is 3", "matches"),
    FigureDefinition(
        "matches_no_conviction", "cases opened with no level (no conviction)", "matches"
    ),
    FigureDefinition(
        "verifications", "human identity verifications decided (decided_at)", "matches"
    ),
    FigureDefinition(
        "matches_rejected_by_examiner",
        "verifications that did not confirm the match",
        "verifications",
    ),
    FigureDefinition("detainers_issued", "detainers issued (issued_at)", "matches"),
    FigureDefinition("detainer_answers", "jails' answers recorded (jail_answered_at)"),
    FigureDefinition("detainers_honoured", "answers: honoured", "detainer_answers"),
    FigureDefinition("detainers_notify_only", "answers: notify only", "detainer_answers"),
    FigureDefinition("detainers_declined", "answers: declined", "detainer_answers"),
    FigureDefinition("charging_documents", "charging documents served (served_at)"),
    FigureDefinition(
        "notices_to_appear", "charging documents that are Notices to Appear", "charging_documents"
    ),
    FigureDefinition(
        "summary_charging",
        "reinstatement, stipulated removal or voluntary return",
        "charging_documents",
    ),
    FigureDefinition("custody_decisions", "custody decisions (decided_at)"),
    FigureDefinition("custody_detained", "decisions: detain", "custody_decisions"),
    FigureDefinition("custody_bond", "decisions: bond", "custody_decisions"),
    FigureDefinition(
        "custody_own_recognizance", "decisions: own recognizance", "custody_decisions"
    ),
    FigureDefinition(
        "custody_alternatives", "decisions: Alternatives to Detention", "custody_decisions"
    ),
    FigureDefinition("removals", "verified removals (enforcement_removals.departed_at)"),
    FigureDefinition(
        "removals_convicted", "removals of persons with a level (a conviction)", "removals"
    ),
    FigureDefinition(
        "citizenship_reviews_opened",
        "citizenship reviews opened (opened_at): every indicator of U.S. citizenship",
        "matches",
    ),
    FigureDefinition("citizenship_reviews_resolved", "citizenship reviews resolved (resolved_at)"),
    FigureDefinition(
        "citizenship_established",
        "reviews resolved with citizenship established",
        "citizenship_reviews_resolved",
    ),
)
_ORDER = {d.key: i for i, d in enumerate(DEFINITIONS)}
_DENOMINATOR = {d.key: d.denominator for d in DEFINITIONS}


@dataclass(frozen=True)
class StatisticRow:
    month: str  # YYYY-MM
    geography: str  # national | state | county
    area: str  # "US", a state code, or a county code (state + 3 characters)
    figure: str
    value: int
    denominator: int | None

    @property
    def share(self) -> float | None:
        if self.denominator is None or self.denominator == 0:
            return None
        return self.value / self.denominator


def _month(at: datetime) -> str:
    return f"{at.year:04d}-{at.month:02d}"


def _areas(ori: str) -> Iterable[tuple[str, str]]:
    code = ori.strip().upper()
    yield "national", "US"
    yield "state", code[:2]
    yield "county", code[:5]


Event = tuple[str, datetime | None, str]  # (figure, when, ORI)


def _events(conn: Connection) -> Iterable[Event]:
    for at, ori in conn.execute(select(Submission.received_at, Submission.ori)):
        yield "submissions", at, ori
    case_ori = dict(conn.execute(select(Case.id, Case.facility_ori)).all())
    level_of = dict(conn.execute(select(Case.id, Case.level)).all())
    # A case without a conviction level (None) counts as "matches_no_conviction".
    level_keys: dict[int | None, str] = {
        1: "matches_level_1",
        2: "matches_level_2",
        3: "matches_level_3",
    }
    for at, ori, level in conn.execute(select(Case.opened_at, Case.facility_ori, Case.level)):
        yield "matches", at, ori
        yield level_keys.get(level, "matches_no_conviction"), at, ori
    for at, ori in conn.execute(select(CaseBooking.booked_at, CaseBooking.facility_ori)):
        yield "matches_rebooked", at, ori
    for cid, at, confirmed in conn.execute(
        select(
            IdentityVerification.case_id,
            IdentityVerification.decided_at,
            IdentityVerification.confirmed,
        )
    ):
        yield "verifications", at, case_ori[cid]
        if not confirmed:
            yield "matches_rejected_by_examiner", at, case_ori[cid]
    answer_keys = {
        JailAnswer.HONOURED: "detainers_honoured",
        JailAnswer.NOTIFY_ONLY: "detainers_notify_only",
        JailAnswer.DECLINED: "detainers_declined",
    }
    for cid, issued, answer, answered in conn.execute(
        select(
            Detainer.case_id, Detainer.issued_at, Detainer.jail_answer, Detainer.jail_answered_at
        )
    ):
        yield "detainers_issued", issued, case_ori[cid]
        if answer is not None:
            yield "detainer_answers", answered, case_ori[cid]
            yield answer_keys[JailAnswer(answer)], answered, case_ori[cid]
    for cid, kind, at in conn.execute(
        select(ChargingDocument.case_id, ChargingDocument.kind, ChargingDocument.served_at)
    ):
        yield "charging_documents", at, case_ori[cid]
        k = ChargingKind(kind)
        if k is ChargingKind.NOTICE_TO_APPEAR:
            yield "notices_to_appear", at, case_ori[cid]
        elif k in SUMMARY_CHARGING:
            yield "summary_charging", at, case_ori[cid]
    custody_keys = {
        CustodyKind.DETAIN: "custody_detained",
        CustodyKind.BOND: "custody_bond",
        CustodyKind.OWN_RECOGNIZANCE: "custody_own_recognizance",
        CustodyKind.ALTERNATIVES_TO_DETENTION: "custody_alternatives",
    }
    for cid, custody_kind, at in conn.execute(
        select(CustodyDecision.case_id, CustodyDecision.kind, CustodyDecision.decided_at)
    ):
        yield "custody_decisions", at, case_ori[cid]
        yield custody_keys[CustodyKind(custody_kind)], at, case_ori[cid]
    for cid, at in conn.execute(select(RemovalRecord.case_id, RemovalRecord.departed_at)):
        yield "removals", at, case_ori[cid]
        if level_of[cid] is not None:
            yield "removals_convicted", at, case_ori[cid]
    for cid, opened, outcome, resolved in conn.execute(
        select(
            CitizenshipReview.case_id,
            CitizenshipReview.opened_at,
            CitizenshipReview.outcome,
            CitizenshipReview.resolved_at,
        )
    ):
        yield "citizenship_reviews_opened", opened, case_ori[cid]
        if outcome is not None:
            yield "citizenship_reviews_resolved", resolved, case_ori[cid]
            if ReviewFinding(outcome) is ReviewFinding.CITIZENSHIP_ESTABLISHED:
                yield "citizenship_established", resolved, case_ori[cid]


def _months(first: str, last: str) -> list[str]:
    """Every YYYY-MM from ``first`` to ``last`` inclusive."""
    year, month = int(first[:4]), int(first[5:])
    out = []
    while (key := f"{year:04d}-{month:02d}") <= last:
        out.append(key)
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out


def compute_statistics(conn: Connection) -> list[StatisticRow]:
    """Every figure, by month and geography, in report order.

    A zero is written, not left out: every month from the first to the last event has every
    national figure, and every state and county with any event in a month has every figure for
    that month, so a missing row never has to be read as a zero.
    """
    counts: Counter[tuple[str, str, str, str]] = Counter()
    for figure, at, ori in _events(conn):
        if at is None:
            continue
        for geography, area in _areas(ori):
            counts[(_month(at), geography, area, figure)] += 1
    places = {(month, geography, area) for month, geography, area, _ in counts}
    if places:
        months = sorted(month for month, _, _ in places)
        places |= {(m, "national", "US") for m in _months(months[0], months[-1])}
    rows = []
    for month, geography, area in places:
        for definition in DEFINITIONS:
            value = counts.get((month, geography, area, definition.key), 0)
            den_key = definition.denominator
            den = None if den_key is None else counts.get((month, geography, area, den_key), 0)
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
