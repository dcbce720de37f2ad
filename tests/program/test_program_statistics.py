"""The statistics report equals hand-counted figures on a small database, byte-identically."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from securecomm.enforcement.inputs import Disposition, Jurisdiction
from securecomm.enforcement.models import (
    Case,
    CaseBooking,
    CaseOffense,
    ChargingDocument,
    CitizenshipReview,
    CustodyDecision,
    Detainer,
    IdentityVerification,
    RemovalRecord,
)
from securecomm.enforcement.vocabulary import (
    CaseState,
    ChargingKind,
    CitizenshipIndicatorKind,
    CustodyKind,
    DetainerStatus,
    JailAnswer,
    ReviewFinding,
)
from securecomm.interop.submissions import Submission, SubmissionState
from securecomm.program.statistics import (
    DEFINITIONS,
    StatisticRow,
    compute_statistics,
    to_csv,
    to_html,
)
from securecomm.records.agencies import Agency, AgencyKind
from securecomm.store.database import Base, make_engine

TX = "TX1010000"
CA = "CA0190000"  # not in the agency registry: its county is unknown


def t(month: int, day: int) -> datetime:
    return datetime(2011, month, day, 12, 0, tzinfo=UTC)


def _case(n: int, ori: str, opened: datetime, level: int | None) -> Case:
    """A case whose criminal-history snapshot has one conviction of ``level`` (none if None)."""
    offenses = [] if level is None else [
        CaseOffense(ncic_code="1315", disposition=Disposition.CONVICTED, offense_date=opened.date(),
                    jurisdiction=Jurisdiction.STATE, level=level)
    ]  # fmt: skip
    return Case(
        case_number=f"C-{n}",
        state=CaseState.MATCH_RECEIVED,
        booking_ori=ori,
        booking_tcn=f"T{n}",
        facility_ori=ori,
        field_office="HOU",
        subject_fin=f"F{n}",
        candidate_score=9.0,
        paired_minutiae_ref="ref",
        booked_at=opened,
        opened_at=opened,
        updated_at=opened,
        level=level,
        offenses=offenses,
    )


def _agency(ori: str, county: str) -> Agency:
    return Agency(ori=ori, name=f"{county} JAIL", state=ori[:2], county=county,
                  kind=AgencyKind.JAIL, created_at=t(1, 1))  # fmt: skip


@pytest.fixture()
def engine(tmp_path: Path):  # type: ignore[no-untyped-def]
    engine = make_engine(f"sqlite:///{tmp_path / 'stats.db'}")
    Base.metadata.create_all(engine)
    with Session(engine) as s, s.begin():
        s.add(_agency(TX, "HARRIS COUNTY"))
        for i, (ori, when) in enumerate(
            [(TX, t(3, 1)), (TX, t(3, 2)), (CA, t(3, 3)), (TX, t(4, 1))]
        ):
            s.add(
                Submission(
                    ori=ori,
                    tcn=f"S{i}",
                    tot="CAR",
                    raw=b"x",
                    sha256="0" * 64,
                    size=1,
                    state=SubmissionState.COMPLETED,
                    received_at=when,
                )
            )
        a, b, c = _case(1, TX, t(3, 5), 1), _case(2, TX, t(3, 20), None), _case(3, CA, t(4, 2), 2)
        s.add_all([a, b, c])
        s.flush()
        for case, ok, when in ((a, True, t(3, 5)), (b, True, t(3, 20)), (c, False, t(4, 2))):
            s.add(
                IdentityVerification(
                    case_id=case.id,
                    confirmed=ok,
                    officer="o",
                    decided_at=when,
                    paired_minutiae_ref="r",
                    paired_minutiae_count=14,
                )
            )
        for case, n, issued, answer, answered in (
            (a, "D1", t(3, 6), JailAnswer.HONOURED, t(3, 7)),
            (b, "D2", t(3, 21), JailAnswer.DECLINED, t(4, 1)),
        ):
            s.add(
                Detainer(
                    number=n,
                    case_id=case.id,
                    status=DetainerStatus.ISSUED,
                    bases=["x"],
                    basis_evidence="e",
                    issued_by="o",
                    issued_at=issued,
                    notice_language="en",
                    jail_answer=answer,
                    jail_answered_at=answered,
                )
            )
        # Case a's person is booked again in April, in California: a match, not a new case.
        s.add(
            CaseBooking(
                case_id=a.id,
                booking_ori=CA,
                booking_tcn="R1",
                facility_ori=CA,
                booked_at=t(4, 10),
                attached_at=t(4, 10),
                candidate_score=9.0,
            )
        )
        s.add(
            ChargingDocument(
                case_id=a.id,
                kind=ChargingKind.NOTICE_TO_APPEAR,
                allegations=[],
                charges=[],
                served_by="o",
                served_at=t(3, 8),
            )
        )
        s.add(
            CustodyDecision(
                case_id=a.id,
                kind=CustodyKind.DETAIN,
                flight_risk="high",
                public_safety_risk="high",
                risk_rationale="L1",
                decided_by="o",
                decided_at=t(3, 9),
            )
        )
        s.add(
            RemovalRecord(
                case_id=a.id,
                departed_at=t(4, 15),
                port="p",
                destination_country="X",
                verified_by="o",
                verification_reference="v",
            )
        )
        s.add(
            CitizenshipReview(
                case_id=b.id,
                indicator=CitizenshipIndicatorKind.CLAIM_IN_INTERVIEW,
                source="interview",
                opened_by="o",
                opened_at=t(3, 22),
                outcome=ReviewFinding.CITIZENSHIP_ESTABLISHED,
                resolved_at=t(4, 3),
            )
        )
    return engine


def _figures(rows: list[StatisticRow], month: str, area: str) -> dict[str, tuple[int, int | None]]:
    """The non-zero figures of one month and area."""
    return {
        r.figure: (r.value, r.denominator)
        for r in rows
        if r.month == month and r.area == area and r.value
    }


def test_figures_equal_hand_counts(engine) -> None:  # type: ignore[no-untyped-def]
    with engine.connect() as conn:
        rows = compute_statistics(conn)
    assert _figures(rows, "2011-03", "US") == {
        "submissions": (3, None),
        "matches": (2, 3),
        "matches_level_1": (1, 2),
        "matches_no_conviction": (1, 2),
        "matches_no_criminal_record": (1, 2),  # case b: no offense at all
        "matches_level_1_detainer": (1, 1),
        "matches_level_1_removed": (1, 1),  # removed in April, a case opened in March
        "matches_no_criminal_record_detainer": (1, 1),
        "matches_no_criminal_record_open": (1, 1),
        "verifications": (2, 2),
        "matches_verified": (2, 2),
        "detainers_issued": (2, 2),
        "detainers_now_issued": (2, 2),
        "detainer_answers": (1, None),
        "detainers_honoured": (1, 1),
        "charging_documents": (1, None),
        "notices_to_appear": (1, 1),
        "custody_decisions": (1, None),
        "custody_detained": (1, 1),
        "citizenship_reviews_opened": (1, 2),
    }
    assert _figures(rows, "2011-04", "US") == {
        "submissions": (1, None),
        "matches": (1, 1),
        "matches_level_2": (1, 1),
        "matches_level_2_open": (1, 1),
        "matches_rebooked": (1, 1),
        "verifications": (1, 1),
        "matches_rejected_by_examiner": (1, 1),
        "detainer_answers": (1, None),
        "detainers_declined": (1, 1),
        "removals": (1, None),
        "removals_convicted": (1, 1),
        "citizenship_reviews_resolved": (1, None),
        "citizenship_established": (1, 1),
    }
    # By state and county (the agency record's county; "unknown county" when not registered).
    assert _figures(rows, "2011-03", "TX")["submissions"] == (2, None)
    assert _figures(rows, "2011-03", "HARRIS COUNTY, TX")["matches"] == (2, 2)
    assert _figures(rows, "2011-03", "CA") == {"submissions": (1, None)}
    assert _figures(rows, "2011-04", "unknown county, CA")["matches"] == (1, 0)
    assert _figures(rows, "2011-04", "unknown county, CA")["matches_rebooked"] == (1, 0)
    share = next(
        r for r in rows if r.month == "2011-03" and r.area == "US" and r.figure == "matches"
    )
    assert share.share == pytest.approx(2 / 3)


def test_report_is_byte_identical_and_defined(engine) -> None:  # type: ignore[no-untyped-def]
    with engine.connect() as conn:
        first = (to_csv(compute_statistics(conn)), to_html(compute_statistics(conn)))
    with engine.connect() as conn:
        second = (to_csv(compute_statistics(conn)), to_html(compute_statistics(conn)))
    assert first == second
    csv_text, html_text = first
    assert csv_text.splitlines()[0].startswith("month,geography,area,figure,value")
    assert "2011-03,national,US,matches,2,submissions,3,0.6667" in csv_text
    for d in DEFINITIONS:
        assert d.key in html_text
    assert "<script" not in html_text


def test_cli_writes_the_same_report(engine, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from typer.testing import CliRunner

    from securecomm.cli.main import app

    out = tmp_path / "report"
    result = CliRunner().invoke(
        app, ["plan", "stats", "--out", str(out), "--database-url", str(engine.url)]
    )
    assert result.exit_code == 0, result.output
    with engine.connect() as conn:
        expected = to_csv(compute_statistics(conn))
    assert (out / "statistics.csv").read_text(encoding="utf-8") == expected
    assert (out / "statistics.html").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert "citizenship_established" in (out / "definitions.csv").read_text(encoding="utf-8")


def test_zeros_are_written_not_left_out(engine) -> None:  # type: ignore[no-untyped-def]
    with Session(engine) as s, s.begin():  # a submission in June leaves May without events
        s.add(Submission(ori=TX, tcn="S9", tot="CAR", raw=b"x", sha256="0" * 64, size=1,
                         state=SubmissionState.COMPLETED, received_at=t(6, 1)))  # fmt: skip
    with engine.connect() as conn:
        rows = compute_statistics(conn)
    keys = [d.key for d in DEFINITIONS]
    local_keys = [d.key for d in DEFINITIONS if "state" in d.geographies]
    assert "refusals" in keys and "refusals" not in local_keys  # national only
    may = [r for r in rows if r.month == "2011-05"]
    assert [r.figure for r in may] == keys and {r.area for r in may} == {"US"}
    assert all(r.value == 0 for r in may)
    # California had a submission in March and nothing else: every figure is there, zeros too.
    california = {r.figure: (r.value, r.denominator) for r in rows
                  if r.month == "2011-03" and r.area == "CA"}  # fmt: skip
    assert list(california) == local_keys
    assert california["matches"] == (0, 1) and california["detainers_issued"] == (0, 0)
    assert not any(r.month == "2011-05" and r.area == "TX" for r in rows)


def test_counties_come_from_the_agency_record_not_the_ori(engine) -> None:  # type: ignore[no-untyped-def]
    """Two jails whose ORIs share their first five characters are two counties if their
    records say so (the population generator numbers its jails TX0001000, TX0002000 …)."""
    with Session(engine) as s, s.begin():
        s.add_all([_agency("TX0001000", "ALPHA COUNTY"), _agency("TX0002000", "BETA COUNTY")])
        for i, ori in enumerate(("TX0001000", "TX0002000", "TX0002000")):
            s.add(Submission(ori=ori, tcn=f"P{i}", tot="CAR", raw=b"x", sha256="0" * 64, size=1,
                             state=SubmissionState.COMPLETED, received_at=t(5, 1)))  # fmt: skip
    with engine.connect() as conn:
        rows = compute_statistics(conn)
    counties = {
        r.area: r.value
        for r in rows
        if (r.month, r.geography, r.figure) == ("2011-05", "county", "submissions")
    }
    assert counties == {"ALPHA COUNTY, TX": 1, "BETA COUNTY, TX": 2}
