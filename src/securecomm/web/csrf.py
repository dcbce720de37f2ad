"""CSRF protection: a token in every form, checked on every POST.

Signed-in forms carry ``HMAC(secret_key, "csrf", session id)``: tied to the session, useless
to another one, never stored.  The sign-in form (no session yet) carries the signature of a
random value the server set in an HttpOnly cookie when it served the form (a signed double
submit).  Cookies are also ``SameSite=Strict``, a second line of defence.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from securecomm.web.errors import CsrfError
from securecomm.web.signing import Signer

FIELD = "csrf_token"
REFUSAL = (
    "the form is missing its security token or the token belongs to another session; "
    "reload the page and submit it again"
)


def check_session_token(signer: Signer, session_id: int, form: Mapping[str, Any]) -> None:
    token = form.get(FIELD)
    if not isinstance(token, str) or not signer.matches("csrf", str(session_id), token):
        raise CsrfError(REFUSAL)


def signin_token(signer: Signer, nonce: str) -> str:
    return signer.signature("csrf-signin", nonce)


def check_signin_token(signer: Signer, nonce: str | None, form: Mapping[str, Any]) -> None:
    token = form.get(FIELD)
    if not nonce or not isinstance(token, str) or not signer.matches("csrf-signin", nonce, token):
        raise CsrfError(REFUSAL)
