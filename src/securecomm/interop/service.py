"""The pipeline as a service the entry points call: open the database, take a booking, wait for
its answer (running the jobs in this process when no worker is alive).
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from securecomm.config import Settings
from securecomm.interop import jobs
from securecomm.interop.components import available_components
from securecomm.interop.context import PipelineContext, Step
from securecomm.interop.deliveries import MailboxEntry
from securecomm.interop.outbox import MessageKind, OutboxMessage
from securecomm.interop.responses import response_text
from securecomm.interop.steps import STAGE_PRIORITY, STEPS
from securecomm.interop.submissions import Receipt, receive
from securecomm.interop.timing import ResponseTimeTargets
from securecomm.interop.worker import WorkerStats, default_worker_name, live_workers, run_one
from securecomm.store.database import unit_of_work

ANSWER_KINDS = (MessageKind.SRE, MessageKind.ERRT)


@dataclass(frozen=True)
class Answer:
    tot: str  # SRE or ERRT
    content: str


@dataclass(frozen=True)
class SystemFault:
    """The pipeline could not answer: a job failed for a reason of the system's own."""

    message: str


def pipeline_context(settings: Settings) -> PipelineContext:
    return PipelineContext(
        components=available_components(settings), targets=ResponseTimeTargets.from_env()
    )


def receive_durably(
    factory: sessionmaker[Session],
    raw: bytes,
    *,
    now: datetime,
    submitter_ori: str | None = None,
) -> Receipt:
    """Store a booking in its own transaction; a concurrent twin (same ORI and TCN) that won
    the race makes this a resubmission rather than an error."""
    try:
        with unit_of_work(factory) as session:
            return receive(session, raw, now=now, submitter_ori=submitter_ori)
    except IntegrityError:
        with unit_of_work(factory) as session:
            return receive(session, raw, now=now, submitter_ori=submitter_ori)


def submit(factory: sessionmaker[Session], raw: bytes, context: PipelineContext) -> Receipt:
    return receive_durably(factory, raw, now=context.clock.now())


def answer_of(session: Session, submission_id: int, ori: str) -> Answer | None:
    """The delivered SRE or ERRT of a submission, read from the jail's mailbox."""
    message = session.scalar(
        select(OutboxMessage)
        .join(MailboxEntry, MailboxEntry.message_id == OutboxMessage.id)
        .where(
            OutboxMessage.submission_id == submission_id,
            MailboxEntry.recipient_ori == ori,
            OutboxMessage.kind.in_(ANSWER_KINDS),
        )
    )
    if message is None:
        return None
    tot, content = response_text(message.body)
    return Answer(tot, content)


def failed_job(session: Session, submission_id: int) -> str | None:
    row = session.scalar(
        select(jobs.Job).where(
            jobs.Job.submission_id == submission_id, jobs.Job.state == jobs.JobState.FAILED
        )
    )
    return None if row is None else (row.last_error or "a job failed").strip().splitlines()[-1]


def wait_for_answer(
    factory: sessionmaker[Session],
    context: PipelineContext,
    receipt: Receipt,
    *,
    steps: Mapping[str, Step] = STEPS,
    priority: Sequence[str] = STAGE_PRIORITY,
    timeout_seconds: float = 600.0,
) -> Answer | SystemFault:
    """Block until the submission is answered; run ``steps`` here whenever no worker is alive
    (the entry points pass the whole system's, ``securecomm.system.STEPS``)."""
    deadline = time.monotonic() + timeout_seconds
    name = default_worker_name()
    stats = WorkerStats()
    while time.monotonic() < deadline:
        with factory() as session:
            found = answer_of(session, receipt.submission_id, receipt.ori)
            if found is not None:
                return found
            fault = failed_job(session, receipt.submission_id)
            if fault is not None:
                return SystemFault(fault)
            alive = live_workers(session, context.clock.now())
        if not alive and run_one(
            factory, context, steps, worker=name, stats=stats, priority=priority
        ):
            continue
        time.sleep(0.05 if not alive else 0.2)
    return SystemFault(f"no answer within {timeout_seconds:.0f} s")


def finish_pending_jobs(
    factory: sessionmaker[Session],
    context: PipelineContext,
    *,
    steps: Mapping[str, Step] = STEPS,
    priority: Sequence[str] = STAGE_PRIORITY,
) -> WorkerStats:
    """Run every runnable job of ``steps`` here, unless a worker is alive to do it (embedded
    ``submit``)."""
    with factory() as session:
        if live_workers(session, context.clock.now()):
            return WorkerStats()
    stats = WorkerStats()
    while run_one(
        factory, context, steps, worker=default_worker_name(), stats=stats, priority=priority
    ):
        pass
    return stats
