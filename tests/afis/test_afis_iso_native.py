"""The native ``.sct`` format: exact round trips, validation, and corruption detection."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from securecomm.afis.errors import TemplateFormatError
from securecomm.afis.templates import native, read_template, write_template
from securecomm.afis.types import FingerPosition, Template


@st.composite
def templates(draw: st.DrawFn) -> Template:
    n = draw(st.integers(0, 60))
    w = draw(st.integers(1, 1000))
    h = draw(st.integers(1, 1000))
    floats = st.floats(0, 1, allow_nan=False, width=32)
    return Template.from_arrays(
        width=w,
        height=h,
        x=[draw(floats) * w for _ in range(n)],
        y=[draw(floats) * h for _ in range(n)],
        angle=[draw(st.floats(0, 6.25, width=32)) for _ in range(n)],
        kind=draw(st.lists(st.integers(0, 2), min_size=n, max_size=n)),
        minutia_quality=draw(st.lists(st.integers(0, 100), min_size=n, max_size=n)),
        ppi=draw(st.sampled_from([500.0, 1000.0, 500.38])),
        quality=draw(st.integers(0, 100)),
        position=draw(st.sampled_from(list(FingerPosition))),
        meta=draw(st.dictionaries(st.text(max_size=5), st.text(max_size=10), max_size=3)),
    )


@given(templates())
def test_native_round_trip_is_exact(t: Template) -> None:
    back = read_template(write_template(t, "sct"))
    assert back.same_minutiae(t, tol=0)
    assert (back.width, back.height, back.quality, back.position) == (
        t.width,
        t.height,
        t.quality,
        t.position,
    )
    assert back.ppi == pytest.approx(t.ppi, rel=1e-6)
    assert back.meta == t.meta
    assert list(back.minutia_quality) == list(t.minutia_quality)


@given(templates(), st.data())
def test_native_corruption_raises_template_format_error(t: Template, data) -> None:  # type: ignore[no-untyped-def]
    raw = bytearray(write_template(t, "sct"))
    if data.draw(st.booleans()):
        raw = raw[: data.draw(st.integers(0, len(raw) - 1))]
    else:
        at = data.draw(st.integers(0, len(raw) - 1))
        raw[at] ^= data.draw(st.integers(1, 255))
    with pytest.raises(TemplateFormatError):
        native.decode(bytes(raw))


def test_validate_rejects_out_of_range_values() -> None:
    bad = Template.from_arrays(10, 10, x=[5], y=[5], angle=[1.0], kind=[7])
    with pytest.raises(TemplateFormatError, match="kind 7"):
        native.validate(bad)
    far = Template.from_arrays(10, 10, x=[500], y=[5], angle=[1.0])
    with pytest.raises(TemplateFormatError, match="outside the image"):
        write_template(far, "sct")
    nan = Template.from_arrays(10, 10, x=[math.nan], y=[5], angle=[1.0])
    with pytest.raises(TemplateFormatError, match="minutia 0"):
        native.validate(nan)


def test_iso_template_survives_native_storage(shared_data: Path) -> None:
    t = read_template(shared_data / "fvc/fvc2002/DB2_B/105_3.iso")
    back = read_template(write_template(t, "sct"))
    assert write_template(back, "iso") == (shared_data / "fvc/fvc2002/DB2_B/105_3.iso").read_bytes()
