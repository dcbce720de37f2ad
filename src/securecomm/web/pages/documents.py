"""Documents of a case to open or print: the detainer request, the notice to the person (in
their language), and the notice to appear.  Opening one is a read of personal data: it is
authorised and audited by the enforcement layer's functions.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from sqlalchemy import select

from securecomm.enforcement import audit
from securecomm.enforcement.errors import UnknownCaseError
from securecomm.enforcement.lookup import authorize, load_case
from securecomm.enforcement.models import ChargingDocument, Detainer
from securecomm.enforcement.roles import Permission
from securecomm.enforcement.vocabulary import ChargingKind
from securecomm.web.auth import SignedInUser
from securecomm.web.parameters import PREFIX
from securecomm.web.rendering import page
from securecomm.web.routing import ConsoleDep, ConsoleRoute, requires

router = APIRouter(prefix=PREFIX, route_class=ConsoleRoute, include_in_schema=False)
Reader = Annotated[SignedInUser, Depends(requires(Permission.READ_CASE))]

KINDS = ("detainer", "notice", "nta")


@router.get("/cases/{case_number}/documents/{kind}")
def document(
    request: Request, console: ConsoleDep, user: Reader, case_number: str, kind: str
) -> Response:
    if kind not in KINDS:
        raise UnknownCaseError(f"there is no document {kind!r} (one of {', '.join(KINDS)})")
    with console.unit() as session:
        case = load_case(session, case_number)
        authorize(session, console.clock, user.principal, Permission.READ_CASE, case)
        detainer = (
            session.execute(
                select(Detainer).where(Detainer.case_id == case.id).order_by(Detainer.id.desc())
            )
            .scalars()
            .first()
        )
        nta = (
            session.execute(
                select(ChargingDocument)
                .where(
                    ChargingDocument.case_id == case.id,
                    ChargingDocument.kind == ChargingKind.NOTICE_TO_APPEAR,
                )
                .order_by(ChargingDocument.id.desc())
            )
            .scalars()
            .first()
        )
        if kind in ("detainer", "notice") and detainer is None:
            raise UnknownCaseError(f"case {case_number} has no detainer, so no {kind} to open")
        if kind == "nta" and nta is None:
            raise UnknownCaseError(f"case {case_number} has no notice to appear")
        language = detainer.notice_language if detainer else case.subject_language
        audit.record(
            session, console.clock, user.principal, "document.read", case_number,
            {"document": kind},
        )  # fmt: skip
        return page(
            request,
            f"document_{kind}.html",
            user=user,
            case=case,
            detainer=detainer,
            nta=nta,
            notice_text=console.work.notices.text(language) if kind != "nta" else "",
            notice_english=console.work.notices.text("en") if kind != "nta" else "",
            language=language,
        )
