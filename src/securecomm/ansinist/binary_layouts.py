"""Fixed binary headers of Types 3–8 (ANSI/NIST-ITL 1-2011 §8.3–8.8, Tables 15–22).

Each binary record starts with a 4-byte big-endian LEN and a 1-byte IDC, followed by fixed
header entries and the image data, which runs to the end of the record (its size is LEN minus
the header size). In the value model every entry gets the standard's field number as its tag.

Type-7 is user-defined: only LEN and IDC are standard, everything after them is kept as data.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class BinaryEntry:
    tag: int
    name: str
    size: int  # bytes; every entry is an unsigned big-endian integer, FGP is 6 one-byte values

    @property
    def is_list(self) -> bool:
        return self.name == "FGP"


_IMAGE_HEADER = (
    BinaryEntry(1, "LEN", 4),
    BinaryEntry(2, "IDC", 1),
    BinaryEntry(3, "IMP", 1),
    BinaryEntry(4, "FGP", 6),
    BinaryEntry(5, "ISR", 1),
    BinaryEntry(6, "HLL", 2),
    BinaryEntry(7, "VLL", 2),
    BinaryEntry(8, "GCA", 1),
)

_SIGNATURE_HEADER = (
    BinaryEntry(1, "LEN", 4),
    BinaryEntry(2, "IDC", 1),
    BinaryEntry(3, "SIG", 1),
    BinaryEntry(4, "SRT", 1),
    BinaryEntry(5, "ISR", 1),
    BinaryEntry(6, "HLL", 2),
    BinaryEntry(7, "VLL", 2),
)

_USER_DEFINED_HEADER = (BinaryEntry(1, "LEN", 4), BinaryEntry(2, "IDC", 1))

#: Header entries per binary record type, in byte order; the data field follows.
LAYOUTS: dict[int, tuple[BinaryEntry, ...]] = {
    3: _IMAGE_HEADER,
    4: _IMAGE_HEADER,
    5: _IMAGE_HEADER,
    6: _IMAGE_HEADER,
    7: _USER_DEFINED_HEADER,
    8: _SIGNATURE_HEADER,
}

#: FGP byte that marks an unused finger-position slot.
FGP_UNUSED = 255
FGP_SLOTS = 6


def header_size(record_type: int) -> int:
    return sum(e.size for e in LAYOUTS[record_type])


def data_tag(record_type: int) -> int:
    """The tag that the image data gets in the value model (the entry after the header)."""
    return len(LAYOUTS[record_type]) + 1


def entry_name(record_type: int, tag: int) -> str:
    for e in LAYOUTS[record_type]:
        if e.tag == tag:
            return e.name
    return "DATA" if tag == data_tag(record_type) else f"#{tag}"
