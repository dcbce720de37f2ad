"""Errors of the API and how they are answered, and their declaration in the OpenAPI schema.

One exception handler: a ``SecurecommError`` becomes its status (``statuses.status_of``) with
``{"detail": message}`` (``schemas.ErrorBody``), the message being the same one the CLI
prints. ``error_responses`` declares those answers per route, so the served schema lists every
status a route gives.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from securecomm.api.schemas import ErrorBody
from securecomm.api.statuses import status_of
from securecomm.errors import SecurecommError


class NotAuthenticatedError(SecurecommError):
    status_code = 401


class SubmissionTooLargeError(SecurecommError):
    """The request body is larger than the API takes (``create_app(max_submission_bytes)``)."""

    status_code = 413


#: What each error status means on this API (the schema's response descriptions).
ERROR_DESCRIPTIONS = {
    400: "The transaction cannot be read or violates EBTS; the message names the record, "
    "field and byte offset. Nothing is stored.",
    401: "No API key, or an unknown or revoked one.",
    403: "The transaction's ORI (1.008) is not the submitting agency's.",
    404: "The agency has no submission with this TCN (another agency's TCN is answered alike).",
    409: "The TCN was already used by this agency for another transaction.",
    413: "The request body is larger than the API takes.",
}

_AUTHENTICATE_HEADER = {
    "WWW-Authenticate": {
        "description": "How to authenticate: `Bearer`.",
        "schema": {"type": "string"},
    }
}


#: The same for the case-work routes (staff, not agencies).
CASE_WORK_ERROR_DESCRIPTIONS = {
    400: "The command or its fields are malformed; the message names the field. Nothing changes.",
    401: "No staff session token, or an unknown, expired or ended one; or a failed sign-in.",
    403: "The staff member's role or scope does not allow it (the refusal is on the audit log).",
    404: "There is no such case.",
    409: "Not possible in the case's state, or a safeguard refuses it (on the audit log).",
    429: "Too many failed sign-ins from this account or address: wait and retry.",
}


def error_responses(
    *codes: int, descriptions: dict[int, str] | None = None
) -> dict[int | str, dict[str, Any]]:
    """The ``responses`` of a route for these error statuses, each with the ``ErrorBody``."""
    described = descriptions or ERROR_DESCRIPTIONS
    out: dict[int | str, dict[str, Any]] = {}
    for code in codes:
        out[code] = {"model": ErrorBody, "description": described[code]}
        if code == 401:
            out[code]["headers"] = _AUTHENTICATE_HEADER
    return out


def install_error_handler(app: FastAPI) -> None:
    @app.exception_handler(SecurecommError)
    async def _securecomm_error(_request: Request, exc: SecurecommError) -> JSONResponse:
        status = status_of(exc)
        headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
        return JSONResponse({"detail": str(exc)}, status_code=status, headers=headers)
