"""Template formats through a registry of thin codecs, chosen by magic bytes.

- ``iso``: ISO/IEC 19794-2:2005 finger minutiae record (:mod:`.iso19794_2`);
- ``sct``: the engine's own exact, CRC-checked format (:mod:`.native`).

``read_template`` accepts bytes or a path and detects the format from the first bytes;
``write_template`` encodes to the named format.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from securecomm.afis.errors import TemplateFormatError
from securecomm.afis.templates import iso19794_2, native
from securecomm.afis.types import Template


@dataclass(frozen=True)
class TemplateCodec:
    name: str
    extension: str
    magic: bytes
    decode: Callable[[bytes], Template]
    encode: Callable[[Template], bytes]


CODECS: dict[str, TemplateCodec] = {
    "iso": TemplateCodec(
        "iso", iso19794_2.FILE_EXTENSION, iso19794_2.FORMAT_ID, iso19794_2.decode, iso19794_2.encode
    ),
    "sct": TemplateCodec("sct", native.FILE_EXTENSION, native.MAGIC, native.decode, native.encode),
}
NATIVE_FORMAT = "sct"


def detect_format(data: bytes) -> TemplateCodec:
    """The codec whose magic starts ``data``."""
    for codec in CODECS.values():
        if data.startswith(codec.magic):
            return codec
    raise TemplateFormatError(
        f"unknown template format: first bytes {data[:4]!r}, expected one of "
        + ", ".join(f"{c.magic!r} ({c.name})" for c in CODECS.values()),
        offset=0,
    )


def read_template(source: bytes | bytearray | memoryview | str | Path) -> Template:
    """Decode a template from bytes or a file; the format is detected from its magic."""
    if isinstance(source, str | Path):
        path = Path(source)
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise TemplateFormatError(f"cannot read template {path}: {exc.strerror}") from exc
        try:
            return detect_format(data).decode(data)
        except TemplateFormatError as exc:
            raise TemplateFormatError(f"{path}: {exc}") from exc
    data = bytes(source)
    return detect_format(data).decode(data)


def write_template(template: Template, fmt: str = NATIVE_FORMAT) -> bytes:
    """Encode ``template`` in format ``fmt`` (``"sct"`` or ``"iso"``)."""
    try:
        codec = CODECS[fmt]
    except KeyError:
        raise TemplateFormatError(
            f"unknown template format {fmt!r}, expected one of {sorted(CODECS)}"
        ) from None
    return codec.encode(template)


__all__ = [
    "CODECS",
    "NATIVE_FORMAT",
    "TemplateCodec",
    "detect_format",
    "read_template",
    "write_template",
]
