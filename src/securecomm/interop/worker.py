"""The worker: claim a job → run its step → commit its effects, next jobs and outbox messages
in one transaction → repeat.

A worker killed at any point loses nothing: a claimed job whose lease expires is claimed again
and run from the start; its earlier run either committed (then the job is done and not
claimable) or did not (then none of its effects exist). The commit is fenced by the lease
token, so a worker that lost its lease cannot complete the job a second time.

Failures: a step raising a ``SecurecommError`` that is not ``transient`` (the data is wrong, or
this build cannot run it) parks the job as failed at once, since retrying cannot help; any
other exception (a crash, a lost connection, a lock) is retried with exponential back-off up to
``JOB_MAX_ATTEMPTS``.

Time-driven work (the 48-hour detainer-expiry sweep) is a :class:`Scheduled` kind: each worker
that runs the kind enqueues one job per period, keyed by the period's start, so however many
workers run there is one job per period, run exactly once like any other.
"""

from __future__ import annotations

import logging
import os
import socket
import time
import traceback
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import String, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, Session, mapped_column, sessionmaker

from securecomm.errors import SecurecommError
from securecomm.interop import jobs, parameters, timing
from securecomm.interop.context import PipelineContext, Step, TwoPhaseStep
from securecomm.store.columns import UtcDateTime
from securecomm.store.database import Base, unit_of_work

log = logging.getLogger(__name__)


class WorkerHeartbeat(Base):
    """Each live worker's last sign of life (``submit`` runs jobs itself when none is fresh)."""

    __tablename__ = "worker_heartbeats"

    worker: Mapped[str] = mapped_column(String(100), primary_key=True)
    seen_at: Mapped[datetime] = mapped_column(UtcDateTime())


@dataclass
class WorkerStats:
    done: int = 0
    retried: int = 0
    failed: int = 0
    lost_lease: int = 0
    #: Per job kind: [jobs run, wall seconds, CPU seconds of this process (all its threads)].
    by_kind: dict[str, list[float]] = field(default_factory=dict)

    def add(self, kind: str, wall: float, cpu: float) -> None:
        row = self.by_kind.setdefault(kind, [0, 0.0, 0.0])
        row[0] += 1
        row[1] += wall
        row[2] += cpu


@dataclass(frozen=True)
class Scheduled:
    """A job kind that runs once every ``every``, started by whichever worker sees it due."""

    kind: str
    every: timedelta

    def slot(self, now: datetime) -> datetime:
        """The start of the period ``now`` falls in (periods count from the epoch, UTC)."""
        period = self.every.total_seconds()
        return datetime.fromtimestamp(now.timestamp() // period * period, tz=now.tzinfo)


def enqueue_due(session: Session, schedule: Sequence[Scheduled], now: datetime) -> None:
    """Enqueue this period's job of each scheduled kind (a no-op when it is already there)."""
    for item in schedule:
        slot = item.slot(now).isoformat()
        jobs.enqueue(session, item.kind, {"slot": slot}, dedupe_key=f"{item.kind}@{slot}", now=now)


def default_worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def run_one(
    factory: sessionmaker[Session],
    context: PipelineContext,
    steps: Mapping[str, Step],
    *,
    worker: str,
    stats: WorkerStats | None = None,
    lease: timedelta = parameters.JOB_LEASE,
    priority: Sequence[str] = (),
) -> bool:
    """Claim and run one job (of the kinds in ``steps``, the earliest kind in ``priority``
    first); False when no job was runnable."""
    stats = stats if stats is not None else WorkerStats()
    with unit_of_work(factory) as session:
        job = jobs.claim(
            session,
            worker=worker,
            now=context.clock.now(),
            kinds=list(steps),
            lease=lease,
            priority=priority,
        )
    if job is None:
        return False
    started = context.clock.now()
    wall0, cpu0 = time.perf_counter(), time.process_time()
    step = steps[job.kind]
    try:
        computed = None
        if isinstance(step, TwoPhaseStep):
            # The heavy part runs with no write transaction open (see ``TwoPhaseStep``).
            with factory() as session:
                computed = step.compute(context, session, job)
        with unit_of_work(factory) as session:
            if not jobs.finish(session, job, now=context.clock.now()):
                stats.lost_lease += 1
                session.rollback()
                return True
            if isinstance(step, TwoPhaseStep):
                step.apply(context, session, job, computed)
            else:
                step(context, session, job)
            timing.record(
                session,
                context.targets,
                name=job.kind,
                kind="step",
                started_at=started,
                finished_at=context.clock.now(),
                submission_id=job.submission_id,
            )
        stats.done += 1
        stats.add(job.kind, time.perf_counter() - wall0, time.process_time() - cpu0)
    except SecurecommError as exc:
        if not exc.transient:
            log.warning("job %s (%s) refused its data, parked: %s", job.id, job.kind, exc)
        _give_back(factory, job, str(exc), context, stats, permanent=not exc.transient)
    except Exception as exc:
        log.warning("job %s (%s) attempt %s failed: %s", job.id, job.kind, job.attempts, exc)
        _give_back(factory, job, traceback.format_exc(limit=8), context, stats, permanent=False)
    return True


def _give_back(
    factory: sessionmaker[Session],
    job: jobs.ClaimedJob,
    error: str,
    context: PipelineContext,
    stats: WorkerStats,
    *,
    permanent: bool,
) -> None:
    claimed = job
    if permanent:
        claimed = jobs.ClaimedJob(
            job.id, job.kind, job.payload, job.submission_id, job.max_attempts,
            job.max_attempts, job.lease_token,
        )  # fmt: skip
    with unit_of_work(factory) as session:
        state = jobs.retry_later(session, claimed, error=error, now=context.clock.now())
    if state is jobs.JobState.FAILED:
        stats.failed += 1
    else:
        stats.retried += 1


def beat(factory: sessionmaker[Session], worker: str, now: datetime) -> None:
    with unit_of_work(factory) as session:
        row = session.get(WorkerHeartbeat, worker)
        if row is None:
            session.add(WorkerHeartbeat(worker=worker, seen_at=now))
        else:
            row.seen_at = now


def live_workers(session: Session, now: datetime) -> list[str]:
    cutoff = now - parameters.WORKER_HEARTBEAT_TTL
    return list(
        session.scalars(select(WorkerHeartbeat.worker).where(WorkerHeartbeat.seen_at >= cutoff))
    )


def run_worker(
    factory: sessionmaker[Session],
    context: PipelineContext,
    steps: Mapping[str, Step],
    *,
    worker: str | None = None,
    until_idle: bool = False,
    max_jobs: int | None = None,
    should_stop: Callable[[], bool] = lambda: False,
    poll_seconds: float = parameters.WORKER_POLL_SECONDS,
    lease: timedelta = parameters.JOB_LEASE,
    priority: Sequence[str] = (),
    schedule: Sequence[Scheduled] = (),
) -> WorkerStats:
    """Run jobs until stopped; with ``until_idle``, return when no job is runnable now.

    The ``schedule`` kinds this worker runs (those in ``steps``) are enqueued when due, checked
    as often as the heartbeat."""
    name = worker or default_worker_name()
    stats = WorkerStats()
    schedule = [item for item in schedule if item.kind in steps]
    last_beat = 0.0
    handled = 0
    while not should_stop():
        if time.monotonic() - last_beat > parameters.WORKER_HEARTBEAT_TTL.total_seconds() / 3:
            beat(factory, name, context.clock.now())
            if schedule:
                try:
                    with unit_of_work(factory) as session:
                        enqueue_due(session, schedule, context.clock.now())
                except IntegrityError:
                    pass  # another worker enqueued this period's job at the same moment
            last_beat = time.monotonic()
        if max_jobs is not None and handled >= max_jobs:
            break
        if run_one(
            factory, context, steps, worker=name, stats=stats, lease=lease, priority=priority
        ):
            handled += 1
            continue
        if until_idle:
            break
        time.sleep(poll_seconds)
    with unit_of_work(factory) as session:
        row = session.get(WorkerHeartbeat, name)
        if row is not None:
            session.delete(row)
    return stats
