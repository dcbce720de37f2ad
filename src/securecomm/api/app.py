"""The FastAPI application factory."""

from __future__ import annotations

from fastapi import FastAPI

from securecomm.api.cases import router as cases_router
from securecomm.api.errors import install_error_handler
from securecomm.api.submissions import router as submissions_router
from securecomm.clock import Clock
from securecomm.config import Settings
from securecomm.store.migrate import open_database


def create_app(
    settings: Settings, *, clock: Clock | None = None, max_submission_bytes: int | None = None
) -> FastAPI:
    """The API on the configured database (migrated on start); request bodies of
    ``POST /submissions`` over ``max_submission_bytes`` (default
    ``submissions.MAX_SUBMISSION_BYTES``) are refused with 413."""
    engine, factory = open_database(settings)
    app = FastAPI(
        title="securecomm",
        version="0.1.0",
        description="Secure Communities: booking submissions and their answers, per agency; "
        "case work for ICE staff over the same commands as the console.",
    )
    app.state.engine = engine
    app.state.session_factory = factory
    app.state.clock = clock
    app.state.max_submission_bytes = max_submission_bytes
    install_error_handler(app)
    app.include_router(submissions_router)
    app.include_router(cases_router)
    return app
