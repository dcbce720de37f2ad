"""Image loading: every format, WSQ against reference decodings, resolution, bad input."""

from __future__ import annotations

import contextlib
import io
from pathlib import Path

import imagecodecs
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image

from securecomm.afis.errors import ImageError
from securecomm.afis.image import decode_image_bytes, load_image
from securecomm.afis.types import FingerPosition


@pytest.fixture(scope="module")
def fvc_pixels(shared_data: Path) -> np.ndarray:
    with Image.open(shared_data / "fvc" / "fvc2002" / "DB1_B" / "101_1.png") as im:
        return np.asarray(im.convert("L")).copy()


WSQ_WITH_REFERENCE = ["fp-1", "fp-2", "fp-13", "sample"]


@pytest.mark.parametrize("name", WSQ_WITH_REFERENCE)
def test_wsq_decodes_pixel_identical_to_reference_png(shared_data: Path, name: str) -> None:
    folder = shared_data / "ansinist" / "wsq"
    with Image.open(folder / f"{name}.png") as ref:
        assert ref.mode == "RGB"
        reference = np.asarray(ref.convert("L"))
    image = load_image(folder / f"{name}.wsq")
    assert image.pixels.shape == reference.shape
    assert np.array_equal(image.pixels, reference)
    raw = decode_image_bytes((folder / f"{name}.wsq").read_bytes(), compression="WSQ")
    assert np.array_equal(raw, reference)


def test_rgb_png_with_equal_channels_loads_as_its_gray_values(shared_data: Path) -> None:
    path = shared_data / "ansinist" / "wsq" / "fp-1.png"
    with Image.open(path) as ref:
        red = np.asarray(ref)[:, :, 0]
    assert np.array_equal(load_image(path).pixels, red)


@pytest.mark.parametrize(
    ("fmt", "suffix", "lossless"),
    [
        ("PNG", "png", True),
        ("TIFF", "tif", True),
        ("BMP", "bmp", True),
        ("JPEG", "jpg", False),
        ("JPEG2000", "jp2", True),
        ("WSQ", "wsq", False),
    ],
)
def test_every_format_loads(
    tmp_path: Path, fvc_pixels: np.ndarray, fmt: str, suffix: str, lossless: bool
) -> None:
    path = tmp_path / f"print.{suffix}"
    options = {"irreversible": False} if fmt == "JPEG2000" else {}
    Image.fromarray(fvc_pixels, mode="L").save(path, fmt, **options)
    image = load_image(path, position=FingerPosition.RIGHT_INDEX)
    assert image.pixels.dtype == np.uint8
    assert image.pixels.shape == fvc_pixels.shape
    assert image.ppi == 500
    assert image.position is FingerPosition.RIGHT_INDEX
    diff = np.abs(image.pixels.astype(int) - fvc_pixels.astype(int))
    if lossless:
        assert diff.max() == 0
    else:
        assert diff.mean() < 6
    assert np.array_equal(load_image(path.read_bytes()).pixels, image.pixels)


def test_imagecodecs_payloads_decode(fvc_pixels: np.ndarray) -> None:
    payloads = {
        "JPEGB": imagecodecs.jpeg8_encode(fvc_pixels, level=95),
        "JPEGL": imagecodecs.ljpeg_encode(fvc_pixels),
        "JP2L": imagecodecs.jpeg2k_encode(fvc_pixels, level=0),
        "JP2": imagecodecs.jpeg2k_encode(fvc_pixels, level=40),
        "PNG": imagecodecs.png_encode(fvc_pixels),
    }
    h, w = fvc_pixels.shape
    for name, data in payloads.items():
        pixels = decode_image_bytes(data, compression=name, width=w, height=h)
        assert pixels.shape == (h, w), name
        if name in ("JPEGL", "JP2L", "PNG"):
            assert np.array_equal(pixels, fvc_pixels), name
        else:
            assert np.abs(pixels.astype(int) - fvc_pixels).mean() < 6, name


def test_raw_payload_and_size_mismatch(fvc_pixels: np.ndarray) -> None:
    h, w = fvc_pixels.shape
    raw = fvc_pixels.tobytes()
    assert np.array_equal(
        decode_image_bytes(raw, compression="NONE", width=w, height=h), fvc_pixels
    )
    with pytest.raises(ImageError, match="needs"):
        decode_image_bytes(raw[:-1], compression="NONE", width=w, height=h)
    with pytest.raises(ImageError, match="width and height"):
        decode_image_bytes(raw, compression="RAW")
    png = imagecodecs.png_encode(fvc_pixels)
    with pytest.raises(ImageError, match="declares"):
        decode_image_bytes(png, compression="PNG", width=w + 1, height=h)


def test_raw_16_and_1_bit_payloads() -> None:
    wide = np.array([[0x1234, 0xFF00], [0x0001, 0xABCD]], dtype=">u2")
    assert decode_image_bytes(
        wide.tobytes(), compression="RAW", width=2, height=2, bits_per_pixel=16
    ).tolist() == [[0x12, 0xFF], [0x00, 0xAB]]
    bits = bytes([0b10100000, 0b01000000])
    assert decode_image_bytes(
        bits, compression="NONE", width=3, height=2, bits_per_pixel=1
    ).tolist() == [[255, 0, 255], [0, 255, 0]]


def test_resolution_from_caller_is_resampled_to_500_ppi(fvc_pixels: np.ndarray) -> None:
    data = io.BytesIO()
    Image.fromarray(fvc_pixels).save(data, "PNG")
    image = load_image(data.getvalue(), ppi=1000)
    h, w = fvc_pixels.shape
    assert image.pixels.shape == (round(h / 2), round(w / 2))
    assert image.ppi == 500


def test_resolution_from_file_header(tmp_path: Path, fvc_pixels: np.ndarray) -> None:
    h, w = fvc_pixels.shape
    tif = tmp_path / "print.tif"
    Image.fromarray(fvc_pixels).save(tif, dpi=(1000, 1000))
    assert load_image(tif).pixels.shape == (round(h / 2), round(w / 2))
    # the caller's resolution wins over the file's
    assert load_image(tif, ppi=500).pixels.shape == (h, w)
    # 72 dpi (a screen default) is no fingerprint resolution: ignored, 500 assumed
    png = tmp_path / "print.png"
    Image.fromarray(fvc_pixels).save(png, dpi=(72, 72))
    assert load_image(png).pixels.shape == (h, w)


def test_wsq_resolution_from_frame_header(tmp_path: Path, shared_data: Path) -> None:
    image = load_image(shared_data / "ansinist" / "wsq" / "fp-1.wsq")
    assert image.pixels.shape == (752, 804)  # the header says 500 ppi: no resampling


def test_upsampling_a_low_resolution_image(fvc_pixels: np.ndarray) -> None:
    data = io.BytesIO()
    Image.fromarray(fvc_pixels).save(data, "BMP")
    image = load_image(data.getvalue(), ppi=250)
    h, w = fvc_pixels.shape
    assert image.pixels.shape == (2 * h, 2 * w)


def test_bad_input_raises_image_error(tmp_path: Path) -> None:
    with pytest.raises(ImageError, match="unknown image format"):
        load_image(b"hello, this is not an image")
    with pytest.raises(ImageError, match="empty"):
        load_image(b"")
    with pytest.raises(ImageError, match="cannot read image file"):
        load_image(tmp_path / "missing.png")
    with pytest.raises(ImageError, match="WSQ"):
        load_image(b"\xff\xa0\xff\xa8\x00\x02")
    with pytest.raises(ImageError, match="resolution"):
        load_image(b"irrelevant", ppi=10)
    with pytest.raises(ImageError, match="unknown image compression"):
        decode_image_bytes(b"abc", compression="GIF")
    with pytest.raises(ImageError, match="too small"):
        data = io.BytesIO()
        Image.new("L", (10, 10)).save(data, "PNG")
        load_image(data.getvalue())


def test_truncated_png_raises_image_error(fvc_pixels: np.ndarray) -> None:
    data = io.BytesIO()
    Image.fromarray(fvc_pixels).save(data, "PNG")
    with pytest.raises(ImageError, match="corrupt or truncated"):
        load_image(data.getvalue()[: len(data.getvalue()) // 2])


@settings(max_examples=60, deadline=None)
@given(st.binary(min_size=0, max_size=300))
def test_arbitrary_bytes_raise_image_error_or_decode(data: bytes) -> None:
    try:
        image = load_image(data)
    except ImageError:
        return
    assert image.pixels.dtype == np.uint8


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 2000), st.binary(min_size=1, max_size=40))
def test_corrupted_png_never_crashes(fvc_pixels: np.ndarray, offset: int, junk: bytes) -> None:
    data = bytearray(imagecodecs.png_encode(fvc_pixels[:64, :64]))
    offset %= len(data)
    data[offset : offset + len(junk)] = junk
    for compression in (None, "PNG"):
        with contextlib.suppress(ImageError):
            decode_image_bytes(bytes(data), compression=compression)
