"""A detainer the jail declined (or answered notify-only) holds no one past release.

Its 48-hour expiry is when the sweep closes it, not a deadline anyone can act on: the queue
keeps the release-eligible time while it is ahead, then shows no deadline (never "overdue"),
the case view says it does not hold the person, and the sweep still closes it with the jail's
answer kept.  An honoured or unanswered detainer is a hold, and its expiry stays the deadline.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from enforcement_support import BOOKING, OFFICER, SUPERVISOR, Flow, conviction, in_transaction

from securecomm.clock import FixedClock
from securecomm.enforcement import audit
from securecomm.enforcement.commands import RecordJailResponse, RecordReleaseTime
from securecomm.enforcement.models import Detainer
from securecomm.enforcement.queue import QueueItem
from securecomm.enforcement.vocabulary import CaseState, DetainerStatus, JailAnswer

HOLD = timedelta(hours=48)
NO_HOLD = [JailAnswer.DECLINED, JailAnswer.NOTIFY_ONLY]


def answered(flow: Flow, answer: JailAnswer | None, tcn: str = "J1") -> tuple[str, datetime]:
    """A Level 1 case with a detainer, release eligible in 48 hours, answered as given."""
    release = flow.clock.now() + timedelta(days=2)
    cn = flow.detained_request(tcn, history=[conviction("1204")])
    if answer is not None:
        flow.work.handle(
            RecordJailResponse(cn, answer=answer, answered_by="jail shift supervisor"), BOOKING
        )
    return cn, release


def queued(flow: Flow, cn: str) -> QueueItem:
    (item,) = [i for i in flow.work.work_queue(SUPERVISOR) if i.case_number == cn]
    return item


def detainer_of(flow: Flow, cn: str) -> Detainer:
    return in_transaction(
        flow.work, lambda s, c: s.query(Detainer).filter_by(number=f"{cn}-D1").one()
    )


@pytest.mark.parametrize("answer", NO_HOLD)
def test_no_hold_keeps_the_release_time_and_is_never_overdue(
    flow: Flow, clock: FixedClock, answer: JailAnswer
) -> None:
    cn, release = answered(flow, answer)
    item = queued(flow, cn)
    assert item.deadline == release and not item.detainer_holds
    assert item.detainer_status is DetainerStatus(answer.value)
    assert item.detainer_expires_at == release + HOLD  # still shown: when the sweep closes it
    for after_release in (timedelta(hours=1), HOLD, HOLD + timedelta(hours=5)):
        clock.set(release + after_release)  # the last one: expiry passed, sweep not yet run
        item = queued(flow, cn)
        assert item.deadline is None, after_release
        assert item.state is CaseState(f"detainer_{answer.value}")


@pytest.mark.parametrize("answer", NO_HOLD)
def test_no_hold_sorts_after_a_case_with_a_deadline(
    flow: Flow, clock: FixedClock, answer: JailAnswer
) -> None:
    cn, release = answered(flow, answer, "J1")
    other = flow.reviewed("J2", history=[conviction("1204")])
    flow.work.handle(
        RecordReleaseTime(other, release_eligible_at=release + timedelta(days=5)), OFFICER
    )
    clock.set(release + HOLD + timedelta(hours=1))
    assert [i.case_number for i in flow.work.work_queue(SUPERVISOR)] == [other, cn]


@pytest.mark.parametrize("answer", [None, JailAnswer.HONOURED])
def test_a_hold_keeps_its_expiry_as_the_deadline_and_goes_overdue(
    flow: Flow, clock: FixedClock, answer: JailAnswer | None
) -> None:
    cn, release = answered(flow, answer)
    assert queued(flow, cn).deadline == release
    clock.set(release + timedelta(hours=1))
    item = queued(flow, cn)
    assert item.detainer_holds and item.deadline == release + HOLD
    clock.set(release + HOLD + timedelta(hours=1))
    assert queued(flow, cn).deadline == release + HOLD  # overdue: before now


@pytest.mark.parametrize("answer", NO_HOLD)
def test_the_sweep_still_closes_it_once_keeping_the_answer(
    flow: Flow, clock: FixedClock, answer: JailAnswer
) -> None:
    cn, release = answered(flow, answer)
    clock.set(release + HOLD)
    assert flow.work.expire_due_detainers() == []  # not before its expiry
    clock.set(release + HOLD + timedelta(seconds=1))
    assert flow.work.expire_due_detainers() == [cn]
    assert flow.work.expire_due_detainers() == []
    d = detainer_of(flow, cn)
    assert d.status is DetainerStatus.EXPIRED and d.closed_at == clock.now()
    assert d.jail_answer is answer and d.jail_answered_by == "jail shift supervisor"
    assert cn not in [i.case_number for i in flow.work.work_queue(SUPERVISOR)]
    entries = in_transaction(flow.work, lambda s, c: audit.entries_for(s, cn))
    actions = [e.action for e in entries]
    assert actions.count("case.expire_detainer") == 1
    (response,) = [e for e in entries if e.action == "case.record_jail_response"]
    assert audit.details_of(response)["evidence"]["answer"] == answer.value
    assert flow.work.verify_audit().intact


@pytest.mark.parametrize(
    ("answer", "holds"),
    [(None, True), (JailAnswer.HONOURED, True), (JailAnswer.DECLINED, False),
     (JailAnswer.NOTIFY_ONLY, False)],
)  # fmt: skip
def test_the_case_view_says_whether_the_detainer_holds_the_person(
    flow: Flow, answer: JailAnswer | None, holds: bool
) -> None:
    cn, release = answered(flow, answer)
    view = flow.work.read_case(OFFICER, cn)
    assert view.detainer_number == f"{cn}-D1" and view.detainer_expires_at == release + HOLD
    assert view.detainer_holds is holds
    assert view.detainer_status is DetainerStatus(answer.value if answer else "issued")
