"""Taking the field office's notices from the booking pipeline (``securecomm.interop``).

The pipeline publishes each match as an ``interop.notices.PublishedNotice`` — the booking, the
IDENT response (``ansinist.Idr``), the IAQ and the LESC's ``StatusResearch``, all typed. This
adapter maps one onto the plain inputs of case work; the worker's ``field_office.notice`` step
(``enforcement.pipeline_steps``) opens the case and marks the notice taken in the same
transaction, so a notice becomes exactly one case:

* ``MatchNotice``: jail ORI and TCN of the submission, its time of receipt, the field office,
  the FIN and FBI number, name and date of birth from the IAQ, the IDR's best candidate score,
  and the examiner reference ``idr:<message id>/candidate:<subject id>`` — the view the console
  renders from the submission's prints and that candidate's gallery template;
* ``CriminalHistoryEvent``: each conviction (code, date, sentence) and each pending charge; the
  research does not say which court convicted, so the jurisdiction is ``unknown``;
* ``ImmigrationHistoryEvent``: each status line (citizenship statuses become the indicators that
  open the gate) and each removal (which opens the reentry referral).
"""

from __future__ import annotations

from datetime import date

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
from securecomm.interop.notices import PublishedNotice
from securecomm.interop.research import StatusResearch

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


def _day(value: str | None, where: str) -> date:
    if not value:
        raise InputError(f"{where}: a date is missing")
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InputError(f"{where}: {value!r} is not an ISO date") from None


def criminal_events(research: StatusResearch, where: str) -> list[CriminalHistoryEvent]:
    events = [
        CriminalHistoryEvent(
            ncic_code=c.ncic_code,
            disposition=Disposition.CONVICTED,
            date=_day(c.convicted_on, f"{where} conviction {c.ncic_code}"),
            sentence_days=c.sentence_days,
            jurisdiction=Jurisdiction.UNKNOWN,
            description=c.literal,
        )
        for c in research.convictions
    ]
    events += [
        CriminalHistoryEvent(
            ncic_code=p.ncic_code or "",
            disposition=Disposition.PENDING,
            date=_day(p.arrested_on, f"{where} pending charge"),
            description=p.literal,
        )
        for p in research.pending_charges
    ]
    return events


def immigration_events(research: StatusResearch, where: str) -> list[ImmigrationHistoryEvent]:
    events = [
        ImmigrationHistoryEvent(
            kind=STATUS_EVENTS[s.status],
            date=_day(s.effective_on, f"{where} status {s.status}"),
            reference=s.source_system,
        )
        for s in research.statuses
        if s.status in STATUS_EVENTS
    ]
    events += [
        ImmigrationHistoryEvent(
            kind=ImmigrationEventKind.REMOVED,
            date=_day(r.removed_on, f"{where} removal"),
            reference=r.source_system,
            details={"destination": r.destination},
        )
        for r in research.removals
    ]
    return events


def inputs_from_notice(notice: PublishedNotice) -> MatchWithHistory:
    """The plain inputs of one published field-office notice."""
    where = f"field office notice {notice.notice_id}"
    idr, best, iaq = notice.idr, notice.idr.best, notice.iaq
    if best is None:
        raise InputError(f"{where}: the IDENT response names no candidate")
    match = MatchNotice(
        booking_ori=notice.booking_ori,
        booking_tcn=notice.booking_tcn,
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
                f"IDENT match FIN {notice.fin}: score {best.score} (threshold "
                f"{best.threshold}, {best.fingers} fingers), gallery "
                f"{idr.gallery_size}, {len(idr.encounters)} encounters"
            ),
            candidate_score=best.score,
            paired_minutiae_ref=notice.examiner_reference,
            encounter_count=len(idr.encounters),
        ),
        booked_at=notice.booked_at,
    )
    research = notice.research
    return match, criminal_events(research, where), immigration_events(research, where)
