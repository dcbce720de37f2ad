"""The field office's work queue: prioritised (level, then deadlines), filtered, counted.

The ordering, the filters, the jail binding of jail-bound roles and the field-office binding of
office-bound roles are the enforcement layer's
(``enforcement.queue.work_queue``), which also audits the listing.
"""

from __future__ import annotations

from collections import Counter
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import select

from securecomm.enforcement import (
    OPEN_STATES,
    AcknowledgeReminder,
    Case,
    CaseState,
    Permission,
    QueueFilter,
    reminders_for,
    visible_cases,
)
from securecomm.web.auth import SignedInUser
from securecomm.web.errors import FormError
from securecomm.web.parameters import DETAINER_URGENT_WITHIN, PREFIX, QUEUE_LIMIT
from securecomm.web.rendering import page
from securecomm.web.routing import ConsoleDep, ConsoleRoute, Posted, requires

router = APIRouter(prefix=PREFIX, route_class=ConsoleRoute, include_in_schema=False)
Reader = Annotated[SignedInUser, Depends(requires(Permission.READ_CASE))]

ALL = "all"


def _filters(
    user: SignedInUser, office: str | None, facility: str, level: str, state: str
) -> QueueFilter:
    if office is None:  # first visit: the user's own field office
        office = user.office
    lvl: int | None = None
    if level and level != ALL:
        if level not in ("1", "2", "3"):
            raise FormError(f"level: {level!r} is not 1, 2 or 3")
        lvl = int(level)
    st: CaseState | None = None
    if state and state != ALL:
        try:
            st = CaseState(state)
        except ValueError:
            raise FormError(f"state: {state!r} is not a case state") from None
    return QueueFilter(
        office="" if office == ALL else office,
        facility_ori="" if facility == ALL else facility.upper(),
        level=lvl,
        state=st,
    )


@router.get("/queue")
def queue_page(
    request: Request,
    console: ConsoleDep,
    user: Reader,
    office: str | None = None,
    facility: str = "",
    level: str = "",
    state: str = "",
) -> Response:
    filters = _filters(user, office, facility, level, state)
    items = console.work.work_queue(user.principal, filters, limit=QUEUE_LIMIT)
    with console.unit() as session:
        base = select(Case.field_office, Case.facility_ori).where(Case.state.in_(list(OPEN_STATES)))
        rows = session.execute(visible_cases(base, user.principal).distinct()).all()
        mine = reminders_for(session, user.principal)
    return page(
        request,
        "queue.html",
        user=user,
        items=items,
        filters=filters,
        offices=sorted({r[0] for r in rows}),
        facilities=sorted({r[1] for r in rows}),
        states=[s for s in CaseState if s in OPEN_STATES],
        by_level=Counter(i.level for i in items),
        by_state=Counter(i.state for i in items),
        truncated=len(items) >= QUEUE_LIMIT,
        urgent_within=DETAINER_URGENT_WITHIN,
        reminders=mine,
        all=ALL,
    )


@router.post("/reminders/{reminder_id}/acknowledge")
def acknowledge(console: ConsoleDep, form: Posted, reminder_id: int) -> Response:
    """The addressee has seen the reminder (only its addressee may say so: audited)."""
    console.work.handle(AcknowledgeReminder(reminder_id), form.user.principal)
    return RedirectResponse(f"{PREFIX}/queue", status_code=303)
