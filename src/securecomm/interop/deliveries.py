"""Where delivered messages land: a jail's mailbox, and a field office's work queue.

Both are tables in the same database, so delivering is a row written in the same transaction
that marks the outbox message delivered: exactly once. ``field_office_notices`` is the queue the
enforcement layer opens cases from (one ``field_office.notice`` job per notice); it sets
``taken_at``/``case_reference`` when it does.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from securecomm.store.columns import UtcDateTime
from securecomm.store.database import Base

#: The job that takes a delivered notice into a case. The enforcement layer runs it; the
#: pipeline only enqueues it, with the notice, so the hand-over is exactly once.
NOTICE_STEP = "field_office.notice"


class MailboxEntry(Base):
    """A message delivered to an agency (the booking jail reads its answers here)."""

    __tablename__ = "mailbox_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    recipient_ori: Mapped[str] = mapped_column(String(9), index=True)
    message_id: Mapped[int] = mapped_column(ForeignKey("outbox_messages.id"), unique=True)
    delivered_at: Mapped[datetime] = mapped_column(UtcDateTime())
    read_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


class FieldOfficeNotice(Base):
    """A match to work: one per IAR, in the queue of the jail's ICE field office."""

    __tablename__ = "field_office_notices"

    id: Mapped[int] = mapped_column(primary_key=True)
    field_office_ori: Mapped[str] = mapped_column(String(9), index=True)
    message_id: Mapped[int] = mapped_column(ForeignKey("outbox_messages.id"), unique=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submissions.id"), index=True)
    jail_ori: Mapped[str] = mapped_column(String(9))
    tcn: Mapped[str] = mapped_column(String(40))
    fin: Mapped[str | None] = mapped_column(String(12))
    fbi_number: Mapped[str | None] = mapped_column(String(9))
    #: The status research summary (statuses with provenance, citizenship indicators, removals,
    #: convictions and pending charges) as structured data for the case.
    research: Mapped[dict[str, Any]] = mapped_column(JSON)
    delivered_at: Mapped[datetime] = mapped_column(UtcDateTime())
    #: Set by the enforcement layer when it opens a case from this notice.
    taken_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    case_reference: Mapped[str | None] = mapped_column(String(64))
