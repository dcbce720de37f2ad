"""Errors of the wire formats: every one says which record, field and byte (or line) is wrong.

    SecurecommError
     └── AnsiNistError                 anything wrong with an ANSI/NIST-ITL transaction or message
          ├── TruncatedError           the file ends before a record or field it announces
          ├── LengthError              a LEN field disagrees with where the record really ends
          ├── SeparatorError           a GS/RS/US/FS separator or the ``:`` after a tag is missing
          ├── TagError                 a tag is not ``T.FFF`` with numbers, or names another record
          ├── RecordTypeError          a record type that ANSI/NIST-ITL does not define
          ├── ContentError             CNT, IDC or a header value is inconsistent or out of range
          ├── ImageSizeError           image data disagrees with the size its header announces
          ├── ProfileError             a transaction cannot be built or checked against a profile
          └── MessageFormatError       an Nlets IAQ/IAR text message is malformed (names the line)

Every error carries the location as attributes (``record_index``, ``record_type``, ``tag``,
``offset``; ``line`` for text messages) so that callers can show or map it without parsing the
message, and the message itself already contains them.
"""

from __future__ import annotations

from securecomm.errors import SecurecommError


class AnsiNistError(SecurecommError):
    """Something is wrong with an ANSI/NIST-ITL transaction; the message names where."""

    def __init__(
        self,
        message: str,
        *,
        record_index: int | None = None,
        record_type: int | None = None,
        tag: str | None = None,
        offset: int | None = None,
    ) -> None:
        self.record_index = record_index
        self.record_type = record_type
        self.tag = tag
        self.offset = offset
        self.detail = message
        super().__init__(_locate(message, record_index, record_type, tag, offset))


def _locate(
    message: str,
    record_index: int | None,
    record_type: int | None,
    tag: str | None,
    offset: int | None,
) -> str:
    where: list[str] = []
    if record_index is not None:
        kind = f" (Type-{record_type})" if record_type is not None else ""
        where.append(f"record {record_index}{kind}")
    elif record_type is not None:
        where.append(f"Type-{record_type} record")
    if tag is not None:
        where.append(f"field {tag}")
    if offset is not None:
        where.append(f"byte offset {offset}")
    return f"{', '.join(where)}: {message}" if where else message


class TruncatedError(AnsiNistError):
    """The data ends before a record or field that it announces."""


class LengthError(AnsiNistError):
    """A LEN field disagrees with where the record really ends."""


class SeparatorError(AnsiNistError):
    """A separator (GS, RS, US, FS) or the colon after a tag is missing or misplaced."""


class TagError(AnsiNistError):
    """A tag is not ``T.FFF`` with numeric parts, or names a different record type."""


class RecordTypeError(AnsiNistError):
    """A record type that ANSI/NIST-ITL does not define (or that cannot appear there)."""


class ContentError(AnsiNistError):
    """CNT, IDC or a header value is inconsistent with the records or out of range."""


class ImageSizeError(AnsiNistError):
    """Image data disagrees with the width, height or depth its record header announces."""


class ProfileError(AnsiNistError):
    """A transaction cannot be built or checked against an application profile (EBTS)."""


class MessageFormatError(AnsiNistError):
    """An Nlets text message (IAQ/IAR) is malformed; names the line and field."""

    def __init__(self, message: str, *, line: int | None = None, field: str | None = None) -> None:
        self.line = line
        self.field = field
        where = []
        if line is not None:
            where.append(f"line {line}")
        if field is not None:
            where.append(f"field {field}")
        text = f"{', '.join(where)}: {message}" if where else message
        super().__init__(text, tag=field)
        # keep the line-oriented text rather than the record-oriented one
        self.args = (text,)

    def __str__(self) -> str:
        return str(self.args[0])
