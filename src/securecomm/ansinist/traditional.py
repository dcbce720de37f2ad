"""The traditional encoding of ANSI/NIST-ITL (versions 0200–0502): read and write.

Layout (ANSI/NIST-ITL 1-2011 §7.2 and Annex B):

- Tagged records (Types 1, 2, 9–22, 98, 99): fields ``T.FFF:value`` separated by GS (0x1D),
  the record ended by FS (0x1C); within a value, subfields are separated by RS (0x1E) and
  information items by US (0x1F). The first field is LEN (``T.001``), the record's byte count;
  the data field ``T.999``, when present, is last and binary (it may contain separator bytes,
  so its end is known only from LEN).
- Binary records (Types 3–8): fixed big-endian headers (``binary_layouts.py``) starting with
  a 4-byte LEN.
- Record order and types come from the Type-1 CNT field (1.003): the first subfield is
  ``1 US <number of other records>``, then one ``type US IDC`` subfield per record.

``read`` checks everything it relies on and raises an ``AnsiNistError`` subclass naming the
record (index and type), the field and the byte offset; it never lets another exception out.
``write`` computes LEN and CNT, so the result is always self-consistent.
"""

from __future__ import annotations

from typing import TypedDict

from securecomm.ansinist import binary_layouts, images
from securecomm.ansinist.errors import (
    ContentError,
    LengthError,
    RecordTypeError,
    SeparatorError,
    TagError,
    TruncatedError,
)
from securecomm.ansinist.transaction import (
    BINARY_RECORD_TYPES,
    CNT_TAG,
    DATA_TAG,
    KNOWN_RECORD_TYPES,
    LEN_TAG,
    Field,
    Record,
    Transaction,
    is_number,
)

FS = 0x1C
GS = 0x1D
RS = 0x1E
US = 0x1F
SEPARATORS = bytes([FS, GS, RS, US])
#: A tag is at most "99.999" plus the colon; allow some leading zeros.
_MAX_TAG_CHARS = 12


def read(data: bytes, *, check_images: bool = False) -> Transaction:
    """Parse one transaction in the traditional encoding.

    With ``check_images`` it also compares each image's header (HLL, VLL, depth) with the size
    found in the image data itself (uncompressed size, or the WSQ/JPEG/JPEG 2000/PNG header) and
    raises ``ImageSizeError``. It is off by default because real files disagree (three NBIS and
    NIST samples do); ``validate`` reports the same disagreements as violations instead.
    """
    data = bytes(data)
    if not data:
        raise TruncatedError("the file is empty", offset=0)
    type1 = _read_tagged(data, 0, 0, 1)
    assert type1.length is not None
    content = _content_list(type1, data)
    records = [type1]
    pos = type1.length
    for index, (record_type, _idc) in enumerate(content, start=1):
        if pos >= len(data):
            raise TruncatedError(
                f"the file ends after {len(records)} records, but CNT (1.003) lists "
                f"{len(content) + 1}",
                record_index=index,
                record_type=record_type,
                offset=pos,
            )
        if record_type in BINARY_RECORD_TYPES:
            record = _read_binary(data, pos, index, record_type)
        else:
            record = _read_tagged(data, pos, index, record_type)
        if check_images:
            images.check_image_size(record, index, type1)
        records.append(record)
        assert record.length is not None
        pos += record.length
    if pos != len(data):
        raise ContentError(
            f"{len(data) - pos} bytes follow the last record that CNT (1.003) lists",
            offset=pos,
        )
    return Transaction(tuple(records))


def write(transaction: Transaction) -> bytes:
    """Encode a transaction; LEN of every record and CNT (1.003) are computed here."""
    out = bytearray()
    out += _encode_tagged(transaction.type1.with_field(content_field(transaction)), 0)
    for index, record in enumerate(transaction.records[1:], start=1):
        if record.type == 1:
            raise ContentError("only the first record may be Type-1", record_index=index)
        if record.type not in KNOWN_RECORD_TYPES:
            raise RecordTypeError(
                f"record type {record.type} is not defined by ANSI/NIST-ITL",
                record_index=index,
                record_type=record.type,
            )
        if record.type in BINARY_RECORD_TYPES:
            out += _encode_binary(record, index)
        else:
            out += _encode_tagged(record, index)
    return bytes(out)


def content_field(transaction: Transaction) -> Field:
    """CNT (1.003) for the records of ``transaction``.

    The stored CNT is kept (with its own number formatting) when it already describes the
    records; otherwise a new one is built with two-digit IDCs.
    """
    wanted = [(1, len(transaction.records) - 1), *transaction.content_list()]
    stored = transaction.type1.get(CNT_TAG)
    if stored is not None:
        try:
            found = [(int(a), int(b)) for a, b in stored.subfields]
        except ValueError:
            found = []
        if found == wanted:
            return stored
    return Field(
        CNT_TAG,
        (
            ("1", str(len(transaction.records) - 1)),
            *((str(t), f"{idc:02d}") for t, idc in transaction.content_list()),
        ),
    )


# --- reading -------------------------------------------------------------------------------


def _read_tagged(data: bytes, start: int, index: int, record_type: int) -> Record:
    """One tagged record starting at ``start``; its LEN decides where it ends."""
    tag_text, value_start = _read_tag(data, start, start + _MAX_TAG_CHARS, index, record_type)
    found_type, field_no = _split_tag(tag_text, index, record_type, start)
    if found_type != record_type:
        raise TagError(
            f"expected a Type-{record_type} record (from CNT), found tag {tag_text}",
            record_index=index,
            record_type=record_type,
            tag=tag_text,
            offset=start,
        )
    if field_no != LEN_TAG:
        raise TagError(
            f"the first field of a record must be LEN ({record_type}.001), found {tag_text}",
            record_index=index,
            record_type=record_type,
            tag=tag_text,
            offset=start,
        )
    gs = _find_any(data, value_start, min(len(data), value_start + 20), (GS, FS))
    len_text = data[value_start : gs if gs >= 0 else value_start + 20]
    if gs < 0 or not len_text.isdigit():
        shown = len_text[:12].decode("latin-1")
        raise LengthError(
            f"LEN must be decimal digits followed by GS, found {shown!r}",
            record_index=index,
            record_type=record_type,
            tag=tag_text,
            offset=value_start,
        )
    length = int(len_text)
    end = start + length
    if length <= gs - start:
        raise LengthError(
            f"LEN {length} is shorter than the LEN field itself",
            record_index=index,
            record_type=record_type,
            tag=tag_text,
            offset=value_start,
        )
    if end > len(data):
        raise TruncatedError(
            f"LEN says the record has {length} bytes, but only {len(data) - start} remain "
            "in the file",
            record_index=index,
            record_type=record_type,
            tag=tag_text,
            offset=start,
        )
    if data[end - 1] != FS:
        real_end = data.find(bytes([FS]), gs)
        hint = (
            f"; the first FS after it is at offset {real_end}, i.e. LEN {real_end + 1 - start}"
            if real_end >= 0
            else "; the record has no FS at all"
        )
        raise LengthError(
            f"LEN {length} does not end the record on an FS separator (byte {end - 1} is "
            f"0x{data[end - 1]:02X}){hint}",
            record_index=index,
            record_type=record_type,
            tag=tag_text,
            offset=value_start,
        )
    fields: list[Field] = []
    seen: set[int] = {LEN_TAG}
    pos = gs + 1 if data[gs] == GS else gs
    body_end = end - 1
    while pos < body_end:
        tag_text, value_start = _read_tag(data, pos, body_end, index, record_type)
        found_type, field_no = _split_tag(tag_text, index, record_type, pos)
        if found_type != record_type:
            raise TagError(
                f"tag {tag_text} belongs to a Type-{found_type} record, not Type-{record_type}"
                " (a missing FS separator or a wrong LEN before it?)",
                record_index=index,
                record_type=record_type,
                tag=tag_text,
                offset=pos,
            )
        if field_no in seen:
            raise TagError(
                f"field {tag_text} appears twice",
                record_index=index,
                record_type=record_type,
                tag=tag_text,
                offset=pos,
            )
        seen.add(field_no)
        if field_no == DATA_TAG:
            fields.append(Field(field_no, (), data[value_start:body_end], offset=pos))
            pos = body_end
            break
        value_end = data.find(bytes([GS]), value_start, body_end)
        if value_end < 0:
            value_end = body_end
        fs_inside = data.find(bytes([FS]), value_start, value_end)
        if fs_inside >= 0:
            raise SeparatorError(
                "an FS separator inside a field: the record ends before its LEN says",
                record_index=index,
                record_type=record_type,
                tag=tag_text,
                offset=fs_inside,
            )
        raw = data[value_start:value_end]
        fields.append(Field(field_no, _split_value(raw), offset=pos))
        pos = value_end + 1
    return Record(record_type, tuple(fields), length=length, offset=start)


def _read_tag(data: bytes, pos: int, limit: int, index: int, record_type: int) -> tuple[str, int]:
    """The tag text at ``pos`` and the offset just after its colon."""
    colon = data.find(b":", pos, min(limit, pos + _MAX_TAG_CHARS))
    if colon < 0:
        shown = data[pos : pos + _MAX_TAG_CHARS].decode("latin-1", "replace")
        raise SeparatorError(
            f"expected a tag like '{record_type}.003:' but found {shown!r} (missing ':' or GS?)",
            record_index=index,
            record_type=record_type,
            offset=pos,
        )
    return data[pos:colon].decode("latin-1"), colon + 1


def _split_tag(tag_text: str, index: int, record_type: int, offset: int) -> tuple[int, int]:
    parts = tag_text.split(".")
    if len(parts) != 2 or not all(p.isdigit() and p.isascii() for p in parts):
        raise TagError(
            f"tag {tag_text!r} is not of the form <record type>.<field number> with digits",
            record_index=index,
            record_type=record_type,
            tag=tag_text,
            offset=offset,
        )
    return int(parts[0]), int(parts[1])


def _split_value(raw: bytes) -> tuple[tuple[str, ...], ...]:
    text = _decode_text(raw)
    return tuple(tuple(sub.split("\x1f")) for sub in text.split("\x1e"))


def _decode_text(raw: bytes) -> str:
    """7-bit ASCII by default; UTF-8 where a transaction declares it; Latin-1 as last resort."""
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("latin-1")


def _find_any(data: bytes, start: int, end: int, values: tuple[int, ...]) -> int:
    for i in range(start, end):
        if data[i] in values:
            return i
    return -1


class _Where(TypedDict):
    """The location keywords of an ``AnsiNistError`` raised about one field."""

    record_index: int
    record_type: int
    tag: str


def _content_list(type1: Record, data: bytes) -> list[tuple[int, int]]:
    """CNT (1.003) as (type, IDC) pairs, checked for form and known record types."""
    cnt = type1.get(CNT_TAG)
    where: _Where = {"record_index": 0, "record_type": 1, "tag": "1.003"}
    if cnt is None:
        raise ContentError("the Type-1 record has no CNT field (1.003)", **where, offset=0)
    subs = cnt.subfields
    first = subs[0] if subs else ()
    if len(first) != 2 or not is_number(first[1]):
        raise ContentError(
            "the first CNT subfield must be '1 US <record count>'", **where, offset=0
        )
    declared = int(first[1])
    if declared != len(subs) - 1:
        raise ContentError(
            f"CNT says {declared} records follow Type-1, but lists {len(subs) - 1}",
            **where,
        )
    out: list[tuple[int, int]] = []
    for n, sub in enumerate(subs[1:], start=1):
        if len(sub) != 2 or not all(is_number(s) for s in sub):
            raise ContentError(
                f"CNT subfield {n + 1} must be '<record type> US <IDC>', found {sub!r}",
                **where,
            )
        record_type, idc = int(sub[0]), int(sub[1])
        if record_type not in KNOWN_RECORD_TYPES or record_type == 1:
            raise RecordTypeError(
                f"CNT subfield {n + 1} lists record type {record_type}, which "
                "ANSI/NIST-ITL does not define here",
                **where,
            )
        out.append((record_type, idc))
    return out


def _read_binary(data: bytes, start: int, index: int, record_type: int) -> Record:
    layout = binary_layouts.LAYOUTS[record_type]
    head = binary_layouts.header_size(record_type)
    tag = f"{record_type}.001"
    if start + 4 > len(data):
        raise TruncatedError(
            "the file ends inside the 4-byte LEN of a binary record",
            record_index=index,
            record_type=record_type,
            tag=tag,
            offset=start,
        )
    length = int.from_bytes(data[start : start + 4], "big")
    if length < head:
        raise LengthError(
            f"LEN {length} is smaller than the {head}-byte header of a Type-{record_type} record",
            record_index=index,
            record_type=record_type,
            tag=tag,
            offset=start,
        )
    if start + length > len(data):
        raise TruncatedError(
            f"LEN says the record has {length} bytes, but only {len(data) - start} remain "
            "in the file",
            record_index=index,
            record_type=record_type,
            tag=tag,
            offset=start,
        )
    fields: list[Field] = []
    pos = start
    for entry in layout:
        chunk = data[pos : pos + entry.size]
        if entry.tag != LEN_TAG:
            if entry.is_list:
                fields.append(Field(entry.tag, (tuple(str(b) for b in chunk),), offset=pos))
            else:
                fields.append(Field(entry.tag, ((str(int.from_bytes(chunk, "big")),),), offset=pos))
        pos += entry.size
    fields.append(
        Field(binary_layouts.data_tag(record_type), (), data[pos : start + length], offset=pos)
    )
    return Record(record_type, tuple(fields), length=length, offset=start)


# --- writing -------------------------------------------------------------------------------


def _encode_tagged(record: Record, index: int) -> bytes:
    parts: list[bytes] = []
    for f in record.fields:
        if f.tag == LEN_TAG:
            continue
        tag = f"{record.type}.{f.tag:03d}:".encode("ascii")
        if f.data is not None:
            if f.tag != DATA_TAG:
                raise ContentError(
                    "binary data is allowed only in the data field (999) of a tagged record",
                    record_index=index,
                    record_type=record.type,
                    tag=f"{record.type}.{f.tag:03d}",
                )
            parts.append(tag + f.data)
        else:
            parts.append(tag + _encode_value(f, record.type, index))
    body = b"\x1d".join(parts)
    prefix = f"{record.type}.001:".encode("ascii")
    # LEN counts its own digits: grow the guess until it is stable.
    digits = 1
    while True:
        length = len(prefix) + digits + (1 if parts else 0) + len(body) + 1
        if len(str(length)) == digits:
            break
        digits = len(str(length))
    head = prefix + str(length).encode("ascii")
    return head + (b"\x1d" + body if parts else b"") + b"\x1c"


def _encode_value(f: Field, record_type: int, index: int) -> bytes:
    text = "\x1e".join("\x1f".join(items) for items in f.subfields)
    bad = next((c for c in text if c in "\x1c\x1d"), None)
    if bad is not None:
        raise ContentError(
            f"a text value contains the separator 0x{ord(bad):02X}",
            record_index=index,
            record_type=record_type,
            tag=f"{record_type}.{f.tag:03d}",
        )
    return text.encode("utf-8")


def _encode_binary(record: Record, index: int) -> bytes:
    layout = binary_layouts.LAYOUTS[record.type]
    out = bytearray()
    for entry in layout:
        if entry.tag == LEN_TAG:
            out += b"\0\0\0\0"
            continue
        tag_text = f"{record.type}.{entry.tag:03d}"
        f = record.get(entry.tag)
        values = list(f.items()) if f is not None else []
        if entry.is_list:
            values += [str(binary_layouts.FGP_UNUSED)] * (binary_layouts.FGP_SLOTS - len(values))
            numbers = [_binary_int(v, 1, record, index, tag_text) for v in values]
            if len(numbers) != binary_layouts.FGP_SLOTS:
                raise ContentError(
                    f"{entry.name} holds at most {binary_layouts.FGP_SLOTS} positions",
                    record_index=index,
                    record_type=record.type,
                    tag=tag_text,
                )
            out += bytes(numbers)
        else:
            if len(values) != 1:
                raise ContentError(
                    f"binary header entry {entry.name} needs exactly one value",
                    record_index=index,
                    record_type=record.type,
                    tag=tag_text,
                )
            out += _binary_int(values[0], entry.size, record, index, tag_text).to_bytes(
                entry.size, "big"
            )
    data_field = record.get(binary_layouts.data_tag(record.type))
    out += data_field.data if data_field is not None and data_field.data is not None else b""
    out[0:4] = len(out).to_bytes(4, "big")
    return bytes(out)


def _binary_int(text: str, size: int, record: Record, index: int, tag: str) -> int:
    limit = 256**size
    if not is_number(text) or int(text) >= limit:
        raise ContentError(
            f"value {text!r} must be an integer from 0 to {limit - 1} ({size}-byte binary)",
            record_index=index,
            record_type=record.type,
            tag=tag,
        )
    return int(text)
