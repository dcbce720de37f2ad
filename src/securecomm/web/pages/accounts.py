"""Locked accounts and their unlocking: a supervisor (accounts of its field office) or a
program manager (any) unlocks an account locked after too many failed sign-ins, with a reason
that goes to the audit log (``web.throttle``)."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response

from securecomm.api.statuses import status_of
from securecomm.enforcement import Permission
from securecomm.web import throttle
from securecomm.web.auth import SignedInUser
from securecomm.web.errors import FormError
from securecomm.web.parameters import LOCKOUT_AFTER, PREFIX
from securecomm.web.rendering import page
from securecomm.web.routing import ConsoleDep, ConsoleRoute, Posted, requires

router = APIRouter(prefix=PREFIX, route_class=ConsoleRoute, include_in_schema=False)
Administrator = Annotated[SignedInUser, Depends(requires(Permission.ADMINISTER))]


def _page(
    request: Request, console, user: SignedInUser, *, done: str = "", error: str = "",
    status: int = 200,
) -> Response:  # fmt: skip
    with console.unit() as session:
        locked = throttle.locked_accounts(session, user.principal)
    return page(
        request, "accounts.html", user=user, status_code=status, locked=locked, done=done,
        error=error, lockout_after=LOCKOUT_AFTER,
    )  # fmt: skip


@router.get("/accounts")
def accounts_page(
    request: Request, console: ConsoleDep, user: Administrator, done: str = ""
) -> Response:
    return _page(request, console, user, done=done)


@router.post("/accounts/{username}/unlock")
def unlock(request: Request, console: ConsoleDep, form: Posted, username: str) -> Response:
    try:
        with console.unit() as session:
            throttle.unlock(session, console.clock, form.user.principal, username,
                            reason=form.values.get("reason", ""))  # fmt: skip
    except FormError as exc:
        return _page(request, console, form.user, error=str(exc), status=status_of(exc))
    return RedirectResponse(f"{PREFIX}/accounts?done={quote(username)}", status_code=303)
