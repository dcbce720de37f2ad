"""The jobs table: durable work items that any number of workers claim, run and complete.

A job has a kind (which step runs it), a JSON payload, a state, an attempt count and a lease.
``claim`` takes the oldest runnable job — ready, or running with an expired lease (its worker
died) — and leases it with a fresh token, in one statement:
``UPDATE jobs SET … WHERE id = (SELECT id … FOR UPDATE SKIP LOCKED LIMIT 1) RETURNING …`` on
PostgreSQL, the same statement inside ``BEGIN IMMEDIATE`` on SQLite (where the write lock makes
it single-writer). A worker completes a job only while it still holds the lease token
(``finish`` is a fenced update), in the same transaction as the job's effects, so a job whose
worker was killed is run again from scratch and never half-applied.

``enqueue`` is idempotent on ``dedupe_key``: a retried step that enqueues its next job again
creates nothing twice.
"""

from __future__ import annotations

import enum
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import (
    JSON,
    ForeignKey,
    Integer,
    String,
    Text,
    case,
    func,
    or_,
    select,
    update,
)
from sqlalchemy.orm import Mapped, Session, mapped_column

from securecomm.interop import parameters
from securecomm.store.columns import UtcDateTime, enum_column
from securecomm.store.database import Base


class JobState(enum.StrEnum):
    READY = "ready"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


class Job(Base):
    __tablename__ = "jobs"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(64))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    dedupe_key: Mapped[str] = mapped_column(String(200), unique=True)
    submission_id: Mapped[int | None] = mapped_column(ForeignKey("submissions.id"), index=True)
    state: Mapped[JobState] = mapped_column(enum_column(JobState, "job_state"), index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    max_attempts: Mapped[int] = mapped_column(Integer)
    run_after: Mapped[datetime] = mapped_column(UtcDateTime())
    lease_token: Mapped[str | None] = mapped_column(String(36))
    lease_owner: Mapped[str | None] = mapped_column(String(100))
    lease_expires_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


@dataclass(frozen=True)
class ClaimedJob:
    """What a worker holds while it runs a job (detached from any session)."""

    id: int
    kind: str
    payload: dict[str, Any]
    submission_id: int | None
    attempts: int
    max_attempts: int
    lease_token: str


def enqueue(
    session: Session,
    kind: str,
    payload: dict[str, Any],
    *,
    dedupe_key: str,
    now: datetime,
    submission_id: int | None = None,
    run_after: datetime | None = None,
    max_attempts: int = parameters.JOB_MAX_ATTEMPTS,
) -> Job:
    """Add a job unless one with ``dedupe_key`` exists; returns the job either way."""
    existing = session.scalar(select(Job).where(Job.dedupe_key == dedupe_key))
    if existing is not None:
        return existing
    job = Job(
        kind=kind,
        payload=payload,
        dedupe_key=dedupe_key,
        submission_id=submission_id,
        state=JobState.READY,
        attempts=0,
        max_attempts=max_attempts,
        run_after=run_after or now,
        created_at=now,
    )
    session.add(job)
    session.flush()
    return job


def claim(
    session: Session,
    *,
    worker: str,
    now: datetime,
    lease: timedelta = parameters.JOB_LEASE,
    kinds: list[str] | None = None,
    priority: Sequence[str] = (),
) -> ClaimedJob | None:
    """Lease the oldest runnable job to ``worker`` — of the first kind in ``priority`` that
    has one, then of any other kind; the caller commits (see ``unit_of_work``)."""
    runnable = or_(
        (Job.state == JobState.READY) & (Job.run_after <= now),
        (Job.state == JobState.RUNNING) & (Job.lease_expires_at <= now),
    )
    candidate = select(Job.id).where(runnable)
    if kinds:
        candidate = candidate.where(Job.kind.in_(kinds))
    order: list[Any] = [Job.run_after, Job.id]
    if priority:
        ranks = {kind: i for i, kind in enumerate(priority)}
        order.insert(0, case(ranks, value=Job.kind, else_=len(priority)))
    candidate = candidate.order_by(*order).limit(1).with_for_update(skip_locked=True)
    token = str(uuid.uuid4())
    row = session.execute(
        update(Job)
        .where(Job.id == candidate.scalar_subquery())
        .values(
            state=JobState.RUNNING,
            attempts=Job.attempts + 1,
            lease_token=token,
            lease_owner=worker,
            lease_expires_at=now + lease,
        )
        .returning(Job.id, Job.kind, Job.payload, Job.submission_id, Job.attempts, Job.max_attempts)
        .execution_options(synchronize_session=False)
    ).one_or_none()
    if row is None:
        return None
    return ClaimedJob(row[0], row[1], row[2], row[3], row[4], row[5], token)


def finish(session: Session, job: ClaimedJob, *, now: datetime) -> bool:
    """Mark ``job`` done if this worker still holds its lease; False means someone else does."""
    result = session.execute(
        update(Job)
        .where(Job.id == job.id, Job.lease_token == job.lease_token, Job.state == JobState.RUNNING)
        .values(state=JobState.DONE, finished_at=now, lease_expires_at=None, last_error=None)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1  # type: ignore[attr-defined]  # an UPDATE's result is a CursorResult


def retry_later(session: Session, job: ClaimedJob, *, error: str, now: datetime) -> JobState:
    """Give the job back after a failed attempt: ready again after a back-off, or failed."""
    if job.attempts >= job.max_attempts:
        state, run_after = JobState.FAILED, now
    else:
        delay = min(parameters.RETRY_BASE * 2 ** (job.attempts - 1), parameters.RETRY_CAP)
        state, run_after = JobState.READY, now + delay
    session.execute(
        update(Job)
        .where(Job.id == job.id, Job.lease_token == job.lease_token)
        .values(
            state=state,
            run_after=run_after,
            lease_token=None,
            lease_owner=None,
            lease_expires_at=None,
            last_error=error[:4000],
            finished_at=now if state is JobState.FAILED else None,
        )
        .execution_options(synchronize_session=False)
    )
    return state


def pending_count(session: Session) -> int:
    """Jobs not yet done or failed (ready, or running under some lease)."""
    return int(
        session.scalar(
            select(func.count())
            .select_from(Job)
            .where(Job.state.in_([JobState.READY, JobState.RUNNING]))
        )
        or 0
    )


def next_due(session: Session) -> datetime | None:
    """When the earliest unfinished job becomes runnable (for a worker deciding to sleep)."""
    ready = session.scalar(select(func.min(Job.run_after)).where(Job.state == JobState.READY))
    leased = session.scalar(
        select(func.min(Job.lease_expires_at)).where(Job.state == JobState.RUNNING)
    )
    stamps = [s for s in (ready, leased) if s is not None]
    return min(stamps) if stamps else None
