"""Taking the field office's notices from the booking pipeline (``securecomm.interop``).

The pipeline leaves one ``FieldOfficeNotice`` per match, with the LESC's status research as
JSON; its IDENT data response (IDR) and the IAQ are in the outbox.  This adapter maps them onto
the plain inputs of case work; the worker's ``field_office.notice`` step
(``enforcement.pipeline_steps``) opens the case and marks the notice taken (``taken_at``,
``case_reference``) in the same transaction, so a notice becomes exactly one case:

* ``MatchNotice``: jail ORI and TCN of the submission, its time of receipt, the field office,
  the FIN and FBI number, name and date of birth from the IAQ, the IDR's best candidate score,
  and ``paired_minutiae_ref = "idr:<message id>/candidate:<subject id>"`` — the examiner view
  the console renders from the submission's prints and that candidate's gallery template;
* ``CriminalHistoryEvent``: each conviction (code, date, sentence) and each pending charge; the
  research does not say which court convicted, so the jurisdiction is ``unknown``;
* ``ImmigrationHistoryEvent``: each status line (citizenship statuses become the indicators that
  open the gate) and each removal (which opens the reentry referral).
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from securecomm import ansinist
from securecomm.enforcement.automatic import MatchWithHistory
from securecomm.enforcement.errors import InputError
from securecomm.enforcement.inputs import (
    CriminalHistoryEvent,
    Disposition,
    IdentResponse,
    ImmigrationEventKind,
    ImmigrationHistoryEvent,
    Jurisdiction,
    MatchNotice,
    SubjectIdentifiers,
)
from securecomm.interop.deliveries import FieldOfficeNotice
from securecomm.interop.outbox import MessageKind, OutboxMessage
from securecomm.interop.submissions import Submission

#: Immigration status lines (records' ``ImmigrationStatus`` values) as history events.
STATUS_EVENTS = {
    "citizen_by_birth": ImmigrationEventKind.US_BIRTH_RECORD,
    "naturalized": ImmigrationEventKind.NATURALISATION,
    "derived_citizen": ImmigrationEventKind.DERIVED_CITIZENSHIP,
    "lawful_permanent_resident": ImmigrationEventKind.LAWFUL_PERMANENT_RESIDENCE,
    "nonimmigrant_visa": ImmigrationEventKind.ADMISSION,
    "refugee_or_asylee": ImmigrationEventKind.ADMISSION,
    "parolee": ImmigrationEventKind.ADMISSION,
}


def _message(session: Session, submission_id: int, kind: MessageKind) -> OutboxMessage | None:
    return (
        session.execute(
            select(OutboxMessage)
            .where(OutboxMessage.submission_id == submission_id, OutboxMessage.kind == kind)
            .order_by(OutboxMessage.id)
        )
        .scalars()
        .first()
    )


def _day(value: str | None, where: str) -> date:
    if not value:
        raise InputError(f"{where}: a date is missing")
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InputError(f"{where}: {value!r} is not an ISO date") from None


def criminal_events(research: dict[str, Any], where: str) -> list[CriminalHistoryEvent]:
    events = [
        CriminalHistoryEvent(
            ncic_code=c["ncic_code"],
            disposition=Disposition.CONVICTED,
            date=_day(c.get("convicted_on"), f"{where} conviction {c['ncic_code']}"),
            sentence_days=c.get("sentence_days"),
            jurisdiction=Jurisdiction.UNKNOWN,
            description=c.get("literal", ""),
        )
        for c in research.get("convictions", [])
    ]
    events += [
        CriminalHistoryEvent(
            ncic_code=p.get("ncic_code") or "",
            disposition=Disposition.PENDING,
            date=_day(p.get("arrested_on"), f"{where} pending charge"),
            description=p.get("literal", ""),
        )
        for p in research.get("pending_charges", [])
    ]
    return events


def immigration_events(research: dict[str, Any], where: str) -> list[ImmigrationHistoryEvent]:
    events = [
        ImmigrationHistoryEvent(
            kind=STATUS_EVENTS[s["status"]],
            date=_day(s.get("effective_on"), f"{where} status {s['status']}"),
            reference=s.get("source_system", ""),
        )
        for s in research.get("statuses", [])
        if s.get("status") in STATUS_EVENTS
    ]
    events += [
        ImmigrationHistoryEvent(
            kind=ImmigrationEventKind.REMOVED,
            date=_day(r.get("removed_on"), f"{where} removal"),
            reference=r.get("source_system", ""),
            details={"destination": r.get("destination", "")},
        )
        for r in research.get("removals", [])
    ]
    return events


def inputs_from_notice(session: Session, notice: FieldOfficeNotice) -> MatchWithHistory:
    """The plain inputs of one field-office notice."""
    where = f"field office notice {notice.id}"
    submission = session.get(Submission, notice.submission_id)
    idr_message = _message(session, notice.submission_id, MessageKind.IDR)
    if submission is None or idr_message is None or not notice.fin:
        raise InputError(f"{where}: its submission, IDENT response or FIN is missing")
    idr = json.loads(idr_message.body)
    candidates = idr.get("candidates") or []
    if not idr.get("match") or not candidates:
        raise InputError(f"{where}: the IDENT response is not a match")
    best = max(candidates, key=lambda c: c["score"])
    iaq_message = _message(session, notice.submission_id, MessageKind.IAQ)
    iaq = ansinist.parse_iaq(iaq_message.body.decode()) if iaq_message else None
    match = MatchNotice(
        booking_ori=submission.ori,
        booking_tcn=submission.tcn,
        facility_ori=notice.jail_ori,
        field_office=notice.field_office_ori,
        subject=SubjectIdentifiers(
            fin=notice.fin,
            fbi_number=notice.fbi_number or "",
            name=iaq.name if iaq else "",
            date_of_birth=iaq.date_of_birth if iaq else None,
        ),
        ident=IdentResponse(
            summary=(
                f"IDENT match FIN {notice.fin}: score {best['score']} (threshold "
                f"{best.get('threshold')}, {best.get('fingers')} fingers), gallery "
                f"{idr.get('gallery_size')}, {len(idr.get('encounters', []))} encounters"
            ),
            candidate_score=float(best["score"]),
            paired_minutiae_ref=f"idr:{idr_message.id}/candidate:{best['subject_id']}",
            encounter_count=len(idr.get("encounters", [])),
        ),
        booked_at=submission.received_at,
    )
    research = notice.research or {}
    return match, criminal_events(research, where), immigration_events(research, where)
