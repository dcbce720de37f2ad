"""Reading fingerprint images and normalising them to the working resolution (500 ppi).

Formats: PNG, TIFF, BMP, JPEG, JPEG 2000 (Pillow, with imagecodecs as a fallback for bare
JPEG 2000 codestreams) and WSQ (the FBI wavelet scalar quantisation codec, through the ``wsq``
package's C decoder, run in a helper process: ``wsq_decoder.py``). Every image comes out as
8-bit grayscale:

- RGB/RGBA/palette images are converted with the ITU-R BT.601 luma weights (for the usual RGB
  files with three equal channels this is exactly the gray value); alpha is dropped.
- 16-bit images keep their 8 most significant bits; bilevel images become 0/255.

Size: an image is refused (``ImageError``) when the dimensions its header declares exceed
``MAX_PIXELS`` or ``MAX_SIDE``, before it is decoded; so is a compressed payload whose header
(WSQ SOF, JPEG SOFn, JPEG 2000 SIZ, PNG IHDR; ``image_header.py``) cannot be found, since its
size is then unknown.

Resolution: the caller's ``ppi`` wins; otherwise the file's (the WSQ frame header's PPI, the
PNG ``pHYs`` / TIFF / BMP / JPEG density) when it is a plausible fingerprint resolution
(``MIN_PPI``..``MAX_PPI``; many tools write 72 or 96 dpi by default, which would be wrong);
otherwise 500 ppi. Images whose resolution differs from 500 ppi by more than
``RESAMPLE_TOLERANCE`` are resampled with Pillow's bicubic filter (Keys' cubic convolution,
a = −0.5), which widens its support by the scale factor when it reduces, so it also low-pass
filters against aliasing of the ridge pattern.

``decode_image_bytes`` decodes the image payload of an ANSI/NIST-ITL record (field 999) given the
record's compression algorithm and its declared size.
"""

from __future__ import annotations

import io
import warnings
from collections.abc import Callable
from pathlib import Path

import numpy as np
import wsq  # noqa: F401  (registers the WSQ format with Pillow)
from PIL import Image, UnidentifiedImageError

from securecomm.afis import image_header, wsq_decoder
from securecomm.afis.errors import ImageError
from securecomm.afis.types import WORKING_PPI, ByteArray, FingerImage, FingerPosition

#: Resolutions outside this range are not fingerprint resolutions (see the module docstring).
MIN_PPI = 150.0
MAX_PPI = 4000.0
#: Resolutions within this relative distance of 500 ppi are used as they are (no resampling).
RESAMPLE_TOLERANCE = 0.02
#: Refuse images larger than this many pixels (a ten-print card at 1000 ppi is ~ 64 Mpx), like
#: Pillow's ``Image.MAX_IMAGE_PIXELS``: checked against the size that the image's own header
#: declares (``image_header``), before its decoder allocates anything, and against the size a
#: resampling would produce. So decoding one image needs at most a few bytes per allowed pixel
#: (WSQ's decoder, the hungriest, about 7: some 700 MB at the limit), whatever the file says.
MAX_PIXELS = 100_000_000
#: Nor may either side exceed this (a palm at 1000 ppi is about 8,000 pixels high). NBIS's WSQ
#: decoder, which ``wsq`` wraps, crashes the process (segmentation fault) on a frame header
#: declaring a side of more than 43,690 pixels, whatever the data.
MAX_SIDE = 32_768
#: Images smaller than this (either side, after resampling) cannot hold a usable print.
MIN_SIDE = 32

_WSQ_MAGIC = b"\xff\xa0"
_JP2_MAGIC = (b"\x00\x00\x00\x0cjP  \r\n\x87\n", b"\xff\x4f\xff\x51")

#: ANSI/NIST-ITL compression algorithm names (field CGA/BCA) and their numeric codes.
_COMPRESSION_ALIASES = {
    "NONE": "NONE",
    "RAW": "NONE",
    "0": "NONE",
    "WSQ": "WSQ",
    "WSQ20": "WSQ",
    "1": "WSQ",
    "JPEGB": "JPEGB",
    "JPEG": "JPEGB",
    "2": "JPEGB",
    "JPEGL": "JPEGL",
    "3": "JPEGL",
    "JP2": "JP2",
    "4": "JP2",
    "JP2L": "JP2L",
    "5": "JP2L",
    "PNG": "PNG",
    "6": "PNG",
}


def load_image(
    source: str | Path | bytes,
    *,
    ppi: float | None = None,
    position: FingerPosition = FingerPosition.UNKNOWN,
) -> FingerImage:
    """Read an image file (path or bytes) as 8-bit grayscale at 500 ppi."""
    where = "image bytes" if isinstance(source, bytes | bytearray) else str(source)
    if isinstance(source, bytes | bytearray):
        data = bytes(source)
    else:
        try:
            data = Path(source).read_bytes()
        except OSError as exc:
            raise ImageError(f"cannot read image file {where}: {exc.strerror or exc}") from exc
    if ppi is not None:
        _check_ppi(ppi, where)
    pixels, file_ppi = _decode_any(data, where)
    used_ppi = ppi if ppi is not None else (file_ppi or float(WORKING_PPI))
    pixels = resample_to_working_ppi(pixels, used_ppi)
    _check_size(pixels, where)
    return FingerImage(pixels=pixels, ppi=float(WORKING_PPI), position=position)


def resample_to_working_ppi(pixels: ByteArray, ppi: float) -> ByteArray:
    """Resample an 8-bit image from ``ppi`` to 500 ppi (bicubic; see the module docstring).

    ``ppi`` must be a fingerprint resolution (``MIN_PPI``..``MAX_PPI``; NaN is not), and the
    result at most ``MAX_PIXELS``: a record claiming 1 ppi would otherwise ask for an image
    500 times wider and higher."""
    _check_ppi(ppi, "image")
    scale = WORKING_PPI / float(ppi)
    if abs(scale - 1.0) <= RESAMPLE_TOLERANCE:
        return pixels
    h, w = pixels.shape
    size = (max(1, round(w * scale)), max(1, round(h * scale)))
    _check_pixels(size[0], size[1], f"image resampled from {ppi:g} ppi")
    resized = Image.fromarray(pixels, mode="L").resize(size, Image.Resampling.BICUBIC)
    return np.ascontiguousarray(np.asarray(resized, dtype=np.uint8))


def decode_image_bytes(
    data: bytes,
    *,
    compression: str | None = None,
    width: int | None = None,
    height: int | None = None,
    bits_per_pixel: int = 8,
) -> ByteArray:
    """Decode an ANSI/NIST-ITL image payload to an 8-bit grayscale array (rows × columns).

    ``compression`` is the record's algorithm name (NONE/RAW, WSQ, JPEGB, JPEGL, JP2, JP2L, PNG,
    or the Type-4 numeric codes 0–6); ``None`` detects the format from the bytes. Uncompressed
    data needs ``width`` and ``height`` (and ``bits_per_pixel`` 1, 8 or 16, big-endian). When
    ``width``/``height`` are given, a decoded image of another size raises ``ImageError``.
    """
    data = bytes(data)
    if not data:
        raise ImageError("image data is empty")
    name = _normalise_compression(compression)
    if width is not None and height is not None:
        _check_pixels(width, height, f"{name or 'image'} data (declared by the record)")
    if name == "NONE":
        pixels = _decode_raw(data, width, height, bits_per_pixel)
    elif name is None:
        pixels, _ = _decode_any(data, "image data")
    elif name == "WSQ":
        pixels, _ = _decode_wsq(data, "WSQ image data")
    else:
        pixels = _decode_with_imagecodecs(data, name)
    if (
        width is not None
        and height is not None
        and (pixels.shape[1], pixels.shape[0])
        != (
            width,
            height,
        )
    ):
        raise ImageError(
            f"{name or 'image'} data decodes to {pixels.shape[1]}x{pixels.shape[0]} pixels, "
            f"but the record declares {width}x{height}"
        )
    return pixels


def _normalise_compression(compression: str | None) -> str | None:
    if compression is None:
        return None
    key = str(compression).strip().upper()
    if key not in _COMPRESSION_ALIASES:
        known = ", ".join(sorted({v for v in _COMPRESSION_ALIASES.values()}))
        raise ImageError(f"unknown image compression {compression!r} (known: {known})")
    return _COMPRESSION_ALIASES[key]


def _decode_raw(
    data: bytes, width: int | None, height: int | None, bits_per_pixel: int
) -> ByteArray:
    if width is None or height is None or width <= 0 or height <= 0:
        raise ImageError(
            f"uncompressed image data needs a positive width and height (got {width}x{height})"
        )
    if bits_per_pixel not in (1, 8, 16):
        raise ImageError(f"uncompressed image: {bits_per_pixel} bits per pixel is not supported")
    row_bytes = (width * bits_per_pixel + 7) // 8
    expected = row_bytes * height
    if len(data) != expected:
        raise ImageError(
            f"uncompressed {width}x{height} image at {bits_per_pixel} bits per pixel needs "
            f"{expected} bytes, got {len(data)}"
        )
    buf = np.frombuffer(data, dtype=np.uint8)
    if bits_per_pixel == 8:
        return buf.reshape(height, width).copy()
    if bits_per_pixel == 16:
        return (buf.reshape(height, width, 2)[:, :, 0]).copy()
    bits = np.unpackbits(buf.reshape(height, row_bytes), axis=1)[:, :width]
    return (bits * 255).astype(np.uint8)


def _decode_wsq(data: bytes, where: str) -> tuple[ByteArray, float | None]:
    """NBIS's decoder, in a helper process (``wsq_decoder``: it crashes on some corrupt data)."""
    _check_declared_size(data, "WSQ", where)
    buf, w, h, ppi = wsq_decoder.decompress(data, where)
    if w <= 0 or h <= 0 or len(buf) != w * h:
        raise ImageError(f"{where}: WSQ decoder returned {len(buf)} bytes for {w}x{h} pixels")
    pixels = np.frombuffer(buf, dtype=np.uint8).reshape(h, w).copy()
    return pixels, (float(ppi) if MIN_PPI <= ppi <= MAX_PPI else None)


def _decode_with_imagecodecs(data: bytes, name: str) -> ByteArray:
    import imagecodecs

    decoders: dict[str, Callable[[bytes], np.ndarray]] = {
        "JPEGB": imagecodecs.jpeg8_decode,
        "JPEGL": imagecodecs.ljpeg_decode,
        "JP2": imagecodecs.jpeg2k_decode,
        "JP2L": imagecodecs.jpeg2k_decode,
        "PNG": imagecodecs.png_decode,
    }
    _check_declared_size(data, name, f"{name} image data")
    try:
        array = np.asarray(decoders[name](data))
    except Exception as exc:  # imagecodecs raises codec-specific error classes
        raise ImageError(f"{name} image data cannot be decoded: {exc}") from exc
    return _array_to_gray8(array, f"{name} image data")


def _array_to_gray8(array: np.ndarray, where: str) -> ByteArray:
    """Bring a decoded array (H×W, H×W×C, any integer depth) to H×W uint8."""
    if array.ndim == 3:
        channels = array.shape[2]
        if channels in (2, 4):  # gray+alpha / RGBA: drop alpha
            array = array[:, :, : channels - 1]
        if array.shape[2] == 3:
            rgb = array.astype(np.float64)
            array = rgb[:, :, 0] * 0.299 + rgb[:, :, 1] * 0.587 + rgb[:, :, 2] * 0.114
            array = np.rint(array).astype(np.uint16 if rgb.max() > 255 else np.uint8)
        else:
            array = array[:, :, 0]
    if array.ndim != 2:
        raise ImageError(f"{where}: unsupported image shape {array.shape}")
    if array.dtype == np.uint8:
        return np.ascontiguousarray(array)
    if array.dtype == np.bool_:
        return (array.astype(np.uint8) * 255).copy()
    if array.dtype in (np.uint16, np.int32, np.uint32, np.int16):
        top = int(array.max()) if array.size else 0
        shift = max(0, top.bit_length() - 8)
        return (np.clip(array, 0, None) >> shift).astype(np.uint8)
    raise ImageError(f"{where}: unsupported pixel type {array.dtype}")


def _decode_any(data: bytes, where: str) -> tuple[ByteArray, float | None]:
    """Decode any supported format; return pixels and the file's resolution (if plausible)."""
    if not data:
        raise ImageError(f"{where}: the image is empty")
    if data[:2] == _WSQ_MAGIC:
        return _decode_wsq(data, where)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as im:
                _check_pixels(im.width, im.height, where)
                im.load()
                pixels = _pil_to_gray8(im, where)
                file_ppi = _pil_resolution(im)
    except ImageError:
        raise
    except UnidentifiedImageError as exc:
        if data.startswith(_JP2_MAGIC):
            return _decode_with_imagecodecs(data, "JP2"), None
        raise ImageError(
            f"{where}: unknown image format (first bytes {data[:8].hex(' ')}; expected PNG, "
            "TIFF, BMP, JPEG, JPEG 2000 or WSQ)"
        ) from exc
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError) as exc:
        raise ImageError(f"{where}: the image data is corrupt or truncated ({exc})") from exc
    except Image.DecompressionBombWarning as exc:
        raise ImageError(f"{where}: the image is too large ({exc})") from exc
    return pixels, file_ppi


def _pil_to_gray8(im: Image.Image, where: str) -> ByteArray:
    if im.mode == "L":
        return np.asarray(im, dtype=np.uint8).copy()
    if im.mode in ("I;16", "I;16B", "I;16L", "I"):
        return _array_to_gray8(np.asarray(im).astype(np.uint32), where)
    if im.mode == "1":
        return np.asarray(im.convert("L"), dtype=np.uint8).copy()
    if im.mode in ("RGB", "RGBA", "LA", "P", "PA", "CMYK", "YCbCr"):
        rgb = np.asarray(im.convert("RGB"))
        if np.array_equal(rgb[:, :, 0], rgb[:, :, 1]) and np.array_equal(
            rgb[:, :, 1], rgb[:, :, 2]
        ):
            return rgb[:, :, 0].copy()
        return _array_to_gray8(rgb, where)
    raise ImageError(f"{where}: unsupported image mode {im.mode}")


def _pil_resolution(im: Image.Image) -> float | None:
    dpi = im.info.get("dpi")
    if not dpi:
        return None
    try:
        value = float(dpi[0])
    except (TypeError, ValueError, IndexError):
        return None
    return value if MIN_PPI <= value <= MAX_PPI else None


def _check_declared_size(data: bytes, name: str, where: str) -> None:
    """Refuse before decoding: no header giving the size, or more than ``MAX_PIXELS``."""
    size = image_header.declared_size(data)
    if size is None:
        raise ImageError(
            f"{where}: no {name} header giving the image size was found (first bytes "
            f"{data[:8].hex(' ')}); the data is not {name}, or is corrupt or truncated"
        )
    _check_pixels(size[0], size[1], where)


def _check_pixels(width: int, height: int, where: str) -> None:
    if max(width, height) > MAX_SIDE:
        raise ImageError(
            f"{where}: {width}x{height} pixels: a side of more than {MAX_SIDE:,} pixels "
            "is not an image this system decodes"
        )
    if width * height > MAX_PIXELS:
        raise ImageError(
            f"{where}: {width}x{height} pixels is more than the {MAX_PIXELS:,} pixels "
            "an image may have"
        )


def _check_ppi(ppi: float, where: str) -> None:
    if not (MIN_PPI <= float(ppi) <= MAX_PPI):
        raise ImageError(
            f"{where}: resolution {ppi} ppi is outside the supported {MIN_PPI:g}–{MAX_PPI:g} ppi"
        )


def _check_size(pixels: ByteArray, where: str) -> None:
    h, w = pixels.shape
    if h < MIN_SIDE or w < MIN_SIDE:
        raise ImageError(
            f"{where}: {w}x{h} pixels at 500 ppi is too small for a fingerprint "
            f"(at least {MIN_SIDE}x{MIN_SIDE})"
        )
