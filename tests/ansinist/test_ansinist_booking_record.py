"""The booking record: a booking read at receipt is kept as JSON and read back as itself."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from securecomm.ansinist import ebts, traditional
from securecomm.ansinist.booking_record import booking_from_record, booking_record
from securecomm.ansinist.ebts_values import Addressing, Arrest, Booking, Offense, Subject
from securecomm.ansinist.errors import ProfileError

text = st.text(max_size=12)
maybe = st.none() | text
days = st.dates()
moments = st.datetimes(timezones=st.just(UTC))
offenses = st.builds(Offense, text, st.none() | days, maybe)
bookings = st.builds(
    Booking,
    st.sampled_from(["CAR", "CNA"]),
    st.builds(Addressing, text, text, text, moments, maybe, st.none() | st.integers(1, 9)),
    st.builds(
        Subject, text, text, text, st.none() | days, text, text, st.integers(0, 999), text,
        text, maybe, st.lists(text, max_size=3).map(tuple), maybe, maybe, maybe, maybe,
    ),
    st.builds(Arrest, days, st.lists(offenses, max_size=4).map(tuple), text, maybe,
              st.booleans(), maybe),
)  # fmt: skip


def through_json(booking: Booking) -> Booking:
    return booking_from_record(json.loads(json.dumps(booking_record(booking))))


@given(bookings)
def test_every_booking_reads_back_as_itself(booking: Booking) -> None:
    assert through_json(booking) == booking


def test_a_real_car_read_at_receipt_reads_back_without_its_images(shared_data: Path) -> None:
    from test_ansinist_ebts import ARREST, JAIL, SUBJECT

    wsq = (shared_data / "ansinist/wsq/fp-1.wsq").read_bytes()
    raw = traditional.write(ebts.build_car(JAIL, SUBJECT, ARREST, dict.fromkeys(range(1, 11), wsq)))
    booking = ebts.read_booking(traditional.read(raw))
    assert len(booking.fingers) == 10
    assert through_json(booking) == replace(booking, fingers=(), photos=())


@pytest.mark.parametrize(
    "record",
    [{}, {"version": 99}, {"version": 1}, {"version": 1, "tot": "CAR", "addressing": {}}],
)
def test_a_record_this_build_did_not_write_is_refused_clearly(record: dict) -> None:
    with pytest.raises(ProfileError, match="booking record"):
        booking_from_record(record)
