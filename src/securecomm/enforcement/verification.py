"""Human verification of the biometric match (DESIGN.md §5.2).

An officer looks at the examiner's side-by-side view of the two prints with the paired
minutiae (referenced by the match notice) and confirms or rejects the match.  Nothing else can
happen to a case before a confirmation; a rejection closes the case with its reason.

A confirmation is the officer's own decision on the view of this match: it records the view's
reference, the comparator's paired-minutiae count (the view must show at least
``parameters.MIN_PAIRED_MINUTIAE_SHOWN`` pairs — there must be a view to decide on, not a point
count to reach) and, as evidence, the search's decision and score from the IDENT response the
case was opened from; those are read from the case here and can never be given by the caller.

Per finger (``finger_decisions``: ANSI/NIST finger position → ``FingerDecision`` value), the
officer says of each finger of the view whether it is confirmed, not confirmed or
inconclusive; the decisions are stored with the verification (``FingerVerification`` rows) and
in the audit entry's evidence.  A confirmation given per finger must rest on at least
``parameters.MIN_CONFIRMED_FINGERS`` confirmed fingers and none "not confirmed" — otherwise
it is refused (``SafeguardError``, rule ``fingers_confirmed``) with what to do instead.  A
rejection may carry per-finger decisions too, with no minimum.  Callers that give no
per-finger decisions (``finger_decisions=None``) decide on the match as a whole, as before.
"""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy.orm import Session

from securecomm.afis.types import FingerPosition
from securecomm.clock import Clock
from securecomm.enforcement.errors import InputError, SafeguardError
from securecomm.enforcement.lifecycle import apply_transition, check_transition
from securecomm.enforcement.lookup import load_case
from securecomm.enforcement.models import Case, FingerVerification, IdentityVerification
from securecomm.enforcement.parameters import MIN_CONFIRMED_FINGERS
from securecomm.enforcement.roles import Principal
from securecomm.enforcement.vocabulary import Action, FingerDecision

#: The rule a too-weak per-finger confirmation is refused under (``refusals``).
FINGERS_RULE = "fingers_confirmed"


def finger_name(position: int) -> str:
    """``right index`` for position 2 (ANSI/NIST finger position codes)."""
    return FingerPosition(position).name.replace("_", " ").lower()


def parse_finger_decisions(
    finger_decisions: Mapping[int, str] | None,
) -> dict[int, FingerDecision] | None:
    """The decisions by finger position, checked: a known position and a known decision each."""
    if finger_decisions is None:
        return None
    known = ", ".join(d.value for d in FingerDecision)
    out: dict[int, FingerDecision] = {}
    for raw_position, raw_decision in finger_decisions.items():
        try:
            position = int(FingerPosition(int(raw_position)))
        except (TypeError, ValueError):
            raise InputError(
                f"finger_decisions: {raw_position!r} is not a finger position (0-10)"
            ) from None
        try:
            out[position] = FingerDecision(str(raw_decision))
        except ValueError:
            raise InputError(
                f"finger_decisions[{position}] ({finger_name(position)}): {raw_decision!r} is "
                f"not a decision ({known})"
            ) from None
    return dict(sorted(out.items()))


def check_fingers_confirmed(case_number: str, decisions: Mapping[int, FingerDecision]) -> None:
    """A per-finger confirmation rests on enough confirmed fingers and none not confirmed."""
    confirmed = [p for p, d in decisions.items() if d is FingerDecision.CONFIRMED]
    against = [p for p, d in decisions.items() if d is FingerDecision.NOT_CONFIRMED]
    if against:
        names = ", ".join(finger_name(p) for p in against)
        raise SafeguardError(
            f"case {case_number}: the match cannot be verified while a finger is not confirmed "
            f"({names}); a finger that disagrees is a reason to reject the match, not one to "
            "outvote — reject it, or re-examine that finger and record it as inconclusive if "
            "the print is too poor to decide",
            rule=FINGERS_RULE,
        )
    if len(confirmed) < MIN_CONFIRMED_FINGERS:
        names = ", ".join(finger_name(p) for p in confirmed) or "none"
        raise SafeguardError(
            f"case {case_number}: verifying a match needs at least {MIN_CONFIRMED_FINGERS} "
            f"fingers confirmed on the examiner's view; {len(confirmed)} confirmed ({names}) of "
            f"{len(decisions)} shown — confirm the fingers you can, or reject the match (not "
            "the same person, or not enough to decide) and ask for a better booking",
            rule=FINGERS_RULE,
        )


def _finger_rows(decisions: Mapping[int, FingerDecision] | None) -> list[FingerVerification]:
    return [FingerVerification(position=p, decision=d) for p, d in (decisions or {}).items()]


def _evidence_of(decisions: Mapping[int, FingerDecision] | None) -> dict[str, object]:
    if decisions is None:
        return {}
    return {"finger_decisions": {str(p): d.value for p, d in decisions.items()}}


def verify_identity(
    session: Session,
    clock: Clock,
    principal: Principal,
    case_number: str,
    *,
    paired_minutiae_ref: str,
    paired_minutiae_count: int,
    notes: str = "",
    finger_decisions: Mapping[int, str] | None = None,
) -> Case:
    """Confirm the match, having examined ``paired_minutiae_ref`` showing
    ``paired_minutiae_count`` pairs (the comparator's count, not the officer's); with
    ``finger_decisions`` (finger position → confirmed / not_confirmed / inconclusive), the
    confirmation rests on those and is refused when they are too weak (module docstring)."""
    decisions = parse_finger_decisions(finger_decisions)
    case = load_case(session, case_number)
    evidence = {
        "paired_minutiae_ref": paired_minutiae_ref,
        "paired_minutiae_count": paired_minutiae_count,
        "pipeline_score": case.candidate_score,
        "pipeline_decision": case.ident_summary,
        **_evidence_of(decisions),
    }
    if decisions is not None:  # who may, on which view, first; then whether the fingers hold
        check_transition(
            session, case, Action.VERIFY_IDENTITY, principal, clock, reason=notes,
            evidence=evidence,
        )  # fmt: skip
        check_fingers_confirmed(case.case_number, decisions)
    apply_transition(
        session, case, Action.VERIFY_IDENTITY, principal, clock, reason=notes, evidence=evidence
    )
    now = clock.now()
    case.identity_verified_by, case.identity_verified_at = principal.user_id, now
    session.add(
        IdentityVerification(
            case_id=case.id,
            confirmed=True,
            officer=principal.user_id,
            decided_at=now,
            paired_minutiae_ref=paired_minutiae_ref,
            paired_minutiae_count=paired_minutiae_count,
            reason=notes,
            fingers=_finger_rows(decisions),
        )
    )
    return case


def reject_match(
    session: Session,
    clock: Clock,
    principal: Principal,
    case_number: str,
    *,
    paired_minutiae_ref: str,
    reason: str,
    paired_minutiae_count: int = 0,
    finger_decisions: Mapping[int, str] | None = None,
) -> Case:
    """Reject the match; the case closes with the reason (and the per-finger decisions, if
    given, are recorded with it: no minimum applies to a rejection)."""
    decisions = parse_finger_decisions(finger_decisions)
    case = load_case(session, case_number)
    apply_transition(
        session,
        case,
        Action.REJECT_MATCH,
        principal,
        clock,
        reason=reason,
        evidence={"paired_minutiae_ref": paired_minutiae_ref, **_evidence_of(decisions)},
    )
    session.add(
        IdentityVerification(
            case_id=case.id,
            confirmed=False,
            officer=principal.user_id,
            decided_at=clock.now(),
            paired_minutiae_ref=paired_minutiae_ref,
            paired_minutiae_count=paired_minutiae_count,
            reason=reason,
            fingers=_finger_rows(decisions),
        )
    )
    return case
