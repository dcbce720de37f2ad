"""A synthetic person's ten fingers as an EBTS criminal ten-print submission (TOT CAR)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import numpy as np
import pytest

from securecomm.afis.synthesis.ten_print import TEN_FINGERS, ten_fingers, ten_print_card
from securecomm.ansinist import traditional
from securecomm.ansinist.ebts import build_car, read_booking
from securecomm.ansinist.ebts_values import Addressing, Arrest, Offense, Subject

WHEN = datetime(2026, 1, 2, 10, 30, tzinfo=UTC)
JAIL = Addressing(ori="WV0010000", dai="WVIAFIS0Z", tcn="WV0010000-20260102-000042", when=WHEN)
SUBJECT = Subject(
    name="SYNTHETIC, PERSON",
    sex="X",
    race="U",
    date_of_birth=date(1990, 1, 1),
    place_of_birth="WV",
)
ARREST = Arrest(
    arrest_date=date(2026, 1, 2),
    offenses=(Offense("BURGLARY", date(2026, 1, 1), "2202"),),
    controlling_agency="WV0010000",
)


@pytest.fixture(scope="module")
def person():
    return ten_fingers(np.random.default_rng(10))


def test_ten_rolled_prints_make_a_valid_car_that_reads_back(person) -> None:
    card = ten_print_card(person, np.random.default_rng(1))
    assert sorted(card.fingers) == list(range(1, 11))
    assert all(imp.image.position == p for p, imp in card.impressions.items())
    tx = build_car(JAIL, SUBJECT, ARREST, card.fingers)  # validated against EBTS on the way
    back = traditional.read(traditional.write(tx))
    booking = read_booking(back)
    assert booking.tot == "CAR"
    assert sorted(p for info in booking.fingers for p in info.positions) == list(range(1, 11))
    first = card.impressions[TEN_FINGERS[0]].image
    info = booking.fingers[0]
    assert (info.width, info.height) == (first.width, first.height)


def test_two_bookings_of_one_person_are_new_impressions_of_the_same_fingers(person) -> None:
    a = ten_print_card(person, np.random.default_rng(2))
    b = ten_print_card(person, np.random.default_rng(3))
    thumb = TEN_FINGERS[0]
    assert not np.array_equal(a.impressions[thumb].image.pixels, b.impressions[thumb].image.pixels)
    # Same master: the ground truth of both maps back onto the same master minutiae.
    ga, gb = a.impressions[thumb], b.impressions[thumb]
    ax, ay = ga.geometry.inverse(ga.minutiae.x, ga.minutiae.y)
    bx, by = gb.geometry.inverse(gb.minutiae.x, gb.minutiae.y)
    d = np.hypot(ax[:, None] - bx[None, :], ay[:, None] - by[None, :])
    assert np.mean(d.min(axis=1) < 0.5) > 0.7
