"""The case lifecycle: one state enum, one transition table, one transition function.

``TRANSITIONS`` lists every action: the states it may start from, where it goes, the
permission it needs, the evidence it must carry and the guards (``guards.py``) it runs.
``apply_transition`` is the only place a case's state changes.  In order it checks: the
permission (and for jail-bound roles, that the case is their jail's), the citizenship gate
(while it is open nothing but its review happens), that a human verified the match, that the
action exists from the current state, the required evidence and reason, then the guards;
then it moves the case and writes an audit entry naming who, when, from/to, the rule and table
versions, the evidence and the reason.  See docs/enforcement.md for the diagram.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from sqlalchemy import select
from sqlalchemy.orm import Session

from securecomm.clock import Clock
from securecomm.enforcement import audit, guards
from securecomm.enforcement.errors import (
    CitizenshipGateError,
    EnforcementError,
    EvidenceRequiredError,
    IllegalTransitionError,
    PermissionDeniedError,
)
from securecomm.enforcement.guards import Guard, GuardContext
from securecomm.enforcement.level_rules import TABLE_VERSION
from securecomm.enforcement.lookup import partner_agreement
from securecomm.enforcement.models import Case, CustodyDecision
from securecomm.enforcement.parameters import LIFECYCLE_VERSION
from securecomm.enforcement.roles import Permission, Principal, require
from securecomm.enforcement.vocabulary import Action, CaseState, DetainerStatus, LiftReason

__all__ = ["TRANSITIONS", "Action", "CaseState", "Transition", "apply_transition"]

S = CaseState
A = Action
P = Permission

TERMINAL_STATES = frozenset(
    {
        S.MATCH_REJECTED,
        S.CITIZENSHIP_ESTABLISHED,
        S.NO_ACTION,
        S.DISCRETION,
        S.DETAINER_EXPIRED,
        S.DETAINER_LIFTED,
        S.RELIEF_GRANTED,
        S.PROCEEDINGS_TERMINATED,
        S.REMOVED,
        S.ABSCONDED,
    }
)
OPEN_STATES = frozenset(CaseState) - TERMINAL_STATES
DETAINER_STATES = frozenset(
    {S.DETAINER_ISSUED, S.DETAINER_HONOURED, S.DETAINER_DECLINED, S.DETAINER_NOTIFY_ONLY}
)
#: Before custody passes to ICE: the release-eligible time may be recorded or corrected.
IN_JAIL_STATES = frozenset(
    {
        S.MATCH_RECEIVED,
        S.IDENTITY_VERIFIED,
        S.STATUS_RESEARCHED,
        S.PRIORITY_ASSESSED,
        S.OFFICER_REVIEWED,
        S.AWAITING_CONVICTION,
        S.NOTIFICATION_REQUESTED,
    }
    | DETAINER_STATES
)
#: The only actions possible while the citizenship gate is open.
GATE_ACTIONS = frozenset(
    {
        A.RECORD_SUPERVISOR_REVIEW,
        A.RECORD_COUNSEL_REVIEW,
        A.CLEAR_CITIZENSHIP_REVIEW,
        A.ESTABLISH_CITIZENSHIP,
    }
)
#: Actions possible before a human verified the match.
BEFORE_VERIFICATION = GATE_ACTIONS | {
    A.VERIFY_IDENTITY,
    A.REJECT_MATCH,
    A.OPEN_CITIZENSHIP_REVIEW,
    A.RECORD_RELEASE_TIME,
}

Target = CaseState | Literal["same", "resume"] | Mapping[str, CaseState]


@dataclass(frozen=True)
class Transition:
    """One row of the table."""

    action: Action
    sources: frozenset[CaseState]
    #: A state; ``same`` (recorded without moving); ``resume`` (back to where the gate opened);
    #: or a mapping from the value of evidence ``select_by`` to a state.
    target: Target
    permissions: tuple[Permission, ...]
    evidence: tuple[str, ...] = ()
    reason_required: bool = False
    guards: tuple[Guard, ...] = field(default=())
    select_by: str = ""

    def targets(self) -> frozenset[CaseState]:
        """Every state this transition can lead to (for the diagram and tests)."""
        if isinstance(self.target, CaseState):
            return frozenset({self.target})
        if self.target == "same":
            return self.sources
        if self.target == "resume":
            return frozenset(OPEN_STATES - {S.CITIZENSHIP_REVIEW} - DETAINER_STATES)
        assert not isinstance(self.target, str)
        return frozenset(self.target.values())


def _t(
    action: Action,
    sources: set[CaseState] | frozenset[CaseState],
    target: Target,
    *permissions: Permission,
    evidence: tuple[str, ...] = (),
    reason: bool = False,
    guards_: tuple[Guard, ...] = (),
    select_by: str = "",
) -> Transition:
    return Transition(
        action, frozenset(sources), target, permissions, evidence, reason, guards_, select_by
    )


g = guards
_TABLE = [
    _t(A.VERIFY_IDENTITY, {S.MATCH_RECEIVED}, S.IDENTITY_VERIFIED, P.VERIFY_IDENTITY,
       evidence=("paired_minutiae_ref", "paired_minutiae_count", "pipeline_score",
                 "pipeline_decision"),
       guards_=(g.examiner_view_shown, g.paired_minutiae_shown, g.pipeline_result_recorded)),
    _t(A.REJECT_MATCH, {S.MATCH_RECEIVED}, S.MATCH_REJECTED, P.VERIFY_IDENTITY,
       evidence=("paired_minutiae_ref",), reason=True, guards_=(g.examiner_view_shown,)),
    _t(A.RECORD_STATUS_RESEARCH, {S.IDENTITY_VERIFIED}, S.STATUS_RESEARCHED, P.RESEARCH_STATUS,
       evidence=("finding",), guards_=(g.finding_rests_on_records,)),
    _t(A.OPEN_CITIZENSHIP_REVIEW, OPEN_STATES - {S.CITIZENSHIP_REVIEW}, S.CITIZENSHIP_REVIEW,
       P.RAISE_CITIZENSHIP_INDICATOR, evidence=("indicator", "source")),
    _t(A.RECORD_SUPERVISOR_REVIEW, {S.CITIZENSHIP_REVIEW}, "same",
       P.REVIEW_CITIZENSHIP_SUPERVISOR, evidence=("finding",), reason=True),
    _t(A.RECORD_COUNSEL_REVIEW, {S.CITIZENSHIP_REVIEW}, "same", P.REVIEW_CITIZENSHIP_COUNSEL,
       evidence=("finding",), reason=True),
    _t(A.CLEAR_CITIZENSHIP_REVIEW, {S.CITIZENSHIP_REVIEW}, "resume",
       P.REVIEW_CITIZENSHIP_SUPERVISOR, reason=True, guards_=(g.reviews_cleared,)),
    _t(A.ESTABLISH_CITIZENSHIP, {S.CITIZENSHIP_REVIEW}, S.CITIZENSHIP_ESTABLISHED,
       P.REVIEW_CITIZENSHIP_SUPERVISOR, P.REVIEW_CITIZENSHIP_COUNSEL, reason=True,
       guards_=(g.citizenship_found,)),
    _t(A.ASSESS_PRIORITY, {S.STATUS_RESEARCHED, S.AWAITING_CONVICTION}, S.PRIORITY_ASSESSED,
       P.ASSESS_PRIORITY, evidence=("level_table_version",)),
    _t(A.COMPLETE_OFFICER_REVIEW, {S.PRIORITY_ASSESSED}, S.OFFICER_REVIEWED, P.INTERVIEW,
       evidence=("interview_id",), guards_=(g.interview_conducted,)),
    _t(A.CLOSE_NO_ACTION,
       {S.STATUS_RESEARCHED, S.PRIORITY_ASSESSED, S.OFFICER_REVIEWED, S.AWAITING_CONVICTION},
       S.NO_ACTION, P.DECIDE, reason=True),
    _t(A.EXERCISE_DISCRETION, {S.OFFICER_REVIEWED}, S.DISCRETION, P.DECIDE, reason=True),
    _t(A.WAIT_FOR_CONVICTION, {S.OFFICER_REVIEWED}, S.AWAITING_CONVICTION, P.DECIDE,
       reason=True, guards_=(g.pending_charges_exist,)),
    _t(A.REQUEST_NOTIFICATION, {S.OFFICER_REVIEWED, S.DETAINER_DECLINED},
       S.NOTIFICATION_REQUESTED, P.DECIDE, P.ISSUE_DETAINER, reason=True),
    _t(A.ISSUE_DETAINER, {S.OFFICER_REVIEWED}, S.DETAINER_ISSUED, P.ISSUE_DETAINER,
       evidence=("bases", "basis_evidence", "notice_language"),
       guards_=(g.probable_cause, g.jurisdiction_takes_detainers, g.hold_window_open)),
    _t(A.RECORD_JAIL_RESPONSE, {S.DETAINER_ISSUED},
       {"honoured": S.DETAINER_HONOURED, "declined": S.DETAINER_DECLINED,
        "notify_only": S.DETAINER_NOTIFY_ONLY},
       P.RECORD_JAIL_RESPONSE, evidence=("answer", "answered_by"), select_by="answer"),
    _t(A.RECORD_RELEASE_TIME, IN_JAIL_STATES, "same", P.RECORD_RELEASE_TIME,
       evidence=("release_eligible_at",), guards_=(g.detainer_not_lapsed,)),
    _t(A.EXPIRE_DETAINER, DETAINER_STATES, S.DETAINER_EXPIRED, P.EXPIRE_DETAINER,
       guards_=(g.detainer_past_expiry,)),
    _t(A.LIFT_DETAINER, DETAINER_STATES, S.DETAINER_LIFTED, P.LIFT_DETAINER,
       evidence=("lift_reason",), reason=True),
    _t(A.TRANSFER_CUSTODY, {S.DETAINER_HONOURED, S.DETAINER_NOTIFY_ONLY,
                            S.NOTIFICATION_REQUESTED},
       S.TRANSFERRED, P.TRANSFER_CUSTODY, guards_=(g.detainer_in_time,)),
    _t(A.CHARGE, {S.TRANSFERRED, S.OFFICER_REVIEWED}, S.CHARGED, P.CHARGE,
       evidence=("kind",),
       guards_=(g.charging_document_complete, g.charged_from_jail_only_by_repat)),
    _t(A.DECIDE_CUSTODY, {S.CHARGED, S.CUSTODY_DECIDED}, S.CUSTODY_DECIDED, P.DECIDE_CUSTODY,
       evidence=("kind",), guards_=(g.custody_assessed,)),
    _t(A.REFER_TO_COURT, {S.CUSTODY_DECIDED}, S.IN_PROCEEDINGS, P.RECORD_COURT,
       guards_=(g.charged_with_nta,)),
    _t(A.ENTER_ORDER_WITHOUT_HEARING, {S.CUSTODY_DECIDED, S.CHARGED}, S.FINAL_ORDER,
       P.RECORD_COURT, evidence=("reference",), guards_=(g.summary_charging,)),
    _t(A.GRANT_RELIEF, {S.IN_PROCEEDINGS}, S.RELIEF_GRANTED, P.RECORD_COURT,
       evidence=("reference",)),
    _t(A.TERMINATE_PROCEEDINGS, {S.IN_PROCEEDINGS}, S.PROCEEDINGS_TERMINATED, P.RECORD_COURT,
       evidence=("reference",), reason=True),
    _t(A.ORDER_REMOVAL, {S.IN_PROCEEDINGS}, S.REMOVAL_ORDERED, P.RECORD_COURT,
       evidence=("reference",)),
    _t(A.FILE_APPEAL, {S.REMOVAL_ORDERED}, S.APPEAL_PENDING, P.RECORD_COURT,
       evidence=("reference",)),
    _t(A.DECIDE_APPEAL, {S.APPEAL_PENDING},
       {"dismissed": S.FINAL_ORDER, "remanded": S.IN_PROCEEDINGS}, P.RECORD_COURT,
       evidence=("outcome", "reference"), select_by="outcome"),
    _t(A.ORDER_BECOMES_FINAL, {S.REMOVAL_ORDERED}, S.FINAL_ORDER, P.RECORD_COURT, reason=True),
    _t(A.REQUEST_TRAVEL_DOCUMENT, {S.FINAL_ORDER, S.RELEASED_ON_SUPERVISION},
       S.TRAVEL_DOCUMENT_REQUESTED, P.REMOVE, evidence=("country",)),
    _t(A.RECORD_TRAVEL_DOCUMENT, {S.TRAVEL_DOCUMENT_REQUESTED}, S.TRAVEL_DOCUMENT_ISSUED,
       P.REMOVE, evidence=("reference",)),
    _t(A.VERIFY_REMOVAL, {S.TRAVEL_DOCUMENT_ISSUED}, S.REMOVED, P.REMOVE,
       evidence=("departed_at", "port", "verification_reference")),
    _t(A.RELEASE_ON_SUPERVISION,
       {S.FINAL_ORDER, S.TRAVEL_DOCUMENT_REQUESTED, S.TRAVEL_DOCUMENT_ISSUED},
       S.RELEASED_ON_SUPERVISION, P.REMOVE, reason=True),
    _t(A.RECORD_ABSCONDING,
       {S.CUSTODY_DECIDED, S.IN_PROCEEDINGS, S.REMOVAL_ORDERED, S.APPEAL_PENDING,
        S.FINAL_ORDER, S.TRAVEL_DOCUMENT_REQUESTED, S.TRAVEL_DOCUMENT_ISSUED,
        S.RELEASED_ON_SUPERVISION},
       S.ABSCONDED, P.REMOVE, reason=True, guards_=(g.not_detained,)),
]  # fmt: skip

TRANSITIONS: Mapping[Action, Transition] = {t.action: t for t in _TABLE}
assert set(TRANSITIONS) == set(Action), "every action has exactly one row"


def resume_state(case: Case) -> CaseState:
    """Where a cleared review resumes: where it opened, or the officer review if a detainer
    was open (it was lifted when the gate opened; the decision must be taken again)."""
    before = case.gate_resume_state or S.MATCH_RECEIVED
    return S.OFFICER_REVIEWED if before in DETAINER_STATES else before


#: How an open detainer ends when the case leaves the detainer states.
_DETAINER_EXIT = {
    A.TRANSFER_CUSTODY: (DetainerStatus.EXECUTED, None),
    A.EXPIRE_DETAINER: (DetainerStatus.EXPIRED, None),
    A.LIFT_DETAINER: (DetainerStatus.LIFTED, None),
    A.REQUEST_NOTIFICATION: (DetainerStatus.LIFTED, LiftReason.JAIL_DECLINED),
    A.OPEN_CITIZENSHIP_REVIEW: (DetainerStatus.LIFTED, LiftReason.CITIZENSHIP_UNDER_REVIEW),
}


def _close_detainer_on_exit(
    session: Session,
    case: Case,
    action: Action,
    before: CaseState,
    target: CaseState,
    evidence: Mapping[str, Any],
    reason: str,
    clock: Clock,
) -> None:
    """A detainer is open exactly while the case is in a detainer state, whatever the jail
    answered; it holds the person only while issued or honoured (``guards.HOLDING_DETAINER``).
    Leaving the detainer states closes it, so a declined one ends cleanly too."""
    if before not in DETAINER_STATES or target in DETAINER_STATES:
        return
    detainer = guards.active_detainer(session, case)
    if detainer is None:  # pragma: no cover - the invariant says there is one
        return
    status, lift_reason = _DETAINER_EXIT[action]
    detainer.status = status
    detainer.closed_at = clock.now()
    if status is DetainerStatus.LIFTED:
        detainer.lift_reason = lift_reason or LiftReason(evidence["lift_reason"])
        detainer.lift_explanation = reason


def _end_custody(session: Session, case: Case, clock: Clock) -> None:
    """Leaving ICE custody for good frees the detention bed."""
    for decision in session.execute(
        select(CustodyDecision).where(
            CustodyDecision.case_id == case.id, CustodyDecision.ended_at.is_(None)
        )
    ).scalars():
        decision.ended_at = clock.now()


def _target(spec: Transition, case: Case, evidence: Mapping[str, Any]) -> CaseState:
    if isinstance(spec.target, CaseState):
        return spec.target
    if spec.target == "same":
        return case.state
    if spec.target == "resume":
        return resume_state(case)
    assert not isinstance(spec.target, str)
    choice = str(evidence.get(spec.select_by, ""))
    if choice not in spec.target:
        raise EvidenceRequiredError(
            f"case {case.case_number}: {spec.action.value} needs {spec.select_by} to be one of "
            f"{', '.join(spec.target)}, not {choice!r}"
        )
    return spec.target[choice]


def check_transition(
    session: Session,
    case: Case,
    action: Action,
    principal: Principal,
    clock: Clock,
    *,
    reason: str = "",
    evidence: Mapping[str, Any] | None = None,
) -> CaseState:
    """Everything ``apply_transition`` checks, without changing anything; returns the target."""
    spec = TRANSITIONS.get(action)
    if spec is None:
        known = ", ".join(a.value for a in Action)
        raise IllegalTransitionError(f"unknown action {action!r}; the actions are: {known}")
    evidence = dict(evidence or {})
    partner = partner_agreement(session, clock, principal, case)
    last_error: PermissionDeniedError | None = None
    for permission in spec.permissions:
        try:
            require(
                principal,
                permission,
                case_number=case.case_number,
                case_facility_ori=case.facility_ori,
                case_field_office=case.field_office,
                partner_active=partner,
            )
            break
        except PermissionDeniedError as exc:  # any-of: report the first refusal
            last_error = last_error or exc
    else:
        assert last_error is not None
        raise last_error
    if case.citizenship_gate_open and action not in GATE_ACTIONS:
        raise CitizenshipGateError(
            f"case {case.case_number}: a citizenship indicator is under review; nothing "
            f"proceeds ({action.value} refused) until a supervisor and counsel review it"
        )
    ctx = GuardContext(session, case, evidence, clock.now(), principal)
    if action not in BEFORE_VERIFICATION and case.state not in TERMINAL_STATES:
        guards.identity_verified(ctx)
    if case.state not in spec.sources:
        allowed = ", ".join(sorted(s.value for s in spec.sources))
        raise IllegalTransitionError(
            f"case {case.case_number} is {case.state.value}: {action.value} is possible only "
            f"from {allowed}"
        )
    missing = [k for k in spec.evidence if evidence.get(k) in (None, "", [], ())]
    if missing:
        raise EvidenceRequiredError(
            f"case {case.case_number}: {action.value} needs evidence {', '.join(missing)}"
        )
    if spec.reason_required and not reason.strip():
        raise EvidenceRequiredError(
            f"case {case.case_number}: {action.value} needs a reason", rule="reason_required"
        )
    for guard in spec.guards:
        try:
            guard(ctx)
        except EnforcementError as exc:
            if "rule" not in vars(exc):  # the guard is the rule that refused
                exc.rule = guard.__name__
            raise
    return _target(spec, case, evidence)


def apply_transition(
    session: Session,
    case: Case,
    action: Action,
    principal: Principal,
    clock: Clock,
    *,
    reason: str = "",
    evidence: Mapping[str, Any] | None = None,
) -> CaseState:
    """Check and perform one transition, and audit it; the only writer of ``Case.state``."""
    evidence = dict(evidence or {})
    target = check_transition(
        session, case, action, principal, clock, reason=reason, evidence=evidence
    )
    before = case.state
    if action is A.OPEN_CITIZENSHIP_REVIEW:
        case.gate_resume_state = before
        case.citizenship_gate_open = True
    elif action in (A.CLEAR_CITIZENSHIP_REVIEW, A.ESTABLISH_CITIZENSHIP):
        case.citizenship_gate_open = False
        case.gate_resume_state = None
    case.state = target
    case.updated_at = clock.now()
    if target in TERMINAL_STATES:
        case.closing_reason = reason or action.value
    _close_detainer_on_exit(session, case, action, before, target, evidence, reason, clock)
    if target in TERMINAL_STATES or target is S.RELEASED_ON_SUPERVISION:
        _end_custody(session, case, clock)
    audit.record(
        session,
        clock,
        principal,
        f"case.{action.value}",
        case.case_number,
        {
            "from": before,
            "to": target,
            "reason": reason,
            "evidence": evidence,
            "versions": {
                "lifecycle": LIFECYCLE_VERSION,
                "level_table": case.level_table_version or TABLE_VERSION,
            },
        },
    )
    return target


def render_state_diagram() -> str:
    """The transition table as a Mermaid state diagram (docs/enforcement.md embeds it)."""

    def order(state: CaseState) -> int:
        return list(CaseState).index(state)

    gate = S.CITIZENSHIP_REVIEW.value
    lines = [
        "stateDiagram-v2",
        f"    [*] --> {S.MATCH_RECEIVED.value}",
        f"    note right of {gate}: entered from every open state (open_citizenship_review);",
        f"    note right of {gate}: clear_citizenship_review resumes where it opened",
    ]
    for spec in _TABLE:
        if spec.target in ("resume", "same") or spec.action is A.OPEN_CITIZENSHIP_REVIEW:
            continue  # the notes above; in-place records (release time, reviews) not drawn
        for source in sorted(spec.sources, key=order):
            for target in sorted(spec.targets(), key=order):
                lines.append(f"    {source.value} --> {target.value}: {spec.action.value}")
    lines += [f"    {s.value} --> [*]" for s in sorted(TERMINAL_STATES, key=order)]
    return "\n".join(lines) + "\n"
