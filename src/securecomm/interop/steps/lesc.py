"""Step ``lesc.research``: the LESC answers an IAQ. It researches the matched person's status
(the whole immigration file and the criminal history, with provenance), answers the jail with
an IAR, and puts a notice in the queue of the jail's ICE field office, where the enforcement
layer opens a case.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from securecomm import ansinist
from securecomm.interop import parameters, timing
from securecomm.interop.context import PipelineContext
from securecomm.interop.jobs import ClaimedJob
from securecomm.interop.notices import NoticeBody
from securecomm.interop.outbox import MessageKind, OutboxMessage, emit
from securecomm.interop.research import research_status
from securecomm.interop.steps.immigration import JSON_CONTENT_TYPE, NLETS_CONTENT_TYPE
from securecomm.interop.submissions import Submission, SubmissionState
from securecomm.records.agencies import AgencyRepository
from securecomm.records.criminal_repository import CriminalHistoryRepository
from securecomm.records.immigration_repository import ImmigrationRepository


def lesc_research(context: PipelineContext, session: Session, job: ClaimedJob) -> None:
    message = session.get(OutboxMessage, job.payload["message_id"])
    if message is None or message.submission_id is None:
        return
    submission = session.get(Submission, message.submission_id)
    if submission is None or submission.state is SubmissionState.COMPLETED:
        return
    iaq = ansinist.parse_iaq(message.body.decode())
    now = context.clock.now()
    immigration = ImmigrationRepository(session)
    identity = immigration.get(fin=iaq.fin)
    criminal = CriminalHistoryRepository(session)
    person = criminal.find(fbi_number=iaq.fbi) if iaq.fbi else None
    sheet = criminal.rap_sheet(person) if person is not None else None
    research = research_status(immigration.file(identity), sheet, today=now.date())
    iar = ansinist.Iar(
        ori=parameters.LESC_ORI,
        destination=submission.ori,
        name=iaq.name,
        date_of_birth=iaq.date_of_birth,
        sex=iaq.sex,
        place_of_birth=iaq.place_of_birth,
        status=research.determination,
        control=iaq.control,
        fbi=iaq.fbi,
        fin=identity.fin,
        remarks=research.remarks(),
    )
    iar_text = ansinist.format_iar(iar)
    emit(
        session,
        kind=MessageKind.IAR,
        recipient=submission.ori,
        body=iar_text.encode(),
        content_type=NLETS_CONTENT_TYPE,
        summary=f"IAR {submission.tcn}: {research.determination}",
        idempotency_key=f"iar:{submission.id}",
        submission_id=submission.id,
        now=now,
    )
    jail = AgencyRepository(session).find(submission.ori)
    field_office = (jail.field_office_ori if jail else None) or parameters.UNASSIGNED_FIELD_OFFICE
    notice = NoticeBody(fin=identity.fin, fbi_number=iaq.fbi, research=research, iar=iar_text)
    emit(
        session,
        kind=MessageKind.FIELD_OFFICE_NOTICE,
        recipient=field_office,
        body=notice.encode(),
        content_type=JSON_CONTENT_TYPE,
        summary=f"MATCH {submission.tcn} FIN/{identity.fin}: {research.determination}",
        idempotency_key=f"notice:{submission.id}",
        submission_id=submission.id,
        now=now,
    )
    for name in ("iar", "notice"):
        timing.record(
            session, context.targets, name=name, kind="milestone",
            started_at=submission.received_at, finished_at=now, submission_id=submission.id,
        )  # fmt: skip
    submission.state = SubmissionState.COMPLETED
    submission.completed_at = now
