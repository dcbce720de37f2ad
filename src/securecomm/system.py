"""The composition root: the one place that sees every layer and wires them into the system.

It owns
- the table metadata (every layer's models, for the migrations and for tests that build a
  schema), and
- the worker's registry: the pipeline's steps (``interop``) and the enforcement steps that carry
  a notice into a case and sweep expired detainers, the order a worker prefers among runnable
  jobs, and the time-driven kinds it enqueues when due (among them the audit log's signed tree
  head, once a minute).

Entry points (``cli``, ``api``, ``web``) take the steps from here; no layer below imports it.
"""

from __future__ import annotations

from collections.abc import Iterable

import securecomm.enforcement.models
import securecomm.interop
import securecomm.records
import securecomm.synthetic.population.models
import securecomm.web.models
from securecomm.enforcement import audit_heads, pipeline_steps
from securecomm.interop import steps as interop_steps
from securecomm.interop.context import Step
from securecomm.interop.deliveries import NOTICE_STEP
from securecomm.interop.steps import housekeeping
from securecomm.interop.worker import Scheduled
from securecomm.store.database import Base

del securecomm  # imported for their tables only

#: Every table of every layer.
METADATA = Base.metadata

#: Time-driven kinds, each enqueued once per period by whichever worker sees it due; the last
#: drops their finished runs after a week (``interop.steps.housekeeping``).
SCHEDULE: tuple[Scheduled, ...] = (
    *pipeline_steps.SCHEDULE,
    *audit_heads.SCHEDULE,
    Scheduled(housekeeping.PRUNE_STEP, housekeeping.PRUNE_EVERY),
)

STEPS: dict[str, Step] = {
    **interop_steps.STEPS,
    **pipeline_steps.STEPS,
    **audit_heads.STEPS,
    housekeeping.PRUNE_STEP: housekeeping.pruner(tuple(s.kind for s in SCHEDULE)),
}

#: The latest stage first (see ``interop.steps.STAGE_PRIORITY``): a notice becomes a case
#: before new bookings are started; the sweep comes before everything (it is short, and a
#: detainer must not stay live past its 48 hours because the queue is long).
STAGE_PRIORITY: tuple[str, ...] = (
    pipeline_steps.EXPIRE_STEP,
    housekeeping.PRUNE_STEP,
    NOTICE_STEP,
    *interop_steps.STAGE_PRIORITY,
)

GALLERY_STEPS = interop_steps.GALLERY_STEPS
#: The galleries a worker running some kinds opens.
galleries_for = interop_steps.galleries_for
#: The kinds a worker runs that holds no gallery on the embedded engine (all but the searches).
WITHOUT_GALLERIES: tuple[str, ...] = tuple(k for k in STEPS if k not in GALLERY_STEPS)


def worker_kinds(slot: int, workers: int) -> tuple[str, ...] | None:
    """The kinds worker ``slot`` (0-based) of ``workers`` on one machine runs on the embedded
    engine (None: every kind).

    One worker runs everything. With two or more, each gallery's search has a worker of its
    own, since a gallery has one writer process: the first runs every kind but the immigration
    search (it holds the criminal gallery), the second every kind but the criminal search (it
    holds the immigration gallery), any others every kind but the searches. Both searches cost
    about the same, so the first two workers share the CPU evenly; with one worker holding both
    galleries, its core did both searches while the other core waited for work.
    """
    if workers <= 1:
        return None
    held = {0: "criminal_search", 1: "immigration_search"}.get(slot)
    return tuple(k for k in STEPS if k not in GALLERY_STEPS or k == held)


def steps_for(kinds: Iterable[str] | None) -> dict[str, Step]:
    """The system's registry restricted to ``kinds`` (all for None); unknown kinds are an error."""
    return interop_steps.steps_for(kinds, STEPS)
