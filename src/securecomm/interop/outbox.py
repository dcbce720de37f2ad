"""The transactional outbox: every outgoing message is a row written in the same transaction
as the state change that causes it.

``emit`` inserts the message under an idempotency key (a retried step emits nothing twice) and,
in the same transaction, enqueues the job that delivers it; the dispatcher (``dispatch.py``)
hands it to its recipient's transport and marks it delivered. A message is therefore sent if
and only if the change that caused it committed (the pattern described by Richardson,
*Microservices Patterns*, "Transactional outbox").
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ForeignKey, Integer, LargeBinary, String, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from securecomm.interop.jobs import enqueue
from securecomm.store.columns import UtcDateTime, enum_column
from securecomm.store.database import Base

DELIVER_STEP = "outbox.deliver"


class MessageKind(enum.StrEnum):
    SRE = "SRE"  # criminal search result with the rap sheet
    ERRT = "ERRT"  # error response to a submission
    IDR = "IDR"  # IDENT data response (immigration search result)
    IAQ = "IAQ"  # immigration alien query to the LESC (Nlets)
    IAR = "IAR"  # immigration alien response from the LESC (Nlets)
    JAIL_NOTICE = "JAIL_NOTICE"  # notice to the booking jail
    FIELD_OFFICE_NOTICE = "FIELD_OFFICE_NOTICE"  # to the field office's work queue


class OutboxMessage(Base):
    __tablename__ = "outbox_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    idempotency_key: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[MessageKind] = mapped_column(enum_column(MessageKind, "message_kind"))
    #: An ORI, or a component name (``LESC``).
    recipient: Mapped[str] = mapped_column(String(32), index=True)
    submission_id: Mapped[int | None] = mapped_column(ForeignKey("submissions.id"), index=True)
    content_type: Mapped[str] = mapped_column(String(64))
    body: Mapped[bytes] = mapped_column(LargeBinary)
    #: One line for listings (the TOT and what it says).
    summary: Mapped[str] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    delivered_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    delivery_attempts: Mapped[int] = mapped_column(Integer, default=0)


@dataclass(frozen=True)
class Emitted:
    message: OutboxMessage
    created: bool


def emit(
    session: Session,
    *,
    kind: MessageKind,
    recipient: str,
    body: bytes,
    content_type: str,
    summary: str,
    idempotency_key: str,
    now: datetime,
    submission_id: int | None = None,
) -> Emitted:
    """Write a message and its delivery job, unless the key was already used."""
    existing = session.scalar(
        select(OutboxMessage).where(OutboxMessage.idempotency_key == idempotency_key)
    )
    if existing is not None:
        return Emitted(existing, created=False)
    message = OutboxMessage(
        idempotency_key=idempotency_key,
        kind=kind,
        recipient=recipient,
        submission_id=submission_id,
        content_type=content_type,
        body=body,
        summary=summary[:500],
        created_at=now,
        delivery_attempts=0,
    )
    session.add(message)
    session.flush()
    enqueue(
        session,
        DELIVER_STEP,
        {"message_id": message.id},
        dedupe_key=f"{DELIVER_STEP}:{message.id}",
        submission_id=submission_id,
        now=now,
    )
    return Emitted(message, created=True)


def messages_for(session: Session, submission_id: int, recipient: str) -> list[OutboxMessage]:
    """Messages of one submission addressed to ``recipient``, oldest first."""
    return list(
        session.scalars(
            select(OutboxMessage)
            .where(
                OutboxMessage.submission_id == submission_id,
                OutboxMessage.recipient == recipient,
            )
            .order_by(OutboxMessage.id)
        )
    )
