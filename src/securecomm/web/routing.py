"""The console's route class and named dependencies.

``ConsoleRoute`` turns errors into pages, in one place: no session → the sign-in page (with the
reason: expired, signed out); any other ``SecurecommError`` (a refusal of the enforcement
layer, a bad form, a missing token) → an error page with its status and its message.  A
refusal that did not pass through case work's door (``CaseWork.call`` / ``CaseWork.unit``,
which record their own) — a page the role may not open — is put on the audit log here.  Routes
declare who may use them with ``Depends(requires(Permission.X))``, checked by the enforcement
layer's ``require`` against its permission matrix.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import Depends, Request
from fastapi.responses import RedirectResponse, Response
from fastapi.routing import APIRoute
from starlette.concurrency import run_in_threadpool

from securecomm.api.statuses import status_of
from securecomm.enforcement import Permission, refusals, require
from securecomm.errors import SecurecommError
from securecomm.web import auth
from securecomm.web.context import Console
from securecomm.web.csrf import check_session_token
from securecomm.web.errors import SignInRequiredError
from securecomm.web.parameters import PREFIX, SESSION_COOKIE
from securecomm.web.rendering import page


class ConsoleRoute(APIRoute):
    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def console_handler(request: Request) -> Response:
            try:
                return await handler(request)
            except SignInRequiredError as exc:
                target = request.url.path
                if request.url.query:
                    target += "?" + request.url.query
                if request.method != "GET":
                    target = PREFIX + "/"
                response = RedirectResponse(
                    f"{PREFIX}/sign-in?next={quote(target)}&why={quote(str(exc))}",
                    status_code=303,
                )
                response.delete_cookie(SESSION_COOKIE, path=PREFIX)
                return response
            except SecurecommError as exc:
                user = getattr(request.state, "console_user", None)
                if user is not None and refusals.is_refusal(exc) and not refusals.recorded(exc):
                    await run_in_threadpool(self._record_refusal, request, user, exc)
                return page(
                    request,
                    "error.html",
                    user=user,
                    status_code=status_of(exc),
                    message=str(exc),
                    kind=type(exc).__name__,
                )

        return console_handler

    def _record_refusal(
        self, request: Request, user: auth.SignedInUser, exc: SecurecommError
    ) -> None:
        """A refusal that did not pass through case work's door (a page the role may not
        open): recorded here, with the route as the action tried."""
        console: Console = request.app.state.console
        console.work.record_refusal(
            user.principal,
            f"{request.method} {self.path_format}",
            str(request.path_params.get("case_number", "")),
            exc,
        )


def get_console(request: Request) -> Console:
    return request.app.state.console


ConsoleDep = Annotated[Console, Depends(get_console)]


def session_token(request: Request, console: Console) -> str | None:
    signed = request.cookies.get(SESSION_COOKIE)
    return console.signer.unsign("session", signed) if signed else None


def current_user(request: Request, console: ConsoleDep) -> auth.SignedInUser:
    """The signed-in user (the session's activity is noted), or a redirect to sign in."""
    token = session_token(request, console)
    with console.unit() as session:
        user = auth.resume(session, console.clock, token)
    request.state.console_user = user
    return user


CurrentUser = Annotated[auth.SignedInUser, Depends(current_user)]


def requires(*permissions: Permission) -> Callable[..., auth.SignedInUser]:
    """A dependency: the signed-in user, if their role holds one of ``permissions``."""

    def dependency(user: CurrentUser) -> auth.SignedInUser:
        first = None
        for permission in permissions:
            try:
                require(user.principal, permission)
                return user
            except SecurecommError as exc:
                first = first or exc
        assert first is not None
        raise first

    return dependency


@dataclass(frozen=True)
class PostedForm:
    """A POSTed form whose CSRF token was checked: single values and multi-valued lists."""

    user: auth.SignedInUser
    values: dict[str, Any]
    lists: dict[str, list[str]]


async def posted_form(request: Request, user: CurrentUser, console: ConsoleDep) -> PostedForm:
    form = await request.form()
    values = {k: v for k, v in form.items() if isinstance(v, str)}
    lists = {k: [v for v in form.getlist(k) if isinstance(v, str)] for k in form}
    check_session_token(console.signer, user.session_id, values)
    return PostedForm(user, values, lists)


Posted = Annotated[PostedForm, Depends(posted_form)]
