"""Refusals on the record (issue 15): each refused action — authorization, guard, safeguard —
leaves exactly one audit entry (who, role, office/jail, the action tried, the case, the rule),
written in a transaction of its own, and nothing of the action: on SQLite and PostgreSQL."""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, ClassVar

import pytest
from enforcement_support import (
    BOOKING,
    JAIL,
    LESC,
    MANAGER,
    OFFICER,
    OTHER_JAIL,
    PARTNER_ELSEWHERE,
    Flow,
    conviction,
    in_transaction,
)
from sqlalchemy import create_engine, func, select, text

from securecomm.clock import FixedClock
from securecomm.enforcement import audit, refusals
from securecomm.enforcement.cases import CaseWork, read_case
from securecomm.enforcement.commands import (
    AssessPriority,
    CompleteOfficerReview,
    IssueDetainer,
    OpenCitizenshipReview,
    RecordJailResponse,
    RegisterPartner,
    ScheduleInterview,
    TransferCustody,
)
from securecomm.enforcement.errors import (
    CitizenshipGateError,
    DetainerExpiredError,
    EvidenceRequiredError,
    IllegalTransitionError,
    PermissionDeniedError,
    UnknownCaseError,
    VerificationRequiredError,
)
from securecomm.enforcement.lifecycle import apply_transition
from securecomm.enforcement.lookup import load_case
from securecomm.enforcement.models import AuditEntry, Case, Detainer
from securecomm.enforcement.roles import Principal, Role
from securecomm.enforcement.vocabulary import (
    Action,
    CaseState,
    CitizenshipIndicatorKind,
    InterviewMode,
    JailAnswer,
    ProbableCauseBasis,
)
from securecomm.store.database import Base, make_engine

URL = os.environ.get("DATABASE_URL", "")
BASIS = [ProbableCauseBasis.BIOMETRIC_MATCH_AND_RECORDS]
EVIDENCE = "IDENT match verified by officer; EID shows entry without inspection"
NYC_OFFICER = Principal("ice.officer.nyc", Role.ICE_OFFICER, office="NYC")


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def any_flow(
    request: pytest.FixtureRequest, tmp_path, clock: FixedClock
) -> Iterator[Flow]:  # fmt: skip
    """The case-work flow on a SQLite file, and on PostgreSQL in a schema of its own."""
    if request.param == "sqlite":
        engine = make_engine(f"sqlite:///{tmp_path / 'refusals.db'}")
        Base.metadata.create_all(engine)
        yield Flow(CaseWork.from_engine(engine, clock), clock)
        engine.dispose()
        return
    if not URL.startswith("postgresql"):
        pytest.skip("DATABASE_URL does not point at PostgreSQL")
    schema = f"ref_{uuid.uuid4().hex[:12]}"
    admin = create_engine(URL)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    engine = create_engine(URL, connect_args={"options": f"-csearch_path={schema}"})
    try:
        Base.metadata.create_all(engine)
        yield Flow(CaseWork.from_engine(engine, clock), clock)
    finally:
        engine.dispose()
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def snapshot(flow: Flow, cn: str) -> dict[str, Any]:
    """Everything a refused action could have changed: the case row, its detainers, the log."""

    def read(session, _clock):
        case = session.execute(select(Case).where(Case.case_number == cn)).scalar_one()
        row = {c.key: getattr(case, c.key) for c in Case.__table__.columns}
        return {
            "case": row,
            "detainers": session.scalar(select(func.count()).select_from(Detainer)),
            "entries": session.scalar(select(func.count()).select_from(AuditEntry)),
        }

    return in_transaction(flow.work, read)


def refused_once(flow: Flow, cn: str, attempt: Callable[[], object], error: type) -> AuditEntry:
    """Run ``attempt``: it is refused with ``error``, the case is as before, and the log holds
    exactly one more entry — the refusal's, which is returned."""
    before = snapshot(flow, cn)
    with pytest.raises(error) as caught:
        attempt()
    after = snapshot(flow, cn)
    assert after["case"] == before["case"] and after["detainers"] == before["detainers"]
    assert after["entries"] == before["entries"] + 1
    entry = in_transaction(flow.work, lambda s, c: s.get(AuditEntry, after["entries"]))
    assert refusals.recorded(caught.value) and caught.value.refusal_seq == entry.seq
    assert flow.work.verify_audit().intact
    return entry


def issue(flow: Flow, cn: str, principal: Principal = OFFICER, **kwargs: object) -> object:
    return flow.work.handle(
        IssueDetainer(cn, bases=BASIS, basis_evidence=EVIDENCE, **kwargs), principal
    )


def sign_agreement(flow: Flow, ori: str) -> None:
    flow.work.handle(
        RegisterPartner(facility_ori=ori, agency_name="County 287(g)", signed_on=date(2025, 1, 1)),
        MANAGER,
    )


# --- authorization -------------------------------------------------------------------------


def test_a_287g_officer_on_another_jails_case(any_flow: Flow) -> None:
    flow = any_flow
    sign_agreement(flow, JAIL)
    sign_agreement(flow, OTHER_JAIL)
    cn = flow.reviewed()
    entry = refused_once(
        flow, cn, lambda: issue(flow, cn, PARTNER_ELSEWHERE), PermissionDeniedError
    )
    details = audit.details_of(entry)
    assert (entry.action, entry.actor, entry.role, entry.subject) == (
        "refused.jail_scope", "deputy.287g.2", "partner_287g_officer", cn,
    )  # fmt: skip
    assert details["kind"] == "authorization" and details["rule"] == "jail_scope"
    assert details["action"] == "issue_detainer" and details["facility_ori"] == OTHER_JAIL
    assert "acts only on cases of jail CA0190000" in details["message"]
    assert details["error"] == "PermissionDeniedError"


def test_an_officer_of_another_field_office_and_a_role_without_the_permission(
    any_flow: Flow,
) -> None:
    flow = any_flow
    cn = flow.reviewed()
    entry = refused_once(flow, cn, lambda: flow.work.read_case(NYC_OFFICER, cn),
                         PermissionDeniedError)  # fmt: skip
    details = audit.details_of(entry)
    assert entry.action == "refused.office_scope" and details["office"] == "NYC"
    assert details["action"] == "read_case" and entry.role == "ice_officer"
    entry = refused_once(flow, cn, lambda: issue(flow, cn, LESC), PermissionDeniedError)
    assert entry.action == "refused.permission" and entry.actor == "lesc.specialist"


# --- guards --------------------------------------------------------------------------------


def test_an_officer_review_without_a_conducted_interview(any_flow: Flow) -> None:
    flow = any_flow
    cn = flow.researched(history=[conviction("2303")])
    flow.work.handle(AssessPriority(cn), LESC)
    interview = flow.work.handle(
        ScheduleInterview(
            cn,
            mode=InterviewMode.VIDEO,
            scheduled_at=flow.clock.now() + timedelta(hours=1),
            language="es",
            interpreter="Lionbridge #4411",
        ),
        OFFICER,
    )
    entry = refused_once(
        flow, cn,
        lambda: flow.work.handle(CompleteOfficerReview(cn, interview_id=interview.id), OFFICER),
        EvidenceRequiredError,
    )  # fmt: skip
    details = audit.details_of(entry)
    assert entry.action == "refused.interview_conducted"
    assert details["kind"] == "guard" and details["action"] == "complete_officer_review"
    assert details["office"] == "DAL" and entry.subject == cn


def test_an_action_not_possible_from_the_cases_state(any_flow: Flow) -> None:
    flow = any_flow
    cn = flow.reviewed()
    entry = refused_once(flow, cn, lambda: flow.work.handle(TransferCustody(cn), OFFICER),
                         IllegalTransitionError)  # fmt: skip
    assert entry.action == "refused.transition_table"
    assert audit.details_of(entry)["kind"] == "guard"


# --- safeguards ----------------------------------------------------------------------------


def test_a_detainer_while_the_citizenship_gate_is_open(any_flow: Flow) -> None:
    flow = any_flow
    cn = flow.reviewed()
    flow.work.handle(
        OpenCitizenshipReview(
            cn,
            indicator=CitizenshipIndicatorKind.CLAIM_OTHER,
            source="told the booking officer he was born in El Paso",
        ),
        BOOKING,
    )
    entry = refused_once(flow, cn, lambda: issue(flow, cn), CitizenshipGateError)
    details = audit.details_of(entry)
    assert entry.action == "refused.citizenship_gate" and entry.actor == "ice.officer"
    assert details["kind"] == "safeguard" and details["action"] == "issue_detainer"


def test_an_unverified_match_and_an_expired_detainer(any_flow: Flow) -> None:
    flow = any_flow
    cn = flow.open()
    entry = refused_once(flow, cn, lambda: issue(flow, cn), VerificationRequiredError)
    assert entry.action == "refused.identity_verified"
    held = flow.detained_request("T2")  # release eligible in 48 h: expires in 96 h
    flow.work.handle(
        RecordJailResponse(held, answer=JailAnswer.HONOURED, answered_by="jail shift supervisor"),
        BOOKING,
    )
    flow.clock.advance(timedelta(days=4, hours=1))
    transfer = lambda: flow.work.handle(TransferCustody(held), OFFICER)  # noqa: E731
    entry = refused_once(flow, held, transfer, DetainerExpiredError)
    details = audit.details_of(entry)
    assert entry.action == "refused.detainer_in_time" and details["kind"] == "safeguard"
    assert details["error"] == "DetainerExpiredError"


# --- the refusal's own transaction ---------------------------------------------------------


def test_the_refusal_survives_the_rollback_of_what_the_action_wrote(any_flow: Flow) -> None:
    """An action that wrote (a change to the case, an audit entry) before it was refused: all
    of it is rolled back, and the refusal alone is appended, in sequence, to a chain intact."""
    flow = any_flow
    cn = flow.reviewed()
    flow.work.handle(
        OpenCitizenshipReview(cn, indicator=CitizenshipIndicatorKind.CLAIM_OTHER, source="claim"),
        BOOKING,
    )

    @dataclass(frozen=True)
    class WriteThenRefused:
        """A command that writes to the case and the log, then is refused by the gate."""

        case_number: str
        name: ClassVar[str] = "write_then_refused"

        @property
        def subject(self) -> str:
            return self.case_number

        def apply(self, session, clock, principal, services) -> None:
            case = load_case(session, self.case_number)
            case.assigned_team = "WRITTEN-BEFORE-REFUSAL"
            audit.record(session, clock, principal, "case.partial_write", self.case_number, {})
            apply_transition(session, case, Action.ISSUE_DETAINER, principal, clock,
                             evidence={"bases": BASIS})  # fmt: skip

    entry = refused_once(flow, cn, lambda: flow.work.handle(WriteThenRefused(cn), OFFICER),
                         CitizenshipGateError)  # fmt: skip
    actions = in_transaction(flow.work, lambda s, c: [e.action for e in audit.entries_for(s, cn)])
    assert "case.partial_write" not in actions and actions[-1] == "refused.citizenship_gate"
    assert audit.details_of(entry)["action"] == "write_then_refused"
    assert in_transaction(flow.work, lambda s, c: load_case(s, cn).assigned_team) == ""
    assert (
        in_transaction(flow.work, lambda s, c: load_case(s, cn).state)
        is CaseState.CITIZENSHIP_REVIEW
    )


def test_what_is_not_a_refusal_leaves_no_entry(flow: Flow) -> None:
    """A case that does not exist, a malformed value: the request was wrong, nothing was
    refused."""
    count = in_transaction(
        flow.work, lambda s, c: s.scalar(select(func.count()).select_from(AuditEntry))
    )
    with pytest.raises(UnknownCaseError):
        flow.work.read_case(OFFICER, "SC-NOPE")
    assert (
        in_transaction(
            flow.work, lambda s, c: s.scalar(select(func.count()).select_from(AuditEntry))
        )
        == count
    )


def test_a_refusal_through_the_unit_door_is_recorded_once(flow: Flow) -> None:
    cn = flow.reviewed()
    with (
        pytest.raises(PermissionDeniedError) as caught,
        flow.work.unit(NYC_OFFICER, "read_case", cn) as session,
    ):
        read_case(session, flow.clock, NYC_OFFICER, cn)
    seq = caught.value.refusal_seq
    with pytest.raises(PermissionDeniedError), flow.work.refusals_recorded(NYC_OFFICER, "x", cn):
        raise caught.value  # already on the log: passed on, not recorded again
    entries = in_transaction(flow.work, lambda s, c: audit.entries_for(s, cn))
    assert [e.seq for e in entries if e.action.startswith("refused.")] == [seq]
