"""Human verification of the biometric match (DESIGN.md §5.2).

An officer looks at the examiner's side-by-side view of the two prints with the paired
minutiae (referenced by the match notice) and confirms or rejects the match.  Nothing else can
happen to a case before a confirmation; a rejection closes the case with its reason.

A confirmation is the officer's own decision on the view of this match: it records the view's
reference, the comparator's paired-minutiae count (the view must show at least
``parameters.MIN_PAIRED_MINUTIAE_SHOWN`` pairs — there must be a view to decide on, not a point
count to reach) and, as evidence, the search's decision and score from the IDENT response the
case was opened from; those are read from the case here and can never be given by the caller.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from securecomm.clock import Clock
from securecomm.enforcement.lifecycle import apply_transition
from securecomm.enforcement.lookup import load_case
from securecomm.enforcement.models import Case, IdentityVerification
from securecomm.enforcement.roles import Principal
from securecomm.enforcement.vocabulary import Action


def verify_identity(
    session: Session,
    clock: Clock,
    principal: Principal,
    case_number: str,
    *,
    paired_minutiae_ref: str,
    paired_minutiae_count: int,
    notes: str = "",
) -> Case:
    """Confirm the match, having examined ``paired_minutiae_ref`` showing
    ``paired_minutiae_count`` pairs (the comparator's count, not the officer's)."""
    case = load_case(session, case_number)
    evidence = {
        "paired_minutiae_ref": paired_minutiae_ref,
        "paired_minutiae_count": paired_minutiae_count,
        "pipeline_score": case.candidate_score,
        "pipeline_decision": case.ident_summary,
    }
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
) -> Case:
    """Reject the match; the case closes with the reason."""
    case = load_case(session, case_number)
    apply_transition(
        session,
        case,
        Action.REJECT_MATCH,
        principal,
        clock,
        reason=reason,
        evidence={"paired_minutiae_ref": paired_minutiae_ref},
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
        )
    )
    return case
