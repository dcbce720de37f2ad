"""Mount the console on the FastAPI application: ``mount(app, settings)``.

The console shares the API's database (``app.state.session_factory``, migrated to the newest
schema by ``create_app``, console tables included) and clock; it adds its pages under
``/console`` and its assets under ``/console/static`` — every asset served from the package,
none from a CDN.
"""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.responses import RedirectResponse
from fastapi.staticfiles import StaticFiles

import securecomm.web.models  # the console's tables (case work's come with its package)
from securecomm.clock import Clock, SystemClock
from securecomm.config import Settings
from securecomm.enforcement import CaseWork, NoticeCatalog
from securecomm.web.context import Console
from securecomm.web.examiner_views import ExaminerViews
from securecomm.web.pages import (
    accounts,
    audit,
    case,
    dashboard,
    documents,
    queue,
    reviews,
    signin,
    verification,
)
from securecomm.web.parameters import PREFIX
from securecomm.web.pipeline_prints import PipelinePrints
from securecomm.web.prints import PrintStore
from securecomm.web.rendering import STATIC_DIR
from securecomm.web.signing import Signer
from securecomm.web.staff import ConsoleStaff

del securecomm  # imported for their tables

ROUTERS = (
    signin.router,
    queue.router,
    case.router,
    verification.router,
    documents.router,
    reviews.router,
    dashboard.router,
    audit.router,
    accounts.router,
)


def mount(
    app: FastAPI,
    settings: Settings,
    *,
    clock: Clock | None = None,
    prints: PrintStore | None = None,
) -> Console:
    """Add the console to ``app`` (made by ``securecomm.api.create_app``); returns its context."""
    clock = clock or getattr(app.state, "clock", None) or SystemClock()
    factory = app.state.session_factory
    console = Console(
        settings=settings,
        factory=factory,
        clock=clock,
        work=CaseWork(factory, clock, NoticeCatalog.load(), staff=ConsoleStaff()),
        prints=ExaminerViews(
            prints or PrintStore(settings.home / "examiner"),
            {"idr:": PipelinePrints(factory, settings)},
        ),
        signer=Signer(settings.secret_key),
    )
    app.state.console = console
    app.mount(PREFIX + "/static", StaticFiles(directory=STATIC_DIR), name="console-static")
    for router in ROUTERS:
        app.include_router(router)

    @app.get(PREFIX, include_in_schema=False)
    def _console_root() -> RedirectResponse:
        return RedirectResponse(PREFIX + "/", status_code=307)

    @app.get("/", include_in_schema=False)
    def _site_root() -> RedirectResponse:
        """A person who opens the server's address lands on the console (the API is under
        /submissions, its schema at /docs)."""
        return RedirectResponse(PREFIX + "/", status_code=307)

    return console
