"""The case page: what it shows, that reading it is audited, actions and their refusals,
documents."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import func, select
from web_support import WebApp, csrf_of

from securecomm.enforcement import documents
from securecomm.enforcement.inputs import (
    CriminalHistoryEvent,
    Disposition,
    IdentResponse,
    MatchNotice,
    SubjectIdentifiers,
)
from securecomm.enforcement.models import AuditEntry, Case
from securecomm.enforcement.roles import Principal, Role
from securecomm.synthetic import world

OFFICER = Principal("ice.officer", Role.ICE_OFFICER, office=world.FIELD_OFFICE)
DOCUMENT_READS = ("document.detainer", "document.notice_to_appear")


def _audit_count(web: WebApp, action: str, subject: str) -> int:
    with web.console.unit() as session:
        return int(
            session.scalar(
                select(func.count()).where(
                    AuditEntry.action == action, AuditEntry.subject == subject
                )
            )
        )


def test_reading_a_case_is_audited_each_time(web: WebApp) -> None:
    case_number = web.case_at("jail_declined")
    before = _audit_count(web, "case.read", case_number)
    client = web.client("ice.officer")
    client.get(f"/console/cases/{case_number}")
    client.get(f"/console/cases/{case_number}")
    assert _audit_count(web, "case.read", case_number) == before + 2


def _detainer_line(web: WebApp, stage: str) -> str:
    html = web.client("ice.officer").get(f"/console/cases/{web.case_at(stage)}").text
    return html.split('data-testid="detainer"')[1].split("</dd>")[0]


def test_a_declined_detainer_is_not_shown_as_a_hold(web: WebApp) -> None:
    declined = _detainer_line(web, "jail_declined")  # its expiry passed; the sweep has not run
    assert declined.startswith(">declined; the jail will not hold the person past release")
    assert "(no deadline: the expiry sweep closes the request)" in declined
    assert "overdue" not in declined
    assert "left" in _detainer_line(web, "detainer_urgent")  # unanswered: a hold with time left
    web.clock.advance(timedelta(hours=11))
    assert "overdue by 1 h" in _detainer_line(web, "detainer_urgent")


def test_convictions_with_levels_and_pending_charges_are_shown_apart(web: WebApp) -> None:
    case_number = web.case_at("jail_declined")  # 2303 convicted, 1313 pending
    html = web.client("ice.officer").get(f"/console/cases/{case_number}").text
    convictions = html.split('data-testid="convictions"')[1].split("</table>")[0]
    pending = html.split('data-testid="pending"')[1].split("</table>")[0]
    assert "2303" in convictions and "SHOPLIFTING" in convictions and "Level 2" in convictions
    assert "1313" not in convictions
    assert "1313" in pending and "2303" not in pending
    assert "never raise the level" in html


def test_the_history_comes_from_the_audit_log(web: WebApp) -> None:
    case_number = web.case_at("in_proceedings")
    html = web.client("ice.officer").get(f"/console/cases/{case_number}").text
    history = html.split('data-testid="history"')[1].split("</ol>")[0]
    with web.console.unit() as session:
        seqs = (
            session.execute(
                select(AuditEntry.seq).where(
                    AuditEntry.subject == case_number,
                    AuditEntry.action.not_in(["case.read", "case.examiner_view", *DOCUMENT_READS]),
                )
            )
            .scalars()
            .all()
        )
    assert len(seqs) >= 10
    for seq in seqs:
        assert f"#{seq}<" in history
    assert "detainer honoured → transferred" in history


def test_an_action_is_performed_and_recorded(web: WebApp) -> None:
    case_number = web.case_at("verified")  # identity verified
    client = web.client("lesc.specialist")
    page = client.get(f"/console/cases/{case_number}")
    assert 'data-action="record_status_research"' in page.text
    response = client.post(
        f"/console/cases/{case_number}/actions/record_status_research",
        data={"csrf_token": csrf_of(page.text), "finding": "removal_order_on_record",
              "record_references": "EOIR order A-SYN-1 of 2017-03-02\nEID removal 2017"},
    )  # fmt: skip
    assert response.status_code == 200
    assert "Recorded: record status research" in response.text
    assert web.case(case_number).state.value == "status_researched"
    assert _audit_count(web, "case.record_status_research", case_number) == 1


def test_a_refusal_is_explained_in_plain_words_and_nothing_changes(web: WebApp) -> None:
    case_number = web.case_at("verified")
    client = web.client("lesc.specialist")
    page = client.get(f"/console/cases/{case_number}")
    response = client.post(
        f"/console/cases/{case_number}/actions/record_status_research",
        data={"csrf_token": csrf_of(page.text), "finding": "no_lawful_status_on_record"},
    )
    assert response.status_code == 409
    assert "foreign birth or a missing record is never a basis" in response.text
    assert "Record status research — refused." in response.text
    assert web.case(case_number).state.value == "identity_verified"


def test_a_malformed_value_names_the_field(web: WebApp) -> None:
    case_number = web.case_at("assessed")
    client = web.client("ice.officer")
    page = client.get(f"/console/cases/{case_number}")
    response = client.post(
        f"/console/cases/{case_number}/actions/schedule_interview",
        data={"csrf_token": csrf_of(page.text), "mode": "video", "scheduled_at": "tomorrow"},
    )
    assert response.status_code == 422
    assert "When (UTC): &#39;tomorrow&#39; is not a date and time" in response.text


def test_the_citizenship_gate_leaves_only_review_actions(web: WebApp) -> None:
    case_number = web.case_at("gate_open")
    html = web.client("supervisor").get(f"/console/cases/{case_number}").text
    assert "Citizenship review open" in html
    offered = {part.split('"')[0] for part in html.split('data-action="')[1:]}
    assert offered == {
        "record_supervisor_review",
        "clear_citizenship_review",
        "establish_citizenship",
    }


def test_documents_are_enforcements_own_in_html_and_pdf_and_are_audited(web: WebApp) -> None:
    case_number = web.case_at("in_proceedings")
    client = web.client("ice.officer")
    case_page = client.get(f"/console/cases/{case_number}").text
    for link in ("detainer", "detainer.pdf", "detainer#notice-es", "nta", "nta.pdf"):
        assert f'/documents/{link}"' in case_page
    before = {a: _audit_count(web, a, case_number) for a in DOCUMENT_READS}
    detainer = client.get(f"/console/cases/{case_number}/documents/detainer")
    assert detainer.status_code == 200
    assert "not to exceed 48 hours" not in detainer.text  # the console's old copy is gone
    # the detainer is enforcement's document, embedded as it renders it
    doc = web.console.work.detainer_document(OFFICER, case_number)
    assert documents.render_detainer_html(doc, standalone=False) in detainer.text
    assert f"{case_number}-D1" in detainer.text and "I-247" in detainer.text
    assert 'id="notice-es" lang="es"' in detainer.text and 'lang="en"' in detainer.text
    assert "/documents/detainer.pdf" in detainer.text
    pdf = client.get(f"/console/cases/{case_number}/documents/detainer.pdf")
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF-") and "attachment" in pdf.headers["content-disposition"]
    nta = client.get(f"/console/cases/{case_number}/documents/nta")
    assert "Notice to appear" in nta.text and "212(a)(6)(A)(i)" in nta.text
    assert 'data-document="notice_to_appear"' in nta.text
    nta_pdf = client.get(f"/console/cases/{case_number}/documents/nta.pdf")
    assert nta_pdf.content.startswith(b"%PDF-")
    after = {a: _audit_count(web, a, case_number) for a in DOCUMENT_READS}
    # every read by the console is audited (plus the one this test made to compare)
    assert after["document.detainer"] - before["document.detainer"] == 3
    assert after["document.notice_to_appear"] - before["document.notice_to_appear"] == 2
    missing = client.get(f"/console/cases/{web.case_at('match')}/documents/nta")
    assert missing.status_code == 404 and "has no notice to appear" in missing.text
    unknown = client.get(f"/console/cases/{case_number}/documents/notice")
    assert unknown.status_code == 404 and "there is no document" in unknown.text


def test_documents_need_read_rights_on_the_case(web: WebApp) -> None:
    case_number = web.case_at("in_proceedings")
    response = web.client("program.manager").get(
        f"/console/cases/{case_number}/documents/detainer.pdf"
    )
    assert response.status_code == 403 and not response.content.startswith(b"%PDF")


def test_an_unknown_case_is_a_plain_404(web: WebApp) -> None:
    response = web.client("ice.officer").get("/console/cases/SC-1999-000001")
    assert response.status_code == 404
    assert "no case &#39;SC-1999-000001&#39;" in response.text


def test_a_later_booking_of_the_person_is_shown_on_the_open_case(web: WebApp) -> None:
    case_number = web.case_at("jail_declined")
    with web.console.unit() as session:
        case = session.execute(select(Case).where(Case.case_number == case_number)).scalar_one()
        rebooking = MatchNotice(
            booking_ori=case.facility_ori, booking_tcn="TEST-REBOOK-000001",
            facility_ori=case.facility_ori, facility_name=case.facility_name,
            field_office=case.field_office,
            subject=SubjectIdentifiers(fin=case.subject_fin, name=case.subject_name),
            ident=IdentResponse(summary="IDENT match (test)", candidate_score=51.5,
                                paired_minutiae_ref=case.paired_minutiae_ref),
            booked_at=case.booked_at,
        )  # fmt: skip
    taken = web.console.work.take_match(
        rebooking, [CriminalHistoryEvent("1313", Disposition.PENDING, date(2026, 3, 1))]
    )
    assert taken.case.case_number == case_number
    html = web.client("ice.officer").get(f"/console/cases/{case_number}").text
    later = html.split('data-testid="later-bookings"')[1].split("</table>")[0]
    assert "TEST-REBOOK-000001" in later and "51.5" in later and "1313" in later
