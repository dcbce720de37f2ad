"""Detainer (I-247-style) and NTA documents in HTML and PDF, with the notice in the person's
language."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest
from enforcement_support import AUDITOR, MANAGER, OFFICER, Flow, in_transaction

from securecomm.enforcement import audit, documents
from securecomm.enforcement.cases import CaseWork
from securecomm.enforcement.commands import (
    Charge,
    ExerciseDiscretion,
    IssueDetainer,
    TransferCustody,
)
from securecomm.enforcement.errors import DocumentError, PermissionDeniedError, UnknownCaseError
from securecomm.enforcement.notices import NoticeCatalog
from securecomm.enforcement.vocabulary import ChargingKind


def test_detainer_html_has_basis_deadline_and_both_notices(flow: Flow) -> None:
    cn = flow.detained_request()
    doc = flow.work.detainer_document(OFFICER, cn)
    html = documents.render_detainer_html(doc)
    assert doc.number in html and "I-247" in html
    assert "biometric confirmation of the subject" in html
    assert "2026-03-06 12:00 UTC" in html  # release 2026-03-04 12:00 + 48 hours
    assert [n.language for n in doc.notices] == ["es", "en"]
    assert "El Departamento de Seguridad Nacional" in html
    assert "The Department of Homeland Security" in html
    assert "verified by ice.officer" in html


def test_the_embeddable_document_is_the_page_without_its_frame(flow: Flow) -> None:
    """One text of the detainer: the console embeds the same article the whole page shows."""
    cn = flow.detained_request()
    doc = flow.work.detainer_document(OFFICER, cn)
    article = documents.render_detainer_html(doc, standalone=False)
    assert article.startswith('<article class="enforcement-document"')
    assert "<style" not in article and "<html" not in article and 'style="' not in article
    assert 'id="notice-es" lang="es"' in article and 'id="notice-en" lang="en"' in article
    assert article in documents.render_detainer_html(doc)
    nta = _served_nta(flow)
    nta_article = documents.render_notice_to_appear_html(nta, standalone=False)
    assert "<style" not in nta_article and nta_article in documents.render_notice_to_appear_html(
        nta
    )


def test_html_escapes_record_values(flow: Flow) -> None:
    cn = flow.reviewed()
    flow.work.handle(
        IssueDetainer(
            cn,
            bases=["statements_and_evidence"],
            basis_evidence="<script>alert(1)</script> admitted entry without inspection",
            release_eligible_at=flow.clock.now() + timedelta(days=2),
        ),
        OFFICER,
    )
    html = documents.render_detainer_html(flow.work.detainer_document(OFFICER, cn))
    assert "<script>" not in html and "&lt;script&gt;" in html


def test_detainer_pdf_is_a_pdf_with_a_page_per_notice(flow: Flow) -> None:
    cn = flow.detained_request()
    pdf = documents.render_detainer_pdf(flow.work.detainer_document(OFFICER, cn))
    assert pdf.startswith(b"%PDF-") and pdf.rstrip().endswith(b"%%EOF")
    assert len(re.findall(rb"/Type\s*/Page(?!s)", pdf)) == 3  # request, es, en
    assert b"DejaVu" in pdf  # the Unicode font is embedded for the Spanish notice


def test_reading_a_document_is_audited_and_needs_read_rights(flow: Flow) -> None:
    cn = flow.detained_request()
    flow.work.detainer_document(AUDITOR, cn)
    entries = in_transaction(flow.work, lambda s, c: audit.entries_for(s, cn))
    assert entries[-1].action == "document.detainer" and entries[-1].actor == "auditor"
    with pytest.raises(PermissionDeniedError):
        flow.work.detainer_document(MANAGER, cn)


def test_extra_notice_languages_come_from_a_directory(tmp_path: Path, flow: Flow) -> None:
    (tmp_path / "notice_fr.txt").write_text("AVIS À LA PERSONNE DÉTENUE\n\nTexte.", "utf-8")
    catalog = NoticeCatalog.load(tmp_path)
    assert catalog.languages == ("en", "es", "fr")
    cn = flow.reviewed(language="fr")
    work = CaseWork(flow.work.factory, flow.clock, notices=catalog)  # the service's catalogue
    work.handle(IssueDetainer(cn, bases=["statements_and_evidence"], basis_evidence="admission",
                              release_eligible_at=flow.clock.now() + timedelta(days=2)),
                OFFICER)  # fmt: skip
    doc = work.detainer_document(OFFICER, cn)
    assert doc.notices[0].text.startswith("AVIS À LA PERSONNE")
    assert b"%PDF" in documents.render_detainer_pdf(doc)[:8]
    with pytest.raises(DocumentError, match="does not exist"):
        NoticeCatalog.load(tmp_path / "missing")


def _served_nta(flow: Flow, tcn: str = "N1") -> documents.NoticeToAppearDocument:
    cn = flow.notification(tcn)
    flow.work.handle(TransferCustody(cn), OFFICER)
    flow.work.handle(
        Charge(
            cn,
            kind=ChargingKind.NOTICE_TO_APPEAR,
            allegations=[
                "You are not a citizen or national of the United States.",
                "You entered the United States at or near El Paso on 2019-04-02.",
            ],
            charges=["212(a)(6)(A)(i) of the Immigration and Nationality Act"],
            court="Dallas Immigration Court",
            hearing_at=flow.clock.now() + timedelta(days=21),
        ),
        OFFICER,
    )
    return flow.work.notice_to_appear_document(OFFICER, cn)


def test_notice_to_appear_html_and_pdf(flow: Flow) -> None:
    doc = _served_nta(flow)
    html = documents.render_notice_to_appear_html(doc)
    assert "El Paso on 2019-04-02" in html and "212(a)(6)(A)(i)" in html
    assert "Dallas Immigration Court" in html and "2026-03-23 12:00 UTC" in html
    assert documents.render_notice_to_appear_pdf(doc).startswith(b"%PDF-")


def test_missing_documents_are_named(flow: Flow) -> None:
    cn = flow.reviewed()
    flow.work.handle(ExerciseDiscretion(cn, reason="r"), OFFICER)
    with pytest.raises(UnknownCaseError, match="has no detainer"):
        flow.work.detainer_document(OFFICER, cn)
    with pytest.raises(UnknownCaseError, match="has no notice to appear"):
        flow.work.notice_to_appear_document(OFFICER, cn)
