"""Step ``criminal_search``: search the criminal gallery, update the rap sheet, answer the SRE.

A hit adds the arrest to the identity found (the same prints under a new TCN are the same
person). No hit establishes a new identity with a new FBI number and enrols the prints under
``CJIS:SUB<submission id>``. The gallery lives outside the database, so enrolment is the last
thing the step does: if the process dies after enrolling but before committing, the retried
step finds its own subject id in the gallery and takes it as the new identity it was creating.
"""

from __future__ import annotations

import contextlib
from datetime import UTC, datetime, time

from sqlalchemy.orm import Session

from securecomm.afis.search import IdentityExistsError
from securecomm.interop.answers import answer_sre
from securecomm.interop.components import CRIMINAL_GALLERY
from securecomm.interop.context import PipelineContext, TwoPhaseStep
from securecomm.interop.jobs import ClaimedJob, enqueue
from securecomm.interop.rap_sheet import render_rap_sheet
from securecomm.interop.steps.gallery_search import (
    GalleryRecordsMismatch,
    Searched,
    search_gallery,
    to_apply,
)
from securecomm.interop.submissions import SubmissionState, booking_of
from securecomm.records.criminal import ChargeLevel, Sex
from securecomm.records.criminal_repository import ChargeInput, CriminalHistoryRepository
from securecomm.records.provenance import SourceSystem

NEXT_STEP = "immigration_search"


def new_subject_id(submission_id: int) -> str:
    return f"CJIS:SUB{submission_id:010d}"


def split_name(name: str) -> tuple[str, str]:
    """EBTS NAM ``SURNAME, GIVEN MIDDLE`` → (surname, given)."""
    family, _, given = name.partition(",")
    return family.strip() or "UNKNOWN", given.strip() or "UNKNOWN"


def compute_criminal_search(
    context: PipelineContext, session: Session, job: ClaimedJob
) -> Searched:
    return search_gallery(context, session, job, CRIMINAL_GALLERY, SubmissionState.RECEIVED)


def apply_criminal_search(
    context: PipelineContext, session: Session, job: ClaimedJob, searched: Searched
) -> None:
    found = to_apply(session, job, SubmissionState.RECEIVED, searched)
    if found is None:
        return
    submission, result = found
    templates = searched.templates
    engine = context.components.galleries.get(CRIMINAL_GALLERY)
    booking = booking_of(submission)
    repository = CriminalHistoryRepository(session)
    own_subject = new_subject_id(submission.id)
    now = context.clock.now()
    identity = None
    if result.hit is not None:
        identity = repository.find(subject_id=result.hit.identity_id)
        if identity is None and result.hit.identity_id != own_subject:
            raise GalleryRecordsMismatch(
                f"criminal gallery subject {result.hit.identity_id} has no criminal-history record"
            )
    identified = identity is not None
    must_enrol = identity is None and result.hit is None
    if identity is None:
        family, given = split_name(booking.subject.name)
        sex = booking.subject.sex if booking.subject.sex in ("M", "F") else "X"
        identity = repository.create_identity(
            subject_id=own_subject,
            family_name=family,
            given_name=given,
            sex=Sex(sex),
            date_of_birth=booking.subject.date_of_birth,
            place_of_birth=booking.subject.place_of_birth[:2] or None,
            now=now,
            source_system=SourceSystem.CJIS,
        )
    repository.add_arrest(
        identity,
        arrested_at=datetime.combine(booking.arrest.arrest_date, time(0), tzinfo=UTC),
        agency_ori=submission.ori,
        tcn=submission.tcn,
        charges=[
            ChargeInput(o.ncic_code, o.literal, ChargeLevel.UNKNOWN)
            for o in booking.arrest.offenses
        ]
        or [ChargeInput(None, "OFFENSE NOT STATED", ChargeLevel.UNKNOWN)],
        now=now,
    )
    answer_sre(
        context,
        session,
        submission,
        identified=identified,
        fbi_number=identity.fbi_number,
        rap_sheet=render_rap_sheet(repository.rap_sheet(identity)),
    )
    enqueue(
        session,
        NEXT_STEP,
        {"submission_id": submission.id, "fbi_number": identity.fbi_number},
        dedupe_key=f"{NEXT_STEP}:{submission.id}",
        submission_id=submission.id,
        now=now,
    )
    if must_enrol:
        session.flush()
        # An attempt that died before committing may have enrolled it already.
        with contextlib.suppress(IdentityExistsError):
            engine.enrol(own_subject, templates)


criminal_search = TwoPhaseStep(compute_criminal_search, apply_criminal_search)
