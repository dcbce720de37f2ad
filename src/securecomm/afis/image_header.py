"""Width and height of a compressed image, read from its own header without decoding it.

Used before decoding, so that an image whose header declares more than ``image.MAX_PIXELS``
pixels is refused before its decoder allocates anything (like Pillow's
``Image.MAX_IMAGE_PIXELS``), and by ``ansinist`` to compare a record's HLL/VLL with its data.

- WSQ (FBI IAFIS-IC-0110, v3.1 §2.2): after SOI (0xFFA0) marker segments, each a marker and a
  2-byte length; the SOF segment 0xFFA2 is Lf(2) black(1) white(1) Y(2) X(2) — height first.
- JPEG (ISO/IEC 10918-1 B.2.2) incl. lossless JPEG: after SOI (0xFFD8) marker segments; SOFn
  (0xFFC0–0xFFCF except C4, C8, CC) is Lf(2) P(1) Y(2) X(2). Fill bytes 0xFF and the
  stand-alone markers TEM (0x01) and RSTn (0xD0–0xD7) carry no length.
- JPEG 2000 (ISO/IEC 15444-1 A.5.1): a codestream starts with SOC (0xFF4F) directly followed by
  SIZ (0xFF51): Lsiz(2) Rsiz(2) Xsiz(4) Ysiz(4) XOsiz(4) YOsiz(4), the image being
  (Xsiz − XOsiz) × (Ysiz − YOsiz). A JP2 file (signature box ``jP  ``) is a sequence of boxes
  (length(4) type(4), length 1: an 8-byte length follows, 0: to the end) whose ``jp2c`` box holds
  that codestream.
- PNG (ISO/IEC 15948 §11.2.2): the IHDR chunk right after the signature: width(4) height(4).

``declared_size`` returns None when no such header is found (the data is not in one of these
formats, or is truncated or corrupt before the header).
"""

from __future__ import annotations

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
WSQ_MAGIC = b"\xff\xa0"
JPEG_MAGIC = b"\xff\xd8"
J2K_MAGIC = b"\xff\x4f\xff\x51"
JP2_MAGIC = b"\x00\x00\x00\x0cjP  \r\n\x87\n"

_JPEG_STANDALONE = frozenset({0x01, *range(0xD0, 0xD8)})


def declared_size(data: bytes) -> tuple[int, int] | None:
    """(width, height) from the image's header, or None if it cannot be found."""
    if data.startswith(PNG_MAGIC):
        return png_size(data)
    if data.startswith(WSQ_MAGIC):
        return wsq_size(data)
    if data.startswith(JPEG_MAGIC):
        return jpeg_size(data)
    if data.startswith((J2K_MAGIC, JP2_MAGIC)):
        return jpeg2000_size(data)
    return None


def png_size(data: bytes) -> tuple[int, int] | None:
    if not data.startswith(PNG_MAGIC) or len(data) < 24 or data[12:16] != b"IHDR":
        return None
    return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")


def wsq_size(data: bytes) -> tuple[int, int] | None:
    """Walk the WSQ marker segments up to the frame header (SOF, 0xFFA2)."""
    if not data.startswith(WSQ_MAGIC):
        return None
    pos = 2
    while pos + 4 <= len(data):
        if data[pos] != 0xFF:
            return None
        marker = data[pos + 1]
        if marker == 0xA2:
            if pos + 10 > len(data):
                return None
            return _u16(data, pos + 8), _u16(data, pos + 6)
        if marker == 0xA3:  # SOB: entropy-coded data follows, and no SOF came before it
            return None
        length = _u16(data, pos + 2)
        if length < 2:
            return None
        pos += 2 + length
    return None


def jpeg_size(data: bytes) -> tuple[int, int] | None:
    """Walk the JPEG marker segments up to the first frame header (SOFn)."""
    if not data.startswith(JPEG_MAGIC):
        return None
    pos = 2
    while pos + 2 <= len(data):
        if data[pos] != 0xFF:
            return None
        marker = data[pos + 1]
        if marker == 0xFF:  # fill byte
            pos += 1
            continue
        if marker in _JPEG_STANDALONE:
            pos += 2
            continue
        if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
            if pos + 9 > len(data):
                return None
            return _u16(data, pos + 7), _u16(data, pos + 5)
        if marker in (0xDA, 0xD9):  # SOS or EOI before any frame header
            return None
        if pos + 4 > len(data):
            return None
        length = _u16(data, pos + 2)
        if length < 2:
            return None
        pos += 2 + length
    return None


def jpeg2000_size(data: bytes) -> tuple[int, int] | None:
    """From SIZ of a bare codestream, or of the ``jp2c`` box of a JP2 file."""
    if data.startswith(J2K_MAGIC):
        return _siz_size(data, 2)
    if not data.startswith(JP2_MAGIC):
        return None
    pos = 0
    while pos + 8 <= len(data):
        length = int.from_bytes(data[pos : pos + 4], "big")
        header = 8
        if length == 1:
            if pos + 16 > len(data):
                return None
            length = int.from_bytes(data[pos + 8 : pos + 16], "big")
            header = 16
        elif length == 0:
            length = len(data) - pos
        if length < header:
            return None
        if data[pos + 4 : pos + 8] == b"jp2c":
            start = pos + header
            if data[start : start + 4] != J2K_MAGIC:
                return None
            return _siz_size(data, start + 2)
        pos += length
    return None


def _siz_size(data: bytes, siz: int) -> tuple[int, int] | None:
    if len(data) < siz + 22:
        return None
    x, y = _u32(data, siz + 6), _u32(data, siz + 10)
    xo, yo = _u32(data, siz + 14), _u32(data, siz + 18)
    if xo > x or yo > y:
        return None
    return x - xo, y - yo


def _u16(data: bytes, pos: int) -> int:
    return int.from_bytes(data[pos : pos + 2], "big")


def _u32(data: bytes, pos: int) -> int:
    return int.from_bytes(data[pos : pos + 4], "big")
