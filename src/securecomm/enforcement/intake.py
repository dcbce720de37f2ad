"""Taking a match notice into case work (idempotent on the booking's ORI and TCN).

A person has at most one open case: a match for someone whose case is still open (same FIN)
joins that case as a later booking instead of opening a second one.  Otherwise a new case starts
in ``match_received`` with the criminal history snapshot it will be levelled from.  Either way,
and audited: a prior removal in the immigration history opens a reentry referral, and any
citizenship record in it opens the citizenship gate — a re-booking's newer records count too.
A re-booking does not change a case's level (that is assessed by an officer, from convictions);
its convictions and pending charges are recorded with the booking for the officer to see.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from securecomm.clock import Clock
from securecomm.enforcement import audit
from securecomm.enforcement.citizenship import indicators_in, open_gate
from securecomm.enforcement.inputs import (
    CriminalHistoryEvent,
    Disposition,
    ImmigrationHistoryEvent,
    MatchNotice,
)
from securecomm.enforcement.levels import assess_level, conviction_level, load_level_table
from securecomm.enforcement.lifecycle import OPEN_STATES
from securecomm.enforcement.models import Case, CaseBooking, CaseOffense
from securecomm.enforcement.parameters import CASE_NUMBER_PREFIX
from securecomm.enforcement.reentry import refer_reentry
from securecomm.enforcement.roles import Permission, Principal, require
from securecomm.enforcement.vocabulary import CaseState


def pending_summary(events: Iterable[CriminalHistoryEvent]) -> list[dict[str, object]]:
    return [
        {"ncic_code": e.ncic_code, "date": e.date.isoformat(), "description": e.description}
        for e in events
        if e.disposition is Disposition.PENDING
    ]


def offense_rows(events: Sequence[CriminalHistoryEvent]) -> list[CaseOffense]:
    """The snapshot rows; an unknown NCIC code is refused here, naming the event."""
    table = load_level_table()
    assess_level(events, table)  # validates every code against the table
    return [
        CaseOffense(
            ncic_code=e.ncic_code,
            disposition=e.disposition,
            offense_date=e.date,
            sentence_days=e.sentence_days,
            jurisdiction=e.jurisdiction,
            level=(
                int(conviction_level(e, table).level)
                if e.disposition is Disposition.CONVICTED
                else None
            ),
        )
        for e in events
    ]


class IntakeOutcome(enum.StrEnum):
    OPENED = "opened"  # a new case
    ATTACHED = "attached"  # a later booking joined the person's open case
    KNOWN = "known"  # this booking was taken before (a repeated notice)


@dataclass(frozen=True)
class Intake:
    case: Case
    outcome: IntakeOutcome
    #: Whether this intake opened the citizenship gate (a citizenship record in its history).
    gate_opened: bool = False


def open_case_from_match(
    session: Session,
    clock: Clock,
    principal: Principal,
    notice: MatchNotice,
    criminal_history: Sequence[CriminalHistoryEvent] = (),
    immigration_history: Sequence[ImmigrationHistoryEvent] = (),
) -> Case:
    """The case for this booking: see :func:`take_match`."""
    return take_match(session, clock, principal, notice, criminal_history, immigration_history).case


def take_match(
    session: Session,
    clock: Clock,
    principal: Principal,
    notice: MatchNotice,
    criminal_history: Sequence[CriminalHistoryEvent] = (),
    immigration_history: Sequence[ImmigrationHistoryEvent] = (),
) -> Intake:
    """The case this booking belongs to: the one it was taken into before, the person's open
    case (the booking joins it), or a new one in ``match_received``."""
    require(principal, Permission.OPEN_CASE)
    known = _case_of_booking(session, notice.booking_ori, notice.booking_tcn)
    if known is not None:
        return Intake(known, IntakeOutcome.KNOWN)
    offenses = offense_rows(criminal_history)  # validates the codes before anything is written
    open_case = _open_case_of(session, notice.subject.fin)
    if open_case is not None:
        _attach_booking(session, clock, principal, open_case, notice, criminal_history)
        gate = _apply_immigration_history(session, clock, principal, open_case, immigration_history)
        return Intake(open_case, IntakeOutcome.ATTACHED, gate)
    case = _open_case(session, clock, principal, notice, criminal_history, offenses)
    gate = _apply_immigration_history(session, clock, principal, case, immigration_history)
    return Intake(case, IntakeOutcome.OPENED, gate)


def _case_of_booking(session: Session, ori: str, tcn: str) -> Case | None:
    case = session.execute(
        select(Case).where(Case.booking_ori == ori, Case.booking_tcn == tcn)
    ).scalar_one_or_none()
    if case is not None:
        return case
    later = session.execute(
        select(CaseBooking).where(CaseBooking.booking_ori == ori, CaseBooking.booking_tcn == tcn)
    ).scalar_one_or_none()
    return later.case if later is not None else None


def _open_case_of(session: Session, fin: str) -> Case | None:
    """The person's open case, if any (the oldest, should there ever be two)."""
    if not fin.strip():
        return None
    return (
        session.execute(
            select(Case)
            .where(Case.subject_fin == fin, Case.state.in_(OPEN_STATES))
            .order_by(Case.id)
        )
        .scalars()
        .first()
    )


def _attach_booking(
    session: Session,
    clock: Clock,
    principal: Principal,
    case: Case,
    notice: MatchNotice,
    criminal_history: Sequence[CriminalHistoryEvent],
) -> None:
    now = clock.now()
    booking = CaseBooking(
        case_id=case.id,
        booking_ori=notice.booking_ori,
        booking_tcn=notice.booking_tcn,
        facility_ori=notice.facility_ori,
        facility_name=notice.facility_name,
        booked_at=notice.booked_at,
        attached_at=now,
        candidate_score=notice.ident.candidate_score,
        conviction_codes=[
            e.ncic_code for e in criminal_history if e.disposition is Disposition.CONVICTED
        ],
        pending_charges=pending_summary(criminal_history),
    )
    session.add(booking)
    case.updated_at = now
    session.flush()
    audit.record(
        session,
        clock,
        principal,
        "case.booking_attached",
        case.case_number,
        {
            "booking": f"{notice.booking_ori}/{notice.booking_tcn}",
            "facility_ori": notice.facility_ori,
            "case_state": case.state.value,
            "fin": notice.subject.fin,
            "candidate_score": notice.ident.candidate_score,
            "convictions": len(booking.conviction_codes),
            "pending_charges": len(booking.pending_charges),
        },
    )


def _apply_immigration_history(
    session: Session,
    clock: Clock,
    principal: Principal,
    case: Case,
    immigration_history: Sequence[ImmigrationHistoryEvent],
) -> bool:
    """Apply the reentry referral and the citizenship gate; True when this opened the gate."""
    refer_reentry(session, clock, principal, case, immigration_history)
    indicators = indicators_in(list(immigration_history))
    if indicators and case.state is not CaseState.CITIZENSHIP_REVIEW:
        kind, source = indicators[0]
        open_gate(session, clock, principal, case, kind, source)
        return True
    return False


def _open_case(
    session: Session,
    clock: Clock,
    principal: Principal,
    notice: MatchNotice,
    criminal_history: Sequence[CriminalHistoryEvent],
    offenses: list[CaseOffense],
) -> Case:
    now = clock.now()
    subject = notice.subject
    case = Case(
        case_number=f"pending-{notice.booking_ori}-{notice.booking_tcn}"[:24],
        state=CaseState.MATCH_RECEIVED,
        booking_ori=notice.booking_ori,
        booking_tcn=notice.booking_tcn,
        facility_ori=notice.facility_ori,
        facility_name=notice.facility_name,
        field_office=notice.field_office,
        subject_fin=subject.fin,
        subject_fbi_number=subject.fbi_number,
        subject_name=subject.name,
        subject_date_of_birth=subject.date_of_birth,
        subject_language=subject.language,
        ident_summary=notice.ident.summary,
        candidate_score=notice.ident.candidate_score,
        paired_minutiae_ref=notice.ident.paired_minutiae_ref,
        booked_at=notice.booked_at,
        opened_at=now,
        updated_at=now,
        pending_charges=pending_summary(criminal_history),
        offenses=offenses,
    )
    session.add(case)
    session.flush()
    case.case_number = f"{CASE_NUMBER_PREFIX}-{now.year}-{case.id:06d}"
    session.flush()
    audit.record(
        session,
        clock,
        principal,
        "case.opened",
        case.case_number,
        {
            "booking": f"{notice.booking_ori}/{notice.booking_tcn}",
            "facility_ori": notice.facility_ori,
            "field_office": notice.field_office,
            "fin": subject.fin,
            "candidate_score": notice.ident.candidate_score,
            "paired_minutiae_ref": notice.ident.paired_minutiae_ref,
            "criminal_history_events": len(criminal_history),
        },
    )
    return case
