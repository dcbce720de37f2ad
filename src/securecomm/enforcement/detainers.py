"""Detainers: requests to a jail, with a basis, a notice, a 48-hour limit and a recorded answer.

DESIGN.md §5.5.  ``issue_detainer`` is refused (by the guards of the transition table) without a
verified identity, without a documented probable-cause basis, on foreign birth or a missing
record alone, while the citizenship gate is open, and where the jurisdiction's registered
policy takes no detainers (then ``decisions.request_notification``).  The detainer expires 48
hours after the release-eligible time, which is therefore required at issue (given, or already
on the case; ``guards.hold_window_open``): every detainer has its expiry, and
``expire_due_detainers`` is the sweep that records it.
The jail's answer is recorded by whoever receives it — nothing moves on until it is.  A
declined or notify-only detainer stays open (the record and the answer are kept) until the
sweep closes it at its expiry, but it holds no one past release (``guards.HOLDING_DETAINER``),
so the work queue does not treat its expiry as a deadline.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from securecomm.clock import Clock
from securecomm.enforcement.errors import InputError
from securecomm.enforcement.guards import ACTIVE_DETAINER, active_detainer
from securecomm.enforcement.lifecycle import apply_transition
from securecomm.enforcement.lookup import load_case
from securecomm.enforcement.models import Case, Detainer
from securecomm.enforcement.notices import NoticeCatalog
from securecomm.enforcement.parameters import DETAINER_HOLD
from securecomm.enforcement.roles import SYSTEM_PRINCIPAL, Principal
from securecomm.enforcement.vocabulary import (
    Action,
    DetainerStatus,
    JailAnswer,
    LiftReason,
    ProbableCauseBasis,
)


def _aware(value: datetime, name: str) -> datetime:
    if value.tzinfo is None:
        raise InputError(f"{name} must be timezone-aware (UTC)")
    return value


def issue_detainer(
    session: Session,
    clock: Clock,
    principal: Principal,
    case_number: str,
    *,
    bases: Sequence[ProbableCauseBasis | str],
    basis_evidence: str,
    notices: NoticeCatalog | None = None,
    release_eligible_at: datetime | None = None,
) -> Detainer:
    case = load_case(session, case_number)
    try:
        basis_values = [ProbableCauseBasis(b) for b in bases]
    except ValueError as exc:
        raise InputError(f"case {case_number}: unknown probable-cause basis ({exc})") from None
    notices = notices or NoticeCatalog.load()
    notices.text(case.subject_language)  # refuse before acting if there is no notice text
    if release_eligible_at is not None:
        _aware(release_eligible_at, "release_eligible_at")
    apply_transition(
        session,
        case,
        Action.ISSUE_DETAINER,
        principal,
        clock,
        evidence={
            "bases": basis_values,
            "basis_evidence": basis_evidence,
            "notice_language": case.subject_language,
            "release_eligible_at": release_eligible_at,
        },
    )
    if release_eligible_at is not None:
        case.release_eligible_at = release_eligible_at
    count = len(case.detainers)
    detainer = Detainer(
        number=f"{case.case_number}-D{count + 1}",
        case_id=case.id,
        status=DetainerStatus.ISSUED,
        bases=[b.value for b in basis_values],
        basis_evidence=basis_evidence,
        issued_by=principal.user_id,
        issued_at=clock.now(),
        notice_language=case.subject_language,
        release_eligible_at=case.release_eligible_at,
        expires_at=(case.release_eligible_at + DETAINER_HOLD if case.release_eligible_at else None),
    )
    session.add(detainer)
    session.flush()
    return detainer


def record_jail_response(
    session: Session,
    clock: Clock,
    principal: Principal,
    case_number: str,
    *,
    answer: JailAnswer | str,
    answered_by: str,
) -> Detainer:
    """The jail's answer as received: honoured, declined or notify-only."""
    case = load_case(session, case_number)
    answer = JailAnswer(answer)
    apply_transition(
        session,
        case,
        Action.RECORD_JAIL_RESPONSE,
        principal,
        clock,
        evidence={"answer": answer.value, "answered_by": answered_by},
    )
    detainer = active_detainer(session, case)
    assert detainer is not None
    detainer.jail_answer = answer
    detainer.status = DetainerStatus(answer.value)
    detainer.jail_answered_by, detainer.jail_answered_at = answered_by, clock.now()
    return detainer


def record_release_time(
    session: Session,
    clock: Clock,
    principal: Principal,
    case_number: str,
    *,
    release_eligible_at: datetime,
) -> Case:
    """The time the person would be released; the open detainer expires 48 hours later."""
    case = load_case(session, case_number)
    _aware(release_eligible_at, "release_eligible_at")
    apply_transition(
        session,
        case,
        Action.RECORD_RELEASE_TIME,
        principal,
        clock,
        evidence={"release_eligible_at": release_eligible_at},
    )
    case.release_eligible_at = release_eligible_at
    detainer = active_detainer(session, case)
    if detainer is not None:
        detainer.release_eligible_at = release_eligible_at
        detainer.expires_at = release_eligible_at + DETAINER_HOLD
    return case


def lift_detainer(
    session: Session,
    clock: Clock,
    principal: Principal,
    case_number: str,
    *,
    lift_reason: LiftReason | str,
    explanation: str,
) -> Case:
    case = load_case(session, case_number)
    apply_transition(
        session,
        case,
        Action.LIFT_DETAINER,
        principal,
        clock,
        reason=explanation,
        evidence={"lift_reason": LiftReason(lift_reason).value},
    )
    return case


def expire_detainer(session: Session, clock: Clock, principal: Principal, case_number: str) -> Case:
    case = load_case(session, case_number)
    apply_transition(
        session,
        case,
        Action.EXPIRE_DETAINER,
        principal,
        clock,
        reason="48 hours after the release-eligible time have passed",
    )
    return case


def expire_due_detainers(
    session: Session, clock: Clock, principal: Principal = SYSTEM_PRINCIPAL
) -> list[str]:
    """Record the expiry of every open detainer whose 48 hours are over, whatever the jail
    answered (a declined one is closed like the others); returns the case numbers.  Running it
    again finds nothing more to do: an expired detainer is no longer open."""
    due = session.execute(
        select(Case.case_number)
        .join(Detainer, Detainer.case_id == Case.id)
        .where(
            Detainer.status.in_(list(ACTIVE_DETAINER)),
            Detainer.expires_at.is_not(None),
            Detainer.expires_at < clock.now(),
        )
        .order_by(Detainer.expires_at, Case.case_number)
    ).scalars()
    expired = []
    for case_number in list(due):
        expire_detainer(session, clock, principal, case_number)
        expired.append(case_number)
    return expired


def transfer_custody(
    session: Session, clock: Clock, principal: Principal, case_number: str, *, notes: str = ""
) -> Case:
    """ICE takes custody at release: after an answer is recorded and within the 48 hours."""
    case = load_case(session, case_number)
    apply_transition(session, case, Action.TRANSFER_CUSTODY, principal, clock, reason=notes)
    return case
