"""Helpers for case-work tests: principals, match notices, histories, and a flow driver."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime, timedelta
from typing import TypeVar

from sqlalchemy.orm import Session

from securecomm.clock import Clock, FixedClock
from securecomm.enforcement.cases import CaseWork
from securecomm.enforcement.commands import (
    AssessPriority,
    CompleteOfficerReview,
    ConductInterview,
    IssueDetainer,
    RecordCounselReview,
    RecordStatusResearch,
    RecordSupervisorReview,
    RequestNotification,
    ScheduleInterview,
    VerifyIdentity,
)
from securecomm.enforcement.inputs import (
    CriminalHistoryEvent,
    Disposition,
    IdentResponse,
    ImmigrationHistoryEvent,
    Jurisdiction,
    MatchNotice,
    SubjectIdentifiers,
)
from securecomm.enforcement.roles import Principal, Role
from securecomm.enforcement.vocabulary import (
    InterviewMode,
    ProbableCauseBasis,
    ReviewFinding,
    StatusFinding,
)
from securecomm.store.database import unit_of_work

R = TypeVar("R")

START = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
JAIL = "TX0570000"
OTHER_JAIL = "CA0190000"
REF = "ident:match/TX0570000-T1/view"

OFFICER = Principal("ice.officer", Role.ICE_OFFICER, office="DAL")
OFFICER_2 = Principal("ice.officer.2", Role.ICE_OFFICER, office="DAL")
SUPERVISOR = Principal("supervisor", Role.SUPERVISOR, office="DAL")
COUNSEL = Principal("counsel", Role.COUNSEL, office="DAL")
LESC = Principal("lesc.specialist", Role.LESC_SPECIALIST)
AUDITOR = Principal("auditor", Role.AUDITOR)
MANAGER = Principal("program.manager", Role.PROGRAM_MANAGER)
BOOKING = Principal("booking.officer", Role.BOOKING_OFFICER, facility_ori=JAIL)
PARTNER = Principal("deputy.287g", Role.PARTNER_287G_OFFICER, facility_ori=JAIL)
PARTNER_ELSEWHERE = Principal("deputy.287g.2", Role.PARTNER_287G_OFFICER, facility_ori=OTHER_JAIL)


def in_transaction(work: CaseWork, fn: Callable[[Session, Clock], R]) -> R:
    """Test set-up, not case work: run ``fn(session, clock)`` in one transaction of ``work``'s
    database (committed on success) and return what it returns."""
    with unit_of_work(work.factory) as session:
        return fn(session, work.clock)


def review_command(
    principal: Principal, case_number: str, *, finding: ReviewFinding | str, reason: str
) -> RecordSupervisorReview:
    """The citizenship-review command of ``principal``'s role: counsel's finding for counsel, the
    supervisor's for anyone else (as ``citizenship.record_review`` chose by the role)."""
    command = RecordCounselReview if principal.role is Role.COUNSEL else RecordSupervisorReview
    return command(case_number, finding=finding, reason=reason)


def notice(
    tcn: str = "T1",
    facility: str = JAIL,
    language: str = "es",
    ref: str = REF,
    fin: str = "",
    field_office: str = "DAL",
) -> MatchNotice:
    return MatchNotice(
        booking_ori=facility,
        booking_tcn=tcn,
        facility_ori=facility,
        facility_name="County Jail",
        field_office=field_office,
        subject=SubjectIdentifiers(
            fin=fin or f"FIN-{tcn}", fbi_number=f"FBI{tcn}", name="Subject Example",
            date_of_birth=date(1990, 1, 1), language=language,
        ),
        ident=IdentResponse(summary="IDENT hit: 2 encounters", candidate_score=412.0,
                            paired_minutiae_ref=ref, encounter_count=2),
        booked_at=START - timedelta(hours=3),
    )  # fmt: skip


def conviction(code: str, sentence: int | None = None, on: date = date(2019, 6, 1)):
    return CriminalHistoryEvent(code, Disposition.CONVICTED, on, sentence, Jurisdiction.STATE)


def pending(code: str) -> CriminalHistoryEvent:
    return CriminalHistoryEvent(code, Disposition.PENDING, date(2026, 3, 1))


class Flow:
    """Drives a case along the main path, step by step."""

    def __init__(self, work: CaseWork, clock: FixedClock) -> None:
        self.work, self.clock = work, clock

    def open(
        self,
        tcn: str = "T1",
        history: Sequence[CriminalHistoryEvent] = (),
        immigration: Sequence[ImmigrationHistoryEvent] = (),
        **kwargs: str,
    ) -> str:
        case = self.work.open_case_from_match(notice(tcn, **kwargs), history, immigration)
        return case.case_number

    def verified(self, tcn: str = "T1", **kwargs: object) -> str:
        cn = self.open(tcn, **kwargs)  # type: ignore[arg-type]
        self.work.handle(
            VerifyIdentity(
                cn, paired_minutiae_ref=notice(tcn).ident.paired_minutiae_ref
                if "ref" not in kwargs else str(kwargs["ref"]), paired_minutiae_count=14,
            ),
            OFFICER,
        )  # fmt: skip
        return cn

    def researched(self, tcn: str = "T1", finding=StatusFinding.NO_LAWFUL_STATUS_ON_RECORD,
                   **kwargs: object) -> str:  # fmt: skip
        cn = self.verified(tcn, **kwargs)
        self.work.handle(
            RecordStatusResearch(
                cn, finding=finding, record_references=["EID encounter 2019-04-02: EWI"]
            ),
            LESC,
        )
        return cn

    def reviewed(self, tcn: str = "T1", **kwargs: object) -> str:
        kwargs.setdefault("history", [conviction("2303"), pending("1313")])
        language = str(kwargs.get("language", "es"))
        cn = self.researched(tcn, **kwargs)
        self.work.handle(AssessPriority(cn), LESC)
        interview = self.work.handle(
            ScheduleInterview(
                cn, mode=InterviewMode.VIDEO, scheduled_at=self.clock.now() + timedelta(hours=1),
                language=language, interpreter="" if language == "en" else "Lionbridge #4411",
            ),
            OFFICER,
        )  # fmt: skip
        self.work.handle(
            ConductInterview(cn, interview_id=interview.id, citizenship_claimed=False), OFFICER
        )
        self.work.handle(CompleteOfficerReview(cn, interview_id=interview.id), OFFICER)
        return cn

    def detained_request(self, tcn: str = "T1", principal: Principal = OFFICER,
                         **kwargs: object) -> str:  # fmt: skip
        cn = self.reviewed(tcn, **kwargs)
        self.work.handle(
            IssueDetainer(
                cn, bases=[ProbableCauseBasis.BIOMETRIC_MATCH_AND_RECORDS],
                basis_evidence="IDENT match verified; EID shows entry without inspection 2019",
                release_eligible_at=self.clock.now() + timedelta(days=2),
            ),
            principal,
        )  # fmt: skip
        return cn

    def notification(self, tcn: str = "T1") -> str:
        cn = self.reviewed(tcn)
        self.work.handle(RequestNotification(cn, reason="policy"), OFFICER)
        return cn
