"""The auditor's view: search the audit log, and verify its hash chain
(``enforcement.audit.verify_chain``).  The search itself is a read of the log and is recorded
in it (``audit.searched``)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from sqlalchemy import func, select

from securecomm.enforcement import audit
from securecomm.enforcement.models import AuditEntry
from securecomm.enforcement.roles import Permission, require
from securecomm.web.auth import SignedInUser
from securecomm.web.errors import FormError
from securecomm.web.forms import parse_datetime
from securecomm.web.parameters import AUDIT_PAGE_SIZE, PREFIX
from securecomm.web.rendering import page
from securecomm.web.routing import ConsoleDep, ConsoleRoute, Posted, requires

router = APIRouter(prefix=PREFIX, route_class=ConsoleRoute, include_in_schema=False)
Auditor = Annotated[SignedInUser, Depends(requires(Permission.VERIFY_AUDIT))]


def _search(
    console, user: SignedInUser, actor: str, action: str, subject: str, since: str, until: str,
    offset: int,
):  # fmt: skip
    query = select(AuditEntry)
    if actor:
        query = query.where(AuditEntry.actor == actor.strip())
    if action:
        query = query.where(AuditEntry.action.like(f"{action.strip()}%"))
    if subject:
        query = query.where(AuditEntry.subject == subject.strip())
    if since:
        query = query.where(AuditEntry.at >= parse_datetime(since, "since"))
    if until:
        query = query.where(AuditEntry.at <= parse_datetime(until, "until"))
    if offset < 0:
        raise FormError("offset must be 0 or more")
    with console.unit() as session:
        total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
        entries = list(
            session.execute(
                query.order_by(AuditEntry.seq.desc()).offset(offset).limit(AUDIT_PAGE_SIZE)
            ).scalars()
        )
        audit.record(
            session, console.clock, user.principal, "audit.searched", "audit_log",
            {"actor": actor, "action": action, "subject": subject, "since": since,
             "until": until, "offset": offset, "matched": total},
        )  # fmt: skip
    return total, entries


@router.get("/audit")
def audit_page(
    request: Request,
    console: ConsoleDep,
    user: Auditor,
    actor: str = "",
    action: str = "",
    subject: str = "",
    since: str = "",
    until: str = "",
    offset: int = 0,
) -> Response:
    total, entries = _search(console, user, actor, action, subject, since, until, offset)
    return page(
        request,
        "audit.html",
        user=user,
        total=total,
        entries=entries,
        query={"actor": actor, "action": action, "subject": subject, "since": since,
               "until": until},
        offset=offset,
        page_size=AUDIT_PAGE_SIZE,
        report=None,
    )  # fmt: skip


@router.post("/audit/verify")
def verify(request: Request, console: ConsoleDep, form: Posted) -> Response:
    require(form.user.principal, Permission.VERIFY_AUDIT)
    with console.unit() as session:
        report = audit.verify_chain(session)
    with console.unit() as session:
        audit.record(
            session, console.clock, form.user.principal, "audit.verified", "audit_log",
            {"checked": report.checked, "intact": report.intact, "problem": report.problem},
        )  # fmt: skip
    total, entries = _search(console, form.user, "", "", "", "", "", 0)
    return page(
        request,
        "audit.html",
        user=form.user,
        total=total,
        entries=entries,
        query={},
        offset=0,
        page_size=AUDIT_PAGE_SIZE,
        report=report,
        status_code=200 if report.intact else 409,
    )
