"""Reminders of case-work deadlines: what is due is reminded once, to who must act, and not
before it is due; acknowledging is for the addressee only; the worker runs the sweep as the
scheduled kind ``reminders.send``."""

from __future__ import annotations

from datetime import timedelta

import pytest
from enforcement_support import COUNSEL, LESC, OFFICER, OFFICER_2, SUPERVISOR, Flow, in_transaction

from securecomm.enforcement import audit, reminders
from securecomm.enforcement.commands import (
    AcknowledgeReminder,
    AssessPriority,
    ConductInterview,
    ScheduleInterview,
)
from securecomm.enforcement.errors import PermissionDeniedError
from securecomm.enforcement.models import AuditEntry, Reminder
from securecomm.enforcement.parameters import (
    DETAINER_URGENT_WITHIN,
    INTERVIEW_MISSED_AFTER,
    REVIEW_OVERDUE_AFTER,
)
from securecomm.enforcement.pipeline_steps import REMIND_STEP
from securecomm.enforcement.vocabulary import InterviewMode


def sweep(flow: Flow) -> list[tuple[str, str]]:
    sent = in_transaction(flow.work, lambda s, c: reminders.send_due_reminders(s, c))
    return sorted((r.kind, r.addressee) for r in sent)


def all_reminders(flow: Flow) -> list[Reminder]:
    return in_transaction(flow.work, lambda s, c: s.query(Reminder).order_by(Reminder.id).all())


def test_a_holding_detainer_near_its_expiry_is_reminded_once(flow: Flow) -> None:
    cn = flow.detained_request()  # expires 48 h after a release two days ahead
    assert sweep(flow) == [], "four days ahead of its expiry: nothing due yet"
    expiry = in_transaction(flow.work, lambda s, c: s.query(Reminder).count())
    assert expiry == 0
    detainer_expiry = flow.work.read_case(OFFICER, cn).detainer_expires_at
    assert detainer_expiry is not None
    flow.clock.set(detainer_expiry - DETAINER_URGENT_WITHIN + timedelta(minutes=1))
    assert sweep(flow) == [("detainer_expiring", "ice_officer")]
    assert sweep(flow) == [], "the same deadline is never reminded twice"
    (reminder,) = all_reminders(flow)
    assert reminder.office == "DAL" and cn in reminder.message and "expires" in reminder.message
    sent = [e for e in in_transaction(flow.work, lambda s, c: s.query(AuditEntry).all())
            if e.action == "reminder.sent"]  # fmt: skip
    assert len(sent) == 1 and audit.details_of(sent[0])["kind"] == "detainer_expiring"


def test_an_interview_not_recorded_is_reminded_to_its_officer(flow: Flow) -> None:
    cn = flow.researched()
    flow.work.handle(AssessPriority(cn), LESC)
    flow.work.handle(
        ScheduleInterview(
            cn, mode=InterviewMode.VIDEO, scheduled_at=flow.clock.now(), language="en"
        ),
        OFFICER,
    )
    flow.clock.set(flow.clock.now() + INTERVIEW_MISSED_AFTER - timedelta(minutes=1))
    assert sweep(flow) == []
    flow.clock.set(flow.clock.now() + timedelta(minutes=2))
    assert sweep(flow) == [("interview_not_recorded", "ice.officer")]
    mine = in_transaction(flow.work, lambda s, c: reminders.reminders_for(s, OFFICER))
    assert [cn_ for _, cn_ in mine] == [cn]
    assert in_transaction(flow.work, lambda s, c: reminders.reminders_for(s, OFFICER_2)) == [], (
        "addressed to the interview's officer, not to every officer"
    )


def test_an_overdue_citizenship_review_reminds_who_has_not_answered(flow: Flow) -> None:
    cn = flow.researched()
    flow.work.handle(AssessPriority(cn), LESC)
    interview = flow.work.handle(
        ScheduleInterview(
            cn, mode=InterviewMode.VIDEO, scheduled_at=flow.clock.now(), language="en"
        ),
        OFFICER,
    )
    flow.work.handle(
        ConductInterview(cn, interview_id=interview.id, citizenship_claimed=True), OFFICER
    )
    assert flow.work.read_case(OFFICER, cn).citizenship_gate_open
    flow.clock.set(flow.clock.now() + REVIEW_OVERDUE_AFTER - timedelta(minutes=1))
    assert sweep(flow) == []
    flow.clock.set(flow.clock.now() + timedelta(minutes=2))
    assert sweep(flow) == [("review_overdue", "counsel"), ("review_overdue", "supervisor")]
    (for_counsel,) = in_transaction(flow.work, lambda s, c: reminders.reminders_for(s, COUNSEL))
    reminder, _ = for_counsel
    with pytest.raises(PermissionDeniedError, match="not for supervisor"):
        flow.work.handle(AcknowledgeReminder(reminder.id), SUPERVISOR)
    flow.work.handle(AcknowledgeReminder(reminder.id), COUNSEL)
    assert in_transaction(flow.work, lambda s, c: reminders.reminders_for(s, COUNSEL)) == []
    assert len(in_transaction(flow.work, lambda s, c: reminders.reminders_for(s, SUPERVISOR))) == 1
    assert sweep(flow) == [], "acknowledged or not, a deadline is reminded once"


def test_the_worker_schedules_the_sweep() -> None:
    from securecomm import system

    assert REMIND_STEP in system.STEPS
    assert REMIND_STEP in [s.kind for s in system.SCHEDULE]
