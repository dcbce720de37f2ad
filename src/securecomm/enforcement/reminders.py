"""Reminders: the deadlines of case work brought to the people who must act, by the worker.

Three deadlines are watched (the limits are in ``enforcement.parameters``):

- a **citizenship review** open :data:`REVIEW_OVERDUE_AFTER` or longer: the supervisor and
  the counsel of its field office who have not yet recorded a finding are reminded (all action
  on the case waits for them);
- a **detainer that holds the person** and expires within :data:`DETAINER_URGENT_WITHIN`: its
  field office's officers (the assigned officer if there is one) are reminded to take custody
  or lift it before the 48 hours end;
- a **scheduled interview** not recorded :data:`INTERVIEW_MISSED_AFTER` after its time: its
  officer is asked to record it or schedule a new one.

``send_due_reminders`` is the scheduled step ``reminders.send``. Each reminder has a key naming
what is due and when (a detainer whose release time changes gets a new one), unique in the
table, so running the sweep again — or a retried job — reminds of nothing twice. Sending is
on the audit log (``reminder.sent``); the console lists the reminders of the principal's
office and role, and acknowledging one is on the log too.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from securecomm.clock import Clock
from securecomm.enforcement import audit
from securecomm.enforcement.errors import PermissionDeniedError, UnknownCaseError
from securecomm.enforcement.guards import HOLDING_DETAINER
from securecomm.enforcement.lifecycle import OPEN_STATES
from securecomm.enforcement.models import Case, CitizenshipReview, Detainer, Interview, Reminder
from securecomm.enforcement.parameters import (
    DETAINER_URGENT_WITHIN,
    INTERVIEW_MISSED_AFTER,
    REVIEW_OVERDUE_AFTER,
)
from securecomm.enforcement.roles import SYSTEM_PRINCIPAL, Principal, Role

REVIEW_OVERDUE = "review_overdue"
DETAINER_EXPIRING = "detainer_expiring"
INTERVIEW_NOT_RECORDED = "interview_not_recorded"


@dataclass(frozen=True)
class Due:
    """One deadline someone must be reminded of."""

    key: str
    case: Case
    kind: str
    addressee: str
    message: str
    due_at: datetime


def _when(value: datetime) -> str:
    return f"{value:%Y-%m-%d %H:%M} UTC"


def _overdue_reviews(session: Session, now: datetime) -> Iterator[Due]:
    rows = session.execute(
        select(CitizenshipReview, Case)
        .join(Case, Case.id == CitizenshipReview.case_id)
        .where(
            CitizenshipReview.resolved_at.is_(None),
            CitizenshipReview.opened_at <= now - REVIEW_OVERDUE_AFTER,
        )
        .order_by(CitizenshipReview.opened_at, CitizenshipReview.id)
    ).all()
    for review, case in rows:
        due = review.opened_at + REVIEW_OVERDUE_AFTER
        for role, finding in (
            (Role.SUPERVISOR, review.supervisor_finding),
            (Role.COUNSEL, review.counsel_finding),
        ):
            if finding is None:
                yield Due(
                    f"review:{review.id}:{role.value}", case, REVIEW_OVERDUE, role.value,
                    f"Case {case.case_number}: the citizenship review opened "
                    f"{_when(review.opened_at)} is overdue; all action on the case waits for "
                    f"the {role.value}'s finding.",
                    due,
                )  # fmt: skip


def _expiring_detainers(session: Session, now: datetime) -> Iterator[Due]:
    rows = session.execute(
        select(Detainer, Case)
        .join(Case, Case.id == Detainer.case_id)
        .where(
            Detainer.status.in_(list(HOLDING_DETAINER)),  # a declined one holds no one
            Detainer.expires_at > now,
            Detainer.expires_at <= now + DETAINER_URGENT_WITHIN,
        )
        .order_by(Detainer.expires_at, Detainer.id)
    ).all()
    for detainer, case in rows:
        assert detainer.expires_at is not None  # selected by it
        yield Due(
            f"detainer:{detainer.number}:{detainer.expires_at.isoformat()}", case,
            DETAINER_EXPIRING, case.assigned_officer or Role.ICE_OFFICER.value,
            f"Case {case.case_number}: detainer {detainer.number} expires "
            f"{_when(detainer.expires_at)}; take custody or lift it before then — the jail "
            "may not hold the person past it.",
            detainer.expires_at,
        )  # fmt: skip


def _unrecorded_interviews(session: Session, now: datetime) -> Iterator[Due]:
    rows = session.execute(
        select(Interview, Case)
        .join(Case, Case.id == Interview.case_id)
        .where(
            Interview.conducted_at.is_(None),
            Interview.scheduled_at <= now - INTERVIEW_MISSED_AFTER,
            Case.state.in_(list(OPEN_STATES)),
        )
        .order_by(Interview.scheduled_at, Interview.id)
    ).all()
    for interview, case in rows:
        yield Due(
            f"interview:{interview.id}", case, INTERVIEW_NOT_RECORDED, interview.officer,
            f"Case {case.case_number}: interview {interview.id} was scheduled for "
            f"{_when(interview.scheduled_at)} and is not recorded; record it, or schedule a "
            "new one if it did not take place.",
            interview.scheduled_at + INTERVIEW_MISSED_AFTER,
        )  # fmt: skip


def due_reminders(session: Session, now: datetime) -> list[Due]:
    """Every deadline to remind of at ``now``, whether or not it was already sent."""
    return [
        *_overdue_reviews(session, now),
        *_expiring_detainers(session, now),
        *_unrecorded_interviews(session, now),
    ]


def send_due_reminders(
    session: Session, clock: Clock, principal: Principal = SYSTEM_PRINCIPAL
) -> list[Reminder]:
    """Record (and audit) a reminder for every due deadline not reminded of yet."""
    now = clock.now()
    due = due_reminders(session, now)
    if not due:
        return []
    sent = set(
        session.execute(select(Reminder.key).where(Reminder.key.in_([d.key for d in due])))
        .scalars()
        .all()
    )
    created = []
    for d in due:
        if d.key in sent:
            continue
        sent.add(d.key)
        reminder = Reminder(
            key=d.key, case_id=d.case.id, kind=d.kind, office=d.case.field_office,
            addressee=d.addressee, message=d.message, due_at=d.due_at, created_at=now,
        )  # fmt: skip
        session.add(reminder)
        audit.record(session, clock, principal, "reminder.sent", d.case.case_number,
                     {"kind": d.kind, "addressee": d.addressee, "office": d.case.field_office,
                      "due_at": d.due_at})  # fmt: skip
        created.append(reminder)
    session.flush()
    return created


def _addresses(principal: Principal, reminder: Reminder) -> bool:
    return reminder.office == principal.office and reminder.addressee in (
        principal.role.value,
        principal.user_id,
    )


def reminders_for(session: Session, principal: Principal) -> list[tuple[Reminder, str]]:
    """The principal's open reminders (its office, its role or itself), soonest due first,
    each with its case number."""
    if not principal.office:
        return []
    rows = session.execute(
        select(Reminder, Case.case_number)
        .join(Case, Case.id == Reminder.case_id)
        .where(
            Reminder.office == principal.office,
            Reminder.addressee.in_([principal.role.value, principal.user_id]),
            Reminder.acknowledged_at.is_(None),
        )
        .order_by(Reminder.due_at, Reminder.id)
    ).all()
    return [(reminder, case_number) for reminder, case_number in rows]


def acknowledge_reminder(
    session: Session, clock: Clock, principal: Principal, reminder_id: int
) -> Reminder:
    """The addressee has seen it (the deadline itself is met by acting on the case)."""
    reminder = session.get(Reminder, reminder_id)
    if reminder is None:
        raise UnknownCaseError(f"no reminder {reminder_id}")
    if not _addresses(principal, reminder):
        raise PermissionDeniedError(
            f"reminder {reminder_id} is for {reminder.addressee} of field office "
            f"{reminder.office}, not for {principal.user_id}",
            rule="reminder_addressee",
        )
    if reminder.acknowledged_at is None:
        reminder.acknowledged_by, reminder.acknowledged_at = principal.user_id, clock.now()
        case = session.get(Case, reminder.case_id)
        audit.record(session, clock, principal, "reminder.acknowledged",
                     case.case_number if case else str(reminder.case_id),
                     {"reminder": reminder.id, "kind": reminder.kind})  # fmt: skip
    return reminder
