"""Documents: the I-247-style detainer with the notice to the person, and the notice to appear.

Each document is first assembled as a plain dataclass from the records (reading it is an
audited read of personal data), then rendered to HTML with Jinja2 (autoescaped templates in
``enforcement/templates``) or to PDF with fpdf2.  The PDF uses DejaVu Sans (shipped with
matplotlib, a project dependency) so accented and non-Latin notice texts print correctly;
without it, the built-in Helvetica is used and text it cannot encode is refused.
"""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup
from sqlalchemy import select
from sqlalchemy.orm import Session

from securecomm.clock import Clock
from securecomm.enforcement import audit
from securecomm.enforcement.errors import DocumentError, UnknownCaseError
from securecomm.enforcement.lookup import authorize, load_case
from securecomm.enforcement.models import ChargingDocument, Detainer
from securecomm.enforcement.notices import NoticeCatalog
from securecomm.enforcement.roles import Permission, Principal
from securecomm.enforcement.vocabulary import ChargingKind, ProbableCauseBasis

BASIS_TEXT = {
    ProbableCauseBasis.FINAL_ORDER_OF_REMOVAL: "a final order of removal against the subject",
    ProbableCauseBasis.PENDING_REMOVAL_PROCEEDINGS: "the pendency of ongoing removal proceedings",
    ProbableCauseBasis.BIOMETRIC_MATCH_AND_RECORDS: (
        "biometric confirmation of the subject's identity and records checks of federal "
        "databases that indicate the subject lacks lawful status or is removable"
    ),
    ProbableCauseBasis.STATEMENTS_AND_EVIDENCE: (
        "statements made by the subject to an immigration officer and/or other reliable "
        "evidence that affirmatively indicate the subject lacks lawful status or is removable"
    ),
}


def _when(value: datetime | None) -> str:
    return value.strftime("%Y-%m-%d %H:%M UTC") if value else "not yet known"


@dataclass(frozen=True)
class NoticeText:
    language: str
    text: str


@dataclass(frozen=True)
class DetainerDocument:
    number: str
    case_number: str
    issued_at: str
    issued_by: str
    facility_name: str
    facility_ori: str
    booking: str
    subject_name: str
    subject_date_of_birth: str
    subject_fin: str
    subject_fbi_number: str
    verified_by: str
    verified_at: str
    bases: tuple[str, ...]
    basis_evidence: str
    release_eligible_at: str
    expires_at: str
    notices: tuple[NoticeText, ...]


@dataclass(frozen=True)
class NoticeToAppearDocument:
    case_number: str
    served_at: str
    served_by: str
    subject_name: str
    subject_fin: str
    subject_date_of_birth: str
    allegations: tuple[str, ...]
    charges: tuple[str, ...]
    court: str
    hearing_at: str


def detainer_document(
    session: Session,
    clock: Clock,
    principal: Principal,
    case_number: str,
    notices: NoticeCatalog | None = None,
) -> DetainerDocument:
    """The latest detainer of a case, with the notice in the person's language and English."""
    case = load_case(session, case_number)
    authorize(session, clock, principal, Permission.READ_CASE, case)
    detainer = (
        session.execute(
            select(Detainer).where(Detainer.case_id == case.id).order_by(Detainer.id.desc())
        )
        .scalars()
        .first()
    )
    if detainer is None:
        raise UnknownCaseError(f"case {case_number} has no detainer")
    notices = notices or NoticeCatalog.load()
    languages = [detainer.notice_language] + (["en"] if detainer.notice_language != "en" else [])
    audit.record(
        session, clock, principal, "document.detainer", case_number, {"detainer": detainer.number}
    )
    return DetainerDocument(
        number=detainer.number,
        case_number=case.case_number,
        issued_at=_when(detainer.issued_at),
        issued_by=detainer.issued_by,
        facility_name=case.facility_name,
        facility_ori=case.facility_ori,
        booking=f"{case.booking_ori} / {case.booking_tcn}",
        subject_name=case.subject_name,
        subject_date_of_birth=str(case.subject_date_of_birth or "unknown"),
        subject_fin=case.subject_fin,
        subject_fbi_number=case.subject_fbi_number,
        verified_by=case.identity_verified_by,
        verified_at=_when(case.identity_verified_at),
        bases=tuple(
            BASIS_TEXT[ProbableCauseBasis(b)]
            for b in detainer.bases
            if ProbableCauseBasis(b) in BASIS_TEXT
        ),
        basis_evidence=detainer.basis_evidence,
        release_eligible_at=_when(detainer.release_eligible_at),
        expires_at=_when(detainer.expires_at),
        notices=tuple(NoticeText(lang, notices.text(lang)) for lang in languages),
    )


def notice_to_appear_document(
    session: Session, clock: Clock, principal: Principal, case_number: str
) -> NoticeToAppearDocument:
    case = load_case(session, case_number)
    authorize(session, clock, principal, Permission.READ_CASE, case)
    charging = session.execute(
        select(ChargingDocument)
        .where(ChargingDocument.case_id == case.id,
               ChargingDocument.kind == ChargingKind.NOTICE_TO_APPEAR)
        .order_by(ChargingDocument.id.desc())
    ).scalars().first()  # fmt: skip
    if charging is None:
        raise UnknownCaseError(f"case {case_number} has no notice to appear")
    audit.record(session, clock, principal, "document.notice_to_appear", case_number, {})
    return NoticeToAppearDocument(
        case_number=case.case_number,
        served_at=_when(charging.served_at),
        served_by=charging.served_by,
        subject_name=case.subject_name,
        subject_fin=case.subject_fin,
        subject_date_of_birth=str(case.subject_date_of_birth or "unknown"),
        allegations=tuple(charging.allegations),
        charges=tuple(charging.charges),
        court=charging.court or "to be set by the immigration court",
        hearing_at=_when(charging.hearing_at) if charging.hearing_at else "to be set",
    )


_ENV = Environment(
    loader=PackageLoader("securecomm.enforcement", "templates"),
    autoescape=select_autoescape(["html"]),
    undefined=StrictUndefined,
    keep_trailing_newline=True,
)


def _html(template: str, title: str, doc: object, standalone: bool) -> str:
    body = _ENV.get_template(template).render(doc=doc)
    if not standalone:
        return body
    return _ENV.get_template("document_page.html").render(title=title, body=Markup(body))


def render_detainer_html(doc: DetainerDocument, *, standalone: bool = True) -> str:
    """The detainer with its notices: a whole page, or (``standalone=False``) the document's
    ``<article>`` alone, without style, to embed in another page (the console's)."""
    return _html("detainer_i247.html", f"Immigration detainer {doc.number}", doc, standalone)


def render_notice_to_appear_html(doc: NoticeToAppearDocument, *, standalone: bool = True) -> str:
    """The notice to appear: a whole page, or the ``<article>`` alone to embed."""
    title = f"Notice to appear — {doc.case_number}"
    return _html("notice_to_appear.html", title, doc, standalone)


# --- PDF -------------------------------------------------------------------------------------


def _dejavu() -> tuple[Path, Path] | None:
    spec = importlib.util.find_spec("matplotlib")
    if spec is None or not spec.submodule_search_locations:
        return None
    fonts = Path(next(iter(spec.submodule_search_locations))) / "mpl-data" / "fonts" / "ttf"
    regular, bold = fonts / "DejaVuSans.ttf", fonts / "DejaVuSans-Bold.ttf"
    return (regular, bold) if regular.is_file() and bold.is_file() else None


class _Pdf:
    """A thin writer over fpdf2: headings, label/value lines and paragraphs."""

    def __init__(self, title: str) -> None:
        from fpdf import FPDF

        self.pdf = FPDF(format="letter")
        self.pdf.set_title(title)
        self.pdf.set_creator("securecomm")
        self.pdf.set_auto_page_break(auto=True, margin=18)
        self.pdf.add_page()
        fonts = _dejavu()
        if fonts:
            self.pdf.add_font("DejaVu", "", str(fonts[0]))
            self.pdf.add_font("DejaVu", "B", str(fonts[1]))
            self.family, self.unicode = "DejaVu", True
        else:  # pragma: no cover - matplotlib is a dependency
            self.family, self.unicode = "Helvetica", False

    def _text(self, text: str) -> str:
        if not self.unicode:
            try:
                text.encode("latin-1")
            except UnicodeEncodeError as exc:
                raise DocumentError(
                    f"text {text[:40]!r} needs a Unicode font (DejaVu Sans not found)"
                ) from exc
        return text

    def heading(self, text: str, size: int = 12) -> None:
        self.pdf.set_font(self.family, "B", size)
        self.pdf.multi_cell(0, 6, self._text(text), new_x="LMARGIN", new_y="NEXT")
        self.pdf.ln(1)

    def field(self, label: str, value: str) -> None:
        self.pdf.set_font(self.family, "B", 9)
        self.pdf.cell(55, 5, self._text(label))
        self.pdf.set_font(self.family, "", 9)
        self.pdf.multi_cell(0, 5, self._text(value), new_x="LMARGIN", new_y="NEXT")

    def paragraph(self, text: str, size: int = 9) -> None:
        self.pdf.set_font(self.family, "", size)
        self.pdf.multi_cell(0, 4.6, self._text(text), new_x="LMARGIN", new_y="NEXT")
        self.pdf.ln(2)

    def bytes(self) -> bytes:
        return bytes(self.pdf.output())


def render_detainer_pdf(doc: DetainerDocument) -> bytes:
    out = _Pdf(f"Immigration detainer {doc.number}")
    out.heading("Immigration detainer - request for voluntary action (I-247-style)", 13)
    out.field("Detainer", f"{doc.number} (case {doc.case_number})")
    out.field("Issued", f"{doc.issued_at} by {doc.issued_by}")
    out.field("Facility", f"{doc.facility_name} ({doc.facility_ori})")
    out.field("Booking", doc.booking)
    out.heading("Subject")
    out.field("Name", doc.subject_name)
    out.field("Date of birth", doc.subject_date_of_birth)
    out.field("FIN (IDENT)", doc.subject_fin)
    out.field("FBI number", doc.subject_fbi_number)
    out.field("Identity", f"biometric match verified by {doc.verified_by} on {doc.verified_at}")
    out.heading("Probable cause")
    for basis in doc.bases:
        out.paragraph(f"- {basis}")
    out.paragraph(f"Documented basis: {doc.basis_evidence}")
    out.heading("Request")
    out.paragraph(
        "Notify DHS before the subject is released, and maintain custody of the subject for no "
        "more than 48 hours beyond the time when the subject would otherwise be released, so "
        "that DHS may assume custody."
    )
    out.field("Release-eligible time", doc.release_eligible_at)
    out.field("This request expires", doc.expires_at)
    for notice in doc.notices:
        out.pdf.add_page()
        out.heading(f"Notice to the person [{notice.language}]")
        for para in notice.text.split("\n\n"):
            out.paragraph(para, size=10)
    return out.bytes()


def render_notice_to_appear_pdf(doc: NoticeToAppearDocument) -> bytes:
    out = _Pdf(f"Notice to appear {doc.case_number}")
    out.heading("Notice to appear in removal proceedings (INA section 240)", 13)
    out.field("Case", doc.case_number)
    out.field("Served", f"{doc.served_at} by {doc.served_by}")
    out.field("In the matter of", doc.subject_name)
    out.field("FIN (IDENT)", doc.subject_fin)
    out.field("Date of birth", doc.subject_date_of_birth)
    out.heading("The Department of Homeland Security alleges that")
    for number, allegation in enumerate(doc.allegations, start=1):
        out.paragraph(f"{number}. {allegation}")
    out.heading("You are charged with being subject to removal under")
    for charge in doc.charges:
        out.paragraph(f"- {charge}")
    out.heading("You are ordered to appear")
    out.field("Court", doc.court)
    out.field("Date and time", doc.hearing_at)
    out.paragraph(
        "You may be represented in these proceedings, at no expense to the Government, by an "
        "attorney or other representative of your choice. If you believe you are a citizen of "
        "the United States, tell the officer and the court."
    )
    return out.bytes()
