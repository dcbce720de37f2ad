"""The pipeline steps, one module each, and the registry the worker dispatches on.

    features → criminal_search → SRE/ERRT → immigration_search → IDR → (match) IAQ to LESC
    → lesc.research → IAR → notices to the jail and to the field office's queue

Each step reads what it needs, writes its effects, the next job(s) and any outgoing messages
in the one transaction it is given; every write is idempotent (unique keys), so a step that is
run again after a crash changes nothing twice.
"""

from __future__ import annotations

from securecomm.interop.context import Step
from securecomm.interop.outbox import DELIVER_STEP
from securecomm.interop.steps.deliver import deliver
from securecomm.interop.steps.features import features
from securecomm.interop.submissions import FIRST_STEP

STEPS: dict[str, Step] = {
    FIRST_STEP: features,
    DELIVER_STEP: deliver,
}

__all__ = ["STEPS"]
