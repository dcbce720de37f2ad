"""Request and response bodies of the REST API."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel


class ErrorBody(BaseModel):
    """Every error answer (4xx): what is wrong and where (record, field, byte offset)."""

    detail: str


class SubmissionReceipt(BaseModel):
    tcn: str
    ori: str
    tot: str
    #: False when this was a resubmission of the same transaction.
    created: bool


class AnswerBody(BaseModel):
    tot: str
    content: str


class MessageBody(BaseModel):
    id: int
    kind: str
    summary: str
    content_type: str
    created_at: datetime
    delivered_at: datetime | None
    #: The message itself, base64-encoded.
    body_base64: str


class SubmissionStatus(BaseModel):
    tcn: str
    ori: str
    tot: str
    state: str
    received_at: datetime
    answer: AnswerBody | None
    #: A system fault that stopped processing, if any (not the jail's error).
    fault: str | None
    messages: list[MessageBody]
