"""Answering the jail: the one SRE or ERRT a submission gets, through the outbox."""

from __future__ import annotations

from sqlalchemy.orm import Session

from securecomm.interop import timing
from securecomm.interop.context import PipelineContext
from securecomm.interop.outbox import MessageKind, emit
from securecomm.interop.responses import build_errt
from securecomm.interop.submissions import Submission, SubmissionState

ANSI_NIST_CONTENT_TYPE = "application/vnd.ansi-nist-itl"


def answer_errt(
    context: PipelineContext, session: Session, submission: Submission, message: str
) -> None:
    """Send an ERRT with ``message`` and close the submission (nothing else happens to it)."""
    now = context.clock.now()
    body = build_errt(
        destination_ori=submission.ori,
        reference_tcn=submission.tcn,
        tcn=f"E{submission.id:011d}",
        message=message,
        now=now,
    )
    emitted = emit(
        session,
        kind=MessageKind.ERRT,
        recipient=submission.ori,
        body=body,
        content_type=ANSI_NIST_CONTENT_TYPE,
        summary=f"ERRT {submission.tcn}: {message}",
        idempotency_key=f"answer:{submission.id}",
        submission_id=submission.id,
        now=now,
    )
    if not emitted.created:
        return
    submission.state = SubmissionState.COMPLETED
    submission.response_tot = "ERRT"
    submission.response_message_id = emitted.message.id
    submission.answered_at = now
    submission.completed_at = now
    timing.record(
        session,
        context.targets,
        name="errt",
        kind="milestone",
        started_at=submission.received_at,
        finished_at=now,
        submission_id=submission.id,
    )
