"""Jinja2 pages with the signed-in user, the navigation their role allows, and the CSRF token."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape

from securecomm.enforcement import Permission, wording
from securecomm.web.auth import SignedInUser
from securecomm.web.parameters import PREFIX

TEMPLATES_DIR = Path(__file__).with_name("templates")
STATIC_DIR = Path(__file__).with_name("static")

#: (label, path, any of these permissions) — shown only to roles holding one of them.
NAVIGATION = (
    ("Work queue", "/queue", (Permission.READ_CASE,)),
    (
        "Reviews",
        "/reviews",
        (Permission.REVIEW_CITIZENSHIP_SUPERVISOR, Permission.REVIEW_CITIZENSHIP_COUNSEL),
    ),
    ("Dashboard", "/dashboard", (Permission.READ_STATISTICS,)),
    ("Audit log", "/audit", (Permission.VERIFY_AUDIT,)),
    ("Accounts", "/accounts", (Permission.ADMINISTER,)),
)


def duration(delta: timedelta) -> str:
    """``2 d 4 h``, ``3 h 20 min``, ``12 min`` — the time left (or overdue) in words."""
    minutes = int(abs(delta).total_seconds() // 60)
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    if days:
        text = f"{days} d {hours} h"
    elif hours:
        text = f"{hours} h {mins} min"
    else:
        text = f"{mins} min"
    return text


def utc(value: datetime | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
    return "—" if value is None else value.strftime(fmt) + " UTC"


def words(value: object) -> str:
    """An enum value as words: ``detainer_issued`` → ``detainer issued``."""
    text = getattr(value, "value", value)
    return "—" if text is None or text == "" else str(text).replace("_", " ")


#: Nothing from elsewhere, no script at all, no framing, forms post only here.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'none'; object-src 'none'; base-uri 'none'; "
    "frame-ancestors 'none'; form-action 'self'; img-src 'self'; style-src 'self'"
)
SECURITY_HEADERS = {
    "Cache-Control": "no-store",
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
}

environment = Environment(
    loader=FileSystemLoader(TEMPLATES_DIR),
    autoescape=select_autoescape(["html", "svg"]),
    trim_blocks=True,
    lstrip_blocks=True,
)
environment.filters.update(
    utc=utc,
    words=words,
    duration=duration,
    event_words=wording.event_words,
    rule_words=wording.rule_words,
    role_words=wording.role_words,
)
environment.globals.update(prefix=PREFIX, Permission=Permission)


def navigation(user: SignedInUser | None) -> list[tuple[str, str]]:
    if user is None:
        return []
    return [
        (label, PREFIX + path)
        for label, path, permissions in NAVIGATION
        if any(user.can(p) for p in permissions)
    ]


def page(
    request: Request,
    template: str,
    *,
    user: SignedInUser | None = None,
    status_code: int = 200,
    **context: Any,
) -> HTMLResponse:
    console = request.app.state.console
    csrf = console.signer.signature("csrf", str(user.session_id)) if user else ""
    context.setdefault("csrf_token", csrf)
    context.setdefault("now", console.clock.now())
    html = environment.get_template(template).render(
        request=request, user=user, nav=navigation(user), path=request.url.path, **context
    )
    return HTMLResponse(
        html,
        status_code=status_code,
        headers=SECURITY_HEADERS,
    )
