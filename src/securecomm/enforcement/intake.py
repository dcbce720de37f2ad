"""Opening a case from a match notice (idempotent on the booking's ORI and TCN).

The case starts in ``match_received`` with the criminal history snapshot it will be levelled
from.  Two things happen at once, both audited: a prior removal in the immigration history opens
a reentry referral, and any citizenship record in it opens the citizenship gate.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

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
from securecomm.enforcement.models import Case, CaseOffense
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


def open_case_from_match(
    session: Session,
    clock: Clock,
    principal: Principal,
    notice: MatchNotice,
    criminal_history: Sequence[CriminalHistoryEvent] = (),
    immigration_history: Sequence[ImmigrationHistoryEvent] = (),
) -> Case:
    """The case for this booking: the existing one, or a new one in ``match_received``."""
    require(principal, Permission.OPEN_CASE)
    existing = session.execute(
        select(Case).where(
            Case.booking_ori == notice.booking_ori, Case.booking_tcn == notice.booking_tcn
        )
    ).scalar_one_or_none()
    if existing is not None:
        return existing
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
        offenses=offense_rows(criminal_history),
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
    refer_reentry(session, clock, principal, case, immigration_history)
    indicators = indicators_in(list(immigration_history))
    if indicators:
        kind, source = indicators[0]
        open_gate(session, clock, principal, case, kind, source)
    return case
