"""Sign-in and sign-out."""

from __future__ import annotations

import secrets

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from securecomm.api.statuses import status_of
from securecomm.web import auth
from securecomm.web.csrf import check_signin_token, signin_token
from securecomm.web.errors import SignInThrottledError
from securecomm.web.parameters import PREFIX, SESSION_COOKIE, SESSION_LIFETIME, SIGNIN_COOKIE
from securecomm.web.rendering import navigation, page
from securecomm.web.routing import ConsoleDep, ConsoleRoute, Posted, session_token

router = APIRouter(prefix=PREFIX, route_class=ConsoleRoute, include_in_schema=False)


def _safe_next(target: str) -> str:
    """Only paths inside the console (no open redirect)."""
    if target.startswith(PREFIX + "/") and not target.startswith("//"):
        return target
    return PREFIX + "/"


def _signin_page(
    request: Request, console, *, next_: str, why: str = "", error: str = "", status: int = 200
) -> Response:
    nonce = secrets.token_urlsafe(24)
    response = page(
        request,
        "signin.html",
        status_code=status,
        csrf_token=signin_token(console.signer, nonce),
        next=_safe_next(next_),
        why=why,
        error=error,
    )
    response.set_cookie(
        SIGNIN_COOKIE, nonce, httponly=True, samesite="strict", path=PREFIX + "/sign-in"
    )
    return response


@router.get("/sign-in")
def sign_in_form(request: Request, console: ConsoleDep, next: str = "", why: str = "") -> Response:
    return _signin_page(request, console, next_=next, why=why)


@router.post("/sign-in")
async def sign_in(request: Request, console: ConsoleDep) -> Response:
    form = await request.form()
    values = {k: v for k, v in form.items() if isinstance(v, str)}
    check_signin_token(console.signer, request.cookies.get(SIGNIN_COOKIE), values)
    next_ = values.get("next", "")
    with console.unit() as session:  # what the attempt counted is committed, refused or not
        outcome = auth.sign_in(
            session, console.clock, values.get("username", ""), values.get("password", ""),
            address=request.client.host if request.client else "",
        )  # fmt: skip
    if outcome.refusal is not None:
        exc = outcome.refusal
        status = status_of(exc)
        response = _signin_page(request, console, next_=next_, error=str(exc), status=status)
        if isinstance(exc, SignInThrottledError):
            response.headers["Retry-After"] = str(exc.retry_after)
        return response
    token = outcome.token
    response = RedirectResponse(_safe_next(next_), status_code=303)
    response.set_cookie(
        SESSION_COOKIE,
        console.signer.sign("session", token),
        max_age=int(SESSION_LIFETIME.total_seconds()),
        httponly=True,
        samesite="strict",
        secure=console.settings.environment != "development",
        path=PREFIX,
    )
    response.delete_cookie(SIGNIN_COOKIE, path=PREFIX + "/sign-in")
    return response


@router.post("/sign-out")
def sign_out(request: Request, console: ConsoleDep, form: Posted) -> Response:
    with console.unit() as session:
        auth.sign_out(session, console.clock, session_token(request, console))
    response = RedirectResponse(f"{PREFIX}/sign-in?why=you+signed+out", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path=PREFIX)
    return response


@router.get("/")
def home(request: Request, console: ConsoleDep) -> Response:
    """The first page the user's role may see."""
    from securecomm.web.routing import current_user

    user = current_user(request, console)
    items = navigation(user)
    if not items:
        return page(request, "error.html", user=user, status_code=403,
                    message=f"role {user.role.value} has no page in the console",
                    kind="PermissionDeniedError")  # fmt: skip
    return RedirectResponse(items[0][1], status_code=303)
