"""The examiner's verification view in a real browser (Debian's chromium via Playwright): a
ten-print match (ten real FVC fingers, impressions 1 and 2) shows every finger; the toggles
hide the lines, the numbers and the unpaired minutiae; focusing a row of a pair table (with
the keyboard) lights its pair; zoom reaches full resolution and beyond; the decisions per
finger and overall are recorded from one page, and a too-weak one is refused with its
message; axe-core finds no violation.  The page runs no script (``script-src 'none'``).

Each test gets its own console over a fresh copy of the template (decisions change cases).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from live_server import LiveServer, signed_in_page
from sqlalchemy import select
from web_support import NOW, WebApp, fvc_pair

from securecomm.afis.types import FingerPosition
from securecomm.enforcement.inputs import (
    CriminalHistoryEvent,
    Disposition,
    IdentResponse,
    MatchNotice,
    SubjectIdentifiers,
)
from securecomm.enforcement.models import IdentityVerification
from securecomm.synthetic import world
from securecomm.web.prints import FingerPair

CHROMIUM = Path("/usr/bin/chromium")
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="/usr/bin/chromium is not installed"),
]
TEN_PRINT_NAME = "SYNTHETIC, TENPRINT"


@pytest.fixture(scope="session")
def ten_print(shared_data: Path) -> list[FingerPair]:
    """FVC2002 DB1_B fingers 101…110 as the ten finger positions (impression 1 the booking's,
    2 the enrolled one)."""
    db = shared_data / "fvc" / "fvc2002" / "DB1_B"
    return [fvc_pair(db, str(100 + position), position) for position in range(1, 11)]


def _open_ten_print_case(web: WebApp, pairs: list[FingerPair]) -> str:
    ref = web.console.prints.save("ten-print", pairs)
    jail = world.jail(world.JAIL)
    notice = MatchNotice(
        booking_ori=jail.ori, booking_tcn="TEST-TEN-000001", facility_ori=jail.ori,
        facility_name=jail.name, field_office=world.FIELD_OFFICE,
        subject=SubjectIdentifiers(fin="SYN9003", name=TEN_PRINT_NAME,
                                   date_of_birth=date(1988, 8, 8), language="es"),
        ident=IdentResponse(summary="IDENT match (test)", candidate_score=9.0,
                            paired_minutiae_ref=ref),
        booked_at=NOW,
    )  # fmt: skip
    case = web.console.work.open_case_from_match(
        notice, [CriminalHistoryEvent("2303", Disposition.CONVICTED, date(2020, 1, 1))]
    )
    return case.case_number


@pytest.fixture()
def server(web: WebApp, ten_print) -> Iterator[tuple[LiveServer, str]]:
    case_number = _open_ten_print_case(web, ten_print)
    with LiveServer(web) as live:
        yield live, case_number


def _open_view(browser, live: LiveServer, case_number: str, username: str = "ice.officer"):
    page = signed_in_page(browser, live, username)
    response = page.goto(f"{live.url}/cases/{case_number}/verify")
    assert response is not None and response.status == 200
    assert "script-src 'none'" in response.headers["content-security-policy"]
    page.wait_for_load_state("networkidle")
    return page


def _display(locator) -> str:
    return locator.evaluate("el => getComputedStyle(el).display")


def _tally(page) -> bytes:
    """The running tally as drawn: CSS counters are generated content, in neither innerText nor
    the accessibility tree (so the tally is a visual aid, hidden from assistive technology;
    each finger's own choice is what is read out) — compared as pictures."""
    return page.get_by_test_id("tally").screenshot()


def test_every_finger_of_the_ten_print_is_shown_at_full_resolution(
    browser, server, ten_print
) -> None:
    live, case_number = server
    page = _open_view(browser, live, case_number)
    sections = page.locator("section.finger")
    assert sections.count() == 10
    for pair in ten_print:
        position = int(pair.position)
        section = page.get_by_test_id(f"finger-{position}")
        label = FingerPosition(position).name.replace("_", " ").lower()
        assert label in section.locator("h2").inner_text().lower()
        images = section.locator("svg.prints image.print")
        assert images.count() == 2  # probe and gallery, both fetched whole
        for handle, image in zip(images.element_handles(), (pair.probe, pair.gallery), strict=True):
            natural = page.evaluate(
                """async (el) => { const href = el.getAttribute('href');
                   const img = new Image(); img.src = href; await img.decode();
                   return [img.naturalWidth, img.naturalHeight]; }""",
                handle,
            )
            assert image is not None and natural == [image.width, image.height]
        rows = section.locator("table.pairs tbody tr")
        assert rows.count() == section.locator("g.pair").count() > 0
    # same scale: both prints of a finger take the same screen size per millimetre
    first = page.get_by_test_id("prints-1").locator("image.print")
    probe_box, gallery_box = first.nth(0).bounding_box(), first.nth(1).bounding_box()
    assert probe_box and gallery_box
    assert probe_box["width"] == pytest.approx(gallery_box["width"], rel=0.01)  # both 500 ppi


def test_toggles_hide_lines_numbers_and_unpaired_minutiae(browser, server) -> None:
    live, case_number = server
    page = _open_view(browser, live, case_number)
    finger = page.get_by_test_id("finger-2")
    line, number = finger.locator(".pair-line").first, finger.locator("text.num").first
    unpaired = finger.locator("g.unpaired")
    assert _display(line) != "none" and _display(number) != "none" and _display(unpaired) != "none"
    page.get_by_label("Lines between pairs").uncheck()
    assert _display(line) == "none" and _display(number) != "none"
    page.get_by_label("Pair numbers").uncheck()
    assert _display(number) == "none" and _display(unpaired) != "none"
    page.get_by_label("Unpaired minutiae").uncheck()
    assert _display(unpaired) == "none"
    # the marks of the pairs stay: the toggles hide what is drawn over them, not the pairs
    assert _display(finger.locator("g.pair .m").first) != "none"
    page.get_by_label("Lines between pairs").check()
    assert _display(line) != "none"


def test_focusing_a_pair_row_with_the_keyboard_lights_its_pair(browser, server) -> None:
    live, case_number = server
    page = _open_view(browser, live, case_number)
    finger = page.get_by_test_id("finger-2")
    pair_one, pair_two = (
        finger.locator('g.pair[data-pair="1"]'),
        finger.locator('g.pair[data-pair="2"]'),
    )

    def look(pair) -> tuple[str, str]:
        return pair.evaluate("el => [getComputedStyle(el).opacity, getComputedStyle(el).color]")

    at_rest = look(pair_one)
    assert at_rest == look(pair_two) and at_rest[0] == "1"
    finger.locator(".pair-list").focus()  # the table's region, then Tab to its first row
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.getAttribute('data-pair')")
    assert focused == "1"
    lit, dimmed = look(pair_one), look(pair_two)
    assert lit[0] == "1" and float(dimmed[0]) < 0.5 and lit[1] != at_rest[1]
    page.keyboard.press("Tab")  # the next row lights the next pair
    assert look(pair_two)[0] == "1" and float(look(pair_one)[0]) < 0.5
    # another finger's pair of the same number is not lit
    assert look(page.get_by_test_id("finger-3").locator('g.pair[data-pair="2"]'))[0] == "1"
    assert (
        page.get_by_test_id("finger-3")
        .locator('g.pair[data-pair="1"]')
        .evaluate("el => getComputedStyle(el).color")
        == at_rest[1]
    )


def test_zoom_goes_from_fit_to_full_resolution_and_beyond(browser, server, ten_print) -> None:
    live, case_number = server
    page = _open_view(browser, live, case_number)
    finger = page.get_by_test_id("finger-4")
    probe = finger.locator("image.print").first
    fit = probe.bounding_box()
    assert fit is not None
    widths = {}
    for value in ("1", "2", "4"):
        finger.locator(f'.zoom input[value="{value}"]').check()
        box = probe.bounding_box()
        assert box is not None
        widths[value] = box["width"]
    image = ten_print[3].probe
    assert widths["1"] == pytest.approx(image.width * 500 / image.ppi, abs=2)  # 1 px per px
    assert widths["2"] == pytest.approx(2 * widths["1"], rel=0.02)
    assert widths["4"] == pytest.approx(4 * widths["1"], rel=0.02)
    viewer = finger.locator(".viewer")
    assert viewer.evaluate("el => el.scrollWidth > el.clientWidth")  # pans by scrolling
    viewer.evaluate("el => { el.scrollLeft = 500; }")
    assert viewer.evaluate("el => el.scrollLeft") == 500


def test_a_ten_finger_match_is_decided_on_one_page(browser, server) -> None:
    live, case_number = server
    page = _open_view(browser, live, case_number)
    loads = []
    page.on("load", lambda _page: loads.append(1))
    nothing_yet = _tally(page)
    # first a too-weak decision: one finger confirmed, the rest inconclusive
    for position in range(1, 11):
        choice = "confirmed" if position == 1 else "inconclusive"
        page.get_by_test_id(f"decision-{position}").locator(f'input[value="{choice}"]').check()
    one_confirmed = _tally(page)
    assert one_confirmed != nothing_yet
    page.get_by_label("Verify: the prints are the same person's").check()
    page.get_by_role("button", name="Record decision").click()
    refusal = page.get_by_test_id("refusal").inner_text()
    assert (
        "needs at least 2 fingers confirmed" in refusal and "1 confirmed (right thumb)" in refusal
    )
    assert live.web.case(case_number).state.value == "match_received"
    # the choices are kept: confirm the other nine and verify
    assert page.get_by_test_id("decision-5").locator('input[value="inconclusive"]').is_checked()
    for position in range(2, 11):
        page.get_by_test_id(f"decision-{position}").locator('input[value="confirmed"]').check()
    assert _tally(page) not in (nothing_yet, one_confirmed)
    page.get_by_role("button", name="Record decision").click()
    assert "Recorded" in page.get_by_test_id("done").inner_text()
    assert len(loads) == 2  # the refusal, then the case page: nothing else was opened
    case = live.web.case(case_number)
    assert case.state.value == "identity_verified"
    with live.web.console.unit() as session:
        row = session.execute(
            select(IdentityVerification).where(IdentityVerification.case_id == case.id)
        ).scalar_one()
        fingers = {f.position: f.decision.value for f in row.fingers}
    assert row.confirmed and fingers == {p: "confirmed" for p in range(1, 11)}


def test_no_axe_violation_on_the_ten_finger_view(browser, server) -> None:
    from axe_playwright_python.sync_playwright import Axe

    pytest.importorskip("axe_playwright_python")
    live, case_number = server
    page = _open_view(browser, live, case_number)
    violations = Axe().run(page).response["violations"]
    assert [f"{v['id']}: {[n['target'] for n in v['nodes']][:3]}" for v in violations] == []
