"""The numeric fields of ANSI/NIST-ITL records: every one is parsed here, finite and in range.

The codec reads a field as a number in one place only: ``integer``, ``decimal`` and
``integers`` below, driven by the table ``RULES``. A value that is not a number of the field's
form (digits, and for decimals at most ``decimals`` digits after one point), or that is
outside the field's range, raises ``FieldValueError`` (a ``ContentError``) naming the record
(index and type), the field (``T.FFF`` and its mnemonic) and the byte offset of the field in
the file. So ``NaN``, ``inf``, ``1e308``, ``-1``, ``0x10``, ``1_000``, non-ASCII digits (``١٢``,
``²``) or a 400-digit number are refused with the same clear error wherever they appear,
before any arithmetic: Python's ``float`` would accept the first five and ``int`` the last ones.

``violations(record, index)`` lists the problems of every numeric field of a record (used by
``validation.validate``); the image code (``images.py``) and the booking reader (``ebts.py``)
call ``integer``/``decimal`` when they need a value and so raise on the first bad one.

The table covers each field that this codec interprets as a number, for every record type that
has it (ANSI/NIST-ITL 1-2011 §8 and Tables 15–22 for the binary headers, §7.7 for Type-1,
EBTS for Type-2): IDC of every record, Type-1 PRY, NSR and NTR, Type-2 WGT, the binary image
headers (IMP, FGP, ISR, HLL, VLL, GCA/BCA; SIG, SRT), and the tagged image headers (HLL, VLL,
SLC, THPS, TVPS, BPX, and IMP and FGP/PLP for friction-ridge records). A field that the table
does not list is text to this codec and is checked only by a profile (EBTS character classes).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from securecomm.ansinist.errors import ContentError
from securecomm.ansinist.transaction import KNOWN_RECORD_TYPES, Field, Record

#: Record types whose numeric header is fixed binary (values are decimal text in the model).
_BINARY_IMAGES = frozenset({3, 4, 5, 6})
_TAGGED_IMAGES = frozenset({10, 13, 14, 15, 16, 17, 19, 20})
#: Tagged image types with a bits-per-pixel field BPX at .012 (Type-10 has CSP there).
_BPX_TYPES = _TAGGED_IMAGES - {10}
_FRICTION_RIDGE = frozenset({13, 14, 15, 19})
#: Longest number text looked at: anything longer is refused before it is converted.
MAX_NUMBER_CHARS = 24


class FieldValueError(ContentError):
    """A numeric field holds something that is not a number of its form, or is out of range."""


@dataclass(frozen=True)
class NumericRule:
    """One numeric field: where it is, what it is called, its form and its range."""

    record_types: frozenset[int]
    field_no: int
    name: str
    description: str
    low: int | float
    high: int | float
    #: Digits allowed after the decimal point (0: an integer).
    decimals: int = 0
    #: True when every item of every subfield is a number (FGP); else exactly one value.
    items: bool = False

    @property
    def kind(self) -> str:
        return "integer" if self.decimals == 0 else "decimal number"

    def describe_range(self) -> str:
        if self.decimals == 0:
            return f"{self.low} to {self.high}"
        return f"{self.low:.{self.decimals}f} to {self.high:.{self.decimals}f}"


def _rule(
    types: frozenset[int] | set[int],
    field_no: int,
    name: str,
    description: str,
    low: int | float,
    high: int | float,
    *,
    decimals: int = 0,
    items: bool = False,
) -> NumericRule:
    return NumericRule(frozenset(types), field_no, name, description, low, high, decimals, items)


#: Every numeric field the codec interprets (see the module docstring for the sources).
RULES: tuple[NumericRule, ...] = (
    _rule(KNOWN_RECORD_TYPES - {1}, 2, "IDC", "information designation character", 0, 99),
    _rule({1}, 6, "PRY", "priority", 1, 9),
    _rule({1}, 11, "NSR", "native scanning resolution in pixels per mm", 0, 99.99, decimals=2),
    _rule({1}, 12, "NTR", "nominal transmitting resolution in pixels per mm", 0, 99.99, decimals=2),
    _rule({2}, 29, "WGT", "weight in pounds", 0, 999),
    # binary image headers (Types 3-6): one byte, or two for HLL/VLL
    _rule(_BINARY_IMAGES, 3, "IMP", "impression type", 0, 255),
    _rule(_BINARY_IMAGES, 4, "FGP", "finger positions", 0, 255, items=True),
    _rule(_BINARY_IMAGES | {8}, 5, "ISR", "image scanning resolution", 0, 1),
    _rule(_BINARY_IMAGES, 6, "HLL", "horizontal line length in pixels", 10, 65535),
    _rule(_BINARY_IMAGES, 7, "VLL", "vertical line length in pixels", 10, 65535),
    _rule(_BINARY_IMAGES, 8, "GCA", "compression algorithm", 0, 255),
    # Type-8 signature (HLL/VLL 0 for vector data)
    _rule({8}, 3, "SIG", "signature type", 0, 1),
    _rule({8}, 4, "SRT", "signature representation type", 0, 2),
    _rule({8}, 6, "HLL", "horizontal line length in pixels", 0, 65535),
    _rule({8}, 7, "VLL", "vertical line length in pixels", 0, 65535),
    # tagged image headers
    _rule(_TAGGED_IMAGES, 6, "HLL", "horizontal line length in pixels", 10, 99999),
    _rule(_TAGGED_IMAGES, 7, "VLL", "vertical line length in pixels", 10, 99999),
    _rule(_TAGGED_IMAGES, 8, "SLC", "scale units", 0, 2),
    _rule(_TAGGED_IMAGES, 9, "THPS", "transmitted horizontal pixel scale", 0, 99999, decimals=2),
    _rule(_TAGGED_IMAGES, 10, "TVPS", "transmitted vertical pixel scale", 0, 99999, decimals=2),
    _rule(_BPX_TYPES, 12, "BPX", "bits per pixel", 1, 99),
    _rule(_FRICTION_RIDGE, 3, "IMP", "impression type", 0, 99),
    _rule(_FRICTION_RIDGE, 13, "FGP", "friction ridge positions", 0, 99, items=True),
)

_BY_FIELD: dict[tuple[int, int], NumericRule] = {
    (t, r.field_no): r for r in RULES for t in sorted(r.record_types)
}


def rule_for(record_type: int, field_no: int) -> NumericRule | None:
    """The rule of a numeric field, or None when the codec treats the field as text."""
    return _BY_FIELD.get((record_type, field_no))


def integer(record: Record, field_no: int, index: int) -> int | None:
    """The field's integer value; None when the field is absent; ``FieldValueError`` if bad."""
    value = _single(record, field_no, index)
    return None if value is None else int(value)


def decimal(record: Record, field_no: int, index: int) -> float | None:
    """The field's value as a finite float; None when absent; ``FieldValueError`` if bad."""
    value = _single(record, field_no, index)
    return None if value is None else float(value)


def integers(record: Record, field_no: int, index: int) -> tuple[int, ...]:
    """Every item of an items field (FGP) as integers; () when absent."""
    f = record.get(field_no)
    if f is None:
        return ()
    rule = _rule_of(record, field_no)
    return tuple(int(_parse(item, rule, record, f, index)) for item in f.items())


def violations(record: Record, index: int) -> list[FieldValueError]:
    """The problem of each numeric field of ``record`` (one per field, in field order)."""
    out: list[FieldValueError] = []
    for f in record.fields:
        rule = rule_for(record.type, f.tag)
        if rule is None:
            continue
        try:
            if rule.items:
                integers(record, f.tag, index)
            else:
                _single(record, f.tag, index)
        except FieldValueError as exc:
            out.append(exc)
    return out


def parse_value(text: str, rule: NumericRule) -> int | float:
    """``text`` as a number of ``rule``'s form and range; ``ValueError`` says what is wrong."""
    stripped = text.strip(" ")
    if len(stripped) > MAX_NUMBER_CHARS:
        raise ValueError(f"{_shown(text)} is not {_a(rule.kind)} from {rule.describe_range()}")
    pattern = _INTEGER if rule.decimals == 0 else _decimal_pattern(rule.decimals)
    if not pattern.fullmatch(stripped):
        form = (
            "ASCII digits"
            if rule.decimals == 0
            else f"ASCII digits with at most {rule.decimals} after a decimal point"
        )
        raise ValueError(f"{_shown(text)} is not {_a(rule.kind)} ({form})")
    value: int | float = int(stripped) if rule.decimals == 0 else float(stripped)
    if not rule.low <= value <= rule.high:
        raise ValueError(f"{_shown(text)} is out of range ({rule.describe_range()})")
    return value


# --- internals ------------------------------------------------------------------------------

_INTEGER = re.compile(r"[0-9]+", re.ASCII)


def _decimal_pattern(decimals: int) -> re.Pattern[str]:
    return re.compile(rf"[0-9]+(\.[0-9]{{0,{decimals}}})?|\.[0-9]{{1,{decimals}}}", re.ASCII)


def _rule_of(record: Record, field_no: int) -> NumericRule:
    rule = rule_for(record.type, field_no)
    if rule is None:
        raise KeyError(f"{record.type}.{field_no:03d} is not a numeric field")
    return rule


def _single(record: Record, field_no: int, index: int) -> int | float | None:
    f = record.get(field_no)
    if f is None:
        return None
    rule = _rule_of(record, field_no)
    if f.data is not None:
        raise _error("holds binary data, not a number", rule, record, f, index)
    if len(f.subfields) != 1 or len(f.subfields[0]) != 1:
        count = sum(len(sub) for sub in f.subfields)
        raise _error(f"holds {count} values, one number expected", rule, record, f, index)
    return _parse(f.subfields[0][0], rule, record, f, index)


def _parse(text: str, rule: NumericRule, record: Record, f: Field, index: int) -> int | float:
    try:
        return parse_value(text, rule)
    except ValueError as exc:
        raise _error(str(exc), rule, record, f, index) from None


def _error(
    message: str, rule: NumericRule, record: Record, f: Field, index: int
) -> FieldValueError:
    return FieldValueError(
        f"{rule.name} ({rule.description}) {message}",
        record_index=index,
        record_type=record.type,
        tag=f"{record.type}.{rule.field_no:03d}",
        offset=f.offset if f.offset is not None else record.offset,
    )


def _shown(text: str) -> str:
    if len(text) <= 20:
        return repr(text)
    return f"{text[:12]!r}… ({len(text)} characters)"


def _a(kind: str) -> str:
    return f"an {kind}" if kind[0] in "aeiou" else f"a {kind}"
