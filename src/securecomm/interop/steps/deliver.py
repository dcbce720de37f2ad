"""Step ``outbox.deliver``: hand one outbox message to its recipient, exactly once.

- an agency (a jail): a row in its mailbox;
- a field-office notice: a row in ``field_office_notices`` and the ``field_office.notice`` job
  that takes it into a case (the enforcement layer's step);
- the LESC (an IAQ): the job that researches the query.

Every destination is a row in the same database, written in the transaction that marks the
message delivered, under a unique key: a delivery retried after a crash adds nothing.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from securecomm.interop.context import PipelineContext
from securecomm.interop.deliveries import NOTICE_STEP, FieldOfficeNotice, MailboxEntry
from securecomm.interop.errors import NoticeError
from securecomm.interop.jobs import ClaimedJob, enqueue
from securecomm.interop.notices import NoticeBody
from securecomm.interop.outbox import MessageKind, OutboxMessage
from securecomm.interop.parameters import LESC_RECIPIENT
from securecomm.interop.submissions import Submission

LESC_STEP = "lesc.research"


def deliver(context: PipelineContext, session: Session, job: ClaimedJob) -> None:
    message = session.get(OutboxMessage, job.payload["message_id"])
    if message is None or message.delivered_at is not None:
        return
    now = context.clock.now()
    if message.kind is MessageKind.FIELD_OFFICE_NOTICE:
        _to_field_office(session, message, now)
    elif message.recipient == LESC_RECIPIENT:
        enqueue(
            session,
            LESC_STEP,
            {"message_id": message.id},
            dedupe_key=f"{LESC_STEP}:{message.id}",
            submission_id=message.submission_id,
            now=now,
        )
    else:
        exists = session.scalar(
            select(MailboxEntry.id).where(MailboxEntry.message_id == message.id)
        )
        if exists is None:
            session.add(
                MailboxEntry(
                    recipient_ori=message.recipient, message_id=message.id, delivered_at=now
                )
            )
    message.delivered_at = now
    message.delivery_attempts = job.attempts


def _to_field_office(session: Session, message: OutboxMessage, now) -> None:
    exists = session.scalar(
        select(FieldOfficeNotice.id).where(FieldOfficeNotice.message_id == message.id)
    )
    if exists is not None:
        return
    submission = session.get(Submission, message.submission_id)
    if submission is None:
        raise NoticeError(f"outbox message {message.id}: the notice names no stored booking")
    notice = NoticeBody.decode(message.body, f"outbox message {message.id}")
    row = FieldOfficeNotice(
        field_office_ori=message.recipient,
        message_id=message.id,
        submission_id=submission.id,
        jail_ori=submission.ori,
        tcn=submission.tcn,
        fin=notice.fin,
        fbi_number=notice.fbi_number,
        research=notice.research.to_json(),
        delivered_at=now,
    )
    session.add(row)
    session.flush()
    enqueue(
        session,
        NOTICE_STEP,
        {"notice_id": row.id},
        dedupe_key=f"{NOTICE_STEP}:{row.id}",
        submission_id=submission.id,
        now=now,
    )
