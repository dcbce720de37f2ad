"""What every pipeline step is given: the clock, the components, the targets, and the step's
session (one transaction: effects, next jobs and outbox messages commit together or not at all).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

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
