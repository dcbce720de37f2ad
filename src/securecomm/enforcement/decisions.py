"""The officer's decision after review, other than a detainer (see ``detainers``).

No action; prosecutorial discretion; wait for the outcome of a pending charge (the level is
re-assessed when it is decided); or ask the jail to notify ICE before release (the only request
made to jails whose policy takes no detainers).  Each needs a reason.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from securecomm.clock import Clock
from securecomm.enforcement.lifecycle import apply_transition
from securecomm.enforcement.lookup import load_case
from securecomm.enforcement.models import Case
from securecomm.enforcement.roles import Principal
from securecomm.enforcement.vocabulary import Action


def _decide(
    session: Session, clock: Clock, principal: Principal, case_number: str, action: Action,
    reason: str,
) -> Case:  # fmt: skip
    case = load_case(session, case_number)
    apply_transition(session, case, action, principal, clock, reason=reason)
    return case


def close_no_action(
    session: Session, clock: Clock, principal: Principal, case_number: str, *, reason: str
) -> Case:
    return _decide(session, clock, principal, case_number, Action.CLOSE_NO_ACTION, reason)


def exercise_discretion(
    session: Session, clock: Clock, principal: Principal, case_number: str, *, reason: str
) -> Case:
    return _decide(session, clock, principal, case_number, Action.EXERCISE_DISCRETION, reason)


def wait_for_conviction(
    session: Session, clock: Clock, principal: Principal, case_number: str, *, reason: str
) -> Case:
    return _decide(session, clock, principal, case_number, Action.WAIT_FOR_CONVICTION, reason)


def request_notification(
    session: Session, clock: Clock, principal: Principal, case_number: str, *, reason: str
) -> Case:
    """Ask the jail to notify ICE before it releases the person (no request to hold)."""
    return _decide(session, clock, principal, case_number, Action.REQUEST_NOTIFICATION, reason)
