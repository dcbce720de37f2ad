"""Immigration court: referral on an NTA, relief, termination, removal orders, appeals, and
orders entered without a hearing (reinstatement, stipulated removal, voluntary return)."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from securecomm.clock import Clock
from securecomm.enforcement.lifecycle import apply_transition
from securecomm.enforcement.lookup import load_case
from securecomm.enforcement.models import Case, CourtEvent
from securecomm.enforcement.roles import Principal
from securecomm.enforcement.vocabulary import Action, AppealOutcome


def _record(
    session: Session,
    clock: Clock,
    principal: Principal,
    case_number: str,
    action: Action,
    *,
    reference: str = "",
    decided_on: date | None = None,
    reason: str = "",
    outcome: AppealOutcome | None = None,
) -> Case:
    case = load_case(session, case_number)
    evidence: dict[str, object] = {"reference": reference}
    if outcome is not None:
        evidence["outcome"] = outcome.value
    apply_transition(session, case, action, principal, clock, reason=reason, evidence=evidence)
    session.add(
        CourtEvent(
            case_id=case.id,
            action=action.value,
            appeal_outcome=outcome,
            decided_on=decided_on or clock.now().date(),
            reference=reference,
            recorded_by=principal.user_id,
            recorded_at=clock.now(),
        )
    )
    return case


def refer_to_court(session: Session, clock: Clock, principal: Principal, case_number: str) -> Case:
    return _record(session, clock, principal, case_number, Action.REFER_TO_COURT)


def enter_order_without_hearing(
    session: Session, clock: Clock, principal: Principal, case_number: str, *, reference: str
) -> Case:
    return _record(
        session, clock, principal, case_number, Action.ENTER_ORDER_WITHOUT_HEARING,
        reference=reference,
    )  # fmt: skip


def grant_relief(
    session: Session, clock: Clock, principal: Principal, case_number: str, *, reference: str,
    decided_on: date | None = None,
) -> Case:  # fmt: skip
    return _record(
        session, clock, principal, case_number, Action.GRANT_RELIEF, reference=reference,
        decided_on=decided_on,
    )  # fmt: skip


def terminate_proceedings(
    session: Session, clock: Clock, principal: Principal, case_number: str, *, reference: str,
    reason: str,
) -> Case:  # fmt: skip
    return _record(
        session, clock, principal, case_number, Action.TERMINATE_PROCEEDINGS,
        reference=reference, reason=reason,
    )  # fmt: skip


def order_removal(
    session: Session, clock: Clock, principal: Principal, case_number: str, *, reference: str,
    decided_on: date | None = None,
) -> Case:  # fmt: skip
    return _record(
        session, clock, principal, case_number, Action.ORDER_REMOVAL, reference=reference,
        decided_on=decided_on,
    )  # fmt: skip


def file_appeal(
    session: Session, clock: Clock, principal: Principal, case_number: str, *, reference: str
) -> Case:
    return _record(session, clock, principal, case_number, Action.FILE_APPEAL, reference=reference)


def decide_appeal(
    session: Session, clock: Clock, principal: Principal, case_number: str, *,
    outcome: AppealOutcome | str, reference: str,
) -> Case:  # fmt: skip
    return _record(
        session, clock, principal, case_number, Action.DECIDE_APPEAL, reference=reference,
        outcome=AppealOutcome(outcome),
    )  # fmt: skip


def order_becomes_final(
    session: Session, clock: Clock, principal: Principal, case_number: str, *, reason: str
) -> Case:
    return _record(
        session, clock, principal, case_number, Action.ORDER_BECOMES_FINAL, reason=reason
    )
