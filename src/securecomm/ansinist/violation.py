"""A violation found by validation: what is wrong and exactly where."""

from __future__ import annotations

from dataclasses import dataclass

from securecomm.ansinist.transaction import Field, Record


@dataclass(frozen=True)
class Violation:
    """One problem with a transaction: record (index, type), field tag, byte offset, message.

    ``tag`` is ``T.FFF`` (or ``T.FFF..N`` for an information item); ``mnemonic`` the EBTS name
    when a profile rule found it (``NAM``); ``offset`` the byte offset in the encoded file.
    """

    record_index: int
    record_type: int
    tag: str | None
    offset: int | None
    message: str
    mnemonic: str | None = None

    def __str__(self) -> str:
        where = [f"record {self.record_index} (Type-{self.record_type})"]
        if self.tag is not None:
            where.append(f"field {self.tag}" + (f" {self.mnemonic}" if self.mnemonic else ""))
        if self.offset is not None:
            where.append(f"byte offset {self.offset}")
        return f"{', '.join(where)}: {self.message}"


def at_field(
    index: int,
    record: Record,
    field: Field | None,
    tag: str,
    message: str,
    mnemonic: str | None = None,
) -> Violation:
    """A violation located at ``field`` (or at the record when the field is absent)."""
    offset = field.offset if field is not None and field.offset is not None else record.offset
    return Violation(index, record.type, tag, offset, message, mnemonic)
