"""Documents of a case to open, print or download: the detainer request with the notice to the
person (in their language and in English), and the notice to appear.

What a document says is the enforcement layer's alone (``enforcement.documents``: the document
assembled from the records, its Jinja2 template and its PDF); the console embeds that HTML in
its page and serves that PDF.  Opening either is a read of personal data: the route requires
``read_case``, and the enforcement function authorises the reader on the case and audits the
read (``document.detainer``, ``document.notice_to_appear``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from markupsafe import Markup

from securecomm.enforcement import CaseWork, Permission, Principal, UnknownCaseError, documents
from securecomm.web.auth import SignedInUser
from securecomm.web.parameters import PREFIX
from securecomm.web.rendering import SECURITY_HEADERS, page
from securecomm.web.routing import ConsoleDep, ConsoleRoute, requires

router = APIRouter(prefix=PREFIX, route_class=ConsoleRoute, include_in_schema=False)
Reader = Annotated[SignedInUser, Depends(requires(Permission.READ_CASE))]

PDF_SUFFIX = ".pdf"


@dataclass(frozen=True)
class DocumentKind:
    """One kind of document: how enforcement assembles it and renders it."""

    title: str
    #: Case work's audited read of the document: ``(work, principal, case_number)``.
    assemble: Callable[[CaseWork, Principal, str], Any]
    html: Callable[..., str]
    pdf: Callable[[Any], bytes]


KINDS = {
    "detainer": DocumentKind(
        "Detainer request and notice",
        CaseWork.detainer_document,
        documents.render_detainer_html,
        documents.render_detainer_pdf,
    ),
    "nta": DocumentKind(
        "Notice to appear",
        CaseWork.notice_to_appear_document,
        documents.render_notice_to_appear_html,
        documents.render_notice_to_appear_pdf,
    ),
}


@router.get("/cases/{case_number}/documents/{name}")
def document(
    request: Request, console: ConsoleDep, user: Reader, case_number: str, name: str
) -> Response:
    """``detainer`` / ``nta``: the document in the console's page; ``<kind>.pdf``: its PDF."""
    as_pdf = name.endswith(PDF_SUFFIX)
    key = name.removesuffix(PDF_SUFFIX)
    kind = KINDS.get(key)
    if kind is None:
        raise UnknownCaseError(f"there is no document {name!r} (one of {', '.join(KINDS)})")
    doc = kind.assemble(console.work, user.principal, case_number)
    if as_pdf:
        return Response(
            kind.pdf(doc),
            media_type="application/pdf",
            headers={
                **SECURITY_HEADERS,
                "Content-Disposition": f'attachment; filename="{case_number}-{key}.pdf"',
            },
        )
    return page(
        request,
        "document.html",
        user=user,
        case_number=case_number,
        title=kind.title,
        pdf_url=f"{PREFIX}/cases/{case_number}/documents/{key}{PDF_SUFFIX}",
        body=Markup(kind.html(doc, standalone=False)),
    )
