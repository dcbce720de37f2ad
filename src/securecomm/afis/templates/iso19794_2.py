"""ISO/IEC 19794-2:2005 finger minutiae record format (the "FMR" record), read and write.

Layout (all integers big-endian)::

    record header (24 bytes)
      0  "FMR\\0"                       format identifier
      4  " 20\\0"                       version
      8  u32 record length              whole record, header included
     12  u16 4 bits certification flag + 12 bits capture device type
     14  u16 image width, u16 image height (pixels)
     18  u16 x resolution, u16 y resolution (pixels per centimetre)
     22  u8  number of finger views, u8 reserved
    per finger view
      u8 finger position (0-10), u8 4 bits view number + 4 bits impression type,
      u8 finger quality (0-100), u8 number of minutiae
      per minutia (6 bytes): 2 bits type (01 ending, 10 bifurcation, 00 other) + 14 bits x,
                             2 bits reserved + 14 bits y, u8 angle, u8 quality (0-100)
      u16 extended data length, then extended data blocks (u16 type, u16 length incl. the
      4 header bytes, data)

Conventions of the standard, mapped onto :class:`~securecomm.afis.types.Template`:

- coordinates: pixels, origin at the image's top-left corner, x to the right, y down —
  the same as ours, so they pass through unchanged (as floats at the record's resolution);
- angle: one unit is 360/256 degrees, measured counter-clockwise from the horizontal axis
  pointing right; ``Template.angle = units * 2π / 256`` (the same sense as ours);
- resolution: pixels per centimetre; ``ppi = px_per_cm * 2.54`` (197 px/cm ≈ 500 ppi);
- minutia type codes equal :class:`~securecomm.afis.types.MinutiaKind` values.

:func:`decode_record`/:func:`encode_record` are exact: every field, reserved bit and extended
data block is kept, so ``encode_record(decode_record(b)) == b`` for every well-formed record.
:func:`template_from_record` keeps what a :class:`Template` cannot hold (device, reserved bits,
extended data, view/impression codes) in ``Template.meta`` under :data:`META_KEY`, so that
:func:`record_from_template` re-emits a single-view record byte for byte.
"""

from __future__ import annotations

import json
import math
import struct
from dataclasses import dataclass

import numpy as np

from securecomm.afis.errors import TemplateFormatError
from securecomm.afis.types import WORKING_PPI, FingerPosition, Template

FORMAT_ID = b"FMR\x00"
VERSION = b" 20\x00"
MAGIC = FORMAT_ID + VERSION
HEADER_SIZE = 24
VIEW_HEADER_SIZE = 4
MINUTIA_SIZE = 6
CM_PER_INCH = 2.54
ANGLE_UNITS = 256
MAX_COORDINATE = (1 << 14) - 1
MAX_QUALITY = 100
MAX_FINGER_POSITION = 10
#: ISO impression types: live-scan plain/rolled, non-live plain/rolled, latent, swipe.
IMPRESSION_TYPES = frozenset({0, 1, 2, 3, 4, 5, 6, 7, 8, 9})
#: Minutia type code 0b11 is reserved by the standard.
RESERVED_MINUTIA_TYPE = 3
META_KEY = "iso19794_2"
FILE_EXTENSION = "iso"


@dataclass(frozen=True)
class IsoMinutia:
    kind: int
    x: int
    y: int
    angle: int
    quality: int
    #: The two reserved bits above the y coordinate (zero in conforming records).
    reserved: int = 0


@dataclass(frozen=True)
class ExtendedDataBlock:
    type_id: int
    data: bytes


@dataclass(frozen=True)
class FingerView:
    position: int
    view_number: int
    impression_type: int
    quality: int
    minutiae: tuple[IsoMinutia, ...]
    extended: tuple[ExtendedDataBlock, ...] = ()


@dataclass(frozen=True)
class IsoRecord:
    width: int
    height: int
    x_resolution: int
    y_resolution: int
    views: tuple[FingerView, ...]
    certification: int = 0
    device_type: int = 0
    reserved: int = 0


class _Reader:
    """Bounds-checked big-endian reads that raise TemplateFormatError with the offset."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.pos = 0

    def take(self, n: int, what: str) -> bytes:
        if self.pos + n > len(self.data):
            raise TemplateFormatError(
                f"ISO 19794-2 record truncated: expected {n} byte(s) of {what}, "
                f"{len(self.data) - self.pos} left",
                offset=self.pos,
            )
        chunk = self.data[self.pos : self.pos + n]
        self.pos += n
        return chunk

    def u8(self, what: str) -> int:
        return self.take(1, what)[0]

    def u16(self, what: str) -> int:
        return int(struct.unpack(">H", self.take(2, what))[0])

    def u32(self, what: str) -> int:
        return int(struct.unpack(">I", self.take(4, what))[0])


def _check(ok: bool, message: str, offset: int) -> None:
    if not ok:
        raise TemplateFormatError(f"ISO 19794-2: {message}", offset=offset)


def decode_record(data: bytes) -> IsoRecord:
    """Parse an ISO/IEC 19794-2:2005 record; raise TemplateFormatError on any bad byte."""
    r = _Reader(bytes(data))
    _check(r.take(4, "format identifier") == FORMAT_ID, 'expected format identifier "FMR\\0"', 0)
    _check(r.take(4, "version") == VERSION, 'expected version " 20\\0" (2005 edition)', 4)
    length = r.u32("record length")
    _check(
        length == len(r.data),
        f"record length field says {length} bytes, the record has {len(r.data)}",
        8,
    )
    device = r.u16("capture equipment")
    width = r.u16("image width")
    height = r.u16("image height")
    xres = r.u16("x resolution")
    yres = r.u16("y resolution")
    n_views = r.u8("number of finger views")
    reserved = r.u8("reserved byte")
    views = []
    for v in range(n_views):
        start = r.pos
        position = r.u8(f"finger position of view {v}")
        _check(
            position <= MAX_FINGER_POSITION,
            f"finger position {position} of view {v}, expected 0-{MAX_FINGER_POSITION}",
            start,
        )
        vi = r.u8(f"view number/impression type of view {v}")
        _check(
            vi & 0x0F in IMPRESSION_TYPES,
            f"impression type {vi & 0x0F} of view {v}, expected one of 0-9",
            start + 1,
        )
        quality = r.u8(f"finger quality of view {v}")
        _check(
            quality <= MAX_QUALITY,
            f"finger quality {quality} of view {v}, expected 0-{MAX_QUALITY}",
            start + 2,
        )
        count = r.u8(f"number of minutiae of view {v}")
        minutiae = []
        for i in range(count):
            at = r.pos
            b = r.take(MINUTIA_SIZE, f"minutia {i} of view {v} (6 bytes)")
            kind = b[0] >> 6
            _check(
                kind != RESERVED_MINUTIA_TYPE,
                f"minutia {i} of view {v} has the reserved type code 0b11, "
                "expected 01 ending, 10 bifurcation or 00 other",
                at,
            )
            q = b[5]
            _check(
                q <= MAX_QUALITY,
                f"minutia {i} of view {v} quality {q}, expected 0-{MAX_QUALITY}",
                at + 5,
            )
            minutiae.append(
                IsoMinutia(
                    kind=kind,
                    x=((b[0] & 0x3F) << 8) | b[1],
                    y=((b[2] & 0x3F) << 8) | b[3],
                    angle=b[4],
                    quality=q,
                    reserved=b[2] >> 6,
                )
            )
        views.append(
            FingerView(
                position=position,
                view_number=vi >> 4,
                impression_type=vi & 0x0F,
                quality=quality,
                minutiae=tuple(minutiae),
                extended=_decode_extended(r, v),
            )
        )
    _check(
        r.pos == len(r.data),
        f"{len(r.data) - r.pos} unexpected trailing byte(s) after the last finger view",
        r.pos,
    )
    return IsoRecord(
        width=width,
        height=height,
        x_resolution=xres,
        y_resolution=yres,
        views=tuple(views),
        certification=device >> 12,
        device_type=device & 0x0FFF,
        reserved=reserved,
    )


def _decode_extended(r: _Reader, v: int) -> tuple[ExtendedDataBlock, ...]:
    total = r.u16(f"extended data length of view {v}")
    end = r.pos + total
    _check(
        end <= len(r.data),
        f"extended data length {total} of view {v} runs past the end of the record",
        r.pos - 2,
    )
    blocks = []
    while r.pos < end:
        at = r.pos
        _check(end - at >= 4, f"extended data block of view {v} needs a 4-byte header", at)
        type_id = r.u16(f"extended data type of view {v}")
        size = r.u16(f"extended data block length of view {v}")
        _check(
            4 <= size <= end - at,
            f"extended data block length {size} of view {v}, expected 4-{end - at}",
            at + 2,
        )
        blocks.append(ExtendedDataBlock(type_id, r.take(size - 4, "extended data")))
    return tuple(blocks)


def encode_record(record: IsoRecord) -> bytes:
    """Serialise an :class:`IsoRecord`; raise TemplateFormatError if a field does not fit."""
    body = bytearray()
    _fit(len(record.views), 0xFF, "number of finger views")
    for v, view in enumerate(record.views):
        _fit(view.position, MAX_FINGER_POSITION, f"finger position of view {v}")
        _fit(view.view_number, 0x0F, f"view number of view {v}")
        _fit(view.impression_type, 0x0F, f"impression type of view {v}")
        _fit(view.quality, MAX_QUALITY, f"finger quality of view {v}")
        _fit(len(view.minutiae), 0xFF, f"number of minutiae of view {v}")
        body += bytes(
            [
                view.position,
                (view.view_number << 4) | view.impression_type,
                view.quality,
                len(view.minutiae),
            ]
        )
        for i, m in enumerate(view.minutiae):
            _fit(m.kind, 2, f"type of minutia {i}")
            _fit(m.x, MAX_COORDINATE, f"x of minutia {i}")
            _fit(m.y, MAX_COORDINATE, f"y of minutia {i}")
            _fit(m.reserved, 3, f"reserved bits of minutia {i}")
            _fit(m.angle, ANGLE_UNITS - 1, f"angle of minutia {i}")
            _fit(m.quality, MAX_QUALITY, f"quality of minutia {i}")
            body += struct.pack(
                ">HHBB", (m.kind << 14) | m.x, (m.reserved << 14) | m.y, m.angle, m.quality
            )
        ext = b"".join(
            struct.pack(">HH", _fit(b.type_id, 0xFFFF, "extended data type"), len(b.data) + 4)
            + b.data
            for b in view.extended
        )
        _fit(len(ext), 0xFFFF, f"extended data length of view {v}")
        body += struct.pack(">H", len(ext)) + ext
    header = MAGIC + struct.pack(
        ">IHHHHHBB",
        HEADER_SIZE + len(body),
        (_fit(record.certification, 0x0F, "certification flag") << 12)
        | _fit(record.device_type, 0x0FFF, "capture device type"),
        _fit(record.width, 0xFFFF, "image width"),
        _fit(record.height, 0xFFFF, "image height"),
        _fit(record.x_resolution, 0xFFFF, "x resolution"),
        _fit(record.y_resolution, 0xFFFF, "y resolution"),
        len(record.views),
        _fit(record.reserved, 0xFF, "reserved byte"),
    )
    return header + bytes(body)


def _fit(value: int, maximum: int, what: str) -> int:
    if not 0 <= value <= maximum:
        raise TemplateFormatError(f"ISO 19794-2: {what} is {value}, must be 0-{maximum}")
    return value


def template_from_view(record: IsoRecord, view_index: int = 0) -> Template:
    """One finger view as a :class:`Template` (coordinates at the record's resolution)."""
    if not 0 <= view_index < len(record.views):
        raise TemplateFormatError(
            f"ISO 19794-2: record has {len(record.views)} finger view(s), "
            f"view {view_index} requested"
        )
    view = record.views[view_index]
    ms = view.minutiae
    ppi = record.x_resolution * CM_PER_INCH if record.x_resolution else float(WORKING_PPI)
    extras = {
        "certification": record.certification,
        "device_type": record.device_type,
        "x_resolution": record.x_resolution,
        "y_resolution": record.y_resolution,
        "reserved": record.reserved,
        "views": len(record.views),
        "view_number": view.view_number,
        "impression_type": view.impression_type,
        "minutia_reserved": "".join(str(m.reserved) for m in ms),
        "extended": [[b.type_id, b.data.hex()] for b in view.extended],
    }
    return Template.from_arrays(
        width=record.width,
        height=record.height,
        x=[m.x for m in ms],
        y=[m.y for m in ms],
        angle=np.array([m.angle for m in ms], dtype=np.float64) * (2 * math.pi / ANGLE_UNITS),
        kind=[m.kind for m in ms],
        minutia_quality=[m.quality for m in ms],
        ppi=ppi,
        quality=view.quality,
        position=FingerPosition(view.position),
        meta={"format": "iso19794-2:2005", META_KEY: json.dumps(extras, separators=(",", ":"))},
    )


def record_from_template(template: Template) -> IsoRecord:
    """The single-view record of ``template``; restores what ``template_from_view`` kept."""
    extras: dict[str, object] = {}
    if META_KEY in template.meta:
        try:
            extras = json.loads(template.meta[META_KEY])
        except ValueError as exc:
            raise TemplateFormatError(f"Template.meta[{META_KEY!r}] is not valid JSON") from exc
        if not isinstance(extras, dict):
            raise TemplateFormatError(f"Template.meta[{META_KEY!r}] must be a JSON object")
    n = template.count
    reserved_bits = str(extras.get("minutia_reserved", ""))
    if len(reserved_bits) != n or not set(reserved_bits) <= set("0123"):
        reserved_bits = "0" * n
    units = np.rint(np.asarray(template.angle, dtype=np.float64) * (ANGLE_UNITS / (2 * math.pi)))
    minutiae = tuple(
        IsoMinutia(
            kind=int(template.kind[i]) if int(template.kind[i]) <= 2 else 0,
            x=int(np.clip(np.rint(template.x[i]), 0, MAX_COORDINATE)),
            y=int(np.clip(np.rint(template.y[i]), 0, MAX_COORDINATE)),
            angle=int(units[i]) % ANGLE_UNITS,
            quality=min(int(template.minutia_quality[i]), MAX_QUALITY),
            reserved=int(reserved_bits[i]),
        )
        for i in range(n)
    )
    px_per_cm = round(template.ppi / CM_PER_INCH)
    xres = _extra_int(extras, "x_resolution", px_per_cm)
    yres = _extra_int(extras, "y_resolution", px_per_cm)
    if round(xres * CM_PER_INCH) != round(template.ppi):
        xres = yres = px_per_cm
    try:
        extended = tuple(
            ExtendedDataBlock(int(t), bytes.fromhex(str(d)))
            for t, d in extras.get("extended", [])  # type: ignore[attr-defined]  # the extras' values are typed per key
        )
    except (TypeError, ValueError) as exc:
        raise TemplateFormatError(
            f"Template.meta[{META_KEY!r}]['extended'] must be a list of [type, hex data]"
        ) from exc
    view = FingerView(
        position=int(template.position),
        view_number=_extra_int(extras, "view_number", 0),
        impression_type=_extra_int(extras, "impression_type", 0),
        quality=min(int(template.quality), MAX_QUALITY),
        minutiae=minutiae,
        extended=extended,
    )
    return IsoRecord(
        width=template.width,
        height=template.height,
        x_resolution=xres,
        y_resolution=yres,
        views=(view,),
        certification=_extra_int(extras, "certification", 0),
        device_type=_extra_int(extras, "device_type", 0),
        reserved=_extra_int(extras, "reserved", 0),
    )


def _extra_int(extras: dict[str, object], key: str, default: int) -> int:
    value = extras.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int):
        raise TemplateFormatError(f"Template.meta[{META_KEY!r}][{key!r}] must be an integer")
    return value


def decode(data: bytes) -> Template:
    """The first finger view of an ISO record as a Template."""
    record = decode_record(data)
    if not record.views:
        raise TemplateFormatError("ISO 19794-2: the record holds no finger view", offset=22)
    return template_from_view(record, 0)


def encode(template: Template) -> bytes:
    """A single-view ISO/IEC 19794-2:2005 record of ``template``."""
    return encode_record(record_from_template(template))
