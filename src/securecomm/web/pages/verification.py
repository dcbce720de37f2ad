"""Match verification: probe and gallery prints side by side with the paired minutiae (the
fingerprint engine's examiner view), per-finger scores, and the officer's confirm or reject.

The paired-minutiae count sent to the enforcement layer is the comparator's, recomputed here
from the stored prints — never typed by the officer; choosing "confirm" on this page is the
officer's explicit confirmation.  That the view is this match's, that it shows paired minutiae
at all (``enforcement.parameters.MIN_PAIRED_MINUTIAE_SHOWN``) and that the search's decision and
score are recorded as evidence are enforcement's guards.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from securecomm.api.statuses import status_of
from securecomm.enforcement import RejectMatch, VerifyIdentity, audit, refusals
from securecomm.enforcement.cases import read_case
from securecomm.enforcement.lookup import authorize, load_case
from securecomm.enforcement.roles import Permission
from securecomm.enforcement.vocabulary import CaseState
from securecomm.errors import SecurecommError
from securecomm.web.auth import SignedInUser
from securecomm.web.context import Console
from securecomm.web.errors import FormError
from securecomm.web.parameters import PREFIX
from securecomm.web.rendering import page
from securecomm.web.routing import ConsoleDep, ConsoleRoute, Posted, requires

router = APIRouter(prefix=PREFIX, route_class=ConsoleRoute, include_in_schema=False)
Reader = Annotated[SignedInUser, Depends(requires(Permission.READ_CASE))]


def _page(
    request: Request,
    console: Console,
    user: SignedInUser,
    case_number: str,
    *,
    after: SecurecommError | None = None,
    **extra: object,
) -> Response:
    """The examiner's view; ``after`` a refused decision, the page shown with the refusal (if
    the case cannot be shown either, the refusal — on the audit log already — is the answer)."""
    if after is None:
        door = console.work.unit(user.principal, "examiner_view", case_number)
    else:
        door = console.unit()  # showing the answer is no second attempt
    try:
        with door as session:
            return _render(request, console, session, user, case_number, extra)
    except SecurecommError:
        if after is not None and refusals.recorded(after):
            raise after from None
        raise


def _render(
    request: Request,
    console: Console,
    session: Session,
    user: SignedInUser,
    case_number: str,
    extra: dict[str, object],
) -> Response:
    view = read_case(session, console.clock, user.principal, case_number)
    ref = view.paired_minutiae_ref
    prints_error = ""
    try:
        fingers = console.prints.summary(ref)
    except SecurecommError as exc:
        fingers, prints_error = [], str(exc)
    audit.record(
        session, console.clock, user.principal, "case.examiner_view", case_number,
        {"paired_minutiae_ref": ref, "fingers": [int(f.position) for f in fingers]},
    )  # fmt: skip
    status = int(extra.pop("status_code", 200))  # type: ignore[call-overload]  # the template context is untyped
    return page(
        request,
        "verify.html",
        user=user,
        status_code=status,
        view=view,
        fingers=fingers,
        best=max((f.paired for f in fingers), default=0),
        prints_error=prints_error,
        can_decide=user.can(Permission.VERIFY_IDENTITY) and view.state is CaseState.MATCH_RECEIVED,
        **extra,
    )


@router.get("/cases/{case_number}/verify")
def verification_page(
    request: Request, console: ConsoleDep, user: Reader, case_number: str
) -> Response:
    return _page(request, console, user, case_number)


@router.get("/cases/{case_number}/verify/{position}.png")
def examiner_picture(
    console: ConsoleDep, user: Reader, case_number: str, position: int
) -> Response:
    with console.work.unit(user.principal, "examiner_picture", case_number) as session:
        case = load_case(session, case_number)
        authorize(session, console.clock, user.principal, Permission.READ_CASE, case)
        ref = case.paired_minutiae_ref
    return Response(
        console.prints.view_png(ref, position),
        media_type="image/png",
        headers={"Cache-Control": "private, no-store"},
    )


@router.post("/cases/{case_number}/verify")
def decide(request: Request, console: ConsoleDep, form: Posted, case_number: str) -> Response:
    decision = form.values.get("decision", "")
    reason = form.values.get("reason", "").strip()
    principal = form.user.principal
    try:
        if decision not in ("confirm", "reject"):
            raise FormError("decision: choose confirm or reject")
        with console.unit() as session:
            ref = load_case(session, case_number).paired_minutiae_ref
        if decision == "confirm":
            # the comparator's count on the stored prints; without prints there is no view,
            # and enforcement's guard refuses a confirmation on no paired minutiae
            try:
                best = max((f.paired for f in console.prints.summary(ref)), default=0)
            except SecurecommError:
                best = 0
            console.work.handle(
                VerifyIdentity(
                    case_number, paired_minutiae_ref=ref, paired_minutiae_count=best, notes=reason
                ),
                principal,
            )
        else:
            console.work.handle(
                RejectMatch(case_number, paired_minutiae_ref=ref, reason=reason), principal
            )
    except SecurecommError as exc:
        return _page(
            request, console, form.user, case_number, after=exc, refusal=str(exc),
            status_code=status_of(exc), submitted=form.values,
        )  # fmt: skip
    done = "verify_identity" if decision == "confirm" else "reject_match"
    return RedirectResponse(f"{PREFIX}/cases/{case_number}?done={done}", status_code=303)
