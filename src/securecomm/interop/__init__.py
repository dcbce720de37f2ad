"""securecomm.interop — the booking pipeline: submissions, jobs, outbox, steps, workers.

Importing this package registers the pipeline's tables (and the record systems' tables) on
``securecomm.store.database.Base``.
"""

import securecomm.records  # noqa: F401  (the record tables the pipeline refers to)
from securecomm.interop.context import PipelineContext
from securecomm.interop.deliveries import FieldOfficeNotice, MailboxEntry
from securecomm.interop.jobs import Job, JobState
from securecomm.interop.outbox import MessageKind, OutboxMessage
from securecomm.interop.submissions import Receipt, Submission, SubmissionState, receive
from securecomm.interop.templates_store import SubmissionTemplate
from securecomm.interop.timing import ResponseTimeTargets, StepTiming
from securecomm.interop.worker import WorkerHeartbeat, run_worker

__all__ = [
    "FieldOfficeNotice",
    "Job",
    "JobState",
    "MailboxEntry",
    "MessageKind",
    "OutboxMessage",
    "PipelineContext",
    "Receipt",
    "ResponseTimeTargets",
    "StepTiming",
    "Submission",
    "SubmissionState",
    "SubmissionTemplate",
    "WorkerHeartbeat",
    "receive",
    "run_worker",
]
