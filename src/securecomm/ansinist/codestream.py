"""Width and height of a compressed image read from its own header, without decoding it.

Used to check an image record's declared size (HLL/VLL) against its data cheaply:

- WSQ (FBI IAFIS-IC-0110, v3.1 §2.2): SOF marker 0xFFA2, then Lf(2) black(1) white(1)
  Y(2) X(2) — height before width.
- JPEG (ISO/IEC 10918-1 B.2.2) incl. lossless JPEG: SOFn markers 0xFFC0–0xFFCF except C4, C8,
  CC: Lf(2) P(1) Y(2) X(2).
- JPEG 2000 (ISO/IEC 15444-1 A.5.1): SIZ marker 0xFF51: Lsiz(2) Rsiz(2) Xsiz(4) Ysiz(4)
  XOsiz(4) YOsiz(4); the image is (Xsiz − XOsiz) × (Ysiz − YOsiz). A JP2 file carries the same
  codestream inside its ``jp2c`` box, so searching for SIZ works for both.
- PNG (ISO/IEC 15948 §11.2.2): IHDR width(4) height(4) at byte 16.

Returns None when the header is not found; decoding will then say what is wrong.
"""

from __future__ import annotations

_PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def compressed_size(data: bytes) -> tuple[int, int] | None:
    """(width, height) from the codestream header, or None if it cannot be found."""
    if data.startswith(_PNG_MAGIC) and len(data) >= 24:
        return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    if data.startswith(b"\xff\xa0"):
        return _wsq_size(data)
    if data.startswith(b"\xff\xd8"):
        return _jpeg_size(data)
    siz = data.find(b"\xff\x51", 0, 4096)
    if siz >= 0 and len(data) >= siz + 22:
        x, y = (
            int.from_bytes(data[siz + 6 : siz + 10], "big"),
            int.from_bytes(data[siz + 10 : siz + 14], "big"),
        )
        xo, yo = (
            int.from_bytes(data[siz + 14 : siz + 18], "big"),
            int.from_bytes(data[siz + 18 : siz + 22], "big"),
        )
        return x - xo, y - yo
    return None


def _wsq_size(data: bytes) -> tuple[int, int] | None:
    """Walk the WSQ marker segments (each marker is followed by its 2-byte length)."""
    pos = 2
    while pos + 4 <= len(data):
        if data[pos] != 0xFF:
            return None
        marker = data[pos + 1]
        if marker == 0xA2 and pos + 10 <= len(data):
            return int.from_bytes(data[pos + 8 : pos + 10], "big"), int.from_bytes(
                data[pos + 6 : pos + 8], "big"
            )
        pos += 2 + int.from_bytes(data[pos + 2 : pos + 4], "big")
    return None


def _jpeg_size(data: bytes) -> tuple[int, int] | None:
    pos = 2
    while pos + 4 <= len(data):
        if data[pos] != 0xFF:
            return None
        marker = data[pos + 1]
        if marker == 0xFF:
            pos += 1
            continue
        if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
            if pos + 9 > len(data):
                return None
            return int.from_bytes(data[pos + 7 : pos + 9], "big"), int.from_bytes(
                data[pos + 5 : pos + 7], "big"
            )
        pos += 2 + int.from_bytes(data[pos + 2 : pos + 4], "big")
    return None
