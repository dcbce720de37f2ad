"""Every numeric field of every record type is parsed finite and in range (``ansinist.numeric``).

A property test replaces each field of ``numeric.RULES`` — in a real record of that type, from
the shared NIST/EBTS samples — by NaN, inf, -1, huge or non-digit text, and runs what the
system does with a received transaction: write, read, read with the image checks, validate,
the image descriptions, and for bookings (CAR) the intake and the booking reader. Each must
either go through or raise a ``SecurecommError`` (a 4xx, an ERRT); validation must name the
field. Nothing else may escape: the issue was a ``ValueError`` from ``round(NaN)`` answered
with HTTP 500.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from functools import cache
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from securecomm import ansinist
from securecomm.ansinist import images, numeric, traditional
from securecomm.ansinist.errors import AnsiNistError, ContentError
from securecomm.ansinist.numeric import FieldValueError, NumericRule
from securecomm.ansinist.transaction import Field, Record, Transaction
from securecomm.ansinist.validation import validate
from securecomm.ansinist.violation import Violation
from securecomm.api.statuses import status_of
from securecomm.cli.ansinist import app
from securecomm.errors import SecurecommError
from securecomm.interop import submissions

SEPARATORS = "\x1c\x1d\x1e\x1f"
#: The record of each type that carries the field under test: (file, record index).
CARRIERS = {
    3: ("nist-reference/type-3.an2", 2),
    5: ("nist-reference/type-5.an2", 2),
    6: ("nist-reference/type-6.an2", 2),
    7: ("nbis/valid1.9.an2", 3),
    8: ("nbis/sign_vec.an2", 1),
    9: ("nbis/valid1.14.an2", 3),
    13: ("nist-reference/type-13-tip-eji-wsq.an2", 2),
    15: ("nist-2011-samples/all-supported-types.an2", 9),
    16: ("nist-reference/rec01_rec02_rec16.nst.an2", 2),
    17: ("nbis/valid1.9.an2", 7),
    18: ("nist-2011-samples/all-supported-types.an2", 12),
    19: ("nist-2011-samples/all-supported-types.an2", 13),
    20: ("nist-2011-samples/all-supported-types.an2", 15),
    21: ("nist-2011-samples/all-supported-types.an2", 16),
    98: ("nist-2011-samples/all-supported-types.an2", 18),
    99: ("nist-2011-samples/all-supported-types.an2", 19),
}
#: Record types found in a booking (CAR): these carriers are real bookings, run through intake.
BOOKING_TYPES = frozenset({1, 2, 4, 10, 14})
CASES = [(t, rule) for rule in numeric.RULES for t in sorted(rule.record_types)]

NOT_NUMBERS = [
    "NaN", "nan", "inf", "-inf", "Infinity", "1e308", "1E3", "-1", "+1", "0x10", "1_000",
    "١٢", "１２", "²", "", "  ", "abc", "12abc", "5.5.5", "1,5", "1" * 400, "9" * 5000, "1.",
]  # fmt: skip


@cache
def _file(shared_data: Path, name: str) -> Transaction:
    return traditional.read((shared_data / "ansinist" / name).read_bytes())


@cache
def _booking(shared_data: Path) -> Transaction:
    """A real CAR with Type-1, 2 and 4 (NISTFile.ebts)."""
    return _file(shared_data, "ebts/NISTFile.ebts")


@cache
def _booking_14_10(shared_data: Path) -> Transaction:
    """A CAR with a Type-14 finger (real WSQ) and a Type-10 photo (a real JPEG face)."""
    wsq = (shared_data / "ansinist" / "wsq" / "finger8.wsq").read_bytes()
    face = _file(shared_data, "nbis/face_jpb_DOM_GMT_DCS.an2").of_type(10)[0]
    jpeg = face.get(999).data  # type: ignore[union-attr]
    return ansinist.build_car(
        ansinist.Addressing(ori="VA0010000", dai="WVIAFIS0Z", tcn="VA0010000-NUMERIC-1",
                            when=datetime(2011, 3, 1, tzinfo=UTC)),
        ansinist.Subject(name="ZORVAN, KEL", sex="M", race="U", date_of_birth=date(1980, 1, 2),
                         place_of_birth="VA"),
        ansinist.Arrest(arrest_date=date(2011, 3, 1), controlling_agency="VA0010000",
                        offenses=(ansinist.Offense("LARCENY", ncic_code="2399"),)),
        {2: wsq},
        finger_record_type=14,
        photo_jpeg=jpeg,
    )  # fmt: skip


def _carrier(shared_data: Path, record_type: int) -> tuple[Transaction, int]:
    """A transaction holding a real record of ``record_type``, and that record's index."""
    if record_type in (1, 2, 4):
        tx = _booking(shared_data)
    elif record_type in (10, 14):
        tx = _booking_14_10(shared_data)
    else:
        type1 = _booking(shared_data).type1  # it has NSR/NTR, which binary images refer to
        if record_type in CARRIERS:
            name, index = CARRIERS[record_type]
            record = _file(shared_data, name).records[index]
        else:  # no sample has one (Types 11, 12, 22): a minimal record
            record = Record.of(record_type, [Field.text(2, "01")])
        tx = Transaction.of([type1, record])
    index = next(i for i, r in enumerate(tx.records) if r.type == record_type)
    return tx, index


def _valid(text: str, rule: NumericRule) -> bool:
    """The rule's grammar, written out apart from the implementation."""
    text = text.strip(" ")
    if rule.decimals == 0:
        ok = re.fullmatch(r"[0-9]{1,24}", text, re.ASCII) is not None
    else:
        form = rf"[0-9]+(\.[0-9]{{0,{rule.decimals}}})?|\.[0-9]{{1,{rule.decimals}}}"
        ok = len(text) <= 24 and re.fullmatch(form, text, re.ASCII) is not None
    return ok and rule.low <= float(text) <= rule.high


def bad_values(rule: NumericRule) -> st.SearchStrategy[str]:
    text = st.text(
        alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters=SEPARATORS),
        max_size=30,
    )
    high = int(rule.high) + 1
    choices = [st.sampled_from(NOT_NUMBERS), text, st.integers(high, 10**40).map(str)]
    if rule.decimals:
        choices.append(st.floats(rule.high + 0.01, 1e30, allow_nan=False).map(lambda v: f"{v:.2f}"))
    if rule.low > 0:
        choices.append(st.integers(0, int(rule.low) - 1).map(str))
    return st.one_of(*choices).filter(lambda v: not _valid(v, rule))


def _clear(action: object) -> SecurecommError | None:
    """Run ``action``; a ``SecurecommError`` is returned, anything else fails the test."""
    try:
        action()  # type: ignore[operator]
    except SecurecommError as exc:
        assert str(exc)
        return exc
    return None


def _replace(tx: Transaction, index: int, rule: NumericRule, value: str) -> Transaction:
    record = tx.records[index]
    new = record.with_field(Field.text(rule.field_no, value))
    new = Record(new.type, new.fields, offset=None)
    return Transaction((*tx.records[:index], new, *tx.records[index + 1 :]))


def _case_id(case: tuple[int, NumericRule]) -> str:
    record_type, rule = case
    return f"{record_type}.{rule.field_no:03d}-{rule.name}"


@pytest.mark.parametrize("case", CASES, ids=[_case_id(c) for c in CASES])
@settings(max_examples=25, deadline=None)
@given(data=st.data())
def test_every_numeric_field_refuses_what_is_not_a_number_in_range(
    shared_data: Path, case: tuple[int, NumericRule], data: st.DataObject
) -> None:
    record_type, rule = case
    value = data.draw(bad_values(rule), label="value")
    tag = f"{record_type}.{rule.field_no:03d}"
    tx, index = _carrier(shared_data, record_type)
    bad = _replace(tx, index, rule, value)
    # the value model: describing the images reads the field (or the field is no image's)
    error = _clear(lambda: images.image_infos(bad))
    if error is not None:
        assert isinstance(error, FieldValueError) and error.tag == tag, error
    written: list[bytes] = []
    error = _clear(lambda: written.append(traditional.write(bad)))
    if error is not None:  # only a binary header cannot hold it: 0..255 / 0..65535
        assert bad.records[index].is_binary and isinstance(error, ContentError), error
        assert error.tag == tag
        found: list[list[Violation]] = []
        error = _clear(lambda: found.append(validate(bad)))
        assert isinstance(error, ContentError) or any(v.tag == tag for v in found[0])
        return
    raw = written[0]
    back = traditional.read(raw)  # reading stays lenient: the file is shown and validated
    violations = validate(back)
    assert any(v.tag == tag and v.record_index == index for v in violations), violations
    for action in (
        lambda: traditional.read(raw, check_images=True),
        lambda: images.image_infos(back),
        lambda: validate(back, "ebts"),
    ):
        error = _clear(action)
        if error is not None:
            assert isinstance(error, AnsiNistError)
    if record_type in BOOKING_TYPES:
        error = _clear(lambda: submissions.read_booking(raw))
        assert error is not None and 400 <= status_of(error) < 500
        assert f"field {tag}" in str(error), str(error)
        _clear(lambda: ansinist.read_booking(back))


@pytest.mark.parametrize("field_no", [11, 12])
@pytest.mark.parametrize("value", ["NaN", "inf", "1" * 400])
def test_bad_resolution_in_a_car_is_refused_naming_the_field(
    car_template: bytes, field_no: int, value: str, tmp_path: Path
) -> None:
    tx = traditional.read(car_template)
    bad = tx.type1.with_field(Field.text(field_no, value))
    raw = traditional.write(Transaction.of([bad, *tx.records[1:]]))
    with pytest.raises(SecurecommError, match=rf"record 0 \(Type-1\), field 1\.0{field_no}"):
        submissions.read_booking(raw)
    path = tmp_path / "bad.ebts"
    path.write_bytes(raw)
    for profile in ([], ["--profile", "ebts"]):
        result = CliRunner().invoke(app, ["validate", str(path), *profile])
        assert result.exit_code == 1, result.output
        assert result.exception is None or isinstance(result.exception, SystemExit)
        assert "Traceback" not in result.output
        assert f"record 0 (Type-1), field 1.0{field_no}, byte offset" in result.output
    dumped = CliRunner().invoke(app, ["dump", str(path)])
    assert dumped.exit_code == 0 and "Traceback" not in dumped.output


def test_numbers_of_their_form_and_range_are_read() -> None:
    rule = numeric.rule_for(1, 11)
    assert rule is not None
    assert numeric.parse_value("19.69", rule) == pytest.approx(19.69)
    assert numeric.parse_value("00.00", rule) == 0
    record = Record.of(14, [Field.text(6, "0976"), Field.text(9, "500"), Field.text(13, ["2"])])
    assert numeric.integer(record, 6, 3) == 976
    assert numeric.decimal(record, 9, 3) == 500.0
    assert numeric.integers(record, 13, 3) == (2,)
    assert numeric.integer(record, 7, 3) is None  # absent
    with pytest.raises(FieldValueError, match=r"record 3 \(Type-14\), field 14.006: HLL"):
        numeric.integer(record.with_field(Field.text(6, "NaN")), 6, 3)


def test_every_rule_names_a_field_the_codec_knows() -> None:
    assert len({(t, r.field_no) for t, r in CASES}) == len(CASES)
    for record_type, rule in CASES:
        assert record_type in ansinist.transaction.KNOWN_RECORD_TYPES
        assert rule.low <= rule.high
