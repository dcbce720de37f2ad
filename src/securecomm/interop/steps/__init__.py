"""The pipeline steps, one module each, and the registry the worker dispatches on.

    features → criminal_search → SRE/ERRT → immigration_search → IDR → (match) IAQ to LESC
    → lesc.research → IAR to the jail + notice to the field office's queue
    → (``field_office.notice``, the enforcement layer's step) the case

The full registry, with the enforcement steps, is ``securecomm.system.STEPS``.

Each step reads what it needs, writes its effects, the next job(s) and any outgoing messages
in the one transaction it is given; every write is idempotent (unique keys), so a step that is
run again after a crash changes nothing twice. Messages reach their recipients through the
``outbox.deliver`` step.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from securecomm.interop.components import CRIMINAL_GALLERY, IMMIGRATION_GALLERY
from securecomm.interop.context import Step
from securecomm.interop.errors import UnknownStepError
from securecomm.interop.outbox import DELIVER_STEP
from securecomm.interop.steps.criminal import criminal_search
from securecomm.interop.steps.deliver import LESC_STEP, deliver
from securecomm.interop.steps.features import features
from securecomm.interop.steps.immigration import immigration_search
from securecomm.interop.steps.lesc import lesc_research
from securecomm.interop.submissions import FIRST_STEP

STEPS: dict[str, Step] = {
    FIRST_STEP: features,
    "criminal_search": criminal_search,
    "immigration_search": immigration_search,
    LESC_STEP: lesc_research,
    DELIVER_STEP: deliver,
}

#: The order a worker prefers among runnable jobs: the latest stage of the pipeline first, so
#: bookings already under way are answered before new ones are started (with a backlog this
#: bounds the work in flight and the time to each answer; throughput is the same).
STAGE_PRIORITY: tuple[str, ...] = (
    DELIVER_STEP,
    LESC_STEP,
    "immigration_search",
    "criminal_search",
    FIRST_STEP,
)

#: The gallery each search step opens. A gallery is written by one process at a time (the
#: search engine locks it), so on the embedded engine each gallery's step runs in one worker:
#: the criminal search in one, the immigration search in the same or another, and any further
#: workers run the rest (``securecomm worker --kinds``, see ``securecomm.system.worker_kinds``).
STEP_GALLERIES: dict[str, str] = {
    "criminal_search": CRIMINAL_GALLERY,
    "immigration_search": IMMIGRATION_GALLERY,
}
GALLERY_STEPS = frozenset(STEP_GALLERIES)
WITHOUT_GALLERIES: tuple[str, ...] = tuple(k for k in STEPS if k not in GALLERY_STEPS)


def galleries_for(kinds: Iterable[str]) -> tuple[str, ...]:
    """The galleries a worker running ``kinds`` opens (in the order of :data:`STEP_GALLERIES`)."""
    chosen = set(kinds)
    return tuple(g for step, g in STEP_GALLERIES.items() if step in chosen)


def steps_for(kinds: Iterable[str] | None, registry: Mapping[str, Step] = STEPS) -> dict[str, Step]:
    """``registry`` restricted to ``kinds`` (all steps for None); unknown kinds are an error."""
    if kinds is None:
        return dict(registry)
    chosen = list(kinds)
    unknown = [k for k in chosen if k not in registry]
    if unknown or not chosen:
        raise UnknownStepError(
            f"unknown job kind(s) {', '.join(unknown) or '(none given)'}; "
            f"the kinds are {', '.join(registry)}"
        )
    return {k: registry[k] for k in chosen}


__all__ = [
    "GALLERY_STEPS",
    "STAGE_PRIORITY",
    "STEPS",
    "STEP_GALLERIES",
    "WITHOUT_GALLERIES",
    "galleries_for",
    "steps_for",
]
