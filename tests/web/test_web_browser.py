"""End to end in a real browser: Debian's chromium, headless, driven by Playwright.

The console runs under uvicorn on 127.0.0.1 (a free port) over a copy of the seeded demo
database; each role signs in, a case is worked from match to detainer (with a refusal on the
way), and the dashboard shows the database's numbers.  Screenshots go to
``artifacts/screenshots/`` (gitignored).  Skipped only when ``/usr/bin/chromium`` is missing.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from live_server import LiveServer, signed_in_page
from sqlalchemy import func, select

from securecomm.enforcement.models import Case
from securecomm.enforcement.roles import ROLE_WORDS
from securecomm.interop.submissions import Submission
from securecomm.synthetic import world
from securecomm.synthetic.home import USERS

CHROMIUM = Path("/usr/bin/chromium")
SHOTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists(),
        reason="/usr/bin/chromium is not installed (apt-get install -y chromium)",
    ),
]


@pytest.fixture(scope="session", autouse=True)
def _shots_folder() -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)


def _open_action(page, key: str):
    form = page.locator(f'details[data-action="{key}"]')
    if form.get_attribute("open") is None:
        form.locator("summary").click()
    return form


@pytest.mark.parametrize("user", USERS, ids=lambda u: u.role.value)
def test_each_role_signs_in_and_sees_its_own_console(browser, live: LiveServer, user) -> None:
    page = signed_in_page(browser, live, user.username)
    who = page.get_by_test_id("signed-in-as")
    assert user.display_name in who.inner_text()
    assert ROLE_WORDS[user.role] in who.inner_text()
    nav = page.locator("header nav a").all_inner_texts()
    assert nav, "every role has at least one page"
    assert ("Work queue" in nav) == (user.role.value not in ("program_manager",))
    assert ("Audit log" in nav) == (user.role.value == "auditor")
    page.screenshot(path=str(SHOTS / f"home-{user.role.value}.png"), full_page=True)
    page.context.close()


def test_work_a_case_from_match_to_detainer(browser, live: LiveServer) -> None:
    case_number = live.web.case_at("match")
    officer = signed_in_page(browser, live, "ice.officer")
    officer.goto(live.url + "/queue")
    officer.get_by_role("link", name=case_number).click()
    assert officer.get_by_test_id("case-state").inner_text() == "match received"

    # 1. a human verifies the match on the examiner's view
    officer.get_by_test_id("verify-link").click()
    officer.wait_for_load_state("networkidle")
    images = officer.locator("svg.prints image.print")  # the gallery keeps templates only
    assert images.count() == 2  # each finger's booking print, at full resolution
    natural_width = """async (el) => { const img = new Image(); img.src = el.getAttribute('href');
                       await img.decode(); return img.naturalWidth; }"""
    booked = live.web.console.prints.load(live.web.case(case_number).paired_minutiae_ref)
    assert [officer.evaluate(natural_width, h) for h in images.element_handles()] == [
        p.probe.width for p in booked
    ]
    officer.screenshot(path=str(SHOTS / "verify.png"), full_page=True)
    for finger in officer.locator("fieldset.finger-decision").all():  # each finger, then all
        finger.get_by_label("Confirmed: the same finger").check()
    officer.get_by_label("Verify: the prints are the same person's").check()
    officer.get_by_role("button", name="Record decision").click()
    assert "Recorded: verify identity" in officer.get_by_test_id("done").inner_text()

    # 2. the LESC researches status and assesses the level
    lesc = signed_in_page(browser, live, "lesc.specialist")
    lesc.goto(f"{live.url}/cases/{case_number}")
    form = _open_action(lesc, "record_status_research")
    form.locator("select[name=finding]").select_option("no_lawful_status_on_record")
    form.locator("textarea[name=record_references]").fill("EID encounter 2019-04-02 (synthetic)")
    form.get_by_role("button").click()
    assert lesc.get_by_test_id("case-state").inner_text() == "status researched"
    _open_action(lesc, "assess_priority").get_by_role("button").click()
    assert lesc.get_by_test_id("case-state").inner_text() == "priority assessed"

    # 3. the officer interviews (video, with an interpreter) and completes the review
    officer.goto(f"{live.url}/cases/{case_number}")
    form = _open_action(officer, "schedule_interview")
    form.locator("select[name=mode]").select_option("video")
    form.locator("input[name=scheduled_at]").fill("2026-03-02T13:00")
    form.locator("input[name=language]").fill("es")
    form.locator("input[name=interpreter]").fill("Synthetic interpreter #7")
    form.get_by_role("button").click()
    form = _open_action(officer, "conduct_interview")
    form.locator("select[name=interview_id]").select_option(index=0)
    form.get_by_role("button").click()
    form = _open_action(officer, "complete_officer_review")
    form.locator("select[name=interview_id]").select_option(index=0)
    form.get_by_role("button").click()
    assert officer.get_by_test_id("case-state").inner_text() == "officer reviewed"

    # 4. a forbidden basis is refused, in plain words, and nothing happens
    form = _open_action(officer, "issue_detainer")
    form.locator("input[value=foreign_birth]").check()
    form.locator("textarea[name=basis_evidence]").fill("Born abroad")
    form.get_by_role("button").click()
    refusal = officer.get_by_test_id("refusal").inner_text()
    assert "foreign birth or a missing record is never a basis" in refusal
    assert officer.get_by_test_id("case-state").inner_text() == "officer reviewed"
    officer.screenshot(path=str(SHOTS / "refusal.png"), full_page=True)

    # 5. the detainer, on a documented basis
    form = _open_action(officer, "issue_detainer")
    form.locator("input[value=biometric_match_and_records]").check()
    form.locator("textarea[name=basis_evidence]").fill(
        "IDENT match verified on the examiner's view; EID shows entry without inspection"
    )
    form.locator("input[name=release_eligible_at]").fill("2026-03-03T09:00")
    form.get_by_role("button").click()
    assert officer.get_by_test_id("case-state").inner_text() == "detainer issued"
    documents = officer.get_by_test_id("documents").inner_text()
    assert f"Detainer request {case_number}-D1" in documents
    history = officer.get_by_test_id("history").inner_text()
    for step in ("match verified by an officer", "status research recorded", "detainer issued"):
        assert step in history
    officer.screenshot(path=str(SHOTS / "case-detainer.png"), full_page=True)
    # 6. the detainer document is enforcement's, in the console's page, with its PDF
    officer.goto(f"{live.url}/cases/{case_number}/documents/detainer")
    document = officer.get_by_test_id("document")
    assert "I-247" in document.inner_text() and f"{case_number}-D1" in document.inner_text()
    assert document.locator("section[lang=es]").count() == 1
    assert (
        officer.get_by_test_id("pdf-link").get_attribute("href").endswith("/documents/detainer.pdf")
    )
    officer.screenshot(path=str(SHOTS / "document-detainer.png"), full_page=True)
    with live.web.console.unit() as session:
        case = session.execute(select(Case).where(Case.case_number == case_number)).scalar_one()
        assert case.state.value == "detainer_issued"
    officer.context.close()
    lesc.context.close()


def test_dashboard_renders_the_databases_numbers(browser, live: LiveServer) -> None:
    page = signed_in_page(browser, live, "program.manager")
    assert page.url.endswith("/console/dashboard")
    totals = dict(
        line.split("\t")
        for line in page.get_by_test_id("funnel-totals").inner_text().splitlines()
        if "\t" in line
    )
    with live.web.console.unit() as session:
        bookings = session.scalar(select(func.count(Submission.id)))
        cases = session.scalar(select(func.count(Case.id)))
    assert int(totals["Bookings received"]) == bookings > 0
    assert int(totals["Matches (cases opened)"]) == cases > 0
    for testid in ("funnel", "outcomes", "detainers", "safeguards", "coverage"):
        svg = page.get_by_test_id(testid).locator("svg.chart").first
        assert svg.is_visible() and svg.bounding_box()["width"] > 300
    page.screenshot(path=str(SHOTS / "dashboard.png"), full_page=True)
    page.context.close()


def test_a_forbidden_page_is_refused_in_plain_words(browser, live: LiveServer) -> None:
    other_jail = live.web.case_at("match", world.NOTIFY_ONLY_JAIL)  # booked at the notify-only jail
    page = signed_in_page(browser, live, "booking.officer")  # staff of the booking jail
    assert other_jail not in page.get_by_test_id("queue").inner_text()
    response = page.goto(f"{live.url}/cases/{other_jail}")
    assert response is not None and response.status == 403
    assert page.get_by_role("heading", level=1).inner_text() == "Not permitted"
    refusal = page.get_by_test_id("refusal").inner_text()
    assert f"acts only on cases of jail {world.JAIL}" in refusal
    assert world.NOTIFY_ONLY_JAIL in refusal
    page.screenshot(path=str(SHOTS / "forbidden.png"), full_page=True)
    response = page.goto(f"{live.url}/dashboard")
    assert response is not None and response.status == 403
    assert "may not read the program's statistics" in page.get_by_test_id("refusal").inner_text()
    page.context.close()
