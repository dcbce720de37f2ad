"""Officer review of the person: in person, by video teleconference, or by phone.

Video interviews follow the DEPORT model used for federal prisons (an officer in a central
location interviews by video).  Every interview records its language and interpreter; an
interview in a language other than English needs an interpreter.  A claim of U.S. citizenship
in an interview opens the citizenship gate at once.  The language of the conducted interview
becomes the case's notice language (booking records do not carry it).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from securecomm.clock import Clock
from securecomm.enforcement import audit
from securecomm.enforcement.citizenship import open_gate
from securecomm.enforcement.errors import (
    CitizenshipGateError,
    EvidenceRequiredError,
    InputError,
    UnknownCaseError,
    VerificationRequiredError,
)
from securecomm.enforcement.lifecycle import OPEN_STATES, apply_transition
from securecomm.enforcement.lookup import authorize, load_case
from securecomm.enforcement.models import Case, Interview
from securecomm.enforcement.parameters import INTERVIEW_EARLY_TOLERANCE
from securecomm.enforcement.roles import Permission, Principal
from securecomm.enforcement.vocabulary import Action, CitizenshipIndicatorKind, InterviewMode


def _may_interview(case: Case) -> None:
    """Interviews follow verification and stop while the citizenship gate is open."""
    if case.state not in OPEN_STATES:
        raise InputError(f"case {case.case_number} is closed ({case.state.value})")
    if case.identity_verified_at is None:
        raise VerificationRequiredError(
            f"case {case.case_number}: no officer has verified the biometric match; no "
            "interview before that"
        )
    if case.citizenship_gate_open:
        raise CitizenshipGateError(
            f"case {case.case_number}: a citizenship indicator is under review; no interview "
            "until a supervisor and counsel review it"
        )


def schedule_interview(
    session: Session,
    clock: Clock,
    principal: Principal,
    case_number: str,
    *,
    mode: InterviewMode | str,
    scheduled_at: datetime,
    language: str,
    interpreter: str = "",
) -> Interview:
    case = load_case(session, case_number)
    authorize(session, clock, principal, Permission.INTERVIEW, case)
    _may_interview(case)
    if scheduled_at.tzinfo is None:
        raise InputError("interview.scheduled_at must be timezone-aware (UTC)")
    language = language.strip().lower()
    if not language:
        raise InputError("interview.language is required")
    if language != "en" and not interpreter.strip():
        raise EvidenceRequiredError(
            f"case {case_number}: an interview in {language!r} needs an interpreter"
        )
    interview = Interview(
        case_id=case.id,
        mode=InterviewMode(mode),
        scheduled_at=scheduled_at,
        language=language,
        interpreter=interpreter,
        officer=principal.user_id,
    )
    session.add(interview)
    session.flush()
    audit.record(
        session,
        clock,
        principal,
        "interview.scheduled",
        case_number,
        {"interview_id": interview.id, "mode": interview.mode, "at": scheduled_at,
         "language": language, "interpreter": interpreter},
    )  # fmt: skip
    return interview


def _hours(delta: timedelta) -> str:
    minutes = int(delta.total_seconds() // 60)
    return f"{minutes // 60} h {minutes % 60:02d} min" if minutes >= 60 else f"{minutes} min"


def conduct_interview(
    session: Session,
    clock: Clock,
    principal: Principal,
    case_number: str,
    interview_id: int,
    *,
    citizenship_claimed: bool,
    notes: str = "",
) -> Interview:
    """Record the interview; a claim of citizenship opens the gate."""
    case = load_case(session, case_number)
    authorize(session, clock, principal, Permission.INTERVIEW, case)
    interview = session.get(Interview, interview_id)
    if interview is None or interview.case_id != case.id:
        raise UnknownCaseError(f"case {case_number} has no interview {interview_id}")
    _may_interview(case)
    if interview.conducted_at is not None:
        raise InputError(
            f"case {case_number}: interview {interview_id} was already recorded as conducted "
            f"at {interview.conducted_at:%Y-%m-%d %H:%M} UTC"
        )
    early = interview.scheduled_at - clock.now()
    if early > INTERVIEW_EARLY_TOLERANCE:
        raise InputError(
            f"case {case_number}: interview {interview_id} is scheduled for "
            f"{interview.scheduled_at:%Y-%m-%d %H:%M} UTC, {_hours(early)} from now; record it "
            "as conducted once it has taken place, or schedule a new interview for the time it "
            "really takes place"
        )
    interview.conducted_at = clock.now()
    interview.citizenship_claimed = citizenship_claimed
    interview.notes = notes
    # The language the person was interviewed in is the language of their notices.
    case.subject_language = interview.language
    audit.record(
        session,
        clock,
        principal,
        "interview.conducted",
        case_number,
        {
            "interview_id": interview_id,
            "citizenship_claimed": citizenship_claimed,
            "language": interview.language,
        },
    )
    if citizenship_claimed:
        open_gate(
            session,
            clock,
            principal,
            case,
            CitizenshipIndicatorKind.CLAIM_IN_INTERVIEW,
            f"claim in interview {interview_id} ({interview.mode.value}, {interview.language})",
        )
    return interview


def complete_officer_review(
    session: Session, clock: Clock, principal: Principal, case_number: str, interview_id: int
) -> Case:
    case = load_case(session, case_number)
    apply_transition(
        session,
        case,
        Action.COMPLETE_OFFICER_REVIEW,
        principal,
        clock,
        evidence={"interview_id": interview_id},
    )
    return case
