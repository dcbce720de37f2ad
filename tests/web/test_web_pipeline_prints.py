"""The examiner's view of a match the pipeline found (``idr:<message>/candidate:<subject>``):
the booking's own prints against the candidate's templates in the immigration gallery."""

from __future__ import annotations

import io
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from web_support import NOW, WebApp

from securecomm import ansinist
from securecomm.afis.matching import compare
from securecomm.afis.search.factory import gallery_path_for
from securecomm.afis.search.gallery import EnrolmentRecord, Gallery, pack_ten_print
from securecomm.afis.types import FingerPosition
from securecomm.enforcement.errors import UnknownCaseError
from securecomm.interop.components import IMMIGRATION_GALLERY
from securecomm.interop.outbox import MessageKind, emit
from securecomm.interop.submissions import receive
from securecomm.interop.templates_store import save_templates
from securecomm.synthetic import world
from securecomm.web.prints import FingerPair


def _pipeline_match(web: WebApp, pairs: dict[str, FingerPair], fingers=("102", "103")) -> str:
    """A stored booking with its templates, an enrolled candidate and the IDR naming it."""
    fingers = [pairs[f] if isinstance(f, str) else f for f in fingers]
    car = ansinist.build_car(
        ansinist.Addressing(ori=world.JAIL, dai="DCIDENT0Z", tcn="TEST-PIPE-000001", when=NOW),
        ansinist.Subject(name="PIPE, TEST", sex="X", race="U", date_of_birth=None,
                         place_of_birth="XX"),
        ansinist.Arrest(arrest_date=NOW.date(), controlling_agency=world.JAIL,
                        offenses=(ansinist.Offense("LARCENY", ncic_code="2399"),)),
        {int(p.position): p.probe for p in fingers},
    )  # fmt: skip
    with web.console.unit() as session:
        receipt = receive(session, ansinist.write(car), now=NOW)
        save_templates(session, receipt.submission_id,
                       {p.position: p.probe_template for p in fingers})  # fmt: skip
        idr = emit(
            session, kind=MessageKind.IDR, recipient=world.JAIL, body=b"{}",
            content_type="application/json", summary="IDR test", idempotency_key="idr:test",
            now=NOW, submission_id=receipt.submission_id,
        )  # fmt: skip
        message_id = idr.message.id
    path = Path(gallery_path_for(web.settings, IMMIGRATION_GALLERY))
    with Gallery.open(path) as gallery:
        gallery.enrol_many(
            [EnrolmentRecord("SUBJ-1", pack_ten_print({p.position: p.gallery_template
                                                        for p in fingers}))]
        )  # fmt: skip
    return f"idr:{message_id}/candidate:SUBJ-1"


def test_the_booking_is_compared_with_the_enrolled_templates(web: WebApp, fvc_pairs) -> None:
    ref = _pipeline_match(web, fvc_pairs)
    summary = web.console.prints.summary(ref)
    assert [int(f.position) for f in summary] == [2, 3]
    # the booking's search templates against the enrolled ones: the comparator's own pairs
    expected = [len(compare(p.probe_template, p.gallery_template).pairs)
                for p in (fvc_pairs["102"], fvc_pairs["103"])]  # fmt: skip
    assert [f.paired for f in summary] == expected and min(expected) > 0
    assert not any(f.gallery_image for f in summary)
    # the booking's print at full resolution; the gallery keeps templates only
    picture = Image.open(io.BytesIO(web.console.prints.print_png(ref, 2, "probe")))
    assert picture.size == (fvc_pairs["102"].probe.width, fvc_pairs["102"].probe.height)
    with pytest.raises(UnknownCaseError, match="keeps no gallery image"):
        web.console.prints.print_png(ref, 2, "gallery")
    # drawn: the booking's print beside the gallery template's print area, in millimetres
    view = web.console.prints.finger_views(ref)[0]
    template = web.console.prints.load(ref)[0].gallery_template  # as the gallery keeps it
    assert not view.gallery.has_image
    assert view.gallery.width_mm == pytest.approx(template.width / template.ppi * 25.4)
    assert len(view.pairs) == expected[0] and view.width_mm > 2 * view.probe.width_mm - 1


def test_each_probe_print_is_the_bookings_image_of_that_finger(web: WebApp, fvc_pairs) -> None:
    """The probe side is found by the finger's position in its record, not by the record's
    place in the transaction: FVC finger 103 sent as the left index (position 7) sits in the
    booking's second finger record, and is shown as the left index."""
    three = fvc_pairs["103"]
    left_index = FingerPosition.LEFT_INDEX
    moved = FingerPair(
        left_index, replace(three.probe, position=left_index), three.probe_template,
        None, three.gallery_template,
    )  # fmt: skip
    ref = _pipeline_match(web, fvc_pairs, ("102", moved))
    shown = {int(p.position): p.probe for p in web.console.prints.load(ref)}
    assert sorted(shown) == [2, 7]
    two = fvc_pairs["102"]

    def apart(shown_image, pair: FingerPair) -> float:  # WSQ is lossy: near, not equal
        return float(np.abs(shown_image.pixels.astype(int) - pair.probe.pixels.astype(int)).mean())

    assert apart(shown[7], three) < apart(shown[7], two) / 3
    assert apart(shown[2], two) < apart(shown[2], three) / 3
    summary = web.console.prints.summary(ref)
    assert [f.label for f in summary] == ["right index", "left index"]


def test_unknown_references_are_refused_plainly(web: WebApp, fvc_pairs) -> None:
    ref = _pipeline_match(web, fvc_pairs)
    for bad, message in (
        (ref.replace("SUBJ-1", "SUBJ-404"), "is not enrolled"),
        ("idr:99999/candidate:SUBJ-1", "no IDENT data response 99999"),
        ("nowhere:1", "no print source holds"),
    ):
        with pytest.raises(UnknownCaseError, match=message):
            web.console.prints.summary(bad)
