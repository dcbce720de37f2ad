"""EBTS: the FBI rule table as data, validation of real and broken files, CAR/CNA/SRE/ERRT."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path

import numpy as np
import pytest
import wsq  # noqa: F401
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image

from securecomm.afis.types import FingerImage
from securecomm.ansinist import ebts, ebts_responses, traditional
from securecomm.ansinist.ebts_rules import ebts_rules, parse_rules
from securecomm.ansinist.ebts_values import Addressing, Arrest, Offense, Subject
from securecomm.ansinist.errors import ProfileError
from securecomm.ansinist.transaction import Field, Transaction
from securecomm.ansinist.validation import validate

WHEN = datetime(2026, 1, 2, 15, 30, tzinfo=UTC)
JAIL = Addressing(ori="WV0010000", dai="WVIAFIS0Z", tcn="WV0010000-20260102-000001", when=WHEN)
FBI = Addressing(ori="WVIAFIS0Z", dai="", tcn="FBI-20260102-0000001", when=WHEN)
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
    citizenship="MX",
    aliases=("SYNTHETIC, SUJETO",),
)
ARREST = Arrest(
    arrest_date=date(2026, 1, 2),
    offenses=(Offense("BURGLARY", date(2026, 1, 1), "2202"), Offense("RESISTING ARREST")),
    controlling_agency="WV0010000",
    case_number="2026-0001",
)


@pytest.fixture(scope="module")
def wsq_finger(shared_data: Path) -> bytes:
    return (shared_data / "ansinist/wsq/fp-1.wsq").read_bytes()


@pytest.fixture(scope="module")
def car(wsq_finger: bytes) -> Transaction:
    return ebts.build_car(JAIL, SUBJECT, ARREST, dict.fromkeys(range(1, 11), wsq_finger))


def test_rule_table_grammar() -> None:
    rules = ebts_rules()
    assert len(rules.transactions) == 71
    car = rules.transactions["CAR"]
    assert car.counts == {
        "1": (1, 1),
        "2": (1, 1),
        "414": (1, 14),
        "10": (0, 4),
        "713": (0, 2),
        "15": (0, 8),
    }
    mandatory = {
        r.name for r in rules.rules_for_record(2, "CAR") if r.presence.for_tot("CAR") == "M"
    }
    assert {
        "NAM",
        "DOB",
        "SEX",
        "RAC",
        "POB",
        "DOA",
        "ASL",
        "HGT",
        "WGT",
        "EYE",
        "HAI",
        "CRI",
    } <= mandatory
    # per-TOT override: RPIS marks ATN mandatory although the block default is optional
    assert rules.rule_for(2, 6, "RPIS").presence.for_tot("RPIS") == "M"  # type: ignore[union-attr]
    # three CIN definitions with different occurrences
    assert rules.rule_for(2, 10, "LFS").max_occurrences == 5  # type: ignore[union-attr]
    assert rules.rule_for(2, 10, "LSMQ").max_occurrences == 200  # type: ignore[union-attr]
    sex = rules.rule_for(2, 24, "CAR")
    assert sex is not None and sex.values == frozenset("FGMNYZX")
    asl_items = rules.item_rules(2, 47, "CAR")
    assert [(r.name, r.presence.for_tot("CAR")) for r in asl_items] == [
        ("ASL_DOO", "O"),
        ("ASL_AOL", "M"),
    ]


def test_rule_table_errors_name_the_line() -> None:
    with pytest.raises(ProfileError, match="line 3"):
        parse_rules("FIELDS\n[M]\n\t1.002\tT1_VER\tN\t4\n;")


def test_real_ebts_file_validates_clean(shared_data: Path) -> None:
    tx = traditional.read((shared_data / "ansinist/ebts/NISTFile.ebts").read_bytes())
    assert tx.tot == "CAR"
    assert validate(tx, "ebts") == []


def test_violations_name_record_field_and_offset(shared_data: Path) -> None:
    tx = traditional.read((shared_data / "ansinist/ebts/NISTFile.ebts").read_bytes())
    t2 = tx.records[1]
    fields = [f for f in t2.fields if f.tag != 18]  # drop NAM
    fields = [Field.text(24, "Q") if f.tag == 24 else f for f in fields]  # bad SEX
    fields = [Field.text(22, "19751340") if f.tag == 22 else f for f in fields]  # bad DOB
    broken = Transaction((tx.records[0], replace(t2, fields=tuple(fields)), tx.records[2]))
    data = traditional.write(broken)
    found = validate(traditional.read(data), "ebts")
    by_tag = {v.tag: v for v in found}
    assert set(by_tag) == {"2.018", "2.022", "2.024"}
    assert "mandatory field NAM" in by_tag["2.018"].message
    assert "not one of the allowed values" in by_tag["2.024"].message
    assert "not a valid date" in by_tag["2.022"].message
    sex_offset = by_tag["2.024"].offset
    assert sex_offset is not None and data[sex_offset : sex_offset + 6] == b"2.024:"
    assert str(by_tag["2.024"]).startswith("record 1 (Type-2), field 2.024 SEX, byte offset")


def test_record_counts_and_unknown_tot(shared_data: Path) -> None:
    tx = traditional.read((shared_data / "ansinist/ebts/NISTFile.ebts").read_bytes())
    no_prints = Transaction(tx.records[:2])
    assert any("1–14 Type-4 or Type-14" in v.message for v in validate(no_prints, "ebts"))
    bogus = Transaction((tx.type1.with_field(Field.text(4, "XYZ")), *tx.records[1:]))
    assert [v.tag for v in validate(bogus, "ebts")] == ["1.004"]


def test_structural_violations_on_corpus(shared_data: Path) -> None:
    tx = traditional.read((shared_data / "ansinist/nbis/valid1.8.an2").read_bytes())
    found = validate(tx)
    assert [v.record_index for v in found] == [2, 3, 4]
    assert all(v.tag == "14.999" and "HLL×VLL" in v.message for v in found)


def test_car_build_validate_and_read_back(car: Transaction) -> None:
    data = traditional.write(car)
    back = traditional.read(data, check_images=True)
    assert back.version == "0500" and back.tot == "CAR"
    assert [r.type for r in back.records] == [1, 2] + [4] * 10
    assert validate(back, "ebts") == []
    booking = ebts.read_booking(back)
    assert booking.subject == SUBJECT
    assert booking.arrest == ARREST
    assert booking.addressing == JAIL
    assert [f.positions for f in booking.fingers] == [(i,) for i in range(1, 11)]
    assert {(f.compression, f.width, f.height, f.ppi) for f in booking.fingers} == {
        ("WSQ20", 804, 752, 500)
    }


def test_cna_with_type14_from_pixels(shared_data: Path) -> None:
    pixels = np.asarray(Image.open(shared_data / "ansinist/wsq/fp-2.wsq").convert("L"))
    fingers = {2: FingerImage(pixels, 500.0), 7: FingerImage(pixels, 500.0)}
    cna = ebts.build_car(JAIL, SUBJECT, ARREST, fingers, tot="CNA", finger_record_type=14)
    back = traditional.read(traditional.write(cna), check_images=True)
    assert [r.type for r in back.records] == [1, 2, 14, 14]
    assert validate(back, "ebts") == []
    booking = ebts.read_booking(back)
    assert [f.positions for f in booking.fingers] == [(2,), (7,)]
    assert booking.fingers[0].describe().startswith(f"WSQ20 {pixels.shape[1]}×{pixels.shape[0]}")


def test_builder_refuses_what_ebts_rejects(wsq_finger: bytes) -> None:
    bad = replace(SUBJECT, sex="Q")
    with pytest.raises(ProfileError, match=r"2\.024 SEX"):
        ebts.build_car(JAIL, bad, ARREST, {1: wsq_finger})
    with pytest.raises(ProfileError, match="finger position"):
        ebts.build_car(JAIL, SUBJECT, ARREST, {11: wsq_finger})
    with pytest.raises(ProfileError, match="1 to 14"):
        ebts.build_car(JAIL, SUBJECT, ARREST, {})


def test_sre_identified_with_rap_sheet(car: Transaction) -> None:
    sheet = "FBI IDENTIFICATION RECORD\nNAME: SYNTHETIC, SUBJECT\n" + "ARREST 2019 BURGLARY " * 20
    sre = ebts_responses.build_sre(
        car, FBI, identified=True, fbi_number="123456AB7", rap_sheet=sheet
    )
    back = traditional.read(traditional.write(sre))
    assert validate(back, "ebts") == []
    s = ebts_responses.summarize_response(back)
    assert (s.tot, s.tcr, s.dai, s.identified, s.fbi_number) == (
        "SRE",
        JAIL.tcn,
        JAIL.ori,
        True,
        "123456AB7",
    )
    assert s.rap_sheet is not None and max(len(line) for line in s.rap_sheet.split("\r\n")) <= 72
    assert s.text().splitlines()[0] == "SRF: I (identification)"


def test_sre_no_identification_has_no_fbi_number(car: Transaction) -> None:
    sre = ebts_responses.build_sre(car, FBI, identified=False)
    s = ebts_responses.summarize_response(sre)
    assert s.identified is False and s.fbi_number is None
    with pytest.raises(ProfileError, match="FBI number"):
        ebts_responses.build_sre(car, FBI, identified=True)


def test_errt_carries_the_precise_error(car: Transaction) -> None:
    message = "record 2 (Type-4), field 4.009, byte offset 512: the WSQ20 image is 1600×976 pixels"
    errt = ebts_responses.build_errt(FBI, message, request=car)
    back = traditional.read(traditional.write(errt))
    assert validate(back, "ebts") == []
    s = ebts_responses.summarize_response(back)
    assert s.tot == "ERRT" and s.tcr == JAIL.tcn and s.dai == JAIL.ori
    assert s.text() == message.replace("×", "x")
    long = ebts_responses.build_errt(
        replace(FBI, dai="WV0010000", tcr="WV0010000-X-0001"), "E " * 400
    )
    assert len(ebts_responses.summarize_response(long).messages) == 3
    with pytest.raises(ProfileError, match="ORI"):
        ebts_responses.build_errt(FBI, "no request to answer")


# --- property: any booking the builder accepts validates clean and reads back unchanged ---

letters = st.from_regex(r"[A-Z]{2,12}", fullmatch=True)
subjects = st.builds(
    Subject,
    name=st.builds(lambda a, b: f"{a}, {b}", letters, letters),
    sex=st.sampled_from(["M", "F", "X"]),
    race=st.sampled_from(["A", "B", "I", "U", "W"]),
    date_of_birth=st.none() | st.dates(date(1920, 1, 1), date(2010, 12, 31)),
    place_of_birth=st.sampled_from(["MX", "GT", "CA", "TX", "VA"]),
    height=st.sampled_from(["409", "510", "601", "711"]),
    weight=st.integers(50, 499),
    eye_color=st.sampled_from(["BRO", "BLU", "GRN", "BLK"]),
    hair_color=st.sampled_from(["BLK", "BRO", "GRY", "RED"]),
    citizenship=st.none() | st.sampled_from(["MX", "US", "GT"]),
    aliases=st.lists(st.builds(lambda a, b: f"{a}, {b}", letters, letters), max_size=3).map(tuple),
    social_security=st.none() | st.from_regex(r"[0-9]{9}", fullmatch=True),
)
offense_text = st.from_regex(r"[A-Z][A-Z0-9 ,/-]{0,60}[A-Z0-9]", fullmatch=True)
arrests = st.builds(
    Arrest,
    arrest_date=st.dates(date(2020, 1, 1), date(2026, 1, 2)),
    offenses=st.lists(
        st.builds(
            Offense,
            literal=offense_text,
            offense_date=st.none() | st.dates(date(2019, 1, 1), date(2026, 1, 2)),
            ncic_code=st.none() | st.from_regex(r"[0-9]{4}", fullmatch=True),
        ),
        min_size=1,
        max_size=5,
    ).map(tuple),
    controlling_agency=st.from_regex(r"[A-Z]{2}[0-9]{7}", fullmatch=True),
    case_number=st.none() | st.from_regex(r"[A-Z0-9-]{1,20}", fullmatch=True),
)


@settings(max_examples=60, deadline=None)
@given(subjects, arrests, st.sets(st.integers(1, 10), min_size=1, max_size=10))
def test_any_valid_booking_round_trips(
    wsq_finger: bytes, subject: Subject, arrest: Arrest, positions: set[int]
) -> None:
    tx = ebts.build_car(JAIL, subject, arrest, dict.fromkeys(positions, wsq_finger))
    back = traditional.read(traditional.write(tx))
    booking = ebts.read_booking(back)
    assert booking.subject == subject
    assert booking.arrest == arrest
    assert sorted(p for f in booking.fingers for p in f.positions) == sorted(positions)


def test_car_with_face_photo(shared_data: Path, wsq_finger: bytes) -> None:
    face = traditional.read((shared_data / "ansinist/nbis/face_jpb_DOM_GMT_DCS.an2").read_bytes())
    jpeg = face.records[1].get(999)
    assert jpeg is not None and jpeg.data is not None
    tx = ebts.build_car(JAIL, SUBJECT, ARREST, {1: wsq_finger, 6: wsq_finger}, photo_jpeg=jpeg.data)
    back = traditional.read(traditional.write(tx), check_images=True)
    assert [r.type for r in back.records] == [1, 2, 4, 4, 10]
    assert validate(back, "ebts") == []
    photo = ebts.read_booking(back).photos[0]
    assert (photo.compression, photo.width, photo.height) == ("JPEGB", 768, 1024)
    with pytest.raises(ProfileError, match="JPEG"):
        ebts.build_car(JAIL, SUBJECT, ARREST, {1: wsq_finger}, photo_jpeg=b"not a jpeg")
