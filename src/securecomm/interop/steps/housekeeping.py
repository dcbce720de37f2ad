"""Step ``jobs.prune``: drop the finished runs of scheduled kinds once they are old.

A scheduled kind leaves one job per period (the detainer-expiry sweep: 1,440 a day, half a
million a year), and a finished one is only a receipt that the period ran. Jobs of a booking
(``submission_id`` set) are its processing record and are kept; so is every job that failed,
for operators to read. The step is itself scheduled, so it prunes its own old runs too.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete
from sqlalchemy.orm import Session

from securecomm.interop.context import PipelineContext, Step
from securecomm.interop.jobs import ClaimedJob, Job, JobState
from securecomm.interop.parameters import FINISHED_SCHEDULED_JOBS_KEPT_FOR

PRUNE_STEP = "jobs.prune"
#: How often the prune runs (each run removes what aged past the retention since the last).
PRUNE_EVERY = timedelta(hours=1)


def prune_finished_scheduled_jobs(session: Session, kinds: tuple[str, ...], now: datetime) -> int:
    """Delete finished jobs of ``kinds`` with no booking, finished before the retention."""
    result = session.execute(
        delete(Job).where(
            Job.kind.in_(kinds),
            Job.submission_id.is_(None),
            Job.state == JobState.DONE,
            Job.finished_at < now - FINISHED_SCHEDULED_JOBS_KEPT_FOR,
        )
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]  # a DELETE's result is a CursorResult


def pruner(scheduled_kinds: tuple[str, ...]) -> Step:
    """The ``jobs.prune`` step for the system's scheduled kinds (the composition root knows
    them all: ``securecomm.system.SCHEDULE``)."""

    def prune(context: PipelineContext, session: Session, job: ClaimedJob) -> None:
        prune_finished_scheduled_jobs(session, scheduled_kinds, context.clock.now())

    return prune
