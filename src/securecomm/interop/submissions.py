"""Booking submissions: stored durably with their raw bytes before they are acknowledged.

``receive`` parses the transaction (ANSI/NIST-ITL traditional encoding, image sizes checked),
takes its (ORI 1.008, TCN 1.009), and in one transaction stores the bytes, the booking's
descriptive part as read (``ansinist.booking_record``: the searches take the subject and the
arrest from it instead of parsing the transaction again; only the features step, which decodes
the images, and the SRE, which answers the transaction itself, read the raw bytes) and enqueues
the first pipeline step. Only after that transaction commits does the caller answer with the
TCN, so an acknowledged submission is never lost. It is idempotent on (ORI, TCN): the same bytes
again return the stored submission and create nothing; other bytes under a used TCN are refused
(a TCN names one transaction). Bad input raises the codec's error (record, field, byte offset)
before anything is written.
"""

from __future__ import annotations

import enum
import hashlib
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Integer, LargeBinary, String, UniqueConstraint, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from securecomm.ansinist import traditional
from securecomm.ansinist.booking_record import booking_from_record, booking_record
from securecomm.ansinist.ebts import read_booking as read_ebts_booking
from securecomm.ansinist.ebts_values import Booking
from securecomm.ansinist.errors import ProfileError
from securecomm.ansinist.transaction import Transaction
from securecomm.ansinist.validation import validate
from securecomm.interop.errors import (
    DuplicateTcnError,
    ForbiddenSubmissionError,
    SubmissionFormatError,
    UnknownSubmissionError,
)
from securecomm.interop.jobs import enqueue
from securecomm.records.agencies import check_ori
from securecomm.store.columns import UtcDateTime, enum_column
from securecomm.store.database import Base

#: Criminal ten-print submissions: answer required (CAR) or not (CNA).
BOOKING_TOTS = frozenset({"CAR", "CNA"})
FIRST_STEP = "features"


class SubmissionState(enum.StrEnum):
    RECEIVED = "received"
    ANSWERED = "answered"  # SRE or ERRT sent; immigration processing may continue
    COMPLETED = "completed"  # every step done


class Submission(Base):
    __tablename__ = "submissions"
    __table_args__ = (UniqueConstraint("ori", "tcn", name="uq_submissions_ori_tcn"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    ori: Mapped[str] = mapped_column(String(9), index=True)
    tcn: Mapped[str] = mapped_column(String(40))
    tot: Mapped[str] = mapped_column(String(8))
    raw: Mapped[bytes] = mapped_column(LargeBinary)
    #: Who sent it, the subject and the arrest, as read at receipt (``ansinist.booking_record``;
    #: None only for bookings received before this was kept: see :func:`booking_of`).
    booking: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(Integer)
    state: Mapped[SubmissionState] = mapped_column(enum_column(SubmissionState, "submission_state"))
    #: SRE or ERRT once answered.
    response_tot: Mapped[str | None] = mapped_column(String(8))
    #: The outbox message (SRE or ERRT) that answered it.
    response_message_id: Mapped[int | None] = mapped_column(Integer)
    received_at: Mapped[datetime] = mapped_column(UtcDateTime())
    answered_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    completed_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


@dataclass(frozen=True)
class Receipt:
    submission_id: int
    ori: str
    tcn: str
    tot: str
    created: bool  # False: a resubmission of the same bytes


@dataclass(frozen=True)
class BookingHeader:
    ori: str
    tcn: str
    tot: str


def read_booking(raw: bytes) -> tuple[Transaction, BookingHeader]:
    """Parse ``raw``, check it against the EBTS rules and take its TOT, ORI and TCN; raises the
    precise error (record, field, byte offset) for bad input."""
    transaction = traditional.read(raw, check_images=True)
    type1 = transaction.type1
    tot = type1.value(4).strip().upper()
    if tot not in BOOKING_TOTS:
        raise SubmissionFormatError(
            f"record 1 (Type-1), field 1.004 TOT: {tot or '(empty)'!r} is not a criminal "
            f"ten-print submission (expected one of {', '.join(sorted(BOOKING_TOTS))})"
        )
    ori_text = type1.value(8)
    if not ori_text.strip():
        raise SubmissionFormatError("record 1 (Type-1), field 1.008 ORI is missing or empty")
    ori = check_ori(ori_text, where="record 1 (Type-1), field 1.008 ORI")
    tcn = type1.value(9).strip()
    if not tcn:
        raise SubmissionFormatError("record 1 (Type-1), field 1.009 TCN is missing or empty")
    if len(tcn) > 40:
        raise SubmissionFormatError(
            f"record 1 (Type-1), field 1.009 TCN: {len(tcn)} characters, at most 40 allowed"
        )
    violations = validate(transaction, "ebts")
    if violations:
        listed = "; ".join(str(v) for v in violations[:10])
        more = f" (and {len(violations) - 10} more)" if len(violations) > 10 else ""
        raise ProfileError(f"the {tot} violates EBTS: {listed}{more}")
    return transaction, BookingHeader(ori=ori, tcn=tcn, tot=tot)


def receive(
    session: Session, raw: bytes, *, now: datetime, submitter_ori: str | None = None
) -> Receipt:
    """Store a booking and enqueue its first step (the caller commits, then acknowledges)."""
    transaction, header = read_booking(raw)
    if submitter_ori is not None and header.ori != submitter_ori:
        raise ForbiddenSubmissionError(
            f"record 1 (Type-1), field 1.008 ORI is {header.ori}, but the submitting agency is "
            f"{submitter_ori}: an agency submits only under its own ORI"
        )
    digest = hashlib.sha256(raw).hexdigest()
    existing = find(session, header.ori, header.tcn)
    if existing is not None:
        if existing.sha256 != digest:
            raise DuplicateTcnError(
                f"TCN {header.tcn} of agency {header.ori} was already used for another "
                f"transaction (received {existing.received_at.isoformat()}); a TCN names one "
                "transaction"
            )
        return Receipt(existing.id, existing.ori, existing.tcn, existing.tot, created=False)
    submission = Submission(
        ori=header.ori,
        tcn=header.tcn,
        tot=header.tot,
        raw=bytes(raw),
        booking=booking_record(read_ebts_booking(transaction)),
        sha256=digest,
        size=len(raw),
        state=SubmissionState.RECEIVED,
        received_at=now,
    )
    session.add(submission)
    session.flush()
    enqueue(
        session,
        FIRST_STEP,
        {"submission_id": submission.id},
        dedupe_key=f"{FIRST_STEP}:{submission.id}",
        submission_id=submission.id,
        now=now,
    )
    return Receipt(submission.id, submission.ori, submission.tcn, submission.tot, created=True)


def booking_of(submission: Submission) -> Booking:
    """The booking as read at receipt (parsed from the raw bytes for a submission stored
    before receipt kept it)."""
    if submission.booking is not None:
        return booking_from_record(submission.booking)
    return read_ebts_booking(traditional.read(submission.raw))


def find(session: Session, ori: str, tcn: str) -> Submission | None:
    return session.scalar(select(Submission).where(Submission.ori == ori, Submission.tcn == tcn))


def get(session: Session, ori: str, tcn: str) -> Submission:
    """The submission (ORI, TCN); an agency asking for another agency's TCN gets the same 404."""
    submission = find(session, ori, tcn)
    if submission is None:
        raise UnknownSubmissionError(f"agency {ori} has no submission with TCN {tcn!r}")
    return submission
