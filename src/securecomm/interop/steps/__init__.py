"""The pipeline steps, one module each, and the registry the worker dispatches on.

    features → criminal_search → SRE/ERRT → immigration_search → IDR → (match) IAQ to LESC
    → lesc.research → IAR to the jail + notice to the field office's queue

Each step reads what it needs, writes its effects, the next job(s) and any outgoing messages
in the one transaction it is given; every write is idempotent (unique keys), so a step that is
run again after a crash changes nothing twice. Messages reach their recipients through the
``outbox.deliver`` step.
"""

from __future__ import annotations

from securecomm.interop.context import Step
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

__all__ = ["STEPS"]
