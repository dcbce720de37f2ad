"""Step ``immigration_search``: the same prints, automatically, against the immigration
gallery; the IDENT data response (IDR); on a match, the IAQ to the LESC.

The IDR is an ``ansinist.Idr`` (match or no match, the candidate list with scores and thresholds,
the matched identity's encounter history). A match records the booking as an encounter in the
immigration file (once per ORI and TCN) and sends an Nlets IAQ to the LESC, whose answer is
researched by the ``lesc.research`` step.
"""

from __future__ import annotations

import re

from sqlalchemy.orm import Session

from securecomm import ansinist
from securecomm.interop import parameters, timing
from securecomm.interop.components import IMMIGRATION_GALLERY
from securecomm.interop.context import PipelineContext, TwoPhaseStep
from securecomm.interop.errors import SubmissionFormatError
from securecomm.interop.jobs import ClaimedJob
from securecomm.interop.outbox import MessageKind, emit
from securecomm.interop.steps.gallery_search import (
    GalleryRecordsMismatch,
    Searched,
    search_gallery,
    to_apply,
)
from securecomm.interop.submissions import Submission, SubmissionState, booking_of
from securecomm.records.immigration import EncounterKind, ImmigrationIdentity
from securecomm.records.immigration_repository import ImmigrationRepository
from securecomm.records.provenance import SourceSystem

JSON_CONTENT_TYPE = "application/json"
NLETS_CONTENT_TYPE = "text/x-nlets"
UNKNOWN_OFFENSE = "0399"


def compute_immigration_search(
    context: PipelineContext, session: Session, job: ClaimedJob
) -> Searched:
    return search_gallery(context, session, job, IMMIGRATION_GALLERY, SubmissionState.ANSWERED)


def apply_immigration_search(
    context: PipelineContext, session: Session, job: ClaimedJob, searched: Searched
) -> None:
    found = to_apply(session, job, SubmissionState.ANSWERED, searched)
    if found is None:
        return
    submission, result = found
    repository = ImmigrationRepository(session)
    now = context.clock.now()
    identity: ImmigrationIdentity | None = None
    if result.hit is not None:
        identity = repository.find(subject_id=result.hit.identity_id)
        if identity is None:
            raise GalleryRecordsMismatch(
                f"immigration gallery subject {result.hit.identity_id} has no immigration record"
            )
        repository.add_encounter(
            identity,
            kind=EncounterKind.JAIL_BOOKING,
            occurred_at=submission.received_at,
            location=f"BOOKING ORI/{submission.ori}",
            source_system=SourceSystem.SECURECOMM,
            last_updated=now,
            agency_ori=submission.ori,
            tcn=submission.tcn,
        )
    idr = ansinist.Idr(
        tcn=submission.tcn,
        ori=submission.ori,
        responder=parameters.IDENT_ORI,
        match=identity is not None,
        fin=identity.fin if identity is not None else None,
        gallery_size=result.gallery_size,
        target_fpir=result.target_fpir,
        candidates=tuple(
            ansinist.IdrCandidate(
                subject_id=c.identity_id,
                score=round(c.score, 3),
                threshold=round(c.threshold, 3),
                fingers=len(c.finger_scores),
            )
            for c in result.candidates[: parameters.IDR_CANDIDATES]
        ),
        encounters=_encounters(repository, identity) if identity is not None else (),
    )
    emit(
        session,
        kind=MessageKind.IDR,
        recipient=submission.ori,
        body=ansinist.encode_idr(idr),
        content_type=JSON_CONTENT_TYPE,
        summary=f"IDR {submission.tcn}: "
        + (f"MATCH FIN/{identity.fin}" if identity else "NO MATCH"),
        idempotency_key=f"idr:{submission.id}",
        submission_id=submission.id,
        now=now,
    )
    timing.record(
        session, context.targets, name="idr", kind="milestone",
        started_at=submission.received_at, finished_at=now, submission_id=submission.id,
    )  # fmt: skip
    if identity is None:
        submission.state = SubmissionState.COMPLETED
        submission.completed_at = now
        return
    iaq = _iaq(submission, identity, job.payload.get("fbi_number"))
    emit(
        session,
        kind=MessageKind.IAQ,
        recipient=parameters.LESC_RECIPIENT,
        body=ansinist.format_iaq(iaq).encode(),
        content_type=NLETS_CONTENT_TYPE,
        summary=f"IAQ {submission.tcn}: FIN/{identity.fin}",
        idempotency_key=f"iaq:{submission.id}",
        submission_id=submission.id,
        now=now,
    )


immigration_search = TwoPhaseStep(compute_immigration_search, apply_immigration_search)


def _encounters(
    repository: ImmigrationRepository, identity: ImmigrationIdentity
) -> tuple[ansinist.IdrEncounter, ...]:
    file = repository.file(identity)
    return tuple(
        ansinist.IdrEncounter(
            kind=e.kind.value,
            occurred_at=e.occurred_at.isoformat(),
            location=e.location,
            source_system=e.source_system.value,
            last_updated=e.last_updated.isoformat(),
        )
        for e in file.encounters
    )


def _iaq(
    submission: Submission, identity: ImmigrationIdentity, fbi_number: str | None
) -> ansinist.Iaq:
    booking = booking_of(submission)
    subject = booking.subject
    date_of_birth = subject.date_of_birth or identity.date_of_birth
    if date_of_birth is None:
        raise SubmissionFormatError(
            f"submission {submission.id} (TCN {submission.tcn}): no date of birth in the booking "
            "or the immigration file, which the IAQ needs"
        )
    offense = next((o.ncic_code for o in booking.arrest.offenses if o.ncic_code), UNKNOWN_OFFENSE)
    name = re.sub(r"[^A-Z ,'-]", "", subject.name.upper())[:30] or "UNKNOWN, UNKNOWN"
    return ansinist.Iaq(
        ori=submission.ori,
        purpose="C",
        attention="SECURE COMMUNITIES",
        phone="0000000000",
        name=name,
        date_of_birth=date_of_birth,
        sex=subject.sex if subject.sex in ("M", "F", "X", "U") else "U",
        place_of_birth=(subject.place_of_birth or "XX")[:2],
        in_custody=True,
        offense=offense,
        control=f"S{submission.id}"[:10],
        fbi=fbi_number,
        fin=identity.fin,
        remarks=f"IDENT MATCH ON BOOKING TCN {submission.tcn}",
    )
