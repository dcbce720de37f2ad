"""Property: no sequence of calls, by any role, with any arguments, reaches an illegal state.

A hypothesis ``RuleBasedStateMachine`` drives two cases through random service calls — right
or wrong role, right or wrong evidence, at any time — and after every step checks the
invariants that the safeguards promise.  Refusals (``SecurecommError``) are expected; any other
exception, or any broken invariant, fails the test.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from datetime import date, timedelta
from pathlib import Path

from enforcement_support import (
    BOOKING,
    COUNSEL,
    JAIL,
    LESC,
    MANAGER,
    OFFICER,
    OTHER_JAIL,
    PARTNER,
    PARTNER_ELSEWHERE,
    REF,
    START,
    SUPERVISOR,
    in_transaction,
    notice,
)
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule
from sqlalchemy import select

from securecomm.clock import FixedClock
from securecomm.enforcement import audit, custody
from securecomm.enforcement.cases import CaseWork
from securecomm.enforcement.commands import (
    AssessPriority,
    Charge,
    ClearCitizenshipReview,
    CloseNoAction,
    CompleteOfficerReview,
    ConductInterview,
    DecideAppeal,
    DecideCustody,
    EnterOrderWithoutHearing,
    EstablishCitizenship,
    ExerciseDiscretion,
    ExpireDetainer,
    FileAppeal,
    GrantRelief,
    IssueDetainer,
    LiftDetainer,
    OpenCitizenshipReview,
    OrderBecomesFinal,
    OrderRemoval,
    RecordAbsconding,
    RecordCounselReview,
    RecordJailResponse,
    RecordReleaseTime,
    RecordStatusResearch,
    RecordSupervisorReview,
    RecordTravelDocument,
    ReferToCourt,
    RegisterFacility,
    RegisterPartner,
    RegisterPolicy,
    RejectMatch,
    ReleaseOnSupervision,
    RequestNotification,
    RequestTravelDocument,
    ScheduleInterview,
    TerminateProceedings,
    TransferCustody,
    VerifyIdentity,
    VerifyRemoval,
    WaitForConviction,
)
from securecomm.enforcement.guards import ACTIVE_DETAINER
from securecomm.enforcement.inputs import (
    CriminalHistoryEvent,
    Disposition,
    ImmigrationEventKind,
    ImmigrationHistoryEvent,
)
from securecomm.enforcement.levels import assess_level
from securecomm.enforcement.lifecycle import DETAINER_STATES, TRANSITIONS
from securecomm.enforcement.models import Case, Interview
from securecomm.enforcement.vocabulary import (
    PROHIBITED_BASES,
    Action,
    AppealOutcome,
    CaseState,
    ChargingKind,
    CustodyKind,
    DetainerStatus,
    InterviewMode,
    JailAnswer,
    LiftReason,
    ProbableCauseBasis,
    ReviewFinding,
    StatusFinding,
)
from securecomm.errors import SecurecommError
from securecomm.store.database import Base, make_engine

PRINCIPALS = [
    OFFICER, SUPERVISOR, COUNSEL, LESC, BOOKING, PARTNER, PARTNER_ELSEWHERE, MANAGER,
]  # fmt: skip
CODES = ["2303", "1204", "3532", "0903", "5404", "1313"]
events = st.builds(
    CriminalHistoryEvent,
    ncic_code=st.sampled_from(CODES),
    disposition=st.sampled_from(list(Disposition)),
    date=st.just(date(2020, 1, 1)),
    sentence_days=st.none() | st.integers(0, 800),
)
REACHED: set[CaseState] = set()
UNVERIFIED_OK = {
    CaseState.MATCH_RECEIVED,
    CaseState.MATCH_REJECTED,
    CaseState.CITIZENSHIP_REVIEW,
    CaseState.CITIZENSHIP_ESTABLISHED,
}


class CaseMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.dir = Path(tempfile.mkdtemp(prefix="enf-sm-"))
        engine = make_engine(f"sqlite:///{self.dir / 'cases.db'}")
        Base.metadata.create_all(engine)
        self.clock = FixedClock(START)
        self.work = CaseWork.from_engine(engine, self.clock)
        self.work.handle(
            RegisterPolicy(facility_ori=OTHER_JAIL, accepts_detainers=False), SUPERVISOR
        )
        self.work.handle(
            RegisterPartner(facility_ori=JAIL, agency_name="p", signed_on=START.date()), MANAGER
        )
        self.work.handle(
            RegisterFacility(code="F", facility_name="F", field_office="DAL", capacity=1),
            SUPERVISOR,
        )
        self.cases: list[str] = []
        self.engine = engine

    def teardown(self) -> None:
        self.engine.dispose()
        shutil.rmtree(self.dir, ignore_errors=True)

    def attempt(self, command, who) -> None:
        with contextlib.suppress(SecurecommError):
            self.work.handle(command, who)

    def case(self, data: st.DataObject) -> str | None:
        return data.draw(st.sampled_from(self.cases)) if self.cases else None

    # --- rules -----------------------------------------------------------------------------

    @initialize(history=st.lists(events, max_size=3))
    def two_cases(self, history) -> None:
        for tcn, facility in (("A", JAIL), ("B", OTHER_JAIL)):
            case = self.work.open_case_from_match(notice(tcn, facility=facility), history, [])
            self.cases.append(case.case_number)

    @rule(
        tcn=st.sampled_from(["A", "B"]),
        facility=st.sampled_from([JAIL, OTHER_JAIL]),
        history=st.lists(events, max_size=4),
        citizen=st.booleans(),
        removed=st.booleans(),
    )
    def open_case(self, tcn, facility, history, citizen, removed) -> None:
        immigration = []
        if citizen:
            immigration.append(
                ImmigrationHistoryEvent(ImmigrationEventKind.NATURALISATION, date(2010, 1, 1))
            )
        if removed:
            immigration.append(ImmigrationHistoryEvent(ImmigrationEventKind.REMOVED,
                                                       date(2018, 1, 1)))  # fmt: skip
        case = self.work.open_case_from_match(notice(tcn, facility=facility), history, immigration)
        if case.case_number not in self.cases:
            self.cases.append(case.case_number)

    @rule(data=st.data(), who=st.sampled_from(PRINCIPALS), good_ref=st.booleans(),
          count=st.integers(0, 30), reject=st.booleans())  # fmt: skip
    def verify(self, data, who, good_ref, count, reject) -> None:
        if (cn := self.case(data)) is None:
            return
        ref = REF if good_ref else "other"
        try:
            if reject:
                self.work.handle(RejectMatch(cn, paired_minutiae_ref=ref, reason="no match"), who)
            else:
                self.work.handle(
                    VerifyIdentity(cn, paired_minutiae_ref=ref, paired_minutiae_count=count), who
                )
        except SecurecommError:
            pass

    @rule(data=st.data(), who=st.sampled_from(PRINCIPALS),
          finding=st.sampled_from(list(StatusFinding)), refs=st.booleans(),
          citizen=st.booleans())  # fmt: skip
    def research(self, data, who, finding, refs, citizen) -> None:
        if (cn := self.case(data)) is None:
            return
        history = (
            [ImmigrationHistoryEvent(ImmigrationEventKind.US_BIRTH_RECORD, date(1990, 1, 1))]
            if citizen
            else []
        )
        self.attempt(
            RecordStatusResearch(
                cn,
                finding=finding,
                record_references=["EID"] if refs else [],
                immigration_history=history,
            ),
            who,
        )

    @rule(data=st.data(), who=st.sampled_from(PRINCIPALS),
          history=st.none() | st.lists(events, max_size=4))  # fmt: skip
    def assess(self, data, who, history) -> None:
        if (cn := self.case(data)) is None:
            return
        with contextlib.suppress(SecurecommError):
            self.work.handle(AssessPriority(cn, criminal_history=history), who)

    @rule(data=st.data(), who=st.sampled_from(PRINCIPALS), claim=st.booleans(),
          mode=st.sampled_from(list(InterviewMode)), complete=st.booleans())  # fmt: skip
    def interview(self, data, who, claim, mode, complete) -> None:
        if (cn := self.case(data)) is not None:
            self._interview(cn, who, claim, mode, complete)

    def _interview(self, cn, who, claim, mode, complete) -> None:
        with contextlib.suppress(SecurecommError):
            i = self.work.handle(
                ScheduleInterview(
                    cn, mode=mode, scheduled_at=self.clock.now(), language="es", interpreter="int"
                ),
                who,
            )
            self.work.handle(
                ConductInterview(cn, interview_id=i.id, citizenship_claimed=claim), who
            )
        if complete:
            ids = in_transaction(
                self.work, lambda s, c: list(s.execute(select(Interview.id)).scalars())
            )
            for interview_id in ids[-1:]:
                self.attempt(CompleteOfficerReview(cn, interview_id=interview_id), who)

    @rule(data=st.data(), who=st.sampled_from(PRINCIPALS),
          finding=st.sampled_from(list(ReviewFinding)),
          review=st.sampled_from([RecordSupervisorReview, RecordCounselReview]),
          step=st.sampled_from(["review", "clear", "establish", "raise"]))  # fmt: skip
    def gate(self, data, who, finding, review, step) -> None:
        if (cn := self.case(data)) is None:
            return
        if step == "review":  # either reviewer's command, whatever the role
            self.attempt(review(cn, finding=finding, reason="r"), who)
        elif step == "clear":
            self.attempt(ClearCitizenshipReview(cn, reason="r"), who)
        elif step == "establish":
            self.attempt(EstablishCitizenship(cn, reason="r"), who)
        else:
            self.attempt(OpenCitizenshipReview(cn, indicator="claim_other", source="said so"), who)

    @rule(data=st.data(), who=st.sampled_from(PRINCIPALS),
          which=st.sampled_from(["close", "discretion", "wait", "notify"]))  # fmt: skip
    def decide(self, data, who, which) -> None:
        if (cn := self.case(data)) is None:
            return
        command = {"close": CloseNoAction, "discretion": ExerciseDiscretion,
                   "wait": WaitForConviction, "notify": RequestNotification}[which]  # fmt: skip
        self.attempt(command(cn, reason="because"), who)

    @rule(data=st.data(), who=st.sampled_from(PRINCIPALS),
          bases=st.lists(st.sampled_from(list(ProbableCauseBasis)), max_size=2),
          release_in=st.none() | st.integers(-60, 120))  # fmt: skip
    def detainer(self, data, who, bases, release_in) -> None:
        if (cn := self.case(data)) is None:
            return
        release = None if release_in is None else self.clock.now() + timedelta(hours=release_in)
        self.attempt(
            IssueDetainer(cn, bases=bases, basis_evidence="records", release_eligible_at=release),
            who,
        )

    @rule(data=st.data(), who=st.sampled_from(PRINCIPALS),
          answer=st.sampled_from(list(JailAnswer)),
          step=st.sampled_from(["answer", "release", "lift", "transfer", "expire"]),
          hours=st.integers(-24, 96))  # fmt: skip
    def jail(self, data, who, answer, step, hours) -> None:
        if (cn := self.case(data)) is None:
            return
        if step == "answer":
            self.attempt(RecordJailResponse(cn, answer=answer, answered_by="x"), who)
        elif step == "release":
            self.attempt(
                RecordReleaseTime(
                    cn, release_eligible_at=self.clock.now() + timedelta(hours=hours)
                ),
                who,
            )
        elif step == "lift":
            self.attempt(LiftDetainer(cn, lift_reason=LiftReason.OTHER, explanation="x"), who)
        elif step == "transfer":
            self.attempt(TransferCustody(cn), who)
        else:
            self.attempt(ExpireDetainer(cn), who)

    @rule(hours=st.integers(1, 72))
    def time_passes(self, hours) -> None:
        self.clock.advance(timedelta(hours=hours))
        self.work.expire_due_detainers()

    @rule(data=st.data(), who=st.sampled_from(PRINCIPALS),
          kind=st.sampled_from(list(ChargingKind)), complete=st.booleans(),
          repat=st.booleans())  # fmt: skip
    def charge(self, data, who, kind, complete, repat) -> None:
        if (cn := self.case(data)) is None:
            return
        extra = dict(allegations=["a"], charges=["c"], reference="ref") if complete else {}
        self.attempt(Charge(cn, kind=kind, rapid_repat=repat, **extra), who)

    @rule(data=st.data(), who=st.sampled_from(PRINCIPALS),
          kind=st.sampled_from(list(CustodyKind)))  # fmt: skip
    def custody(self, data, who, kind) -> None:
        if (cn := self.case(data)) is None:
            return
        self.attempt(
            DecideCustody(
                cn,
                kind=kind,
                flight_risk="low",
                public_safety_risk="low",
                risk_rationale="r",
                bond_amount=1500,
                facility_code="F",
                atd_program="ISAP",
            ),
            who,
        )

    @rule(data=st.data(), who=st.sampled_from(PRINCIPALS),
          step=st.sampled_from(["refer", "summary", "relief", "terminate", "order", "appeal",
                                "dismiss", "remand", "final"]))  # fmt: skip
    def court(self, data, who, step) -> None:
        if (cn := self.case(data)) is None:
            return
        commands = {
            "refer": ReferToCourt(cn),
            "summary": EnterOrderWithoutHearing(cn, reference="r"),
            "relief": GrantRelief(cn, reference="r"),
            "terminate": TerminateProceedings(cn, reference="r", reason="r"),
            "order": OrderRemoval(cn, reference="r"),
            "appeal": FileAppeal(cn, reference="r"),
            "dismiss": DecideAppeal(cn, outcome=AppealOutcome.DISMISSED, reference="r"),
            "remand": DecideAppeal(cn, outcome=AppealOutcome.REMANDED, reference="r"),
            "final": OrderBecomesFinal(cn, reason="no appeal"),
        }
        self.attempt(commands[step], who)

    @rule(
        data=st.data(),
        who=st.sampled_from(PRINCIPALS),
        step=st.sampled_from(["request", "issued", "removed", "supervise", "abscond"]),
    )
    def remove(self, data, who, step) -> None:
        if (cn := self.case(data)) is None:
            return
        if step == "request":
            self.attempt(RequestTravelDocument(cn, country="Mexico"), who)
        elif step == "issued":
            self.attempt(RecordTravelDocument(cn, reference="TD"), who)
        elif step == "removed":
            self.attempt(
                VerifyRemoval(
                    cn,
                    departed_at=self.clock.now(),
                    port="Laredo",
                    destination_country="Mexico",
                    verification_reference="I-205",
                ),
                who,
            )
        elif step == "supervise":
            self.attempt(ReleaseOnSupervision(cn, reason="r"), who)
        else:
            self.attempt(RecordAbsconding(cn, reason="r"), who)

    @rule(data=st.data(), choice=st.integers(0, 3), count=st.integers(1, 8))
    def guided_steps(self, data, choice, count) -> None:
        """Right next steps by the right role, so random runs also reach the late states."""
        if (cn := self.case(data)) is None:
            return
        for _ in range(count):
            self._guided_step(cn, choice)

    # Hypothesis picks rules uniformly: two more entry points make guided steps more frequent.
    @rule(data=st.data(), choice=st.integers(0, 3), count=st.integers(1, 8))
    def guided_steps_again(self, data, choice, count) -> None:
        self.guided_steps(data, choice, count)

    @rule(data=st.data(), choice=st.integers(0, 3), count=st.integers(1, 8))
    def guided_steps_once_more(self, data, choice, count) -> None:
        self.guided_steps(data, choice, count)

    def _guided_step(self, cn: str, choice: int) -> None:
        state = in_transaction(self.work, lambda s, c: s.execute(
            select(Case.state).where(Case.case_number == cn)).scalar_one())  # fmt: skip
        st_ = CaseState
        steps = {
            st_.MATCH_RECEIVED: lambda: self.work.handle(
                VerifyIdentity(cn, paired_minutiae_ref=REF, paired_minutiae_count=15), OFFICER),
            st_.IDENTITY_VERIFIED: lambda: self.attempt(
                RecordStatusResearch(cn, finding=StatusFinding.REMOVAL_ORDER_ON_RECORD,
                                     record_references=["EID"]), LESC),
            st_.STATUS_RESEARCHED: lambda: self.work.handle(AssessPriority(cn), LESC),
            st_.PRIORITY_ASSESSED: lambda: self._interview(
                cn, OFFICER, False, InterviewMode.VIDEO, True),
            st_.OFFICER_REVIEWED: lambda: self.attempt(
                IssueDetainer(cn, bases=[ProbableCauseBasis.STATEMENTS_AND_EVIDENCE],
                              basis_evidence="admission",
                              release_eligible_at=self.clock.now() + timedelta(hours=24)),
                OFFICER)
            if choice != 1
            else self.attempt(RequestNotification(cn, reason="r"), OFFICER),
            st_.DETAINER_ISSUED: lambda: self.attempt(
                RecordJailResponse(cn, answer=[JailAnswer.HONOURED, JailAnswer.NOTIFY_ONLY,
                                               JailAnswer.DECLINED, JailAnswer.HONOURED][choice],
                                   answered_by="jail"), BOOKING),
            st_.DETAINER_HONOURED: lambda: self.attempt(TransferCustody(cn), OFFICER),
            st_.DETAINER_NOTIFY_ONLY: lambda: self.attempt(TransferCustody(cn), OFFICER),
            st_.NOTIFICATION_REQUESTED: lambda: self.attempt(TransferCustody(cn), OFFICER),
            st_.TRANSFERRED: lambda: self.attempt(
                Charge(cn, kind=list(ChargingKind)[choice], allegations=["a"], charges=["c"],
                       reference="r"), OFFICER),
            st_.CHARGED: lambda: self.attempt(
                DecideCustody(cn, kind=list(CustodyKind)[choice], flight_risk="low",
                              public_safety_risk="low", risk_rationale="r", bond_amount=1500,
                              facility_code="F", atd_program="ISAP"), OFFICER),
            st_.CUSTODY_DECIDED: lambda: (
                self.attempt(ReferToCourt(cn), OFFICER),
                self.attempt(EnterOrderWithoutHearing(cn, reference="r"), OFFICER)),
            st_.IN_PROCEEDINGS: lambda: self.attempt(OrderRemoval(cn, reference="r"), OFFICER),
            st_.REMOVAL_ORDERED: lambda: self.attempt(OrderBecomesFinal(cn, reason="r"), OFFICER),
            st_.FINAL_ORDER: lambda: self.attempt(RequestTravelDocument(cn, country="MX"), OFFICER),
            st_.TRAVEL_DOCUMENT_REQUESTED: lambda: self.attempt(
                RecordTravelDocument(cn, reference="TD"), OFFICER),
            st_.TRAVEL_DOCUMENT_ISSUED: lambda: self.attempt(
                VerifyRemoval(cn, departed_at=self.clock.now(), port="p",
                              destination_country="MX", verification_reference="v"), OFFICER),
        }  # fmt: skip
        if state in steps:
            with contextlib.suppress(SecurecommError):
                steps[state]()

    # --- invariants ------------------------------------------------------------------------

    @invariant()
    def safeguards_hold(self) -> None:
        with self.work.factory() as s:
            for case in s.execute(select(Case)).scalars():
                cn = case.case_number
                REACHED.add(case.state)
                assert case.citizenship_gate_open == (case.state is CaseState.CITIZENSHIP_REVIEW)
                if case.state not in UNVERIFIED_OK:
                    assert case.identity_verified_at is not None, cn
                active = [d for d in case.detainers if d.status in ACTIVE_DETAINER]
                assert len(active) == (1 if case.state in DETAINER_STATES else 0), cn
                for d in case.detainers:
                    assert case.identity_verified_at is not None
                    assert d.issued_at >= case.identity_verified_at
                    assert set(d.bases) - {b.value for b in PROHIBITED_BASES}, d.number
                    assert case.facility_ori != OTHER_JAIL  # that jail takes no detainers
                    if d.status is DetainerStatus.EXECUTED:
                        assert d.jail_answer in (JailAnswer.HONOURED, JailAnswer.NOTIFY_ONLY)
                        assert d.expires_at is not None and d.closed_at is not None
                        assert d.closed_at <= d.expires_at
                if case.level_table_version:
                    events = [
                        CriminalHistoryEvent(
                            o.ncic_code, o.disposition, o.offense_date, o.sentence_days
                        )
                        for o in case.offenses
                    ]
                    expected = assess_level(events).level
                    assert case.level == (int(expected) if expected else None), cn
                if case.state is CaseState.CITIZENSHIP_ESTABLISHED:
                    assert case.record_correction_requested
            for occupancy in custody.occupancy(s):
                assert occupancy.in_use <= occupancy.capacity

    @invariant()
    def audit_chain_intact_and_every_transition_in_the_table(self) -> None:
        with self.work.factory() as s:
            report = audit.verify_chain(s)
            assert report.intact, report.problem
            entries = s.execute(select(audit.AuditEntry)).scalars()
            for entry in entries:
                if not entry.action.startswith("case.") or entry.action in (
                    "case.opened", "case.read", "case.assigned", "case.booking_attached",
                ):  # fmt: skip
                    continue
                spec = TRANSITIONS[Action(entry.action.removeprefix("case."))]
                details = audit.details_of(entry)
                source, target = CaseState(details["from"]), CaseState(details["to"])
                assert source in spec.sources, entry.seq
                assert target in spec.targets() | {source}, entry.seq


TestCaseMachine = CaseMachine.TestCase
TestCaseMachine.settings = settings(
    # ENF_SM_EXAMPLES=200 for a longer search than CI's.
    max_examples=int(os.environ.get("ENF_SM_EXAMPLES", "30")),
    stateful_step_count=30,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
