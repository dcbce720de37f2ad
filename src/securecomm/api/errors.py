"""One exception handler: a ``SecurecommError`` becomes its 4xx status with the same message."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from securecomm.errors import SecurecommError


class NotAuthenticatedError(SecurecommError):
    status_code = 401


def install_error_handler(app: FastAPI) -> None:
    @app.exception_handler(SecurecommError)
    async def _securecomm_error(_request: Request, exc: SecurecommError) -> JSONResponse:
        headers = {"WWW-Authenticate": "Bearer"} if exc.status_code == 401 else None
        return JSONResponse({"detail": str(exc)}, status_code=exc.status_code, headers=headers)
