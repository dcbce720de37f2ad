"""Nlets IAQ/IAR: format → parse is identity; malformed text names the line and field."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from securecomm.ansinist import nlets
from securecomm.ansinist.errors import AnsiNistError, MessageFormatError

ori = st.from_regex(r"[A-Z0-9]{9}", fullmatch=True)
control = st.none() | st.from_regex(r"[A-Z0-9]{1,10}", fullmatch=True)
short_text = st.text(
    alphabet=st.characters(min_codepoint=32, max_codepoint=126, blacklist_characters="./"),
    min_size=1,
    max_size=30,
).filter(lambda s: s.strip() == s and s.strip() != "")
name = st.from_regex(r"[A-Z][A-Z ,'-]{2,29}", fullmatch=True).filter(lambda s: s == s.rstrip())
dob = st.dates(min_value=date(1900, 1, 1), max_value=date(2026, 1, 1))
remarks = st.none() | st.text(
    alphabet=st.characters(min_codepoint=32, max_codepoint=126) | st.just("\n"),
    min_size=1,
    max_size=200,
)


def optional(pattern: str) -> st.SearchStrategy[str | None]:
    return st.none() | st.from_regex(pattern, fullmatch=True)


iaqs = st.builds(
    nlets.Iaq,
    ori=ori,
    purpose=st.sampled_from(["C", "F"]),
    attention=short_text,
    phone=st.from_regex(r"[0-9]{10}", fullmatch=True),
    name=name,
    date_of_birth=dob,
    sex=st.sampled_from(["M", "F", "X"]),
    place_of_birth=st.from_regex(r"[A-Z]{2}", fullmatch=True),
    in_custody=st.booleans(),
    offense=st.from_regex(r"[0-9]{4}", fullmatch=True),
    control=control,
    arn=optional(r"[0-9]{9}"),
    fbi=optional(r"[A-Z0-9]{1,9}"),
    sid=optional(r"[A-Z0-9]{3,10}"),
    oln=optional(r"[A-Z0-9]{1,20}"),
    soc=optional(r"[0-9]{9}"),
    fin=optional(r"[A-Z0-9]{1,20}"),
    imn=optional(r"[A-Z0-9-]{1,20}"),
    remarks=remarks,
)
iars = st.builds(
    nlets.Iar,
    ori=ori,
    destination=ori,
    name=name,
    date_of_birth=dob,
    sex=st.sampled_from(["M", "F", "X"]),
    place_of_birth=st.from_regex(r"[A-Z]{2}", fullmatch=True),
    status=short_text,
    control=control,
    fbi=optional(r"[A-Z0-9]{1,9}"),
    fin=optional(r"[A-Z0-9]{1,20}"),
    arn=optional(r"[0-9]{8}"),
    imn=optional(r"[A-Z0-9-]{1,20}"),
    remarks=remarks,
)


@settings(max_examples=300, deadline=None)
@given(iaqs)
def test_iaq_round_trip(query: nlets.Iaq) -> None:
    assert nlets.parse_iaq(nlets.format_iaq(query)) == query


@settings(max_examples=300, deadline=None)
@given(iars)
def test_iar_round_trip(response: nlets.Iar) -> None:
    assert nlets.parse_iar(nlets.format_iar(response)) == response


@settings(max_examples=300, deadline=None)
@given(iaqs, st.integers(0, 400), st.sampled_from([".", "/", "\n", "X", "", " "]))
def test_corrupted_iaq_raises_only_message_errors(query: nlets.Iaq, pos: int, insert: str) -> None:
    text = nlets.format_iaq(query)
    pos = min(pos, len(text))
    broken = text[:pos] + insert + text[pos + 1 :]
    try:
        nlets.parse_iaq(broken)
    except MessageFormatError as exc:
        assert exc.line is not None or exc.field is not None


TERMINAL = (
    "IAQ.WV0010000.AX.\nTXT\n"
    "PUR/C.ATN/SGT SYNTHETIC.PHN/3045550100.NAM/SYNTHETIC, SUBJECT.DOB/051780.SEX/M.POB/MX.CUS/Y."
    "OFF/0399.AFN/012345678\n"
)


def test_terminal_style_iaq_on_one_line() -> None:
    q = nlets.parse_iaq(TERMINAL)
    assert q.ori == "WV0010000" and q.control is None
    assert q.date_of_birth == date(1980, 5, 17)  # MMDDYY accepted
    assert q.in_custody and q.offense == "0399"
    assert q.arn == "012345678"  # AFN/ read as ARN


@pytest.mark.parametrize(
    ("broken", "line", "field"),
    [
        (TERMINAL.replace("SEX/M", "SEX/Q"), 3, "SEX"),
        (TERMINAL.replace("NAM/SYNTHETIC, SUBJECT.", ""), None, "NAM"),
        (TERMINAL.replace("CUS/Y.", "CUS/Y.XYZ/1."), 3, "XYZ"),
        (TERMINAL.replace("DOB/051780", "DOB/19801317"), 3, "DOB"),
        (TERMINAL.replace("IAQ.", "IAX."), 1, "header"),
        (TERMINAL.replace(".AX.", ".NY."), 1, None),
        (TERMINAL.replace("TXT", "TEXT"), 2, None),
    ],
)
def test_errors_name_line_and_field(broken: str, line: int | None, field: str | None) -> None:
    with pytest.raises(MessageFormatError) as err:
        nlets.parse_iaq(broken)
    if line is not None:
        assert err.value.line == line
    if field is not None:
        assert err.value.field == field
        assert f"field {field}" in str(err.value)
    assert isinstance(err.value, AnsiNistError)


def test_format_refuses_values_that_would_break_the_message() -> None:
    q = nlets.parse_iaq(TERMINAL)
    with pytest.raises(MessageFormatError, match="field ATN"):
        nlets.format_iaq(nlets.Iaq(**{**q.__dict__, "attention": "DET. SYNTHETIC"}))
    with pytest.raises(MessageFormatError, match="ORI"):
        nlets.format_iaq(nlets.Iaq(**{**q.__dict__, "ori": "WV1"}))
