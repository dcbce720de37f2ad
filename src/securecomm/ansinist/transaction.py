"""The values of an ANSI/NIST-ITL transaction: Transaction → Record → Field → subfields → items.

These are plain immutable values, independent of any encoding (``traditional.py`` reads and
writes them). The model follows ANSI/NIST-ITL 1-2011 §7:

- A *transaction* (logical file) is a Type-1 record followed by the records that its CNT field
  (1.003) lists, in that order.
- A *record* has a type (1–99) and fields identified by a numeric tag ``T.FFF``.
- A tagged field's value is one or more *subfields* (separated by RS), each one or more
  *information items* (separated by US). Items are text (``str``). The image/data field (tag
  999 in tagged records, the last field of a binary record) holds ``bytes`` instead.
- Binary records (Types 3–8) use the same model: their fixed header entries get the tag numbers
  of the standard's field numbering (``4.003`` IMP, ``4.004`` FGP, …), with integer values as
  decimal text; ``binary_layouts.py`` says where each one sits in the bytes.

The derived fields are not stored: LEN (``T.001``) is computed when writing (the length found
in a parsed file is kept in ``Record.length`` for display), and CNT (``1.003``) is computed
from the records (``Transaction.content_list``). A record's IDC is its field 2.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field

#: Record types encoded with fixed binary headers (ANSI/NIST-ITL 1-2011 Table 3).
BINARY_RECORD_TYPES = frozenset({3, 4, 5, 6, 7, 8})
#: Every record type the traditional encoding defines (2011 + 2013 updates, 98 and 99).
KNOWN_RECORD_TYPES = frozenset(range(1, 23)) | {98, 99}

LEN_TAG = 1
IDC_TAG = 2
CNT_TAG = 3
DATA_TAG = 999

Items = tuple[str, ...]


@dataclass(frozen=True)
class Field:
    """One field: either text subfields of items, or binary ``data`` (never both)."""

    tag: int
    subfields: tuple[Items, ...] = ()
    data: bytes | None = None
    #: Byte offset of the field's tag in the parsed file (not part of the value's identity).
    offset: int | None = field(default=None, compare=False)

    @classmethod
    def text(cls, tag: int, value: str | Sequence[str] | Sequence[Sequence[str]]) -> Field:
        """Build a text field from a string, a list of items, or a list of subfields of items.

        ``Field.text(5, "20260101")`` → one item; ``Field.text(3, ["1", "2"])`` → one subfield
        of two items; ``Field.text(47, [["20260101", "ROBBERY"], ["", "THEFT"]])`` → two
        subfields.
        """
        if isinstance(value, str):
            return cls(tag, ((value,),))
        values = list(value)
        if values and all(isinstance(v, str) for v in values):
            return cls(tag, (tuple(str(v) for v in values),))
        return cls(tag, tuple(tuple(str(i) for i in sub) for sub in values))

    @classmethod
    def binary(cls, tag: int, data: bytes) -> Field:
        return cls(tag, (), bytes(data))

    @property
    def is_binary(self) -> bool:
        return self.data is not None

    @property
    def value(self) -> str:
        """The first item of the first subfield (what most single-valued fields need)."""
        if self.data is not None or not self.subfields or not self.subfields[0]:
            return ""
        return self.subfields[0][0]

    def items(self) -> Iterator[str]:
        """Every item of every subfield, in order."""
        for sub in self.subfields:
            yield from sub

    def __post_init__(self) -> None:
        if self.data is not None and self.subfields:
            raise ValueError(f"field {self.tag}: a field holds either text or data, not both")


@dataclass(frozen=True)
class Record:
    """One logical record: its type and its fields in file order (LEN excluded)."""

    type: int
    fields: tuple[Field, ...]
    #: The LEN value found in a parsed file (not part of the value's identity).
    length: int | None = field(default=None, compare=False)
    #: Byte offset of the record in the parsed file (not part of the value's identity).
    offset: int | None = field(default=None, compare=False)

    @classmethod
    def of(cls, record_type: int, fields: Iterable[Field]) -> Record:
        return cls(record_type, tuple(fields))

    @property
    def is_binary(self) -> bool:
        return self.type in BINARY_RECORD_TYPES

    @property
    def idc(self) -> int:
        """The Information Designation Character (field 2), or 0 when absent (Type-1)."""
        f = self.get(IDC_TAG)
        if f is None or not is_number(f.value):
            return 0
        return int(f.value)

    def get(self, tag: int) -> Field | None:
        for f in self.fields:
            if f.tag == tag:
                return f
        return None

    def value(self, tag: int, default: str = "") -> str:
        f = self.get(tag)
        return default if f is None else f.value

    def __contains__(self, tag: object) -> bool:
        return any(f.tag == tag for f in self.fields)

    def with_field(self, new: Field) -> Record:
        """A copy with ``new`` replacing the field of the same tag, or inserted in tag order."""
        fields = list(self.fields)
        for i, f in enumerate(fields):
            if f.tag == new.tag:
                fields[i] = new
                return Record(self.type, tuple(fields))
        pos = next((i for i, f in enumerate(fields) if f.tag > new.tag), len(fields))
        fields.insert(pos, new)
        return Record(self.type, tuple(fields))


@dataclass(frozen=True)
class Transaction:
    """A logical file: the Type-1 record first, then the other records in transmission order."""

    records: tuple[Record, ...]

    def __post_init__(self) -> None:
        if not self.records or self.records[0].type != 1:
            raise ValueError("a transaction starts with its Type-1 record")

    @classmethod
    def of(cls, records: Iterable[Record]) -> Transaction:
        return cls(tuple(records))

    @property
    def type1(self) -> Record:
        return self.records[0]

    @property
    def version(self) -> str:
        return self.type1.value(2)

    @property
    def tot(self) -> str:
        """Type of transaction (1.004), e.g. ``CAR``, ``SRE``, ``ERRT``."""
        return self.type1.value(4)

    def content_list(self) -> list[tuple[int, int]]:
        """CNT (1.003) as (record type, IDC) pairs for the records after Type-1."""
        return [(r.type, r.idc) for r in self.records[1:]]

    def of_type(self, *types: int) -> list[Record]:
        return [r for r in self.records if r.type in types]

    def __iter__(self) -> Iterator[Record]:
        return iter(self.records)

    def __len__(self) -> int:
        return len(self.records)


#: Longest digit string taken as a number (CNT counts, IDCs): ``int()`` of a longer one is slow,
#: and past 4300 digits it raises ``ValueError``.
MAX_NUMBER_DIGITS = 18


def is_number(text: str) -> bool:
    """True for a non-negative decimal integer of at most ``MAX_NUMBER_DIGITS`` ASCII digits
    (surrounding blanks allowed)."""
    text = text.strip()
    return 0 < len(text) <= MAX_NUMBER_DIGITS and text.isascii() and text.isdigit()
