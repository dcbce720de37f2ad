"""The case lifecycle end to end, and its transition table."""

from __future__ import annotations

from datetime import timedelta

import pytest
from enforcement_support import (
    BOOKING,
    LESC,
    OFFICER,
    REF,
    SUPERVISOR,
    Flow,
    conviction,
    in_transaction,
    pending,
)

from securecomm.clock import FixedClock
from securecomm.enforcement import audit, custody
from securecomm.enforcement.cases import CaseWork
from securecomm.enforcement.commands import (
    AssessPriority,
    Charge,
    CloseNoAction,
    DecideAppeal,
    DecideCustody,
    EnterOrderWithoutHearing,
    ExerciseDiscretion,
    FileAppeal,
    OrderRemoval,
    RecordAbsconding,
    RecordJailResponse,
    RecordTravelDocument,
    ReferToCourt,
    RegisterFacility,
    ReleaseOnSupervision,
    RequestTravelDocument,
    TransferCustody,
    VerifyRemoval,
    WaitForConviction,
)
from securecomm.enforcement.errors import (
    EvidenceRequiredError,
    IllegalTransitionError,
    PermissionDeniedError,
)
from securecomm.enforcement.lifecycle import TERMINAL_STATES, TRANSITIONS
from securecomm.enforcement.models import Case
from securecomm.enforcement.vocabulary import (
    Action,
    AppealOutcome,
    CaseState,
    ChargingKind,
    CustodyKind,
    JailAnswer,
)


def state(work: CaseWork, cn: str) -> CaseState:
    return work.read_case(SUPERVISOR, cn).state


def test_every_action_has_one_row_and_terminal_states_have_no_exit() -> None:
    assert set(TRANSITIONS) == set(Action)
    for spec in TRANSITIONS.values():
        assert not (spec.sources & TERMINAL_STATES), spec.action


def test_every_state_is_reachable_from_match_received() -> None:
    reached, frontier = {CaseState.MATCH_RECEIVED}, [CaseState.MATCH_RECEIVED]
    while frontier:
        s = frontier.pop()
        for spec in TRANSITIONS.values():
            if s in spec.sources:
                for t in spec.targets() - reached:
                    reached.add(t)
                    frontier.append(t)
    assert reached == set(CaseState)


def test_main_path_from_match_to_verified_removal(flow: Flow, clock: FixedClock) -> None:
    work = flow.work
    cn = flow.detained_request()
    assert state(work, cn) is CaseState.DETAINER_ISSUED
    work.handle(
        RecordJailResponse(
            cn, answer=JailAnswer.HONOURED, answered_by="jail shift supervisor, County Jail"
        ),
        BOOKING,
    )
    clock.advance(timedelta(days=2, hours=5))
    work.handle(TransferCustody(cn), OFFICER)
    work.handle(
        Charge(
            cn,
            kind=ChargingKind.NOTICE_TO_APPEAR,
            allegations=["1. You are not a citizen or national of the United States."],
            charges=["INA 212(a)(6)(A)(i)"],
            court="Dallas Immigration Court",
            hearing_at=clock.now() + timedelta(days=30),
        ),
        OFFICER,
    )
    work.handle(
        RegisterFacility(code="PRA", facility_name="Prairieland", field_office="DAL", capacity=1),
        SUPERVISOR,
    )
    work.handle(
        DecideCustody(
            cn,
            kind=CustodyKind.DETAIN,
            flight_risk="high",
            public_safety_risk="low",
            risk_rationale="two prior failures to appear",
            facility_code="PRA",
        ),
        OFFICER,
    )
    work.handle(ReferToCourt(cn), OFFICER)
    work.handle(OrderRemoval(cn, reference="IJ order 2026-0401"), OFFICER)
    work.handle(FileAppeal(cn, reference="BIA appeal A-1"), OFFICER)
    work.handle(
        DecideAppeal(cn, outcome=AppealOutcome.DISMISSED, reference="BIA decision A-1"), OFFICER
    )
    assert state(work, cn) is CaseState.FINAL_ORDER
    work.handle(RequestTravelDocument(cn, country="Mexico"), OFFICER)
    work.handle(RecordTravelDocument(cn, reference="consular TD 77"), OFFICER)
    clock.advance(timedelta(days=3))
    work.handle(
        VerifyRemoval(
            cn,
            departed_at=clock.now() - timedelta(hours=1),
            port="Laredo POE",
            destination_country="Mexico",
            verification_reference="I-205 verified 77",
        ),
        OFFICER,
    )
    view = work.read_case(SUPERVISOR, cn)
    assert view.state is CaseState.REMOVED
    actions = [t[4] for t in view.timeline]
    assert actions[0] == "case.opened"
    assert "case.verify_identity" in actions and "case.verify_removal" in actions
    occupancy = in_transaction(work, lambda s, c: custody.occupancy(s))
    assert occupancy[0].in_use == 0  # removal freed the bed
    assert work.verify_audit().intact


def test_audit_entry_records_who_when_versions_evidence_reason(flow: Flow) -> None:
    cn = flow.reviewed()
    flow.work.handle(ExerciseDiscretion(cn, reason="primary caregiver"), OFFICER)
    entries = in_transaction(flow.work, lambda s, c: audit.entries_for(s, cn))
    last = audit.details_of(entries[-1])
    assert entries[-1].actor == "ice.officer" and entries[-1].role == "ice_officer"
    assert last["from"] == "officer_reviewed" and last["to"] == "discretion"
    assert last["reason"] == "primary caregiver"
    assert last["versions"] == {"lifecycle": "case-lifecycle-v1", "level_table": "ncic-levels-v1"}
    priority = next(e for e in entries if e.action == "case.assess_priority")
    assert audit.details_of(priority)["evidence"]["level"] == 2


def test_level_recorded_with_table_version_and_pending_apart(flow: Flow) -> None:
    cn = flow.reviewed(history=[conviction("2303"), pending("0903")])
    view = flow.work.read_case(OFFICER, cn)
    assert view.level == 2 and view.level_table_version == "ncic-levels-v1"
    assert [p["ncic_code"] for p in view.pending_charges] == ["0903"]


def test_wait_for_conviction_then_reassess_with_new_history(flow: Flow) -> None:
    cn = flow.reviewed(history=[pending("1204")])
    assert flow.work.read_case(OFFICER, cn).level is None
    flow.work.handle(WaitForConviction(cn, reason="robbery charge pending"), OFFICER)
    result = flow.work.handle(AssessPriority(cn, criminal_history=[conviction("1204", 1200)]), LESC)
    assert int(result.level or 0) == 1
    assert state(flow.work, cn) is CaseState.PRIORITY_ASSESSED


def test_wait_for_conviction_needs_a_pending_charge(flow: Flow) -> None:
    cn = flow.reviewed(history=[conviction("2303")])
    with pytest.raises(EvidenceRequiredError, match="no pending charge"):
        flow.work.handle(WaitForConviction(cn, reason="x"), OFFICER)


def test_illegal_transition_says_where_it_is_possible(flow: Flow) -> None:
    cn = flow.verified()
    with pytest.raises(IllegalTransitionError, match="is identity_verified: charge is possible"):
        flow.work.handle(
            Charge(cn, kind=ChargingKind.VOLUNTARY_RETURN, reference="request"), OFFICER
        )


def test_reason_is_required_to_close(flow: Flow) -> None:
    cn = flow.reviewed()
    with pytest.raises(EvidenceRequiredError, match="needs a reason"):
        flow.work.handle(CloseNoAction(cn, reason="  "), OFFICER)


def test_role_without_permission_is_refused(flow: Flow) -> None:
    cn = flow.reviewed()
    with pytest.raises(
        PermissionDeniedError, match=r"lesc\.specialist \(LESC specialist\) may not decide a case"
    ):
        flow.work.handle(CloseNoAction(cn, reason="x"), LESC)


def test_summary_charging_skips_court_and_absconding_from_detention_refused(
    flow: Flow, clock: FixedClock
) -> None:
    work = flow.work
    cn = flow.notification()
    work.handle(TransferCustody(cn), OFFICER)
    with pytest.raises(EvidenceRequiredError, match="reinstatement needs reference"):
        work.handle(Charge(cn, kind=ChargingKind.REINSTATEMENT), OFFICER)
    work.handle(
        Charge(cn, kind=ChargingKind.REINSTATEMENT, reference="prior order 2015-A"), OFFICER
    )
    work.handle(
        RegisterFacility(code="PRA", facility_name="P", field_office="DAL", capacity=3), SUPERVISOR
    )
    work.handle(
        DecideCustody(
            cn,
            kind=CustodyKind.DETAIN,
            flight_risk="high",
            public_safety_risk="medium",
            risk_rationale="prior removal",
            facility_code="PRA",
        ),
        OFFICER,
    )
    with pytest.raises(EvidenceRequiredError, match="only a notice to appear"):
        work.handle(ReferToCourt(cn), OFFICER)
    work.handle(EnterOrderWithoutHearing(cn, reference="I-871 2026-1"), OFFICER)
    with pytest.raises(Exception, match="detained; absconding is not possible"):
        work.handle(RecordAbsconding(cn, reason="x"), OFFICER)
    work.handle(ReleaseOnSupervision(cn, reason="no travel document in 90 days"), OFFICER)
    work.handle(RecordAbsconding(cn, reason="missed three check-ins"), OFFICER)
    assert state(work, cn) is CaseState.ABSCONDED


def test_detention_bed_capacity_is_enforced(flow: Flow) -> None:
    work = flow.work
    work.handle(
        RegisterFacility(code="SMALL", facility_name="S", field_office="DAL", capacity=1),
        SUPERVISOR,
    )
    numbers = []
    for tcn in ("A", "B"):
        cn = flow.notification(tcn)
        work.handle(TransferCustody(cn), OFFICER)
        work.handle(
            Charge(cn, kind=ChargingKind.VOLUNTARY_RETURN, reference="signed request"), OFFICER
        )
        numbers.append(cn)
    args = dict(flight_risk="low", public_safety_risk="low", risk_rationale="r")
    work.handle(
        DecideCustody(numbers[0], kind=CustodyKind.DETAIN, facility_code="SMALL", **args), OFFICER
    )
    from securecomm.enforcement.errors import CapacityError

    with pytest.raises(CapacityError, match="SMALL has no free bed"):
        work.handle(
            DecideCustody(numbers[1], kind=CustodyKind.DETAIN, facility_code="SMALL", **args),
            OFFICER,
        )
    # moving the first to alternatives to detention frees the bed
    work.handle(
        DecideCustody(
            numbers[0], kind=CustodyKind.ALTERNATIVES_TO_DETENTION, atd_program="ISAP", **args
        ),
        OFFICER,
    )
    work.handle(
        DecideCustody(numbers[1], kind=CustodyKind.DETAIN, facility_code="SMALL", **args), OFFICER
    )
    with pytest.raises(EvidenceRequiredError, match="bond needs bond_amount"):
        work.handle(DecideCustody(numbers[0], kind=CustodyKind.BOND, **args), OFFICER)


def test_open_is_idempotent_on_ori_and_tcn(flow: Flow) -> None:
    first = flow.open("T9")
    assert flow.open("T9") == first
    count = in_transaction(flow.work, lambda s, c: s.query(Case).count())
    assert count == 1


def test_unknown_action_is_refused_in_plain_words(flow: Flow) -> None:
    from securecomm.enforcement.lifecycle import apply_transition
    from securecomm.enforcement.lookup import load_case

    cn = flow.open()

    def teleport(session, clock):
        case = load_case(session, cn)
        apply_transition(session, case, "teleport", OFFICER, clock)  # type: ignore[arg-type]

    with pytest.raises(IllegalTransitionError, match="unknown action 'teleport'; the actions"):
        in_transaction(flow.work, teleport)


def test_the_audited_view_holds_what_a_case_page_shows(flow: Flow) -> None:
    """The IDENT summary and the offenses are in the view, so no reader needs the case row."""
    cn = flow.verified("V1", history=[conviction("2303"), pending("1313")])
    view = flow.work.read_case(SUPERVISOR, cn)
    assert view.ident_summary == "IDENT hit: 2 encounters" and view.candidate_score == 412.0
    assert view.paired_minutiae_ref == REF and view.facility_name == "County Jail"
    assert view.booking_tcn == "V1" and view.identity_verified_at == flow.clock.now()
    assert [(o.ncic_code, o.disposition.value, o.level) for o in view.convictions] == [
        ("2303", "convicted", 2)
    ]
    assert [o.ncic_code for o in view.other_offenses] == ["1313"]
