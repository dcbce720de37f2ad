"""Image records: their header fields, a size check, and the decoded image.

Which fields describe the image (ANSI/NIST-ITL 1-2011 §8):

- Binary Types 3/4/5/6: IMP (.003), FGP (.004, six bytes), ISR (.005: 0 = the Type-1 nominal
  transmitting resolution NTR 1.012, 1 = the native scanning resolution NSR 1.011, both in
  pixels per mm), HLL (.006), VLL (.007), GCA/BCA (.008: 0 none, 1 WSQ, 2 JPEGB, 3 JPEGL,
  4 JP2, 5 JP2L, 6 PNG). Types 3/4 are 8-bit grayscale, Types 5/6 bi-level (1 bit per pixel).
- Binary Type-8 (signature): SIG (.003), SRT (.004: 0 scanned raw, 1 scanned compressed,
  2 vector), ISR, HLL, VLL.
- Tagged Types 10/13/14/15/16/17/19/20: HLL (.006), VLL (.007), SLC (.008: 1 ppi, 2 ppcm),
  THPS (.009), CGA (.011, ``NONE``/``WSQ20``/``JPEGB``/``JPEGL``/``JP2``/``JP2L``/``PNG``),
  BPX (.012; Type-10 has the colour space CSP there instead), IMP (.003) and FGP/PLP (.013)
  for friction-ridge types, the data in .999.
- Type-7 is user-defined: only its size is known.

Decoding goes through ``securecomm.afis.image.decode_image_bytes``; its errors are translated
into ``ImageDataError`` naming the record.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from securecomm.afis.errors import ImageError
from securecomm.afis.image import decode_image_bytes
from securecomm.afis.types import ByteArray
from securecomm.ansinist import codestream, numeric
from securecomm.ansinist.binary_layouts import FGP_UNUSED
from securecomm.ansinist.errors import ImageSizeError
from securecomm.ansinist.transaction import Record, Transaction

MM_PER_INCH = 25.4
RGB_BITS = 24
BINARY_IMAGE_TYPES = frozenset({3, 4, 5, 6})
TAGGED_IMAGE_TYPES = frozenset({10, 13, 14, 15, 16, 17, 19, 20})
FRICTION_RIDGE_TYPES = frozenset({13, 14, 15, 19})

#: Binary GCA/BCA codes → compression names (Table 15; Types 5/6 code 1 is bi-level G4-like).
BINARY_COMPRESSION = {0: "NONE", 1: "WSQ20", 2: "JPEGB", 3: "JPEGL", 4: "JP2", 5: "JP2L", 6: "PNG"}
#: Older tagged records and some vendors write numbers or variants: normalise them.
TAGGED_COMPRESSION_ALIASES = {
    "0": "NONE",
    "RAW": "NONE",
    "1": "WSQ20",
    "WSQ": "WSQ20",
    "2": "JPEGB",
    "JPEG": "JPEGB",
    "3": "JPEGL",
    "4": "JP2",
    "5": "JP2L",
    "6": "PNG",
}
#: Type-10 colour space (10.012 CSP) → bits per pixel of uncompressed data.
COLOUR_SPACE_BITS = {"GRAY": 8, "RGB": 24, "SRGB": 24, "YCC": 24, "SYCC": 24, "UNK": 8}


class ImageDataError(ImageSizeError):
    """The image data of a record cannot be decoded (e.g. unreadable WSQ)."""


@dataclass(frozen=True)
class ImageInfo:
    """What an image record says about its image, plus the data itself."""

    record_index: int
    record_type: int
    idc: int
    compression: str
    width: int | None
    height: int | None
    ppi: float | None
    bits_per_pixel: int | None
    impression: int | None
    positions: tuple[int, ...]
    data: bytes

    def describe(self) -> str:
        """Short text for listings, e.g. ``WSQ20 804×752 8 bit 500 ppi, 42 KB``."""
        parts = [self.compression]
        if self.width is not None and self.height is not None:
            parts.append(f"{self.width}×{self.height}")
        if self.bits_per_pixel:
            parts.append(f"{self.bits_per_pixel} bit")
        if self.ppi:
            parts.append(f"{self.ppi:.0f} ppi")
        size = len(self.data)
        text = f"{size / 1024:.0f} KB" if size >= 1024 else f"{size} bytes"
        return f"{' '.join(parts)}, {text}"


def image_info(record: Record, index: int, type1: Record) -> ImageInfo | None:
    """The image description of one record, or None when it carries no image."""
    if record.type in BINARY_IMAGE_TYPES:
        return _binary_image(record, index, type1)
    if record.type == 8:
        srt = numeric.integer(record, 4, index)
        return ImageInfo(
            index,
            8,
            record.idc,
            {0: "NONE", 1: "COMPRESSED", 2: "VECTOR"}.get(srt or 0, f"SRT-{srt}"),
            numeric.integer(record, 6, index),
            numeric.integer(record, 7, index),
            _binary_ppi(record, index, type1),
            None,
            None,
            (),
            _data(record, 8),
        )
    if record.type == 7:
        return ImageInfo(
            index, 7, record.idc, "USER-DEFINED", None, None, None, None, None, (), _data(record, 3)
        )
    if record.type in TAGGED_IMAGE_TYPES and record.get(999) is not None:
        return _tagged_image(record, index)
    return None


def image_infos(transaction: Transaction) -> list[ImageInfo]:
    out = []
    for index, record in enumerate(transaction.records):
        info = image_info(record, index, transaction.type1)
        if info is not None:
            out.append(info)
    return out


def decode(info: ImageInfo) -> ByteArray:
    """The image as 8-bit grayscale pixels (rows × columns)."""
    if info.compression in ("USER-DEFINED", "VECTOR", "COMPRESSED") or info.record_type == 8:
        raise ImageDataError(
            f"{info.compression} data of a Type-{info.record_type} record is not a decodable image",
            record_index=info.record_index,
            record_type=info.record_type,
        )
    bpp = info.bits_per_pixel if info.bits_per_pixel in (1, 8, 16) else 8
    data = info.data
    if info.compression == "NONE" and info.bits_per_pixel == RGB_BITS:
        data = _rgb_to_gray(data, info)
    try:
        return decode_image_bytes(
            data,
            compression=info.compression,
            width=info.width,
            height=info.height,
            bits_per_pixel=bpp,
        )
    except ImageError as exc:
        raise ImageDataError(
            f"image data cannot be decoded: {exc}",
            record_index=info.record_index,
            record_type=info.record_type,
            tag=f"{info.record_type}.{_data_tag(info.record_type):03d}",
        ) from exc


def _rgb_to_gray(data: bytes, info: ImageInfo) -> bytes:
    """Uncompressed 24-bit RGB (Type-10/17 with an RGB colour space) → 8-bit luma (BT.601)."""
    if info.width is None or info.height is None or len(data) != info.width * info.height * 3:
        return data  # the decoder reports the size mismatch
    rgb = np.frombuffer(data, dtype=np.uint8).reshape(-1, 3).astype(np.float32)
    gray = rgb @ np.array([0.299, 0.587, 0.114], dtype=np.float32)
    return np.clip(np.rint(gray), 0, 255).astype(np.uint8).tobytes()


def check_image_size(record: Record, index: int, type1: Record) -> None:
    """Raise ``ImageSizeError`` if the data's own size disagrees with HLL/VLL (and depth)."""
    info = image_info(record, index, type1)
    if info is None or info.width is None or info.height is None:
        return
    if info.record_type in (7, 8):
        return
    tag = f"{info.record_type}.{_data_tag(info.record_type):03d}"
    if info.compression == "NONE":
        bpp = info.bits_per_pixel or 8
        expected = (info.width * bpp + 7) // 8 * info.height
        if len(info.data) != expected:
            raise ImageSizeError(
                f"uncompressed {info.width}×{info.height} image at {bpp} bits per pixel needs "
                f"{expected} bytes, the record holds {len(info.data)}",
                record_index=index,
                record_type=record.type,
                tag=tag,
                offset=_data_offset(record),
            )
        return
    found = codestream.compressed_size(info.data)
    if found is not None and found != (info.width, info.height):
        raise ImageSizeError(
            f"the {info.compression} image is {found[0]}×{found[1]} pixels, but the record "
            f"header (HLL×VLL) says {info.width}×{info.height}",
            record_index=index,
            record_type=record.type,
            tag=tag,
            offset=_data_offset(record),
        )


def _binary_image(record: Record, index: int, type1: Record) -> ImageInfo:
    code = numeric.integer(record, 8, index)
    if record.type in (5, 6):
        compression = "NONE" if code == 0 else f"BCA-{code}"
        bpp = 1
    else:
        compression = BINARY_COMPRESSION.get(code if code is not None else -1, f"GCA-{code}")
        bpp = 8
    fgp = numeric.integers(record, 4, index)
    return ImageInfo(
        index,
        record.type,
        record.idc,
        compression,
        numeric.integer(record, 6, index),
        numeric.integer(record, 7, index),
        _binary_ppi(record, index, type1),
        bpp,
        numeric.integer(record, 3, index),
        tuple(p for p in fgp if p != FGP_UNUSED),
        _data(record, 9),
    )


def _tagged_image(record: Record, index: int) -> ImageInfo:
    raw = record.value(11).strip().upper()
    compression = TAGGED_COMPRESSION_ALIASES.get(raw, raw or "NONE")
    if record.type == 10:
        bpp = COLOUR_SPACE_BITS.get(record.value(12).strip().upper())
    else:
        bpp = numeric.integer(record, 12, index)
    ppi: float | None = None
    slc, hps = numeric.integer(record, 8, index), numeric.decimal(record, 9, index)
    if hps:
        ppi = hps if slc == 1 else hps * 2.54 if slc == 2 else None
    impression = None
    positions: tuple[int, ...] = ()
    if record.type in FRICTION_RIDGE_TYPES:
        impression = numeric.integer(record, 3, index)
        positions = numeric.integers(record, 13, index)
    return ImageInfo(
        index,
        record.type,
        record.idc,
        compression,
        numeric.integer(record, 6, index),
        numeric.integer(record, 7, index),
        ppi,
        bpp,
        impression,
        positions,
        _data(record, 999),
    )


def _binary_ppi(record: Record, index: int, type1: Record) -> float | None:
    """ISR 0: the nominal transmitting resolution (1.012); 1: the native one (1.011).

    Both are parsed by ``numeric`` (finite, 0–99.99 pixels per mm), so a ``NaN``, ``inf`` or
    400-digit resolution is a ``FieldValueError`` naming the Type-1 field, not a crash."""
    isr = numeric.integer(record, 5, index)
    field = {0: 12, 1: 11}.get(isr) if isr is not None else None
    if field is None:
        return None
    ppmm = numeric.decimal(type1, field, 0)
    return round(ppmm * MM_PER_INCH) if ppmm else None


def _data(record: Record, tag: int) -> bytes:
    f = record.get(tag)
    return f.data if f is not None and f.data is not None else b""


def _data_tag(record_type: int) -> int:
    return {3: 9, 4: 9, 5: 9, 6: 9, 7: 3, 8: 8}.get(record_type, 999)


def _data_offset(record: Record) -> int | None:
    """Byte offset of the image data in the parsed file (binary records: after the header)."""
    if record.offset is None or record.length is None:
        return None
    data = _data(record, _data_tag(record.type))
    return record.offset + record.length - len(data) - (0 if record.type < 9 else 1)
