"""Per-finger decisions on a match (issue 16 item 5): stored with the verification, on the
audit entry, and a confirmation that rests on too few confirmed fingers (or on a finger that
disagrees) refused with its reason — by the service, whoever calls it."""

from __future__ import annotations

import pytest
from enforcement_support import OFFICER, PARTNER, REF, Flow
from sqlalchemy import select

from securecomm.enforcement import audit, verification
from securecomm.enforcement.errors import InputError, PermissionDeniedError, SafeguardError
from securecomm.enforcement.models import AuditEntry, Case, IdentityVerification
from securecomm.enforcement.parameters import MIN_CONFIRMED_FINGERS
from securecomm.enforcement.vocabulary import CaseState, FingerDecision


def _run(flow: Flow, fn, principal, cn: str, **kwargs) -> None:
    """The domain function in one unit of work (refusals recorded), as the console runs it."""
    with flow.work.unit(principal, fn.__name__, cn) as session:
        fn(session, flow.clock, principal, cn, **kwargs)


def _verify(flow: Flow, cn: str, decisions, principal=OFFICER) -> None:
    _run(
        flow, verification.verify_identity, principal, cn, paired_minutiae_ref=REF,
        paired_minutiae_count=14, notes="ridge flow and pairs agree", finger_decisions=decisions,
    )  # fmt: skip


def _verification_of(flow: Flow, cn: str) -> tuple[IdentityVerification, dict[int, str]]:
    with flow.work.factory() as s:
        row = s.execute(
            select(IdentityVerification).join(Case).where(Case.case_number == cn)
        ).scalar_one()
        return row, {f.position: f.decision.value for f in row.fingers}


def _state(flow: Flow, cn: str) -> CaseState:
    with flow.work.factory() as s:
        return s.execute(select(Case.state).where(Case.case_number == cn)).scalar_one()


def test_each_fingers_decision_is_stored_with_the_verification(flow: Flow) -> None:
    cn = flow.open()
    decisions = {2: "confirmed", 7: "confirmed", 3: "inconclusive"}
    _verify(flow, cn, decisions)
    assert _state(flow, cn) is CaseState.IDENTITY_VERIFIED
    row, stored = _verification_of(flow, cn)
    assert row.confirmed and stored == decisions
    with flow.work.factory() as s:
        entry = s.execute(
            select(AuditEntry).where(
                AuditEntry.subject == cn, AuditEntry.action == "case.verify_identity"
            )
        ).scalar_one()
        evidence = audit.details_of(entry)["evidence"]
    assert evidence["finger_decisions"] == {"2": "confirmed", "3": "inconclusive", "7": "confirmed"}


def test_the_documented_minimum_is_two_fingers() -> None:
    assert MIN_CONFIRMED_FINGERS == 2  # docs and the console's wording say two


@pytest.mark.parametrize(
    ("decisions", "message"),
    [
        ({2: "confirmed"}, r"at least 2 fingers confirmed.*1 confirmed \(right index\) of 1"),
        ({2: "confirmed", 7: "inconclusive"}, r"1 confirmed \(right index\) of 2"),
        ({2: "inconclusive", 7: "inconclusive"}, r"0 confirmed \(none\)"),
        ({}, r"0 confirmed \(none\) of 0"),
        ({2: "confirmed", 3: "confirmed", 7: "not_confirmed"}, r"not confirmed \(left index\)"),
    ],
)
def test_a_too_weak_confirmation_is_refused_and_nothing_is_stored(
    flow: Flow, decisions, message
) -> None:
    cn = flow.open()
    with pytest.raises(SafeguardError, match=message) as refused:
        _verify(flow, cn, decisions)
    assert refused.value.rule == verification.FINGERS_RULE
    assert _state(flow, cn) is CaseState.MATCH_RECEIVED
    with flow.work.factory() as s:
        assert s.execute(select(IdentityVerification)).first() is None
        refusal = s.execute(
            select(AuditEntry).where(AuditEntry.action == "refused.fingers_confirmed")
        ).scalar_one()  # the refusal itself is on the record
    assert refusal.subject == cn


def test_authorization_is_refused_before_the_fingers_are_judged(flow: Flow) -> None:
    cn = flow.open()
    with pytest.raises(PermissionDeniedError):
        _verify(flow, cn, {2: "confirmed"}, principal=PARTNER)


@pytest.mark.parametrize(
    ("decisions", "message"),
    [({2: "yes"}, r"finger_decisions\[2\] \(right index\): 'yes' is not a decision"),
     ({11: "confirmed"}, "11 is not a finger position")],
)  # fmt: skip
def test_a_malformed_decision_names_the_finger(flow: Flow, decisions, message) -> None:
    cn = flow.open()
    with pytest.raises(InputError, match=message):
        _verify(flow, cn, decisions)


def test_a_rejection_records_its_finger_decisions_with_no_minimum(flow: Flow) -> None:
    cn = flow.open()
    _run(
        flow, verification.reject_match, OFFICER, cn, paired_minutiae_ref=REF,
        reason="the left index disagrees", finger_decisions={2: "confirmed", 7: "not_confirmed"},
    )  # fmt: skip
    assert _state(flow, cn) is CaseState.MATCH_REJECTED
    row, stored = _verification_of(flow, cn)
    assert not row.confirmed and stored == {2: "confirmed", 7: "not_confirmed"}


def test_a_caller_without_finger_decisions_records_none(flow: Flow) -> None:
    cn = flow.verified()
    row, stored = _verification_of(flow, cn)
    assert row.confirmed and stored == {}
    assert {d.value for d in FingerDecision} == {"confirmed", "not_confirmed", "inconclusive"}
