"""The outbox: messages exist only if the change that caused them committed; each key once;
each delivery once; the ERRT path end to end in one process."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from securecomm.clock import FixedClock
from securecomm.interop import (
    Job,
    MailboxEntry,
    OutboxMessage,
    PipelineContext,
    StepTiming,
    Submission,
    SubmissionState,
    receive,
)
from securecomm.interop.outbox import MessageKind, emit
from securecomm.interop.responses import response_text
from securecomm.interop.service import answer_of, failed_job
from securecomm.interop.steps import STEPS
from securecomm.interop.testing import booking_variant
from securecomm.interop.units import unit_of_work
from securecomm.interop.worker import run_one, run_worker


def _count(factory: sessionmaker[Session], model: type) -> int:
    with factory() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def _emit(session: Session, clock: FixedClock, key: str) -> None:
    emit(
        session,
        kind=MessageKind.JAIL_NOTICE,
        recipient="VA0010000",
        body=b"notice",
        content_type="text/plain",
        summary="notice",
        idempotency_key=key,
        now=clock.now(),
    )


def test_a_rolled_back_change_sends_no_message(
    factory: sessionmaker[Session], clock: FixedClock
) -> None:
    with pytest.raises(RuntimeError), unit_of_work(factory) as session:
        _emit(session, clock, "k1")
        raise RuntimeError("the state change failed")
    assert _count(factory, OutboxMessage) == 0
    assert _count(factory, Job) == 0


def test_an_idempotency_key_is_sent_once(factory: sessionmaker[Session], clock: FixedClock) -> None:
    for _ in range(3):
        with unit_of_work(factory) as session:
            _emit(session, clock, "k1")
    assert _count(factory, OutboxMessage) == 1
    assert _count(factory, Job) == 1  # one delivery job


def test_delivery_lands_in_the_mailbox_once(
    factory: sessionmaker[Session], clock: FixedClock
) -> None:
    with unit_of_work(factory) as session:
        _emit(session, clock, "k1")
    context = PipelineContext(clock=clock)
    assert run_one(factory, context, STEPS, worker="w")
    assert not run_one(factory, context, STEPS, worker="w")
    assert _count(factory, MailboxEntry) == 1
    with factory() as session:
        message = session.scalars(select(OutboxMessage)).one()
        assert message.delivered_at == clock.now()


def test_undecodable_image_is_answered_with_errt_through_the_outbox(
    factory: sessionmaker[Session], clock: FixedClock, car_template: bytes
) -> None:
    raw = booking_variant(car_template, tcn="T-ERRT", ori="VA0010000", damage_images=True)
    with unit_of_work(factory) as session:
        receipt = receive(session, raw, now=clock.now())
    stats = run_worker(factory, PipelineContext(clock=clock), STEPS, worker="w", until_idle=True)
    assert (stats.done, stats.failed) == (2, 0)  # features, then delivery
    with factory() as session:
        answer = answer_of(session, receipt.submission_id, "VA0010000")
        assert answer is not None and answer.tot == "ERRT"
        assert answer.content.startswith("record 2 (Type-4), field 4.009: image data cannot")
        submission = session.get(Submission, receipt.submission_id)
        assert submission is not None and submission.state is SubmissionState.COMPLETED
        message = session.scalars(select(OutboxMessage)).one()
        tot, _ = response_text(message.body)
        assert tot == "ERRT"
        milestones = session.scalars(select(StepTiming).where(StepTiming.kind == "milestone")).all()
        assert [(m.name, m.met_target) for m in milestones] == [("errt", True)]
        steps = sorted(
            t.name for t in session.scalars(select(StepTiming).where(StepTiming.kind == "step"))
        )
        assert steps == ["features", "outbox.deliver"]


def test_a_step_whose_component_is_missing_is_a_system_fault_not_an_answer(
    factory: sessionmaker[Session], clock: FixedClock, car_template: bytes
) -> None:
    raw = booking_variant(car_template, tcn="T-OK", ori="VA0010000")
    with unit_of_work(factory) as session:
        receipt = receive(session, raw, now=clock.now())
    stats = run_worker(factory, PipelineContext(clock=clock), STEPS, worker="w", until_idle=True)
    assert stats.failed == 1
    with factory() as session:
        assert answer_of(session, receipt.submission_id, "VA0010000") is None
        fault = failed_job(session, receipt.submission_id)
        assert fault is not None and "not available in this build" in fault
    assert _count(factory, OutboxMessage) == 0
