"""The field-office notice as the pipeline publishes it: the one interface enforcement reads.

``lesc.research`` emits a ``FIELD_OFFICE_NOTICE`` message whose body is a :class:`NoticeBody`;
its delivery writes a ``FieldOfficeNotice`` row and enqueues the enforcement step that takes it
into a case. That step reads the notice only through :func:`read_notice` — a
:class:`PublishedNotice` with the booking, the IDENT response (:class:`ansinist.Idr`), the IAQ
and the LESC's :class:`StatusResearch`, all typed — and hands it back with :func:`mark_taken`.
It never reads the pipeline's tables or parses its messages itself.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from securecomm import ansinist
from securecomm.interop.deliveries import FieldOfficeNotice
from securecomm.interop.errors import NoticeError
from securecomm.interop.outbox import MessageKind, OutboxMessage
from securecomm.interop.research import StatusResearch
from securecomm.interop.submissions import Submission

#: The examiner's side-by-side view of a pipeline match: the IDR message and its candidate.
EXAMINER_REFERENCE = re.compile(r"^idr:(?P<message>\d+)/candidate:(?P<subject>[^/\s]+)$")


@dataclass(frozen=True)
class NoticeBody:
    """The body of a ``FIELD_OFFICE_NOTICE`` message (JSON, sorted keys)."""

    fin: str
    fbi_number: str | None
    research: StatusResearch
    iar: str

    def encode(self) -> bytes:
        document = {
            "fin": self.fin,
            "fbi_number": self.fbi_number,
            "research": self.research.to_json(),
            "iar": self.iar,
        }
        return json.dumps(document, sort_keys=True).encode()

    @classmethod
    def decode(cls, body: bytes, where: str) -> NoticeBody:
        try:
            document: dict[str, Any] = json.loads(body)
            return cls(
                fin=document["fin"],
                fbi_number=document.get("fbi_number"),
                research=StatusResearch.from_json(document["research"]),
                iar=document.get("iar", ""),
            )
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            raise NoticeError(f"{where}: the notice body is malformed ({exc})") from None


@dataclass(frozen=True)
class PublishedNotice:
    notice_id: int
    submission_id: int
    field_office_ori: str
    jail_ori: str
    #: The booking (ORI, TCN) and when it was received.
    booking_ori: str
    booking_tcn: str
    booked_at: datetime
    fin: str
    fbi_number: str | None
    idr: ansinist.Idr
    #: ``idr:<message id>/candidate:<subject id>`` of the best candidate
    #: (:data:`EXAMINER_REFERENCE`).
    examiner_reference: str
    #: The IAQ the jail's booking raised (name and date of birth as the booking gave them).
    iaq: ansinist.Iaq | None
    research: StatusResearch
    taken: bool


def examiner_reference(idr_message_id: int, subject_id: str) -> str:
    return f"idr:{idr_message_id}/candidate:{subject_id}"


def read_notice(session: Session, notice_id: int) -> PublishedNotice:
    """The notice ``notice_id`` with everything a case needs; ``NoticeError`` (a data error,
    not retried) naming what is missing or malformed."""
    where = f"field office notice {notice_id}"
    notice = session.get(FieldOfficeNotice, notice_id)
    if notice is None:
        raise NoticeError(f"{where} does not exist")
    submission = session.get(Submission, notice.submission_id)
    idr_message = _message(session, notice.submission_id, MessageKind.IDR)
    if submission is None or idr_message is None or not notice.fin:
        raise NoticeError(f"{where}: its submission, IDENT response or FIN is missing")
    try:
        idr = ansinist.parse_idr(idr_message.body)
        iaq_message = _message(session, notice.submission_id, MessageKind.IAQ)
        iaq = ansinist.parse_iaq(iaq_message.body.decode()) if iaq_message else None
    except ansinist.AnsiNistError as exc:
        raise NoticeError(f"{where}: {exc}") from None
    best = idr.best
    if not idr.match or best is None:
        raise NoticeError(f"{where}: the IDENT response is not a match")
    try:
        research = StatusResearch.from_json(notice.research or {})
    except ValueError as exc:
        raise NoticeError(f"{where}: {exc}") from None
    return PublishedNotice(
        notice_id=notice.id,
        submission_id=submission.id,
        field_office_ori=notice.field_office_ori,
        jail_ori=notice.jail_ori,
        booking_ori=submission.ori,
        booking_tcn=submission.tcn,
        booked_at=submission.received_at,
        fin=notice.fin,
        fbi_number=notice.fbi_number,
        idr=idr,
        examiner_reference=examiner_reference(idr_message.id, best.subject_id),
        iaq=iaq,
        research=research,
        taken=notice.taken_at is not None,
    )


def mark_taken(session: Session, notice_id: int, case_reference: str, now: datetime) -> None:
    """Record that the notice became (or joined) case ``case_reference`` (same transaction)."""
    notice = session.get(FieldOfficeNotice, notice_id)
    if notice is None:
        raise NoticeError(f"field office notice {notice_id} does not exist")
    notice.taken_at, notice.case_reference = now, case_reference


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
