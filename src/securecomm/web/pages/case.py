"""The case page: identifiers, IDENT response and IAR, convictions (with levels) and pending
charges apart, history from the audit log, documents, and the actions the state and role allow.

Reading the page goes through ``enforcement.cases.read_case``, which authorises the reader and
writes the audit entry; every action is a case command run by ``CaseWork.handle`` in its own
transaction, a refusal shown with the service's own message.  Both go through case work's door
(``CaseWork.unit`` / ``CaseWork.handle``), which puts a refusal on the audit log.  Which
actions are offered, and why the others are not yet, is case work's availability.
"""

from __future__ import annotations

import contextlib
import json
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from securecomm.api.statuses import status_of
from securecomm.enforcement import (
    Case,
    CaseState,
    CaseView,
    ChargingDocument,
    CitizenshipReview,
    CustodyDecision,
    Detainer,
    Interview,
    Permission,
    UnknownCaseError,
    audit,
    case_availability,
    load_level_table,
    read_case,
    refusals,
)
from securecomm.errors import SecurecommError
from securecomm.interop.outbox import MessageKind, OutboxMessage
from securecomm.interop.submissions import Submission
from securecomm.web.actions import FORMS_BY_KEY
from securecomm.web.auth import SignedInUser
from securecomm.web.context import Console
from securecomm.web.forms import parse
from securecomm.web.parameters import PREFIX
from securecomm.web.rendering import page
from securecomm.web.routing import ConsoleDep, ConsoleRoute, Posted, requires

router = APIRouter(prefix=PREFIX, route_class=ConsoleRoute, include_in_schema=False)
Reader = Annotated[SignedInUser, Depends(requires(Permission.READ_CASE))]
#: Audit actions that are reads, listed apart from the case's history of events.
READS = frozenset(
    {"case.read", "case.examiner_view", "document.detainer", "document.notice_to_appear"}
)


def _messages(session: Session, case: CaseView) -> dict[str, str]:
    """The IDENT data response and IAR texts of the booking, when the pipeline holds them."""
    submission = session.execute(
        select(Submission).where(
            Submission.ori == case.booking_ori, Submission.tcn == case.booking_tcn
        )
    ).scalar_one_or_none()
    if submission is None:
        return {}
    found: dict[str, str] = {}
    for message in session.execute(
        select(OutboxMessage)
        .where(
            OutboxMessage.submission_id == submission.id,
            OutboxMessage.kind.in_([MessageKind.IDR, MessageKind.IAR]),
        )
        .order_by(OutboxMessage.id)
    ).scalars():
        text = message.body.decode("utf-8", errors="replace")
        if message.content_type == "application/json":
            with contextlib.suppress(ValueError):  # malformed JSON is shown as received
                text = json.dumps(json.loads(text), indent=1, sort_keys=True)
        found[message.kind.value] = text
    return found


def case_context(
    session: Session, console: Console, user: SignedInUser, case_number: str
) -> dict[str, Any]:
    """Everything the case page shows: the case itself from the audited ``read_case`` view
    only, and the records kept beside it (detainers, interviews, reviews, charging documents,
    custody decisions, the booking's messages) by the case number."""
    view = read_case(session, console.clock, user.principal, case_number)
    table = load_level_table()

    def rows(model: Any, order: Any) -> list[Any]:
        return list(
            session.execute(
                select(model)
                .join(Case, model.case_id == Case.id)
                .where(Case.case_number == case_number)
                .order_by(order)
            )
            .scalars()
            .all()
        )

    detainers = rows(Detainer, Detainer.id)
    entries = audit.entries_for(session, case_number)
    # Offer only what can succeed now; say what to do first for the rest.
    availability = case_availability(session, console.clock, user.principal, case_number)
    forms = [
        FORMS_BY_KEY[a.command.name]
        for a in availability
        if a.possible and a.command.name in FORMS_BY_KEY
    ]
    unavailable = [
        (FORMS_BY_KEY[a.command.name], a.why_not)
        for a in availability
        if a.why_not and not a.out_of_reach and a.command.name in FORMS_BY_KEY
    ]
    choices = {
        (form.key, f.name): f.choices_from(session, case_number)
        for form in forms
        for f in form.fields
        if f.choices_from is not None
    }
    return {
        "view": view,
        "convictions": view.convictions,
        "other_offenses": view.other_offenses,
        "describe": lambda code: _describe(table, code),
        "detainers": detainers,
        "active_detainer": next(
            (d for d in detainers if view.detainer_number and d.number == view.detainer_number),
            None,
        ),
        "interviews": rows(Interview, Interview.id),
        "reviews": rows(CitizenshipReview, CitizenshipReview.id),
        "charging": rows(ChargingDocument, ChargingDocument.id),
        "custody": rows(CustodyDecision, CustodyDecision.id),
        "messages": _messages(session, view),
        "history": [(e, audit.details_of(e)) for e in entries if e.action not in READS],
        "reads": [e for e in entries if e.action in READS],
        "forms": forms,
        "unavailable": unavailable,
        "choices": choices,
        "can_verify": user.can(Permission.VERIFY_IDENTITY)
        and view.state is CaseState.MATCH_RECEIVED,
        "notice_languages": console.work.notices.languages,
    }


def _describe(table: Any, code: str) -> str:
    try:
        return str(table.row(code).literal)
    except (SecurecommError, KeyError, AttributeError):
        return ""


@router.get("/cases/{case_number}")
def case_page(
    request: Request, console: ConsoleDep, user: Reader, case_number: str, done: str = ""
) -> Response:
    with console.work.unit(user.principal, "read_case", case_number) as session:
        context = case_context(session, console, user, case_number)
        return page(request, "case.html", user=user, done=done, **context)


@router.post("/cases/{case_number}/actions/{key}")
def case_action(
    request: Request, console: ConsoleDep, form: Posted, case_number: str, key: str
) -> Response:
    """Run one action; on refusal, the case page again with the refusal in plain words."""
    spec = FORMS_BY_KEY.get(key)
    if spec is None:
        raise UnknownCaseError(f"there is no case action {key!r}")
    try:
        values = parse(spec.fields, form.values, form.lists)
        console.work.handle(spec.command_for(case_number, values), form.user.principal)
    except SecurecommError as exc:
        try:  # showing the answer is no second attempt: not through case work's door
            with console.unit() as session:
                context = case_context(session, console, form.user, case_number)
        except SecurecommError:
            if refusals.recorded(exc):  # nor theirs to see: the refused action is the answer
                raise exc from None
            raise
        status = status_of(exc)
        return page(
            request,
            "case.html",
            user=form.user,
            status_code=status,
            refusal=str(exc),
            refused_action=key,
            refused_label=spec.label,
            # Several ticked boxes of one field come back as their list, so all stay ticked.
            submitted={**form.values, **{k: v for k, v in form.lists.items() if len(v) > 1}},
            **context,
        )
    return RedirectResponse(f"{PREFIX}/cases/{case_number}?done={key}", status_code=303)
