"""EBTS 2.084 AMP in a booking: amputated / unprintable fingers are absent, not errors."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from securecomm.afis.extraction import extract
from securecomm.afis.image import load_image
from securecomm.afis.search import EmbeddedSearchEngine
from securecomm.afis.template_synthesis import TenPrintGenerator
from securecomm.afis.types import FingerPosition
from securecomm.ansinist import ebts, traditional
from securecomm.ansinist.ebts_values import Addressing, Arrest, Offense, Subject
from securecomm.ansinist.errors import ProfileError
from securecomm.ansinist.transaction import Field, Transaction
from securecomm.interop.steps.features import finger_images

WHEN = datetime(2026, 1, 2, 15, 30, tzinfo=UTC)
JAIL = Addressing(ori="WV0010000", dai="WVIAFIS0Z", tcn="WV0010000-20260102-000017", when=WHEN)
SUBJECT = Subject(
    name="SYNTHETIC, SUBJECT",
    sex="M",
    race="W",
    date_of_birth=date(1980, 5, 17),
    place_of_birth="MX",
    height="510",
    weight=180,
    eye_color="BRO",
    hair_color="BLK",
)
ARREST = Arrest(
    arrest_date=date(2026, 1, 2),
    offenses=(Offense("BURGLARY", date(2026, 1, 1), "2202"),),
    controlling_agency="WV0010000",
)
#: Position → FVC2002 DB1 B finger: seven printable fingers of one booking.
PRESENT = {1: 101, 2: 102, 3: 103, 5: 104, 6: 105, 7: 106, 8: 107}
AMPUTATED = {4: "XX", 9: "XX", 10: "UP"}


def _image(shared_data: Path, finger: int, impression: int, position: int):
    path = shared_data / "fvc" / "fvc2002" / "DB1_B" / f"{finger}_{impression}.png"
    return load_image(path, position=FingerPosition(position))


def _car(images: dict, amputated: dict):
    # check=False: see test_amp_booking_passes_ebts_validation (the validator's size check of
    # grouped fields counts the separators).
    return ebts.build_car(JAIL, SUBJECT, ARREST, images, amputated=amputated, check=False)


def test_amp_booking_passes_ebts_validation(shared_data: Path) -> None:
    images = {p: _image(shared_data, f, 1, p) for p, f in PRESENT.items()}
    ebts.build_car(JAIL, SUBJECT, ARREST, images, amputated=AMPUTATED)


def test_amp_round_trips_and_is_checked_against_the_images(shared_data: Path) -> None:
    images = {p: _image(shared_data, f, 1, p) for p, f in PRESENT.items()}
    tx = _car(images, AMPUTATED)
    back = traditional.read(traditional.write(tx))
    assert ebts.amputated_fingers(back) == AMPUTATED
    assert ebts.amputated_fingers(ebts.build_car(JAIL, SUBJECT, ARREST, images)) == {}
    with pytest.raises(ProfileError, match=r"2\.084 AMP: finger 1 is listed as UP but has an"):
        _car(images, {1: "UP"})
    with pytest.raises(ProfileError, match="code 'ZZ' is not XX or UP"):
        _car(images, {4: "ZZ"})


def test_booking_with_amputations_is_searched_on_the_fingers_it_has(
    shared_data: Path, tmp_path: Path
) -> None:
    images = {p: _image(shared_data, f, 1, p) for p, f in PRESENT.items()}
    tx = _car(images, AMPUTATED)
    fingers = finger_images(traditional.write(tx))
    assert sorted(int(img.position) for _, img in fingers) == sorted(PRESENT)

    # A received booking that also sends an image for a position its AMP lists: not used.
    records = list(tx.records)
    t2 = next(i for i, r in enumerate(records) if r.type == 2)
    amp = (("01", "UP"), *((f"{p:02d}", c) for p, c in sorted(AMPUTATED.items())))
    records[t2] = records[t2].with_field(Field(84, amp))
    stray = Transaction.of(records)
    kept = finger_images(traditional.write(stray))
    assert sorted(int(img.position) for _, img in kept) == sorted(set(PRESENT) - {1})

    # The person's record holds other impressions of the same seven fingers (the amputated
    # ones were never enrolled); the search compares only what both sides have.
    gen = TenPrintGenerator(17)
    enrolled = {
        FingerPosition(p): extract(_image(shared_data, f, 2, p)) for p, f in PRESENT.items()
    }
    with EmbeddedSearchEngine.open(tmp_path / "g", shards=1) as engine:
        engine.enrol_many([(f"S{i}", gen.ten_print(i)) for i in range(30)])
        engine.enrol("P", enrolled)
        probe = {img.position: extract(img) for _, img in fingers}
        result = engine.search(probe)
    assert result.hit is not None and result.hit.identity_id == "P"
    assert set(result.hit.finger_scores) <= {FingerPosition(p) for p in PRESENT}
    assert result.probe_fingers == tuple(FingerPosition(p) for p in sorted(PRESENT))
