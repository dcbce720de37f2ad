"""The IDENT data response codec: every IDR reads back as itself; a bad one names its field."""

from __future__ import annotations

import contextlib
import json
import math
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from securecomm.ansinist import (
    Idr,
    IdrCandidate,
    IdrEncounter,
    MessageFormatError,
    encode_idr,
    parse_idr,
)

texts = st.text(max_size=20)
finite = st.floats(allow_nan=False, allow_infinity=False, width=64)
counts = st.integers(0, 10**9)
candidates = st.builds(IdrCandidate, texts, finite, finite, st.integers(0, 10))
encounters = st.builds(IdrEncounter, texts, texts, texts, texts, texts)


@st.composite
def idrs(draw: st.DrawFn) -> Idr:
    listed = tuple(draw(st.lists(candidates, max_size=5)))
    match = bool(listed) and draw(st.booleans())
    return Idr(
        tcn=draw(texts),
        ori=draw(texts),
        responder=draw(texts),
        match=match,
        fin=draw(st.text(min_size=1, max_size=12)) if match else draw(st.none() | texts),
        gallery_size=draw(counts),
        target_fpir=draw(finite),
        candidates=listed,
        encounters=tuple(draw(st.lists(encounters, max_size=3))),
    )


@given(idrs())
def test_every_idr_reads_back_as_itself(idr: Idr) -> None:
    assert parse_idr(encode_idr(idr)) == idr
    assert encode_idr(parse_idr(encode_idr(idr))) == encode_idr(idr)  # stable bytes


def test_best_is_the_highest_scoring_candidate() -> None:
    idr = Idr("T", "O", "R", True, "1", 10, 0.001,
              (IdrCandidate("a", 3.0, 1.0, 10), IdrCandidate("b", 9.0, 1.0, 2)))  # fmt: skip
    assert idr.best is not None and idr.best.subject_id == "b"
    assert Idr("T", "O", "R", False, None, 10, 0.001).best is None


ENCOUNTER = IdrEncounter("jail_booking", "2026-01-01", "ORI/TX0570000", "eid", "2026-01-01")
SAMPLE = Idr("TCN1", "TX0570000", "IDENT", True, "1234567890", 100, 0.001,
             (IdrCandidate("7", 88.5, 40.0, 10),), (ENCOUNTER,))  # fmt: skip


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (lambda d: d.pop("tcn"), "tcn"),
        (lambda d: d.update(match="yes"), "match"),
        (lambda d: d.update(gallery_size=-1), "gallery_size"),
        (lambda d: d.update(gallery_size=True), "gallery_size"),
        (lambda d: d.update(target_fpir=math.nan), "target_fpir"),
        (lambda d: d.update(target_fpir=math.inf), "target_fpir"),
        (lambda d: d.update(candidates={}), "candidates"),
        (lambda d: d.update(candidates=[5]), "candidates[0]"),
        (lambda d: d["candidates"][0].update(score="high"), "candidates[0].score"),
        (lambda d: d["candidates"][0].pop("fingers"), "candidates[0].fingers"),
        (lambda d: d["encounters"][0].update(kind=None), "encounters[0].kind"),
        (lambda d: d.update(fin=None), "fin"),
        (lambda d: d.update(candidates=[]), "fin"),
    ],
)
def test_a_malformed_idr_names_its_field(change, field: str) -> None:  # type: ignore[no-untyped-def]
    document = json.loads(encode_idr(SAMPLE))
    change(document)
    with pytest.raises(MessageFormatError, match=f"field {re.escape(field)}"):
        parse_idr(json.dumps(document).encode())


@pytest.mark.parametrize("body", [b"", b"not json", b"[1, 2]", b"\xff\xfe"])
def test_what_is_not_an_idr_document_is_refused_clearly(body: bytes) -> None:
    with pytest.raises(MessageFormatError, match="IDR"):
        parse_idr(body)


@given(st.binary(max_size=200))
def test_no_bytes_crash_the_reader(body: bytes) -> None:
    with contextlib.suppress(MessageFormatError):
        parse_idr(body)
