"""The outbox: messages exist only if the change that caused them committed; each key once;
each delivery once; the ERRT path end to end in one process."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from securecomm import ansinist
from securecomm.afis.types import FingerImage
from securecomm.clock import FixedClock
from securecomm.config import Settings
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
from securecomm.interop.components import available_components
from securecomm.interop.outbox import MessageKind, emit
from securecomm.interop.responses import response_text
from securecomm.interop.service import answer_of
from securecomm.interop.steps import STEPS
from securecomm.interop.testing import booking_variant
from securecomm.interop.worker import run_one, run_worker
from securecomm.store.database import unit_of_work


@pytest.fixture()
def context(clock: FixedClock, tmp_path: Path) -> Iterator[PipelineContext]:
    components = available_components(Settings(home=tmp_path / "home"))
    yield PipelineContext(components=components, clock=clock)
    components.galleries.close()


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
    factory: sessionmaker[Session], clock: FixedClock, context: PipelineContext
) -> None:
    with unit_of_work(factory) as session:
        _emit(session, clock, "k1")
    assert run_one(factory, context, STEPS, worker="w")
    assert not run_one(factory, context, STEPS, worker="w")
    assert _count(factory, MailboxEntry) == 1
    with factory() as session:
        message = session.scalars(select(OutboxMessage)).one()
        assert message.delivered_at == clock.now()


def test_undecodable_image_is_answered_with_errt_through_the_outbox(
    factory: sessionmaker[Session], clock: FixedClock, car_template: bytes, context: PipelineContext
) -> None:
    raw = booking_variant(car_template, tcn="T-ERRT-000000", ori="VA0010000", damage_images=True)
    with unit_of_work(factory) as session:
        receipt = receive(session, raw, now=clock.now())
    stats = run_worker(factory, context, STEPS, worker="w", until_idle=True)
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


def test_a_booking_without_a_usable_print_is_answered_with_errt(
    factory: sessionmaker[Session], context: PipelineContext, car_template: bytes
) -> None:
    template = ansinist.read(car_template)
    blank = np.full((400, 400), 255, dtype=np.uint8)
    car = ansinist.build_car(
        ansinist.Addressing(
            ori="VA0010000", dai="WVIAFIS0Z", tcn="VA-BLANK-000001", when=context.clock.now()
        ),
        ansinist.Subject(
            name="ZORVAN, KEL", sex="M", race="U", date_of_birth=None, place_of_birth="VA"
        ),
        ansinist.Arrest(
            arrest_date=context.clock.now().date(),
            offenses=(ansinist.Offense("LARCENY", ncic_code="2399"),),
            controlling_agency="VA0010000",
        ),
        {2: FingerImage(blank)},
    )
    assert template.tot == "CAR"
    with unit_of_work(factory) as session:
        receipt = receive(session, ansinist.write(car), now=context.clock.now())
    stats = run_worker(factory, context, STEPS, worker="w", until_idle=True)
    assert (stats.done, stats.failed) == (2, 0)
    with factory() as session:
        answer = answer_of(session, receipt.submission_id, "VA0010000")
        assert answer is not None and answer.tot == "ERRT"
        assert answer.content.startswith("no usable fingerprint in the submission: record 2")
    assert _count(factory, OutboxMessage) == 1
