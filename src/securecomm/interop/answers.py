"""Answering the jail: the one SRE or ERRT a submission gets, through the outbox (EBTS
transactions built by ``securecomm.ansinist``)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from securecomm import ansinist
from securecomm.ansinist import Addressing
from securecomm.interop import parameters, timing
from securecomm.interop.context import PipelineContext
from securecomm.interop.outbox import MessageKind, emit
from securecomm.interop.submissions import Submission, SubmissionState

ANSI_NIST_CONTENT_TYPE = "application/vnd.ansi-nist-itl"


def _addressing(context: PipelineContext, submission: Submission, prefix: str) -> Addressing:
    return Addressing(
        ori=parameters.CJIS_ORI,
        dai=submission.ori,
        tcn=f"{prefix}{submission.id:014d}",
        tcr=submission.tcn,
        when=context.clock.now(),
    )


def _request(submission: Submission) -> ansinist.Transaction | None:
    try:
        return ansinist.read(submission.raw)
    except ansinist.AnsiNistError:
        return None


def _send(
    context: PipelineContext,
    session: Session,
    submission: Submission,
    tot: str,
    transaction: ansinist.Transaction,
    summary: str,
) -> bool:
    now = context.clock.now()
    emitted = emit(
        session,
        kind=MessageKind(tot),
        recipient=submission.ori,
        body=ansinist.write(transaction),
        content_type=ANSI_NIST_CONTENT_TYPE,
        summary=summary,
        idempotency_key=f"answer:{submission.id}",
        submission_id=submission.id,
        now=now,
    )
    if not emitted.created:
        return False
    submission.response_tot = tot
    submission.response_message_id = emitted.message.id
    submission.answered_at = now
    timing.record(
        session,
        context.targets,
        name=tot.lower(),
        kind="milestone",
        started_at=submission.received_at,
        finished_at=now,
        submission_id=submission.id,
    )
    return True


def answer_errt(
    context: PipelineContext, session: Session, submission: Submission, message: str
) -> None:
    """Send an ERRT with ``message`` and close the submission (nothing else happens to it)."""
    errt = ansinist.build_errt(
        _addressing(context, submission, "E"), message, request=_request(submission)
    )
    if _send(context, session, submission, "ERRT", errt, f"ERRT {submission.tcn}: {message}"):
        submission.state = SubmissionState.COMPLETED
        submission.completed_at = context.clock.now()


def answer_sre(
    context: PipelineContext,
    session: Session,
    submission: Submission,
    *,
    identified: bool,
    fbi_number: str,
    rap_sheet: str,
) -> None:
    """Send the SRE (identified or not, with the rap sheet); immigration processing goes on."""
    request = ansinist.read(submission.raw)
    sre = ansinist.build_sre(
        request,
        _addressing(context, submission, "S"),
        identified=identified,
        fbi_number=fbi_number if identified else None,
        rap_sheet=rap_sheet,
    )
    verdict = f"IDENT FBI/{fbi_number}" if identified else f"NON-IDENT, NEW FBI/{fbi_number}"
    if _send(context, session, submission, "SRE", sre, f"SRE {submission.tcn}: {verdict}"):
        submission.state = SubmissionState.ANSWERED
