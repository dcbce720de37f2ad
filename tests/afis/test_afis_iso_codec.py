"""ISO/IEC 19794-2:2005 codec: real FVC templates round-trip; corruptions raise typed errors."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from securecomm.afis.errors import TemplateFormatError
from securecomm.afis.templates import iso19794_2 as iso
from securecomm.afis.templates import read_template, write_template
from securecomm.afis.types import MinutiaKind


@pytest.fixture(scope="module")
def iso_files(shared_data: Path) -> list[Path]:
    files = sorted((shared_data / "fvc").glob("*/*/*.iso"))
    assert len(files) == 400
    return files


def test_every_fvc_template_round_trips_byte_identically(iso_files: list[Path]) -> None:
    for path in iso_files:
        data = path.read_bytes()
        assert iso.encode_record(iso.decode_record(data)) == data, path
        template = read_template(path)
        assert write_template(template, "iso") == data, path


def test_fvc_header_maps_to_template_conventions(shared_data: Path) -> None:
    path = shared_data / "fvc/fvc2002/DB1_B/101_1.iso"
    data = path.read_bytes()
    record = iso.decode_record(data)
    t = read_template(path)
    assert (t.width, t.height) == (300, 400)
    assert record.x_resolution == 197
    assert t.ppi == pytest.approx(197 * 2.54)
    assert t.count == data[27] == 25
    # first minutia: bytes 28..33 = 80 a5 00 30 6b 00 -> bifurcation at (165, 48), 107 units
    assert t.kind[0] == MinutiaKind.BIFURCATION
    assert (t.x[0], t.y[0]) == (165, 48)
    assert t.angle[0] == pytest.approx(107 * 2 * math.pi / 256, abs=1e-6)
    assert set(np.unique(t.kind)) <= {1, 2}


minutiae = st.builds(
    iso.IsoMinutia,
    kind=st.integers(0, 2),
    x=st.integers(0, iso.MAX_COORDINATE),
    y=st.integers(0, iso.MAX_COORDINATE),
    angle=st.integers(0, 255),
    quality=st.integers(0, 100),
    reserved=st.integers(0, 3),
)
views = st.builds(
    iso.FingerView,
    position=st.integers(0, 10),
    view_number=st.integers(0, 15),
    impression_type=st.sampled_from(sorted(iso.IMPRESSION_TYPES)),
    quality=st.integers(0, 100),
    minutiae=st.lists(minutiae, max_size=40).map(tuple),
    extended=st.lists(
        st.builds(iso.ExtendedDataBlock, st.integers(0, 0xFFFF), st.binary(max_size=12)),
        max_size=3,
    ).map(tuple),
)
records = st.builds(
    iso.IsoRecord,
    width=st.integers(0, 0xFFFF),
    height=st.integers(0, 0xFFFF),
    x_resolution=st.integers(0, 0xFFFF),
    y_resolution=st.integers(0, 0xFFFF),
    views=st.lists(views, max_size=3).map(tuple),
    certification=st.integers(0, 15),
    device_type=st.integers(0, 0xFFF),
    reserved=st.integers(0, 255),
)


@given(records)
def test_arbitrary_valid_records_round_trip(record: iso.IsoRecord) -> None:
    data = iso.encode_record(record)
    assert iso.decode_record(data) == record
    assert iso.encode_record(iso.decode_record(data)) == data


@given(records.filter(lambda r: len(r.views) == 1 and r.x_resolution > 0))
def test_single_view_records_round_trip_through_template(record: iso.IsoRecord) -> None:
    data = iso.encode_record(record)
    assert write_template(read_template(data), "iso") == data


@settings(max_examples=200)
@given(records, st.data())
def test_truncated_records_raise_template_format_error(record: iso.IsoRecord, data) -> None:  # type: ignore[no-untyped-def]
    raw = iso.encode_record(record)
    cut = data.draw(st.integers(0, len(raw) - 1))
    with pytest.raises(TemplateFormatError, match="offset"):
        iso.decode_record(raw[:cut])


@settings(max_examples=300)
@given(records, st.data())
def test_corrupted_records_raise_only_template_format_error(record: iso.IsoRecord, data) -> None:  # type: ignore[no-untyped-def]
    raw = bytearray(iso.encode_record(record))
    for _ in range(data.draw(st.integers(1, 4))):
        at = data.draw(st.integers(0, len(raw) - 1))
        raw[at] = data.draw(st.integers(0, 255))
    try:
        decoded = iso.decode_record(bytes(raw))
    except TemplateFormatError:
        return
    # a corruption that still parses is a valid record that must re-encode to the same bytes
    assert iso.encode_record(decoded) == bytes(raw)


@pytest.mark.parametrize(
    ("mutate", "offset", "what"),
    [
        (lambda b: b"XMR\x00" + b[4:], 0, "format identifier"),
        (lambda b: b[:4] + b" 30\x00" + b[8:], 4, "version"),
        (lambda b: b[:11] + bytes([b[11] + 1]) + b[12:], 8, "record length"),
        (lambda b: b[:24] + bytes([11]) + b[25:], 24, "finger position"),
        (lambda b: b[:28] + bytes([0xC0 | b[28]]) + b[29:], 28, "reserved type"),
        (lambda b: b[:33] + bytes([101]) + b[34:], 33, "quality"),
    ],
)
def test_bad_bytes_name_offset_and_expectation(
    shared_data: Path, mutate, offset: int, what: str
) -> None:  # type: ignore[no-untyped-def]
    data = (shared_data / "fvc/fvc2002/DB1_B/101_1.iso").read_bytes()
    with pytest.raises(TemplateFormatError, match=what) as err:
        iso.decode_record(mutate(data))
    assert err.value.offset == offset
    assert f"offset {offset}" in str(err.value)


def test_unknown_magic_is_rejected() -> None:
    with pytest.raises(TemplateFormatError, match="unknown template format"):
        read_template(b"GIF89a....")
