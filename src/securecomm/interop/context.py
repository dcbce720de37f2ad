"""What every pipeline step is given: the clock, the components, the targets, and the step's
session (one transaction: effects, next jobs and outbox messages commit together or not at all).

A step whose work is mostly computation (decoding and extracting prints, 1:N searches) is a
:class:`TwoPhaseStep`: its ``compute`` phase reads what it needs in a short read-only session
and does the heavy work with no transaction open, then its ``apply`` phase writes the effects in
the step's transaction. On SQLite a write transaction holds the database's only write lock
(``BEGIN IMMEDIATE``), so computing inside it would stop every other worker and every intake for
seconds; on PostgreSQL it would hold row locks and a connection as long.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from securecomm.clock import Clock, SystemClock
from securecomm.interop.components import PipelineComponents
from securecomm.interop.jobs import ClaimedJob
from securecomm.interop.timing import ResponseTimeTargets


@dataclass(frozen=True)
class PipelineContext:
    components: PipelineComponents
    clock: Clock = field(default_factory=SystemClock)
    targets: ResponseTimeTargets = field(default_factory=ResponseTimeTargets)


#: A step runs one job inside the given session; it raises ``SecurecommError`` only for a
#: system fault it cannot answer (the worker retries or parks the job).
Step = Callable[[PipelineContext, Session, ClaimedJob], None]


@dataclass(frozen=True)
class TwoPhaseStep:
    """A step split into ``compute`` (read-only session, no write lock) and ``apply`` (the
    step's transaction, given what ``compute`` returned).

    ``apply`` must re-check the state it depends on: another worker may have run the same job
    in between (its lease expired), in which case the fenced completion fails and nothing is
    written. Calling the object runs both phases in one session, as a plain :data:`Step`.
    """

    compute: Callable[[PipelineContext, Session, ClaimedJob], Any]
    apply: Callable[[PipelineContext, Session, ClaimedJob, Any], None]

    def __call__(self, context: PipelineContext, session: Session, job: ClaimedJob) -> None:
        self.apply(context, session, job, self.compute(context, session, job))
