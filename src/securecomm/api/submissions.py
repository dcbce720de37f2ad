"""Routes for jails: submit a booking, read its status and the answers addressed to it."""

from __future__ import annotations

import base64

from fastapi import APIRouter, Request, status
from sqlalchemy import select
from starlette.concurrency import run_in_threadpool

from securecomm.api.dependencies import DbSession, Factory, SubmittingAgency
from securecomm.api.errors import SubmissionTooLargeError, error_responses
from securecomm.api.schemas import AnswerBody, MessageBody, SubmissionReceipt, SubmissionStatus
from securecomm.clock import SystemClock
from securecomm.interop import submissions
from securecomm.interop.deliveries import MailboxEntry
from securecomm.interop.outbox import OutboxMessage
from securecomm.interop.service import answer_of, failed_job, receive_durably

router = APIRouter(prefix="/submissions", tags=["submissions"])

RAW_BODY = {
    "requestBody": {
        "required": True,
        "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}},
        "description": "An ANSI/NIST-ITL transaction, traditional encoding (EBTS CAR or CNA).",
    }
}


#: The largest request body ``POST /submissions`` takes, unless ``create_app`` says otherwise:
#: a ten-print CAR with WSQ images is well under 1 MB; with palms, latents and photos at
#: 1000 ppi a transaction stays within a few tens of MB.
MAX_SUBMISSION_BYTES = 64 * 1024 * 1024


@router.post(
    "",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=SubmissionReceipt,
    responses=error_responses(400, 401, 403, 409, 413),
    openapi_extra=RAW_BODY,
    summary="Submit a booking",
)
async def submit_booking(
    request: Request, agency: SubmittingAgency, factory: Factory
) -> SubmissionReceipt:
    """Store the transaction durably, then answer with its TCN (202). Idempotent on (ORI, TCN).

    A body over the API's size limit is refused with 413 before it is read to the end."""
    raw = await _body(request, getattr(request.app.state, "max_submission_bytes", None))
    clock = getattr(request.app.state, "clock", None) or SystemClock()
    receipt = await run_in_threadpool(
        receive_durably, factory, raw, now=clock.now(), submitter_ori=agency.ori
    )
    return SubmissionReceipt(
        tcn=receipt.tcn, ori=receipt.ori, tot=receipt.tot, created=receipt.created
    )


async def _body(request: Request, limit: int | None) -> bytes:
    limit = MAX_SUBMISSION_BYTES if limit is None else limit
    too_large = SubmissionTooLargeError(
        f"the request body is larger than the {limit:,} bytes a submission may have"
    )
    declared = request.headers.get("content-length", "")
    if declared.isascii() and declared.isdigit() and int(declared) > limit:
        raise too_large
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise too_large
        chunks.append(chunk)
    return b"".join(chunks)


@router.get(
    "/{tcn}",
    response_model=SubmissionStatus,
    responses=error_responses(401, 404),
    summary="A submission and its answers",
)
def read_submission(tcn: str, agency: SubmittingAgency, session: DbSession) -> SubmissionStatus:
    """The agency's own submission with this TCN (another agency's TCN is not found)."""
    submission = submissions.get(session, agency.ori, tcn)
    answer = answer_of(session, submission.id, agency.ori)
    messages = session.scalars(
        select(OutboxMessage)
        .join(MailboxEntry, MailboxEntry.message_id == OutboxMessage.id)
        .where(
            OutboxMessage.submission_id == submission.id, MailboxEntry.recipient_ori == agency.ori
        )
        .order_by(OutboxMessage.id)
    ).all()
    return SubmissionStatus(
        tcn=submission.tcn,
        ori=submission.ori,
        tot=submission.tot,
        state=submission.state.value,
        received_at=submission.received_at,
        answer=AnswerBody(tot=answer.tot, content=answer.content) if answer else None,
        fault=failed_job(session, submission.id),
        messages=[
            MessageBody(
                id=m.id,
                kind=m.kind.value,
                summary=m.summary,
                content_type=m.content_type,
                created_at=m.created_at,
                delivered_at=m.delivered_at,
                body_base64=base64.b64encode(m.body).decode("ascii"),
            )
            for m in messages
        ],
    )
