"""Intake: durable before acknowledged, idempotent on (ORI, TCN), nothing stored for bad input."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from securecomm.ansinist import traditional
from securecomm.ansinist.ebts import read_booking
from securecomm.ansinist.errors import AnsiNistError
from securecomm.clock import FixedClock
from securecomm.interop import Job, Submission, receive
from securecomm.interop.errors import (
    DuplicateTcnError,
    ForbiddenSubmissionError,
    SubmissionFormatError,
)
from securecomm.interop.service import receive_durably
from securecomm.interop.submissions import booking_of
from securecomm.interop.testing import booking_variant
from securecomm.store.database import unit_of_work


def _count(factory: sessionmaker[Session], model: type) -> int:
    with factory() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def test_resubmission_returns_same_submission_and_creates_nothing(
    factory: sessionmaker[Session], clock: FixedClock, car_template: bytes
) -> None:
    raw = booking_variant(car_template, tcn="TCN-0001-000000", ori="VA0010000")
    with unit_of_work(factory) as session:
        first = receive(session, raw, now=clock.now())
    with unit_of_work(factory) as session:
        second = receive(session, raw, now=clock.now())
    assert first.created and not second.created
    assert (second.submission_id, second.ori, second.tcn) == (
        first.submission_id,
        "VA0010000",
        "TCN-0001-000000",
    )
    assert _count(factory, Submission) == 1
    assert _count(factory, Job) == 1
    with factory() as session:
        stored = session.get(Submission, first.submission_id)
        assert stored is not None and stored.raw == raw and stored.tot == "CAR"


def test_same_tcn_with_other_bytes_is_refused(
    factory: sessionmaker[Session], clock: FixedClock, car_template: bytes
) -> None:
    with unit_of_work(factory) as session:
        receive(
            session,
            booking_variant(car_template, tcn="T1-0000000", ori="VA0010000"),
            now=clock.now(),
        )
    other = booking_variant(car_template, tcn="T1-0000000", ori="VA0010000", damage_images=True)
    with (
        pytest.raises(
            DuplicateTcnError, match="TCN T1-0000000 of agency VA0010000 was already used"
        ),
        unit_of_work(factory) as session,
    ):
        receive(session, other, now=clock.now())
    assert _count(factory, Submission) == 1


def test_same_tcn_from_two_agencies_are_two_submissions(
    factory: sessionmaker[Session], clock: FixedClock, car_template: bytes
) -> None:
    with unit_of_work(factory) as session:
        a = receive(
            session,
            booking_variant(car_template, tcn="T1-0000000", ori="VA0010000"),
            now=clock.now(),
        )
        b = receive(
            session,
            booking_variant(car_template, tcn="T1-0000000", ori="TX0020000"),
            now=clock.now(),
        )
    assert a.submission_id != b.submission_id
    assert _count(factory, Submission) == 2


@pytest.mark.parametrize(
    ("mangle", "error", "message"),
    [
        (lambda raw: raw[: len(raw) - 100], AnsiNistError, "LEN says the record has"),
        (lambda raw: raw.replace(b"CAR", b"XYZ", 1), SubmissionFormatError, r"1\.004 TOT: 'XYZ'"),
        (lambda raw: b"", AnsiNistError, "empty"),
    ],
)
def test_bad_input_raises_precise_error_and_stores_nothing(
    factory: sessionmaker[Session],
    clock: FixedClock,
    car_template: bytes,
    mangle: object,
    error: type[Exception],
    message: str,
) -> None:
    raw = mangle(booking_variant(car_template, tcn="T-9-00000000", ori="VA0010000"))  # type: ignore[operator]
    with pytest.raises(error, match=message), unit_of_work(factory) as session:
        receive(session, raw, now=clock.now())
    assert _count(factory, Submission) == 0
    assert _count(factory, Job) == 0


def test_agency_cannot_submit_under_another_ori(
    factory: sessionmaker[Session], clock: FixedClock, car_template: bytes
) -> None:
    raw = booking_variant(car_template, tcn="T-2-00000000", ori="VA0010000")
    with (
        pytest.raises(ForbiddenSubmissionError, match=r"1\.008 ORI is VA0010000"),
        unit_of_work(factory) as session,
    ):
        receive(session, raw, now=clock.now(), submitter_ori="TX0020000")
    assert _count(factory, Submission) == 0


def test_concurrent_twins_store_one_submission(
    factory: sessionmaker[Session], clock: FixedClock, car_template: bytes
) -> None:
    raw = booking_variant(car_template, tcn="TWIN-000001", ori="VA0010000")
    with ThreadPoolExecutor(max_workers=4) as pool:
        receipts = list(
            pool.map(lambda _: receive_durably(factory, raw, now=clock.now()), range(4))
        )
    assert len({r.submission_id for r in receipts}) == 1
    assert sum(r.created for r in receipts) == 1
    assert _count(factory, Submission) == 1
    assert _count(factory, Job) == 1


def test_the_booking_is_read_once_at_receipt_and_kept_typed(
    factory: sessionmaker[Session], clock: FixedClock, car_template: bytes
) -> None:
    raw = booking_variant(car_template, tcn="TCN-READ-ONCE", ori="VA0010000")
    with unit_of_work(factory) as session:
        receipt = receive(session, raw, now=clock.now())
    expected = read_booking(traditional.read(raw))
    with factory() as session:
        stored = session.get(Submission, receipt.submission_id)
        assert stored is not None and stored.booking is not None
        kept = booking_of(stored)
        assert (kept.addressing, kept.subject, kept.arrest) == (
            expected.addressing,
            expected.subject,
            expected.arrest,
        )
        assert kept.fingers == ()  # the images stay in the raw bytes, read by features only
        # A submission stored before the record was kept is read from its bytes.
        stored.booking = None
        assert booking_of(stored).subject == expected.subject
