"""The auditor's view: search the audit log, and verify its hash chain
(``enforcement.audit.verify_chain``); and the refusals (``enforcement.refusals``: every request
refused by a rule), filtered by rule, role and month.  A search is itself a read of the log and
is recorded in it (``audit.searched``, ``audit.refusals_searched``)."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from sqlalchemy import func, select

from securecomm.enforcement import AuditEntry, Permission, Role, audit, refusals, require
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


_RULE = re.compile(r"[a-z][a-z0-9_]{0,50}")
_MONTH = re.compile(r"(\d{4})-(\d{2})")


def _month_range(month: str) -> tuple[datetime, datetime]:
    match = _MONTH.fullmatch(month)
    if not match or not 1 <= int(match.group(2)) <= 12:
        raise FormError(f"month: {month!r} is not a month (YYYY-MM)")
    year, number = int(match.group(1)), int(match.group(2))
    start = datetime(year, number, 1, tzinfo=UTC)
    end = datetime(year + number // 12, number % 12 + 1, 1, tzinfo=UTC)
    return start, end


@router.get("/audit/refusals")
def refusals_page(
    request: Request,
    console: ConsoleDep,
    user: Auditor,
    rule: str = "",
    role: str = "",
    month: str = "",
    offset: int = 0,
) -> Response:
    """Every refused request, newest first, with who, role, office or jail, what was tried,
    on which case and the rule; filtered by rule, role and month (UTC)."""
    rule, role, month = rule.strip(), role.strip(), month.strip()
    query = select(AuditEntry).where(AuditEntry.action.like(refusals.ACTION_PREFIX + "%"))
    if rule:
        if not _RULE.fullmatch(rule):
            raise FormError(f"rule: {rule!r} is not a rule name")
        query = query.where(AuditEntry.action == refusals.ACTION_PREFIX + rule)
    if role:
        if role not in {r.value for r in Role}:
            raise FormError(f"role: {role!r} is not a role")
        query = query.where(AuditEntry.role == role)
    if month:
        start, end = _month_range(month)
        query = query.where(AuditEntry.at >= start, AuditEntry.at < end)
    if offset < 0:
        raise FormError("offset must be 0 or more")
    matched = query.subquery()
    with console.unit() as session:
        total = session.scalar(select(func.count()).select_from(matched)) or 0
        by_rule = {
            action.removeprefix(refusals.ACTION_PREFIX): n
            for action, n in session.execute(
                select(matched.c.action, func.count()).group_by(matched.c.action)
            )
        }
        entries = list(
            session.execute(
                query.order_by(AuditEntry.seq.desc()).offset(offset).limit(AUDIT_PAGE_SIZE)
            ).scalars()
        )
        rules = sorted(
            a.removeprefix(refusals.ACTION_PREFIX)
            for a in session.execute(
                select(AuditEntry.action)
                .where(AuditEntry.action.like(refusals.ACTION_PREFIX + "%"))
                .distinct()
            ).scalars()
        )
        audit.record(
            session, console.clock, user.principal, "audit.refusals_searched", "audit_log",
            {"rule": rule, "role": role, "month": month, "offset": offset, "matched": total},
        )  # fmt: skip
    return page(
        request,
        "refusals.html",
        user=user,
        total=total,
        rows=[(e, audit.details_of(e)) for e in entries],
        by_rule=sorted(by_rule.items(), key=lambda item: (-item[1], item[0])),
        rules=rules,
        roles=[r.value for r in Role],
        query={"rule": rule, "role": role, "month": month},
        offset=offset,
        page_size=AUDIT_PAGE_SIZE,
    )
