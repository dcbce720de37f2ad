"""The enforcement steps the pipeline's worker runs unattended, as durable jobs.

- ``field_office.notice``: one field-office notice becomes a case — a new one, the person's
  open case (a re-booking joins it), held at the citizenship gate, or with a reentry referral
  (``intake.take_match``). Enqueued by the delivery of the notice, in the same transaction.
- ``detainers.expire``: the 48-hour detainer-expiry sweep, a scheduled kind the worker
  enqueues once per period (:data:`SCHEDULE`).
- ``reminders.send``: the deadlines of case work (overdue citizenship reviews, detainers near
  their expiry, interviews not recorded) reminded once each to who must act
  (``enforcement.reminders``), also scheduled.

Each runs in the job's transaction with the worker's fenced completion, so a crash at any point
leaves either all of its effects (case, audit entries, notice marked taken) or none, and the
retry finds the booking's case already there (``KNOWN``) instead of opening a second one.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.orm import Session

from securecomm.enforcement.detainers import expire_due_detainers
from securecomm.enforcement.from_interop import inputs_from_notice
from securecomm.enforcement.intake import take_match
from securecomm.enforcement.parameters import REMINDER_SWEEP_EVERY
from securecomm.enforcement.reminders import send_due_reminders
from securecomm.enforcement.roles import SYSTEM_PRINCIPAL
from securecomm.interop import timing
from securecomm.interop.context import PipelineContext, Step
from securecomm.interop.deliveries import NOTICE_STEP
from securecomm.interop.jobs import ClaimedJob
from securecomm.interop.notices import mark_taken, read_notice
from securecomm.interop.worker import Scheduled

EXPIRE_STEP = "detainers.expire"
REMIND_STEP = "reminders.send"
CASE_MILESTONE = "case"

#: How often the detainer-expiry sweep runs: a detainer lapses at most this late.
EXPIRY_SWEEP_EVERY = timedelta(minutes=1)


def take_notice(context: PipelineContext, session: Session, job: ClaimedJob) -> None:
    notice = read_notice(session, job.payload["notice_id"])
    if notice.taken:
        return
    match, criminal, immigration = inputs_from_notice(notice)
    taken = take_match(session, context.clock, SYSTEM_PRINCIPAL, match, criminal, immigration)
    now = context.clock.now()
    mark_taken(session, notice.notice_id, taken.case.case_number, now)
    # From the booking's receipt to its case (opened, or joined): the pipeline's last milestone.
    timing.record(session, context.targets, name=CASE_MILESTONE, kind="milestone",
                  started_at=match.booked_at, finished_at=now,
                  submission_id=notice.submission_id)  # fmt: skip


def expire_detainers(context: PipelineContext, session: Session, job: ClaimedJob) -> None:
    expire_due_detainers(session, context.clock, SYSTEM_PRINCIPAL)


def send_reminders(context: PipelineContext, session: Session, job: ClaimedJob) -> None:
    send_due_reminders(session, context.clock, SYSTEM_PRINCIPAL)


STEPS: dict[str, Step] = {
    NOTICE_STEP: take_notice,
    EXPIRE_STEP: expire_detainers,
    REMIND_STEP: send_reminders,
}

SCHEDULE: tuple[Scheduled, ...] = (
    Scheduled(EXPIRE_STEP, EXPIRY_SWEEP_EVERY),
    Scheduled(REMIND_STEP, REMINDER_SWEEP_EVERY),
)
