"""The engine's own compact template format (``.sct``): exact, self-checking, versioned.

Unlike ISO/IEC 19794-2 (integer pixels, 1.4° angle steps) it keeps every value exactly as the
extractor produced it (float32), so a template read back compares exactly as it did before it
was stored. Layout (little-endian)::

     0  "SCT\\x01"            magic + format version 1
     4  u16 width, u16 height (pixels)
     8  f32 ppi
    12  u8 print quality (0-100), u8 finger position (0-10), u16 minutia count n
    16  n × f32 x, n × f32 y, n × f32 angle (radians, [0, 2π)), n × u8 kind, n × u8 quality
        u16 m, m bytes of UTF-8 JSON (Template.meta)
        u32 CRC-32 of everything before it

:func:`validate` checks a decoded template's values (SourceAFIS keeps such an explicit
``validate()`` on its stored format); :func:`decode` runs it, so a stored template that
decodes is usable.
"""

from __future__ import annotations

import json
import math
import struct
import zlib

import numpy as np

from securecomm.afis.errors import TemplateFormatError
from securecomm.afis.types import FingerPosition, MinutiaKind, Template

MAGIC = b"SCT\x01"
FILE_EXTENSION = "sct"
_HEADER = struct.Struct("<4sHHfBBH")
_META_LEN = struct.Struct("<H")
_CRC = struct.Struct("<I")
MAX_MINUTIAE = 0xFFFF
#: Coordinates may lie a little outside the image (extractors near the border), not far.
COORDINATE_MARGIN = 1.0


def validate(template: Template) -> None:
    """Raise TemplateFormatError unless every value of ``template`` is usable."""
    if template.width <= 0 or template.height <= 0:
        raise TemplateFormatError(f"template size {template.width}×{template.height} is empty")
    if not (math.isfinite(template.ppi) and template.ppi > 0):
        raise TemplateFormatError(f"template resolution {template.ppi} ppi is not positive")
    if not 0 <= template.quality <= 100:
        raise TemplateFormatError(f"print quality {template.quality}, expected 0-100")
    if template.count > MAX_MINUTIAE:
        raise TemplateFormatError(f"{template.count} minutiae, at most {MAX_MINUTIAE}")
    limits = (("x", template.width), ("y", template.height))
    for name, size in limits:
        values = np.asarray(getattr(template, name), dtype=np.float64)
        bad = ~np.isfinite(values) | (values < -COORDINATE_MARGIN * size)
        bad |= values > (1 + COORDINATE_MARGIN) * size
        if bad.any():
            i = int(np.flatnonzero(bad)[0])
            raise TemplateFormatError(f"minutia {i}: {name}={values[i]} is outside the image")
    angle = np.asarray(template.angle, dtype=np.float64)
    bad = ~np.isfinite(angle) | (angle < 0) | (angle >= 2 * math.pi + 1e-6)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise TemplateFormatError(f"minutia {i}: angle {angle[i]} is outside [0, 2π)")
    kinds = {int(k) for k in MinutiaKind}
    for i, k in enumerate(template.kind.tolist()):
        if k not in kinds:
            raise TemplateFormatError(f"minutia {i}: kind {k}, expected one of {sorted(kinds)}")
    q = np.asarray(template.minutia_quality)
    if (q > 100).any():
        i = int(np.flatnonzero(q > 100)[0])
        raise TemplateFormatError(f"minutia {i}: quality {int(q[i])}, expected 0-100")


def encode(template: Template) -> bytes:
    """Serialise ``template`` (validated first)."""
    validate(template)
    n = template.count
    meta = json.dumps(template.meta, sort_keys=True, separators=(",", ":")).encode()
    if len(meta) > 0xFFFF:
        raise TemplateFormatError(f"template metadata is {len(meta)} bytes, at most 65535")
    body = (
        _HEADER.pack(
            MAGIC,
            template.width,
            template.height,
            template.ppi,
            template.quality,
            int(template.position),
            n,
        )
        + np.asarray(template.x, dtype="<f4").tobytes()
        + np.asarray(template.y, dtype="<f4").tobytes()
        + np.asarray(template.angle, dtype="<f4").tobytes()
        + np.asarray(template.kind, dtype=np.uint8).tobytes()
        + np.asarray(template.minutia_quality, dtype=np.uint8).tobytes()
        + _META_LEN.pack(len(meta))
        + meta
    )
    return body + _CRC.pack(zlib.crc32(body))


def decode(data: bytes) -> Template:
    """Parse and validate; any malformed byte raises TemplateFormatError with its offset."""
    data = bytes(data)
    if len(data) < _HEADER.size + _META_LEN.size + _CRC.size:
        raise TemplateFormatError(
            f"native template truncated: {len(data)} bytes, the header alone needs "
            f"{_HEADER.size + _META_LEN.size + _CRC.size}",
            offset=len(data),
        )
    if data[:4] != MAGIC:
        raise TemplateFormatError('expected native template magic "SCT\\x01"', offset=0)
    crc_at = len(data) - _CRC.size
    (crc,) = _CRC.unpack_from(data, crc_at)
    if zlib.crc32(data[:crc_at]) != crc:
        raise TemplateFormatError("native template CRC-32 mismatch (corrupted)", offset=crc_at)
    _, width, height, ppi, quality, position, n = _HEADER.unpack_from(data, 0)
    at = _HEADER.size
    need = at + 14 * n + _META_LEN.size
    if need > crc_at:
        raise TemplateFormatError(
            f"native template holds {n} minutiae, which need {need} bytes before the "
            f"CRC; it has {crc_at}",
            offset=14,
        )
    x = np.frombuffer(data, "<f4", n, at)
    y = np.frombuffer(data, "<f4", n, at + 4 * n)
    angle = np.frombuffer(data, "<f4", n, at + 8 * n)
    kind = np.frombuffer(data, np.uint8, n, at + 12 * n)
    mq = np.frombuffer(data, np.uint8, n, at + 13 * n)
    at += 14 * n
    (m,) = _META_LEN.unpack_from(data, at)
    at += _META_LEN.size
    if at + m != crc_at:
        raise TemplateFormatError(
            f"native template metadata length {m} does not end at the CRC ({crc_at - at} left)",
            offset=at - _META_LEN.size,
        )
    try:
        meta = json.loads(data[at : at + m].decode())
    except ValueError as exc:
        raise TemplateFormatError("native template metadata is not UTF-8 JSON", offset=at) from exc
    if not isinstance(meta, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in meta.items()
    ):
        raise TemplateFormatError("native template metadata must map text to text", offset=at)
    if position > max(FingerPosition):
        raise TemplateFormatError(f"finger position {position}, expected 0-10", offset=13)
    template = Template(
        width=width,
        height=height,
        x=x,
        y=y,
        angle=angle,
        kind=kind,
        minutia_quality=mq,
        ppi=float(ppi),
        quality=quality,
        position=FingerPosition(position),
        meta=meta,
    )
    validate(template)
    return template
