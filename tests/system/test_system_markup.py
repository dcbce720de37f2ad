"""Markup sent by a jail or typed by an officer is shown as text, never run: the whole path.

A synthetic world (``synthetic.home.seed``) takes real EBTS bookings over the API and the
worker runs every step in this process (CJIS search, IDENT search, LESC research, the field
office's notice, the case). The markup is

- ``<script>alert(1)</script>`` and ``"><img src=x onerror=alert(1)>`` in the subject's name
  (2.018 NAM): EBTS allows letters, comma, hyphen and blank there, so intake refuses the booking
  with a 400 naming the field — a name with markup never enters through a booking;
- the same markup where EBTS does allow any printable text (2.006 ATN, 2.009 OCA, 2.041 RES,
  the offense literal of 2.047 ASL): accepted, carried through the pipeline into the case;
- markup typed by the officers into every free-text field on the way to a detainer and a
  notice to appear (notes, references, interpreter, evidence, jail's answer, allegations,
  charges, court);
- and a case whose subject's name is markup (opened from a match notice, as names reach cases
  from the record systems), worked to the same documents.

Then every console page reachable by a link, for every role, is fetched: none holds the markup
unescaped, the cases' pages show it escaped, and the PDFs draw it as literal text.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from unittest import mock

import fpdf
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from securecomm import ansinist, system
from securecomm.api import create_app
from securecomm.clock import FixedClock
from securecomm.config import Settings
from securecomm.enforcement import documents
from securecomm.enforcement.cases import CaseWork
from securecomm.enforcement.commands import (
    AssessPriority,
    Charge,
    CompleteOfficerReview,
    ConductInterview,
    IssueDetainer,
    RecordJailResponse,
    RecordStatusResearch,
    ScheduleInterview,
    TransferCustody,
    VerifyIdentity,
)
from securecomm.enforcement.inputs import (
    CriminalHistoryEvent,
    Disposition,
    IdentResponse,
    MatchNotice,
    SubjectIdentifiers,
)
from securecomm.enforcement.models import Case
from securecomm.enforcement.vocabulary import InterviewMode, ProbableCauseBasis, StatusFinding
from securecomm.interop.service import pipeline_context
from securecomm.interop.worker import run_worker
from securecomm.records import issue_api_key
from securecomm.store.database import unit_of_work
from securecomm.store.migrate import upgrade_database
from securecomm.synthetic import home as synthetic_home
from securecomm.synthetic import world
from securecomm.synthetic.accounts import DEMO_PASSWORD
from securecomm.web import mount

pytestmark = pytest.mark.slow

SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(1)>'
#: What must never appear in a page: the markup as markup.
RAW = ("<script>alert(1)", "<img src=x", "onerror=alert(1)>")
#: How Jinja2 shows them.
ESCAPED = ("&lt;script&gt;alert(1)&lt;/script&gt;", "&#34;&gt;&lt;img src=x onerror=alert(1)&gt;")
MARKUP_NAME = f"{SCRIPT}, {IMG}"
SECRET = "markup-test-secret-key-for-the-console"
NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
BACKGROUND = 300
MAX_PAGES = 400


@dataclass
class World:
    settings: Settings
    api: TestClient
    key: str
    work: CaseWork
    clock: FixedClock


@pytest.fixture(scope="module")
def markup_world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    home = tmp_path_factory.mktemp("markup") / "home"
    settings = Settings(home=home, secret_key=SECRET)
    clock = FixedClock(NOW)
    engine, factory = upgrade_database(settings)
    synthetic_home.seed(settings, factory, clock, background=BACKGROUND)
    with unit_of_work(factory) as session:
        key = issue_api_key(session, world.JAIL, now=clock.now())
    app = create_app(settings, clock=clock)
    with TestClient(app) as api:
        yield World(settings, api, key, CaseWork(factory, clock), clock)
    app.state.engine.dispose()
    engine.dispose()


def _booking(settings: Settings, subject: int, type2: dict[int, object]) -> tuple[str, bytes]:
    """A world booking of ``subject`` with these Type-2 fields replaced."""
    booking = synthetic_home.booking(settings, subject, NOW - timedelta(hours=3))
    tx = ansinist.read(booking.raw)
    t2 = tx.records[1]
    for tag, value in type2.items():
        if isinstance(value, str):
            t2 = t2.with_field(ansinist.Field.text(tag, value))
        else:
            t2 = t2.with_field(ansinist.Field(tag, value))  # type: ignore[arg-type]
    return booking.tcn, ansinist.write(ansinist.Transaction.of([tx.type1, t2, *tx.records[2:]]))


def _post(w: World, raw: bytes) -> object:
    headers = {"Authorization": f"Bearer {w.key}", "Content-Type": "application/octet-stream"}
    return w.api.post("/submissions", content=raw, headers=headers)


def _principal(username: str) -> object:
    return next(u.principal for u in synthetic_home.USERS if u.username == username)


def _to_documents(w: World, case_number: str, verified: bool = False) -> None:
    """Verify, research, assess, interview, detainer, jail's answer, custody, NTA — every free
    text typed with markup."""
    officer, lesc = _principal("ice.officer"), _principal("lesc.specialist")
    view = w.work.read_case(officer, case_number)
    if not verified:
        w.work.handle(
            VerifyIdentity(
                case_number,
                paired_minutiae_ref=view.paired_minutiae_ref,
                paired_minutiae_count=12,
                notes=f"verified {SCRIPT}",
            ),
            officer,
        )
    finding = StatusFinding.NO_LAWFUL_STATUS_ON_RECORD
    w.work.handle(
        RecordStatusResearch(case_number, finding=finding, record_references=[f"file {IMG}"]), lesc
    )
    w.work.handle(AssessPriority(case_number), lesc)
    interview = w.work.handle(
        ScheduleInterview(
            case_number,
            mode=InterviewMode.VIDEO,
            scheduled_at=w.clock.now(),
            language="es",
            interpreter=f"interpreter {IMG}",
        ),
        officer,
    )
    w.work.handle(
        ConductInterview(
            case_number,
            interview_id=interview.id,
            citizenship_claimed=False,
            notes=f"no claim {SCRIPT}",
        ),
        officer,
    )
    w.work.handle(CompleteOfficerReview(case_number, interview_id=interview.id), officer)
    w.work.handle(
        IssueDetainer(
            case_number,
            bases=[ProbableCauseBasis.BIOMETRIC_MATCH_AND_RECORDS],
            basis_evidence=f"evidence {SCRIPT} {IMG}",
            release_eligible_at=w.clock.now() + timedelta(hours=6),
        ),
        officer,
    )
    w.work.handle(
        RecordJailResponse(case_number, answer="honoured", answered_by=f"desk {IMG}"), officer
    )
    w.work.handle(TransferCustody(case_number, notes=f"picked up {SCRIPT}"), officer)
    w.work.handle(
        Charge(
            case_number,
            kind="notice_to_appear",
            allegations=[f"allegation {SCRIPT}"],
            charges=[f"charge {IMG}"],
            court=f"court {SCRIPT}",
            hearing_at=w.clock.now() + timedelta(days=20),
        ),
        officer,
    )


def _crawl(client: TestClient) -> dict[str, object]:
    """Every console page reachable by a link from the start page (GET only)."""
    seen: dict[str, object] = {}
    todo = ["/console/"]
    while todo and len(seen) < MAX_PAGES:
        url = todo.pop()
        if url in seen:
            continue
        response = client.get(url)
        seen[url] = response
        if "text/html" not in response.headers.get("content-type", ""):
            continue
        for href in re.findall(r'href="([^"#]+)', response.text):
            href = href.replace("&amp;", "&")
            if href.startswith("/console") and href not in seen and "sign-out" not in href:
                todo.append(href)
    return seen


def test_markup_is_refused_in_the_name_and_shown_escaped_everywhere_else(
    markup_world: World,
) -> None:
    w = markup_world
    # the name, 2.018: refused at intake, naming the field
    for name in (SCRIPT, IMG):
        _, raw = _booking(w.settings, 2, {18: name})
        response = _post(w, raw)
        assert response.status_code == 400
        assert "record 1 (Type-2), field 2.018 NAM" in response.json()["detail"]
    # where EBTS takes any printable text: accepted and carried to the case
    tcn, raw = _booking(w.settings, 2, {
        6: SCRIPT, 9: "<b>OCA</b>", 41: f"1 MAIN ST {IMG}",
        47: (("", f"BURGLARY {SCRIPT} (NCIC 2299)"),),
    })  # fmt: skip
    assert _post(w, raw).status_code == 202, "EBTS accepts markup in ATN, OCA, RES and ASL"
    context = pipeline_context(w.settings)
    try:
        run_worker(w.work.factory, context, system.STEPS, worker="markup", until_idle=True,
                   priority=system.STAGE_PRIORITY, schedule=system.SCHEDULE)  # fmt: skip
    finally:
        context.components.galleries.close()
    with unit_of_work(w.work.factory) as session:
        piped = session.scalar(select(Case.case_number).where(Case.booking_tcn == tcn))
    assert piped is not None, "the booking reached no case"
    _to_documents(w, piped)
    # a case whose subject's name is markup, on the same prints
    officer = _principal("ice.officer")
    ref = w.work.read_case(officer, piped).paired_minutiae_ref
    notice = MatchNotice(
        booking_ori=world.JAIL, booking_tcn="VA0010000-MARKUP-0001", facility_ori=world.JAIL,
        facility_name=f"jail {IMG}", field_office=world.FIELD_OFFICE,
        subject=SubjectIdentifiers(fin="SYN7777", name=MARKUP_NAME,
                                   date_of_birth=date(1990, 5, 5), language="es"),
        ident=IdentResponse(summary=f"IDENT match {SCRIPT}", candidate_score=40.0,
                            paired_minutiae_ref=ref),
        booked_at=NOW - timedelta(hours=1),
    )  # fmt: skip
    burglary = CriminalHistoryEvent(
        "2299", Disposition.CONVICTED, date(2020, 1, 1), 400, description=f"BURGLARY {IMG}"
    )
    named = w.work.open_case_from_match(notice, [burglary]).case_number
    _to_documents(w, named)

    # every console page, for every role
    app = create_app(w.settings, clock=w.clock)
    mount(app, w.settings)
    drawn: list[str] = []
    real_multi_cell, real_cell = fpdf.FPDF.multi_cell, fpdf.FPDF.cell

    def multi_cell(self: fpdf.FPDF, w_: float, h: float = 0, text: str = "", *a, **k):  # type: ignore[no-untyped-def]
        assert not k.get("markdown"), "PDF text must not be interpreted as markup"
        drawn.append(text)
        return real_multi_cell(self, w_, h, text, *a, **k)

    def cell(
        self: fpdf.FPDF, w_: float | None = None, h: float | None = None, text: str = "", *a, **k
    ):  # type: ignore[no-untyped-def]
        assert not k.get("markdown")
        drawn.append(text)
        return real_cell(self, w_, h, text, *a, **k)

    pages_with_escaped: set[str] = set()
    pdfs = 0
    try:
        with (
            mock.patch.object(fpdf.FPDF, "multi_cell", multi_cell),
            mock.patch.object(fpdf.FPDF, "cell", cell),
        ):
            for user in synthetic_home.USERS:
                client = TestClient(app, follow_redirects=True)
                _sign_in(client, user.username)
                pages = _crawl(client)
                assert len(pages) < MAX_PAGES
                for url, response in pages.items():
                    assert response.status_code < 500, (user.username, url)  # type: ignore[attr-defined]
                    kind = response.headers.get("content-type", "")  # type: ignore[attr-defined]
                    if "pdf" in kind:
                        pdfs += 1
                        assert response.content.startswith(b"%PDF")  # type: ignore[attr-defined]
                        continue
                    text = response.text  # type: ignore[attr-defined]
                    for raw_markup in RAW:
                        assert raw_markup not in text, (user.username, url, raw_markup)
                    if any(e in text for e in ESCAPED):
                        pages_with_escaped.add(url)
    finally:
        app.state.engine.dispose()
    for case_number in (piped, named):
        assert f"/console/cases/{case_number}" in pages_with_escaped, case_number
        assert any(case_number in url and "detainer" in url for url in pages_with_escaped)
        assert any(case_number in url and "nta" in url for url in pages_with_escaped)
    assert pdfs >= 4, "the detainers' and NTAs' PDFs were not reached"
    assert any(MARKUP_NAME in t for t in drawn), "the PDF shows the name as it is"
    assert any(SCRIPT in t for t in drawn) and any(IMG in t for t in drawn)

    # the stand-alone documents (the CLI's and the PDF's source) escape it too
    with w.work.factory() as session:
        doc = documents.detainer_document(session, w.clock, officer, named, w.work.notices)
        nta = documents.notice_to_appear_document(session, w.clock, officer, named)
        session.commit()
    for html in (documents.render_detainer_html(doc), documents.render_notice_to_appear_html(nta)):
        assert not any(r in html for r in RAW) and ESCAPED[0] in html and ESCAPED[1] in html


def _sign_in(client: TestClient, username: str) -> None:
    form = client.get("/console/sign-in")
    token = re.search(r'name="csrf_token" value="([^"]+)"', form.text)
    assert token is not None
    response = client.post(
        "/console/sign-in",
        data={"csrf_token": token.group(1), "username": username, "password": DEMO_PASSWORD,
              "next": "/console/"},
    )  # fmt: skip
    assert response.status_code == 200 and "signed-in-as" in response.text, username
