"""Case work as commands: one command per action, refusals audited under the command's name,
and what ``CaseWork.availability`` offers agreeing with what the transition table allows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from enforcement_support import (
    AUDITOR,
    BOOKING,
    COUNSEL,
    JAIL,
    LESC,
    MANAGER,
    OFFICER,
    OFFICER_2,
    OTHER_JAIL,
    PARTNER,
    PARTNER_ELSEWHERE,
    SUPERVISOR,
    Flow,
    in_transaction,
)
from sqlalchemy import func, select

from securecomm.enforcement import (
    CASE_COMMANDS,
    COMMANDS_BY_NAME,
    AcknowledgeReminder,
    AssessPriority,
    Assign,
    Availability,
    CaseCommand,
    Charge,
    CloseNoAction,
    CompleteOfficerReview,
    ConductInterview,
    DecideCustody,
    IssueDetainer,
    OpenCitizenshipReview,
    RecordCounselReview,
    RecordJailResponse,
    RecordStatusResearch,
    RecordSupervisorReview,
    RegisterFacility,
    RegisterPartner,
    RegisterPolicy,
    RequestNotification,
    ScheduleInterview,
    TransferCustody,
    VerifyIdentity,
    WaitForConviction,
    audit,
)
from securecomm.enforcement.errors import (
    CitizenshipGateError,
    EnforcementError,
    PermissionDeniedError,
    VerificationRequiredError,
)
from securecomm.enforcement.inputs import ImmigrationEventKind, ImmigrationHistoryEvent
from securecomm.enforcement.lifecycle import (
    BEFORE_VERIFICATION,
    GATE_ACTIONS,
    OPEN_STATES,
    TRANSITIONS,
    check_transition,
)
from securecomm.enforcement.lookup import authorize, load_case
from securecomm.enforcement.models import AuditEntry, Case, Detainer
from securecomm.enforcement.roles import PERMISSION_MATRIX, Permission, Principal, Role
from securecomm.enforcement.vocabulary import (
    Action,
    CaseState,
    ChargingKind,
    CitizenshipIndicatorKind,
    CustodyKind,
    InterviewMode,
    JailAnswer,
    ProbableCauseBasis,
    ReviewFinding,
)

NYC_OFFICER = Principal("nyc.officer", Role.ICE_OFFICER, office="NYC")
NYC_SUPERVISOR = Principal("nyc.supervisor", Role.SUPERVISOR, office="NYC")
PRINCIPALS = [
    OFFICER, OFFICER_2, SUPERVISOR, COUNSEL, LESC, AUDITOR, MANAGER, BOOKING, PARTNER,
    PARTNER_ELSEWHERE, NYC_OFFICER, NYC_SUPERVISOR,
]  # fmt: skip
#: The rules of ``check_transition``'s role and state checks (not its evidence and guards).
ROLE_AND_STATE_RULES = {
    "permission", "jail_scope", "partner_agreement", "office_scope",  # roles.require
    "citizenship_gate", "identity_verified", "transition_table",
}  # fmt: skip
NATURALISED = [
    ImmigrationHistoryEvent(ImmigrationEventKind.NATURALISATION, date(2012, 5, 1), "N-550 1")
]


def permissions_of(command: type[CaseCommand[object]]) -> tuple[Permission, ...]:
    if command.action is not None:
        return TRANSITIONS[command.action].permissions
    assert command.permission is not None
    return (command.permission,)


def by_command(availability: list[Availability]) -> dict[type, Availability]:
    return {a.command: a for a in availability}


# --- (a) one command per action ------------------------------------------------------------


def test_every_action_has_exactly_one_command_and_names_are_unique() -> None:
    for action in Action:
        commands = [c.__name__ for c in CASE_COMMANDS if c.action is action]
        assert len(commands) == 1, (action, commands)
    names = [c.name for c in CASE_COMMANDS]
    assert len(names) == len(set(names)), sorted(n for n in names if names.count(n) > 1)
    assert set(COMMANDS_BY_NAME) == set(names) and len(COMMANDS_BY_NAME) == len(CASE_COMMANDS)
    others = [RegisterPartner, RegisterPolicy, RegisterFacility, AcknowledgeReminder]
    assert not {c.name for c in others} & set(names)
    assert len({c.name for c in others}) == len(others)


def test_each_command_names_its_transition_or_its_permission() -> None:
    for command in CASE_COMMANDS:
        if command.action is not None:
            assert command.name == command.action.value, command
            assert command.permission is None, command
            # the availability's "verify first" is the table's own rule
            assert command.after_verification is (command.action not in BEFORE_VERIFICATION), (
                command
            )
        else:
            assert command.permission is not None, command
    assert RecordSupervisorReview.name == "record_supervisor_review"
    assert RecordCounselReview.name == "record_counsel_review"


# --- (b) a refused command: rolled back, one refusal entry under its name -------------------


def _entries(flow: Flow) -> int:
    return in_transaction(flow.work, lambda s, c: s.scalar(select(func.count(AuditEntry.seq))))


def _last_entry(flow: Flow) -> AuditEntry:
    return in_transaction(
        flow.work,
        lambda s, c: s.scalars(select(AuditEntry).order_by(AuditEntry.seq.desc())).first(),
    )


def _case_row(flow: Flow, cn: str) -> tuple[object, ...]:
    def read(session, clock) -> tuple[object, ...]:
        case = load_case(session, cn)
        detainers = session.scalar(
            select(func.count(Detainer.id)).where(Detainer.case_id == case.id)
        )
        return (case.state, case.citizenship_gate_open, case.assigned_team, detainers)

    return in_transaction(flow.work, read)


@dataclass(frozen=True, kw_only=True)
class IssueDetainerAfterAWrite(IssueDetainer):
    """The detainer command, having written to the case before it is refused."""

    def apply(self, session, clock, principal, services):
        load_case(session, self.case_number).assigned_team = "WRITTEN-BEFORE-REFUSAL"
        audit.record(session, clock, principal, "case.partial_write", self.case_number, {})
        return super().apply(session, clock, principal, services)


def test_a_refused_command_rolls_back_and_is_audited_once_under_its_name(flow: Flow) -> None:
    cn = flow.open("R1")  # not verified: a detainer is refused
    before, count = _case_row(flow, cn), _entries(flow)
    command = IssueDetainerAfterAWrite(
        cn, bases=[ProbableCauseBasis.BIOMETRIC_MATCH_AND_RECORDS], basis_evidence="records",
        release_eligible_at=flow.clock.now() + timedelta(days=2),
    )  # fmt: skip
    assert command.name == "issue_detainer"
    with pytest.raises(VerificationRequiredError) as caught:
        flow.work.handle(command, OFFICER)
    assert _case_row(flow, cn) == before
    assert _entries(flow) == count + 1
    entry = _last_entry(flow)
    assert caught.value.refusal_seq == entry.seq
    assert entry.action == "refused.identity_verified" and entry.subject == cn
    assert entry.actor == OFFICER.user_id
    assert audit.details_of(entry)["action"] == "issue_detainer" == command.name
    assert flow.work.verify_audit().intact


def test_a_review_by_the_wrong_reviewer_is_refused_under_the_commands_name(flow: Flow) -> None:
    """The supervisor may not record counsel's finding (nor counsel the supervisor's): the
    refusal names the command tried, not ``record_review``."""
    cn = flow.open("R2", immigration=NATURALISED)  # held at the gate from intake
    for command, principal in (
        (RecordCounselReview, SUPERVISOR), (RecordSupervisorReview, COUNSEL),
        (RecordSupervisorReview, OFFICER),
    ):  # fmt: skip
        before, count = _case_row(flow, cn), _entries(flow)
        finding = ReviewFinding.CITIZENSHIP_NOT_ESTABLISHED
        with pytest.raises(PermissionDeniedError):
            flow.work.handle(command(cn, finding=finding, reason="checked"), principal)
        assert _case_row(flow, cn) == before and _entries(flow) == count + 1
        entry = _last_entry(flow)
        assert entry.action == "refused.permission" and entry.subject == cn
        assert entry.actor == principal.user_id
        assert audit.details_of(entry)["action"] == command.name
    review = flow.work.handle(
        RecordCounselReview(cn, finding=ReviewFinding.CITIZENSHIP_NOT_ESTABLISHED, reason="r"),
        COUNSEL,
    )
    assert review.counsel_finding is ReviewFinding.CITIZENSHIP_NOT_ESTABLISHED
    assert review.supervisor_finding is None


def test_a_refused_command_on_no_case_names_what_it_acted_on(flow: Flow) -> None:
    count = _entries(flow)
    with pytest.raises(PermissionDeniedError):
        flow.work.handle(RegisterPolicy(facility_ori=JAIL, accepts_detainers=False), OFFICER)
    assert _entries(flow) == count + 1
    entry = _last_entry(flow)
    assert entry.subject == JAIL and audit.details_of(entry)["action"] == "register_policy"


# --- (c) what an officer may do now, and why not --------------------------------------------


def test_an_officer_on_a_fresh_verified_case(flow: Flow) -> None:
    cn = flow.verified("V1")
    offered = by_command(flow.work.availability(OFFICER, cn))
    assert list(offered) == list(CASE_COMMANDS)  # every command, in the console's order
    assert offered[ConductInterview].why_not == "schedule an interview first"
    assert not offered[ConductInterview].out_of_reach and not offered[ConductInterview].possible
    assert offered[ScheduleInterview].possible
    # the table starts these from later states: nothing to explain yet
    assert offered[IssueDetainer].out_of_reach and offered[CompleteOfficerReview].out_of_reach
    assert offered[VerifyIdentity].out_of_reach  # already verified
    # what the officer's role does not hold is out of reach, whatever the case
    theirs = PERMISSION_MATRIX[OFFICER.role]
    others = [c for c in CASE_COMMANDS if not set(permissions_of(c)) & theirs]
    assert {RecordStatusResearch, RecordSupervisorReview, RecordCounselReview,
            Assign} <= set(others)  # fmt: skip
    for command in others:
        assert offered[command].out_of_reach and not offered[command].why_not, command


def test_an_unverified_case_asks_for_verification_first(flow: Flow) -> None:
    cn = flow.open("U1")
    offered = by_command(flow.work.availability(OFFICER, cn))
    assert offered[VerifyIdentity].possible
    assert offered[ScheduleInterview].why_not == "verify the biometric match first"
    assert offered[OpenCitizenshipReview].possible  # anyone on the case, verified or not


def test_the_interview_then_the_review_then_the_detainer(flow: Flow) -> None:
    work, clock = flow.work, flow.clock
    cn = flow.researched("I1")
    work.handle(AssessPriority(cn), LESC)
    offered = by_command(work.availability(OFFICER, cn))
    assert offered[CompleteOfficerReview].why_not == "record a conducted interview first"
    assert offered[ConductInterview].why_not == "schedule an interview first"
    assert offered[IssueDetainer].out_of_reach
    interview = work.handle(
        ScheduleInterview(cn, mode=InterviewMode.VIDEO, scheduled_at=clock.now(), language="es",
                          interpreter="Lionbridge #4411"),
        OFFICER,
    )  # fmt: skip
    offered = by_command(work.availability(OFFICER, cn))
    assert offered[ConductInterview].possible
    assert offered[CompleteOfficerReview].why_not == "record a conducted interview first"
    work.handle(ConductInterview(cn, interview_id=interview.id, citizenship_claimed=False), OFFICER)
    offered = by_command(work.availability(OFFICER, cn))
    assert offered[CompleteOfficerReview].possible
    assert offered[ConductInterview].why_not == "schedule an interview first"  # none left
    work.handle(CompleteOfficerReview(cn, interview_id=interview.id), OFFICER)
    offered = by_command(work.availability(OFFICER, cn))
    assert offered[IssueDetainer].possible and offered[RequestNotification].possible
    assert offered[CompleteOfficerReview].out_of_reach


def test_a_jail_that_declines_detainers_is_the_reason_not_to_issue_one(flow: Flow) -> None:
    cn = flow.reviewed("P1")
    assert by_command(flow.work.availability(OFFICER, cn))[IssueDetainer].possible
    flow.work.handle(
        RegisterPolicy(facility_ori=JAIL, accepts_detainers=False, policy_name="County",
                       source="county ordinance 2014-12"),
        SUPERVISOR,
    )  # fmt: skip
    offered = by_command(flow.work.availability(OFFICER, cn))
    assert "does not accept detainers" in offered[IssueDetainer].why_not
    assert "County" in offered[IssueDetainer].why_not
    assert not offered[IssueDetainer].possible and not offered[IssueDetainer].out_of_reach
    assert offered[RequestNotification].possible


@pytest.mark.parametrize("gated_at", ["intake", "after review"])
def test_a_case_in_citizenship_review_offers_only_the_gate(flow: Flow, gated_at: str) -> None:
    if gated_at == "intake":
        cn = flow.open("G1", immigration=NATURALISED)
    else:
        cn = flow.reviewed("G2")
        flow.work.handle(
            OpenCitizenshipReview(cn, indicator=CitizenshipIndicatorKind.CLAIM_OTHER,
                                  source="told the booking officer he was born in El Paso"),
            BOOKING,
        )  # fmt: skip
    for principal in PRINCIPALS:
        in_reach = [a.command for a in flow.work.availability(principal, cn) if not a.out_of_reach]
        assert all(c.action in GATE_ACTIONS for c in in_reach), (principal, in_reach)
    supervisor = by_command(flow.work.availability(SUPERVISOR, cn))
    counsel = by_command(flow.work.availability(COUNSEL, cn))
    assert supervisor[RecordSupervisorReview].possible
    assert supervisor[RecordCounselReview].out_of_reach
    assert counsel[RecordCounselReview].possible
    assert counsel[RecordSupervisorReview].out_of_reach
    assert all(a.out_of_reach for a in flow.work.availability(OFFICER, cn))


# --- (d) what availability offers, the transition table does not refuse ---------------------


def _cases_in_many_states(flow: Flow) -> dict[str, str]:
    """Cases at the main path's states, at two jails, one closed, two at the gate."""
    work, clock = flow.work, flow.clock
    work.handle(RegisterPartner(facility_ori=JAIL, agency_name="County 287(g)",
                                signed_on=date(2025, 1, 1)), MANAGER)  # fmt: skip
    work.handle(RegisterFacility(code="PRA", facility_name="Prairieland", field_office="DAL",
                                 capacity=5), SUPERVISOR)  # fmt: skip

    def assessed(tcn: str) -> str:
        cn = flow.researched(tcn)
        work.handle(AssessPriority(cn), LESC)
        return cn

    def scheduled(cn: str) -> int:
        return work.handle(
            ScheduleInterview(cn, mode=InterviewMode.VIDEO, scheduled_at=clock.now(),
                              language="es", interpreter="Lionbridge #4411"),
            OFFICER,
        ).id  # fmt: skip

    def charged(tcn: str) -> str:
        cn = flow.notification(tcn)
        work.handle(TransferCustody(cn), OFFICER)
        work.handle(
            Charge(cn, kind=ChargingKind.NOTICE_TO_APPEAR,
                   allegations=["You are not a citizen or national of the United States."],
                   charges=["INA 212(a)(6)(A)(i)"], court="Dallas Immigration Court",
                   hearing_at=clock.now() + timedelta(days=30)),
            OFFICER,
        )  # fmt: skip
        return cn

    cases = {
        "match_received": flow.open("S01"),
        "identity_verified": flow.verified("S02"),
        "status_researched": flow.researched("S03"),
        "assessed_no_interview": assessed("S04"),
        "officer_reviewed": flow.reviewed("S06"),
        "officer_reviewed_other_jail": flow.reviewed("S07", facility=OTHER_JAIL),
        "detainer_issued": flow.detained_request("S08"),
        "detainer_honoured": flow.detained_request("S09"),
        "notification_requested": flow.notification("S10"),
        "charged": charged("S11"),
        "custody_decided": charged("S12"),
        "awaiting_conviction": flow.reviewed("S13"),
        "no_action": flow.reviewed("S14"),
        "gate_at_intake": flow.open("S15", immigration=NATURALISED),
        "gate_after_review": flow.reviewed("S16"),
        "assessed_scheduled": assessed("S05"),
    }
    scheduled(cases["assessed_scheduled"])
    conducted = assessed("S17")
    work.handle(
        ConductInterview(conducted, interview_id=scheduled(conducted), citizenship_claimed=False),
        OFFICER,
    )
    cases["assessed_interviewed"] = conducted
    work.handle(RecordJailResponse(cases["detainer_honoured"], answer=JailAnswer.HONOURED,
                                   answered_by="jail shift supervisor"), BOOKING)  # fmt: skip
    work.handle(
        DecideCustody(cases["custody_decided"], kind=CustodyKind.DETAIN, flight_risk="high",
                      public_safety_risk="low", risk_rationale="two failures to appear",
                      facility_code="PRA"),
        OFFICER,
    )  # fmt: skip
    work.handle(WaitForConviction(cases["awaiting_conviction"], reason="charge pending"), OFFICER)
    work.handle(CloseNoAction(cases["no_action"], reason="no priority"), OFFICER)
    work.handle(
        OpenCitizenshipReview(cases["gate_after_review"],
                              indicator=CitizenshipIndicatorKind.CLAIM_OTHER, source="claim"),
        BOOKING,
    )  # fmt: skip
    return cases


def _role_or_state_refusal(session, flow: Flow, case: Case, command, principal) -> str:
    """The rule of the role and state checks that refuse ``command`` ("" when none does)."""
    if command.action is not None:
        try:
            check_transition(session, case, command.action, principal, flow.clock)
        except EnforcementError as exc:
            return exc.rule if exc.rule in ROLE_AND_STATE_RULES else ""
        return ""
    try:  # case work that is not a transition: the role's permission, an open case
        authorize(session, flow.clock, principal, command.permission, case)
    except PermissionDeniedError as exc:
        return exc.rule
    if case.state not in OPEN_STATES:
        return "transition_table"
    if case.citizenship_gate_open:
        return CitizenshipGateError.rule
    return ""


def test_what_availability_offers_the_table_does_not_refuse(flow: Flow) -> None:
    cases = _cases_in_many_states(flow)
    states = {}
    possible: dict[str, set[str]] = {}
    problems = []
    for label, cn in cases.items():
        for principal in PRINCIPALS:
            offered = flow.work.availability(principal, cn)
            with flow.work.factory() as session:
                case = load_case(session, cn)
                states[label] = case.state
                for a in offered:
                    rule = _role_or_state_refusal(session, flow, case, a.command, principal)
                    if a.possible:
                        possible.setdefault(a.command.__name__, set()).add(label)
                        if rule:
                            problems.append((label, principal.user_id, a.command.__name__, rule))
                    elif a.out_of_reach and not rule:  # and what it hides, the table refuses
                        problems.append((label, principal.user_id, a.command.__name__, "hidden"))
                session.rollback()
    assert problems == []
    # the cases are in the states they are named for, and the check was not vacuous
    assert states["detainer_honoured"] is CaseState.DETAINER_HONOURED
    assert states["custody_decided"] is CaseState.CUSTODY_DECIDED
    assert states["awaiting_conviction"] is CaseState.AWAITING_CONVICTION
    assert states["no_action"] is CaseState.NO_ACTION
    assert states["gate_after_review"] is CaseState.CITIZENSHIP_REVIEW
    assert len(set(states.values())) >= 13
    assert possible["IssueDetainer"] == {"officer_reviewed", "officer_reviewed_other_jail"}
    assert possible["VerifyIdentity"] == {"match_received"}
    assert possible["CompleteOfficerReview"] == {"assessed_interviewed"}
    assert possible["ConductInterview"] == {"assessed_scheduled"}
    assert {"TransferCustody", "Charge", "DecideCustody", "ReferToCourt", "RecordJailResponse",
            "AssessPriority", "RecordStatusResearch", "RecordSupervisorReview",
            "RecordCounselReview", "Assign"} <= set(possible)  # fmt: skip
