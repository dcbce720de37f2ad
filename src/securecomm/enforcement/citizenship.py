"""The citizenship gate (DESIGN.md §5.3).

Any indicator of U.S. citizenship — a naturalisation or derived-citizenship record, a U.S. birth
record, a claim by the person — opens the gate: the case enters ``citizenship_review`` and no
other action is possible until a supervisor and counsel have each recorded a finding.  An
open detainer (whatever the jail answered) is lifted when the gate opens (a possible citizen is
not held while the question is reviewed).  If either finds citizenship established, the case
ends there and the source record is flagged for correction; if both find it not established,
the case resumes.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from securecomm.clock import Clock
from securecomm.enforcement import audit
from securecomm.enforcement.errors import PermissionDeniedError
from securecomm.enforcement.guards import open_review
from securecomm.enforcement.inputs import (
    CITIZENSHIP_EVENT_KINDS,
    ImmigrationHistoryEvent,
)
from securecomm.enforcement.lifecycle import apply_transition
from securecomm.enforcement.lookup import load_case
from securecomm.enforcement.models import Case, CitizenshipReview
from securecomm.enforcement.roles import Principal, Role
from securecomm.enforcement.vocabulary import (
    Action,
    CitizenshipIndicatorKind,
    ReviewFinding,
)


def indicators_in(history: list[ImmigrationHistoryEvent]) -> list[tuple[str, str]]:
    """(indicator kind, source) for each citizenship record in an immigration history."""
    return [
        (e.kind.value, f"{e.kind.value} record {e.reference or 'without reference'} of {e.date}")
        for e in history
        if e.kind in CITIZENSHIP_EVENT_KINDS
    ]


def already_reviewed(session: Session, case: Case, indicator: str, source: str) -> bool:
    return (
        session.execute(
            select(CitizenshipReview.id).where(
                CitizenshipReview.case_id == case.id,
                CitizenshipReview.indicator == CitizenshipIndicatorKind(indicator),
                CitizenshipReview.source == source,
            )
        ).first()
        is not None
    )


def open_gate(
    session: Session,
    clock: Clock,
    principal: Principal,
    case: Case,
    indicator: CitizenshipIndicatorKind | str,
    source: str,
) -> CitizenshipReview:
    """Open the gate on a case object (used by intake, research and interviews)."""
    indicator = CitizenshipIndicatorKind(indicator)
    apply_transition(
        session,
        case,
        Action.OPEN_CITIZENSHIP_REVIEW,
        principal,
        clock,
        evidence={"indicator": indicator, "source": source},
    )
    review = CitizenshipReview(
        case_id=case.id,
        indicator=indicator,
        source=source,
        opened_by=principal.user_id,
        opened_at=clock.now(),
    )
    session.add(review)
    session.flush()
    return review


def open_citizenship_review(
    session: Session,
    clock: Clock,
    principal: Principal,
    case_number: str,
    *,
    indicator: CitizenshipIndicatorKind | str,
    source: str,
) -> CitizenshipReview:
    """Anyone working the case who sees an indicator opens the gate."""
    return open_gate(session, clock, principal, load_case(session, case_number), indicator, source)


def record_review(
    session: Session,
    clock: Clock,
    principal: Principal,
    case_number: str,
    *,
    finding: ReviewFinding | str,
    reason: str,
    as_action: Action | None = None,
) -> CitizenshipReview:
    """A supervisor's or counsel's finding (the role decides which of the two it is; a caller
    naming one, ``as_action``, is refused when the role would record the other)."""
    case = load_case(session, case_number)
    finding = ReviewFinding(finding)
    action = (
        Action.RECORD_COUNSEL_REVIEW
        if principal.role is Role.COUNSEL
        else Action.RECORD_SUPERVISOR_REVIEW
    )
    if as_action is not None and as_action is not action:
        raise PermissionDeniedError(
            f"{principal} may not record "
            f"{'counsel' if as_action is Action.RECORD_COUNSEL_REVIEW else 'the supervisor'}'s "
            f"finding on case {case_number}",
            rule="permission",
        )
    apply_transition(
        session, case, action, principal, clock, reason=reason, evidence={"finding": finding}
    )
    review = open_review(session, case)
    assert review is not None  # the case is in citizenship_review
    if action is Action.RECORD_COUNSEL_REVIEW:
        review.counsel, review.counsel_finding, review.counsel_reason = (
            principal.user_id,
            finding,
            reason,
        )
    else:
        review.supervisor, review.supervisor_finding, review.supervisor_reason = (
            principal.user_id,
            finding,
            reason,
        )
    return review


def clear_citizenship_review(
    session: Session, clock: Clock, principal: Principal, case_number: str, *, reason: str
) -> Case:
    """Both reviewers found citizenship not established: the case resumes."""
    case = load_case(session, case_number)
    review = open_review(session, case)
    apply_transition(
        session, case, Action.CLEAR_CITIZENSHIP_REVIEW, principal, clock, reason=reason
    )
    assert review is not None
    review.outcome = ReviewFinding.CITIZENSHIP_NOT_ESTABLISHED
    review.resolved_at = clock.now()
    return case


def establish_citizenship(
    session: Session, clock: Clock, principal: Principal, case_number: str, *, reason: str
) -> Case:
    """Citizenship established: the case ends and the source record is flagged for correction."""
    case = load_case(session, case_number)
    review = open_review(session, case)
    apply_transition(session, case, Action.ESTABLISH_CITIZENSHIP, principal, clock, reason=reason)
    assert review is not None
    review.outcome = ReviewFinding.CITIZENSHIP_ESTABLISHED
    review.resolved_at = clock.now()
    case.record_correction_requested = True
    audit.record(
        session,
        clock,
        principal,
        "record.correction_requested",
        case.case_number,
        {"fin": case.subject_fin, "indicator": review.indicator, "source": review.source},
    )
    return case
