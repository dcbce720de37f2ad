"""Case work as commands: one small frozen dataclass per action, handled by ``CaseWork.handle``.

A command says what is to be done (``IssueDetainer("ERO-…", bases=…, basis_evidence=…)``);
``apply`` runs the domain function that does it inside the caller's transaction, where the
function authorises, applies the transition table's guards and writes the audit entry.
``CaseWork.handle`` owns the transaction and puts a refusal on the audit log; what may be done
on a case *now* (and why not) is ``availability``'s.

Each case command names its transition (``action``, a row of ``lifecycle.TRANSITIONS``) or, for
case work that is not a transition, the permission it needs (``permission``); ``obstacle`` says
what has to happen first when the state and role allow it but the case does not yet.
"""

from __future__ import annotations

import enum
import typing
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields
from datetime import date, datetime
from typing import Any, ClassVar, Generic, Protocol, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from securecomm.clock import Clock
from securecomm.enforcement import (
    charging,
    citizenship,
    court,
    custody,
    decisions,
    detainers,
    interviews,
    partners,
    policies,
    queue,
    reminders,
    removal,
    status,
    verification,
)
from securecomm.enforcement.errors import InputError
from securecomm.enforcement.inputs import CriminalHistoryEvent, ImmigrationHistoryEvent
from securecomm.enforcement.levels import LevelAssessment
from securecomm.enforcement.models import (
    Case,
    ChargingDocument,
    CitizenshipReview,
    CustodyDecision,
    Detainer,
    DetentionFacility,
    Interview,
    JurisdictionPolicy,
    PartnerAgreement,
    Reminder,
    RemovalRecord,
    TravelDocument,
)
from securecomm.enforcement.notices import NoticeCatalog
from securecomm.enforcement.roles import Permission, Principal
from securecomm.enforcement.staff import Staff
from securecomm.enforcement.vocabulary import (
    Action,
    AppealOutcome,
    ChargingKind,
    CitizenshipIndicatorKind,
    CustodyKind,
    InterviewMode,
    JailAnswer,
    LiftReason,
    ProbableCauseBasis,
    ReviewFinding,
    StatusFinding,
)

R = TypeVar("R", covariant=True)


class Services(Protocol):
    """What some commands need besides the database: the detainer notices in each language
    and the directory of who works where (``CaseWork`` has both)."""

    @property
    def notices(self) -> NoticeCatalog: ...
    @property
    def staff(self) -> Staff | None: ...


class Command(Protocol[R]):
    """Anything ``CaseWork.handle`` runs: a name for the audit log, what it acts on, and the
    work itself inside the caller's transaction."""

    name: ClassVar[str]

    @property
    def subject(self) -> str: ...

    def apply(self, session: Session, clock: Clock, principal: Principal, services: Services) -> R:
        """Do it (authorising, guarding and auditing as the domain function does)."""
        ...


@dataclass(frozen=True)
class CaseCommand(Generic[R]):
    """Work on one case. Subclasses set ``action`` (a transition) or ``permission``."""

    case_number: str

    name: ClassVar[str]
    #: The transition of the table this command makes, if it is one.
    action: ClassVar[Action | None] = None
    #: For case work that is not a transition: the permission it needs.
    permission: ClassVar[Permission | None] = None
    #: Whether it needs a human-verified match first (transitions: ``BEFORE_VERIFICATION``).
    after_verification: ClassVar[bool] = True

    def __init_subclass__(cls, **kwargs: object) -> None:
        super().__init_subclass__(**kwargs)
        if cls.action is not None and "name" not in vars(cls):
            cls.name = cls.action.value

    def __post_init__(self) -> None:
        # A word of a vocabulary (a finding, a basis, a mode …) is checked here, for every
        # client alike: the console's forms, the REST API, a script.
        for name, kind in _vocabulary_fields(type(self)).items():
            value = getattr(self, name)
            if isinstance(value, str):
                object.__setattr__(self, name, _word(kind, name, value))
            elif isinstance(value, (list, tuple)):
                words = [_word(kind, name, v) if isinstance(v, str) else v for v in value]
                object.__setattr__(self, name, tuple(words))

    @property
    def subject(self) -> str:
        return self.case_number

    def apply(self, session: Session, clock: Clock, principal: Principal, services: Services) -> R:
        raise NotImplementedError

    @classmethod
    def obstacle(cls, session: Session, case: Case) -> str:
        """What must happen first ("" when nothing): asked only once state and role allow it."""
        return ""


_VOCABULARY_FIELDS: dict[type, dict[str, type[enum.Enum]]] = {}


def _vocabulary_fields(command: type) -> dict[str, type[enum.Enum]]:
    """The command's fields typed by a vocabulary (``X | str`` or a sequence of them)."""
    if command not in _VOCABULARY_FIELDS:
        hints = typing.get_type_hints(command)
        _VOCABULARY_FIELDS[command] = {
            f.name: arg
            for f in fields(command)
            for arg in _flatten(hints[f.name])
            if isinstance(arg, type) and issubclass(arg, enum.Enum)
        }
    return _VOCABULARY_FIELDS[command]


def _flatten(hint: Any) -> list[Any]:
    args = typing.get_args(hint)
    return [hint] if not args else [a for arg in args for a in _flatten(arg)]


def _word(kind: type[enum.Enum], field: str, value: str) -> enum.Enum:
    try:
        return kind(value)
    except ValueError:
        words = ", ".join(str(m.value) for m in kind)
        raise InputError(f"{field}: {value!r} is not one of {words}") from None


# Identity --------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class VerifyIdentity(CaseCommand[Case]):
    """An examiner confirms the biometric match (having seen the paired minutiae)."""

    action = Action.VERIFY_IDENTITY
    after_verification = False
    paired_minutiae_ref: str
    paired_minutiae_count: int
    notes: str = ""
    #: The examiner's decision per finger position (confirmed / not_confirmed / inconclusive);
    #: None decides the match as a whole.
    finger_decisions: Mapping[int, str] | None = None

    def apply(
        self, session: Session, clock: Clock, principal: Principal, services: Services
    ) -> Case:
        return verification.verify_identity(
            session, clock, principal, self.case_number,
            paired_minutiae_ref=self.paired_minutiae_ref,
            paired_minutiae_count=self.paired_minutiae_count, notes=self.notes,
            finger_decisions=self.finger_decisions,
        )  # fmt: skip


@dataclass(frozen=True, kw_only=True)
class RejectMatch(CaseCommand[Case]):
    """An examiner finds the prints are not the same person's."""

    action = Action.REJECT_MATCH
    after_verification = False
    paired_minutiae_ref: str
    reason: str
    paired_minutiae_count: int = 0
    finger_decisions: Mapping[int, str] | None = None

    def apply(
        self, session: Session, clock: Clock, principal: Principal, services: Services
    ) -> Case:
        return verification.reject_match(
            session, clock, principal, self.case_number,
            paired_minutiae_ref=self.paired_minutiae_ref, reason=self.reason,
            paired_minutiae_count=self.paired_minutiae_count,
            finger_decisions=self.finger_decisions,
        )  # fmt: skip


# Status, citizenship and level -----------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class RecordStatusResearch(CaseCommand[Case]):
    """The officer's finding on immigration status, from named records."""

    action = Action.RECORD_STATUS_RESEARCH
    finding: StatusFinding | str
    record_references: Sequence[str] = ()
    immigration_history: Sequence[ImmigrationHistoryEvent] = ()
    notes: str = ""

    def apply(
        self, session: Session, clock: Clock, principal: Principal, services: Services
    ) -> Case:
        return status.record_status_research(
            session, clock, principal, self.case_number, finding=self.finding,
            record_references=self.record_references,
            immigration_history=self.immigration_history, notes=self.notes,
        )  # fmt: skip


@dataclass(frozen=True, kw_only=True)
class OpenCitizenshipReview(CaseCommand[CitizenshipReview]):
    """Anyone working the case who sees a citizenship indicator stops it for review."""

    action = Action.OPEN_CITIZENSHIP_REVIEW
    after_verification = False
    indicator: CitizenshipIndicatorKind | str
    source: str

    def apply(
        self, session: Session, clock: Clock, principal: Principal, services: Services
    ) -> CitizenshipReview:
        return citizenship.open_citizenship_review(
            session, clock, principal, self.case_number, indicator=self.indicator,
            source=self.source,
        )  # fmt: skip


@dataclass(frozen=True, kw_only=True)
class RecordSupervisorReview(CaseCommand[CitizenshipReview]):
    """The supervisor's finding on a citizenship indicator."""

    action = Action.RECORD_SUPERVISOR_REVIEW
    after_verification = False
    finding: ReviewFinding | str
    reason: str

    def apply(
        self, session: Session, clock: Clock, principal: Principal, services: Services
    ) -> CitizenshipReview:
        return citizenship.record_review(
            session, clock, principal, self.case_number, finding=self.finding,
            reason=self.reason, as_action=self.action,
        )  # fmt: skip


@dataclass(frozen=True, kw_only=True)
class RecordCounselReview(RecordSupervisorReview):
    """Counsel's finding on a citizenship indicator."""

    action = Action.RECORD_COUNSEL_REVIEW


@dataclass(frozen=True, kw_only=True)
class ClearCitizenshipReview(CaseCommand[Case]):
    """Both reviewers found citizenship not established: the case resumes."""

    action = Action.CLEAR_CITIZENSHIP_REVIEW
    after_verification = False
    reason: str

    def apply(
        self, session: Session, clock: Clock, principal: Principal, services: Services
    ) -> Case:
        return citizenship.clear_citizenship_review(
            session, clock, principal, self.case_number, reason=self.reason
        )


@dataclass(frozen=True, kw_only=True)
class EstablishCitizenship(CaseCommand[Case]):
    """U.S. citizenship is established: the case closes, nothing more may be done on it."""

    action = Action.ESTABLISH_CITIZENSHIP
    after_verification = False
    reason: str

    def apply(
        self, session: Session, clock: Clock, principal: Principal, services: Services
    ) -> Case:
        return citizenship.establish_citizenship(
            session, clock, principal, self.case_number, reason=self.reason
        )


@dataclass(frozen=True, kw_only=True)
class AssessPriority(CaseCommand[LevelAssessment]):
    """The Level 1/2/3 from the person's convictions only (the latest history when given)."""

    action = Action.ASSESS_PRIORITY
    criminal_history: Sequence[CriminalHistoryEvent] | None = None

    def apply(
        self, session: Session, clock: Clock, principal: Principal, services: Services
    ) -> LevelAssessment:
        return status.assess_priority(
            session, clock, principal, self.case_number, criminal_history=self.criminal_history
        )


# Interviews and the officer's review -----------------------------------------------------


def _interviews(session: Session, case: Case, *, conducted: bool) -> list[Interview]:
    rows = session.execute(select(Interview).where(Interview.case_id == case.id)).scalars()
    return [i for i in rows if (i.conducted_at is not None) is conducted]


@dataclass(frozen=True, kw_only=True)
class ScheduleInterview(CaseCommand[Interview]):
    """An interview in person or by video, in the person's language."""

    name = "schedule_interview"
    permission = Permission.INTERVIEW
    mode: InterviewMode | str
    scheduled_at: datetime
    language: str
    interpreter: str = ""

    def apply(
        self, session: Session, clock: Clock, principal: Principal, services: Services
    ) -> Interview:
        return interviews.schedule_interview(
            session, clock, principal, self.case_number, mode=self.mode,
            scheduled_at=self.scheduled_at, language=self.language,
            interpreter=self.interpreter,
        )  # fmt: skip


@dataclass(frozen=True, kw_only=True)
class ConductInterview(CaseCommand[Interview]):
    """A scheduled interview took place (a citizenship claim in it opens the gate)."""

    name = "conduct_interview"
    permission = Permission.INTERVIEW
    interview_id: int
    citizenship_claimed: bool
    notes: str = ""

    def apply(
        self, session: Session, clock: Clock, principal: Principal, services: Services
    ) -> Interview:
        return interviews.conduct_interview(
            session, clock, principal, self.case_number, self.interview_id,
            citizenship_claimed=self.citizenship_claimed, notes=self.notes,
        )  # fmt: skip

    @classmethod
    def obstacle(cls, session: Session, case: Case) -> str:
        return "" if _interviews(session, case, conducted=False) else "schedule an interview first"


@dataclass(frozen=True, kw_only=True)
class CompleteOfficerReview(CaseCommand[Case]):
    """The officer's review of the case, resting on a conducted interview."""

    action = Action.COMPLETE_OFFICER_REVIEW
    interview_id: int

    def apply(
        self, session: Session, clock: Clock, principal: Principal, services: Services
    ) -> Case:
        return interviews.complete_officer_review(
            session, clock, principal, self.case_number, self.interview_id
        )

    @classmethod
    def obstacle(cls, session: Session, case: Case) -> str:
        if _interviews(session, case, conducted=True):
            return ""
        return "record a conducted interview first"


# Decisions -------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class _Decision(CaseCommand[Case]):
    reason: str


@dataclass(frozen=True, kw_only=True)
class CloseNoAction(_Decision):
    """Close the case: no enforcement action."""

    action = Action.CLOSE_NO_ACTION

    def apply(
        self, session: Session, clock: Clock, principal: Principal, services: Services
    ) -> Case:
        return decisions.close_no_action(
            session, clock, principal, self.case_number, reason=self.reason
        )


@dataclass(frozen=True, kw_only=True)
class ExerciseDiscretion(_Decision):
    """Close the case in the exercise of prosecutorial discretion."""

    action = Action.EXERCISE_DISCRETION

    def apply(
        self, session: Session, clock: Clock, principal: Principal, services: Services
    ) -> Case:
        return decisions.exercise_discretion(
            session, clock, principal, self.case_number, reason=self.reason
        )


@dataclass(frozen=True, kw_only=True)
class WaitForConviction(_Decision):
    """Wait for the pending charge's outcome (no level from a charge)."""

    action = Action.WAIT_FOR_CONVICTION

    def apply(
        self, session: Session, clock: Clock, principal: Principal, services: Services
    ) -> Case:
        return decisions.wait_for_conviction(
            session, clock, principal, self.case_number, reason=self.reason
        )


@dataclass(frozen=True, kw_only=True)
class RequestNotification(_Decision):
    """Ask the jail to tell ICE of the release, without a hold."""

    action = Action.REQUEST_NOTIFICATION

    def apply(
        self, session: Session, clock: Clock, principal: Principal, services: Services
    ) -> Case:
        return decisions.request_notification(
            session, clock, principal, self.case_number, reason=self.reason
        )


# Detainers -------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class IssueDetainer(CaseCommand[Detainer]):
    """Ask the jail to hold the person up to 48 hours past release, probable cause stated, with
    the notice in the person's language (from the services' catalogue)."""

    action = Action.ISSUE_DETAINER
    bases: Sequence[ProbableCauseBasis | str]
    basis_evidence: str
    release_eligible_at: datetime | None = None

    def apply(
        self, session: Session, clock: Clock, principal: Principal, services: Services
    ) -> Detainer:
        return detainers.issue_detainer(
            session, clock, principal, self.case_number, bases=self.bases,
            basis_evidence=self.basis_evidence, notices=services.notices,
            release_eligible_at=self.release_eligible_at,
        )  # fmt: skip

    @classmethod
    def obstacle(cls, session: Session, case: Case) -> str:
        policy = policies.declining_policy(session, case.facility_ori)
        if policy is None:
            return ""
        return (
            f"jail {case.facility_ori} ({policy.name or 'its registered policy'}) does not "
            "accept detainers: request notification of release instead"
        )


@dataclass(frozen=True, kw_only=True)
class RecordJailResponse(CaseCommand[Detainer]):
    """The jail's answer to the detainer: honoured or declined."""

    action = Action.RECORD_JAIL_RESPONSE
    answer: JailAnswer | str
    answered_by: str

    def apply(
        self, session: Session, clock: Clock, principal: Principal, services: Services
    ) -> Detainer:
        return detainers.record_jail_response(
            session, clock, principal, self.case_number, answer=self.answer,
            answered_by=self.answered_by,
        )  # fmt: skip


@dataclass(frozen=True, kw_only=True)
class RecordReleaseTime(CaseCommand[Case]):
    """When the person becomes eligible for release (the detainer's 48 hours count from it)."""

    action = Action.RECORD_RELEASE_TIME
    after_verification = False
    release_eligible_at: datetime

    def apply(
        self, session: Session, clock: Clock, principal: Principal, services: Services
    ) -> Case:
        return detainers.record_release_time(
            session, clock, principal, self.case_number,
            release_eligible_at=self.release_eligible_at,
        )  # fmt: skip


@dataclass(frozen=True, kw_only=True)
class LiftDetainer(CaseCommand[Case]):
    """Withdraw the detainer, saying why."""

    action = Action.LIFT_DETAINER
    lift_reason: LiftReason | str
    explanation: str

    def apply(
        self, session: Session, clock: Clock, principal: Principal, services: Services
    ) -> Case:
        return detainers.lift_detainer(
            session, clock, principal, self.case_number, lift_reason=self.lift_reason,
            explanation=self.explanation,
        )  # fmt: skip


@dataclass(frozen=True)
class ExpireDetainer(CaseCommand[Case]):
    """Record that the detainer's 48 hours passed (the worker's sweep does it unattended)."""

    action = Action.EXPIRE_DETAINER

    def apply(
        self, session: Session, clock: Clock, principal: Principal, services: Services
    ) -> Case:
        return detainers.expire_detainer(session, clock, principal, self.case_number)


@dataclass(frozen=True, kw_only=True)
class TransferCustody(CaseCommand[Case]):
    """The jail handed the person to ICE on the honoured detainer."""

    action = Action.TRANSFER_CUSTODY
    notes: str = ""

    def apply(
        self, session: Session, clock: Clock, principal: Principal, services: Services
    ) -> Case:
        return detainers.transfer_custody(
            session, clock, principal, self.case_number, notes=self.notes
        )


# Charging, custody, court ----------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class Charge(CaseCommand[ChargingDocument]):
    """Serve a charging document (a Notice to Appear, or a reinstatement or stipulation)."""

    action = Action.CHARGE
    kind: ChargingKind | str
    allegations: Sequence[str] = ()
    charges: Sequence[str] = ()
    reference: str = ""
    court: str = ""
    hearing_at: datetime | None = None
    rapid_repat: bool = False

    def apply(
        self, session: Session, clock: Clock, principal: Principal, services: Services
    ) -> ChargingDocument:
        return charging.charge(
            session, clock, principal, self.case_number, kind=self.kind,
            allegations=self.allegations, charges=self.charges, reference=self.reference,
            court=self.court, hearing_at=self.hearing_at, rapid_repat=self.rapid_repat,
        )  # fmt: skip


@dataclass(frozen=True, kw_only=True)
class DecideCustody(CaseCommand[CustodyDecision]):
    """Detention, bond, alternatives or release, with the risk assessment behind it."""

    action = Action.DECIDE_CUSTODY
    kind: CustodyKind | str
    flight_risk: str
    public_safety_risk: str
    risk_rationale: str
    bond_amount: int | None = None
    facility_code: str = ""
    atd_program: str = ""

    def apply(
        self, session: Session, clock: Clock, principal: Principal, services: Services
    ) -> CustodyDecision:
        return custody.decide_custody(
            session, clock, principal, self.case_number, kind=self.kind,
            flight_risk=self.flight_risk, public_safety_risk=self.public_safety_risk,
            risk_rationale=self.risk_rationale, bond_amount=self.bond_amount,
            facility_code=self.facility_code, atd_program=self.atd_program,
        )  # fmt: skip


@dataclass(frozen=True)
class ReferToCourt(CaseCommand[Case]):
    """The Notice to Appear is filed with the immigration court."""

    action = Action.REFER_TO_COURT

    def apply(
        self, session: Session, clock: Clock, principal: Principal, services: Services
    ) -> Case:
        return court.refer_to_court(session, clock, principal, self.case_number)


@dataclass(frozen=True, kw_only=True)
class _CourtRecord(CaseCommand[Case]):
    reference: str


@dataclass(frozen=True, kw_only=True)
class EnterOrderWithoutHearing(_CourtRecord):
    """A removal order without a hearing (reinstatement, stipulated or expedited removal)."""

    action = Action.ENTER_ORDER_WITHOUT_HEARING

    def apply(
        self, session: Session, clock: Clock, principal: Principal, services: Services
    ) -> Case:
        return court.enter_order_without_hearing(
            session, clock, principal, self.case_number, reference=self.reference
        )


@dataclass(frozen=True, kw_only=True)
class GrantRelief(_CourtRecord):
    """The judge granted relief from removal."""

    action = Action.GRANT_RELIEF
    decided_on: date | None = None

    def apply(
        self, session: Session, clock: Clock, principal: Principal, services: Services
    ) -> Case:
        return court.grant_relief(
            session, clock, principal, self.case_number, reference=self.reference,
            decided_on=self.decided_on,
        )  # fmt: skip


@dataclass(frozen=True, kw_only=True)
class TerminateProceedings(_CourtRecord):
    """The judge terminated the proceedings."""

    action = Action.TERMINATE_PROCEEDINGS
    reason: str

    def apply(
        self, session: Session, clock: Clock, principal: Principal, services: Services
    ) -> Case:
        return court.terminate_proceedings(
            session, clock, principal, self.case_number, reference=self.reference,
            reason=self.reason,
        )  # fmt: skip


@dataclass(frozen=True, kw_only=True)
class OrderRemoval(_CourtRecord):
    """The judge ordered removal."""

    action = Action.ORDER_REMOVAL
    decided_on: date | None = None

    def apply(
        self, session: Session, clock: Clock, principal: Principal, services: Services
    ) -> Case:
        return court.order_removal(
            session, clock, principal, self.case_number, reference=self.reference,
            decided_on=self.decided_on,
        )  # fmt: skip


@dataclass(frozen=True, kw_only=True)
class FileAppeal(_CourtRecord):
    """An appeal of the order was filed."""

    action = Action.FILE_APPEAL

    def apply(
        self, session: Session, clock: Clock, principal: Principal, services: Services
    ) -> Case:
        return court.file_appeal(
            session, clock, principal, self.case_number, reference=self.reference
        )


@dataclass(frozen=True, kw_only=True)
class DecideAppeal(_CourtRecord):
    """The appeal's outcome."""

    action = Action.DECIDE_APPEAL
    outcome: AppealOutcome | str

    def apply(
        self, session: Session, clock: Clock, principal: Principal, services: Services
    ) -> Case:
        return court.decide_appeal(
            session, clock, principal, self.case_number, outcome=self.outcome,
            reference=self.reference,
        )  # fmt: skip


@dataclass(frozen=True, kw_only=True)
class OrderBecomesFinal(CaseCommand[Case]):
    """The removal order became final (no appeal, or the appeal dismissed)."""

    action = Action.ORDER_BECOMES_FINAL
    reason: str

    def apply(
        self, session: Session, clock: Clock, principal: Principal, services: Services
    ) -> Case:
        return court.order_becomes_final(
            session, clock, principal, self.case_number, reason=self.reason
        )


# Removal ---------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class RequestTravelDocument(CaseCommand[TravelDocument]):
    """Ask the destination country for a travel document."""

    action = Action.REQUEST_TRAVEL_DOCUMENT
    country: str

    def apply(
        self, session: Session, clock: Clock, principal: Principal, services: Services
    ) -> TravelDocument:
        return removal.request_travel_document(
            session, clock, principal, self.case_number, country=self.country
        )


@dataclass(frozen=True, kw_only=True)
class RecordTravelDocument(CaseCommand[TravelDocument]):
    """The travel document was issued."""

    action = Action.RECORD_TRAVEL_DOCUMENT
    reference: str

    def apply(
        self, session: Session, clock: Clock, principal: Principal, services: Services
    ) -> TravelDocument:
        return removal.record_travel_document(
            session, clock, principal, self.case_number, reference=self.reference
        )


@dataclass(frozen=True, kw_only=True)
class VerifyRemoval(CaseCommand[RemovalRecord]):
    """The departure was seen: the removal is verified."""

    action = Action.VERIFY_REMOVAL
    departed_at: datetime
    port: str
    destination_country: str
    verification_reference: str

    def apply(
        self, session: Session, clock: Clock, principal: Principal, services: Services
    ) -> RemovalRecord:
        return removal.verify_removal(
            session, clock, principal, self.case_number, departed_at=self.departed_at,
            port=self.port, destination_country=self.destination_country,
            verification_reference=self.verification_reference,
        )  # fmt: skip


@dataclass(frozen=True, kw_only=True)
class ReleaseOnSupervision(CaseCommand[Case]):
    """Removal cannot be carried out now: release on an order of supervision."""

    action = Action.RELEASE_ON_SUPERVISION
    reason: str

    def apply(
        self, session: Session, clock: Clock, principal: Principal, services: Services
    ) -> Case:
        return removal.release_on_supervision(
            session, clock, principal, self.case_number, reason=self.reason
        )


@dataclass(frozen=True, kw_only=True)
class RecordAbsconding(CaseCommand[Case]):
    """The person did not report as ordered."""

    action = Action.RECORD_ABSCONDING
    reason: str

    def apply(
        self, session: Session, clock: Clock, principal: Principal, services: Services
    ) -> Case:
        return removal.record_absconding(
            session, clock, principal, self.case_number, reason=self.reason
        )


# Assignment ------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class Assign(CaseCommand[Case]):
    """Give the case to an officer (who must work in its office) or a CAP team."""

    name = "assign"
    permission = Permission.ASSIGN_WORK
    after_verification = False
    officer: str = ""
    team: str = ""

    def apply(
        self, session: Session, clock: Clock, principal: Principal, services: Services
    ) -> Case:
        return queue.assign(
            session, clock, principal, self.case_number, officer=self.officer, team=self.team,
            staff=services.staff,
        )  # fmt: skip


#: Every case command, in the order the console offers them.
CASE_COMMANDS: tuple[type[CaseCommand[object]], ...] = (
    RecordStatusResearch, OpenCitizenshipReview, RecordSupervisorReview, RecordCounselReview,
    ClearCitizenshipReview, EstablishCitizenship, AssessPriority, ScheduleInterview,
    ConductInterview, CompleteOfficerReview, IssueDetainer, RequestNotification,
    WaitForConviction, ExerciseDiscretion, CloseNoAction, RecordJailResponse, RecordReleaseTime,
    TransferCustody, LiftDetainer, ExpireDetainer, Charge, DecideCustody, ReferToCourt,
    EnterOrderWithoutHearing, GrantRelief, TerminateProceedings, OrderRemoval, FileAppeal,
    DecideAppeal, OrderBecomesFinal, RequestTravelDocument, RecordTravelDocument, VerifyRemoval,
    ReleaseOnSupervision, RecordAbsconding, Assign, VerifyIdentity, RejectMatch,
)  # fmt: skip
COMMANDS_BY_NAME: dict[str, type[CaseCommand[object]]] = {c.name: c for c in CASE_COMMANDS}


# Work that is not on one case ------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class RegisterPartner:
    """A 287(g) agreement with a jail (who may act there as a partner officer, and until when)."""

    name: ClassVar[str] = "register_partner"
    facility_ori: str
    agency_name: str
    signed_on: date
    expires_on: date | None = None
    active: bool = True

    @property
    def subject(self) -> str:
        return self.facility_ori

    def apply(
        self, session: Session, clock: Clock, principal: Principal, services: Services
    ) -> PartnerAgreement:
        return partners.register_partner(
            session, clock, principal, self.facility_ori, name=self.agency_name,
            signed_on=self.signed_on, expires_on=self.expires_on, active=self.active,
        )  # fmt: skip


@dataclass(frozen=True, kw_only=True)
class RegisterPolicy:
    """A jurisdiction's detainer policy (a jail that takes none gets notification requests)."""

    name: ClassVar[str] = "register_policy"
    facility_ori: str
    accepts_detainers: bool
    policy_name: str = ""
    source: str = ""

    @property
    def subject(self) -> str:
        return self.facility_ori

    def apply(
        self, session: Session, clock: Clock, principal: Principal, services: Services
    ) -> JurisdictionPolicy:
        return policies.register_policy(
            session, clock, principal, self.facility_ori,
            accepts_detainers=self.accepts_detainers, name=self.policy_name, source=self.source,
        )  # fmt: skip


@dataclass(frozen=True, kw_only=True)
class RegisterFacility:
    """A detention facility and its beds."""

    name: ClassVar[str] = "register_facility"
    code: str
    facility_name: str
    field_office: str
    capacity: int

    @property
    def subject(self) -> str:
        return self.code

    def apply(
        self, session: Session, clock: Clock, principal: Principal, services: Services
    ) -> DetentionFacility:
        return custody.register_facility(
            session, clock, principal, code=self.code, name=self.facility_name,
            field_office=self.field_office, capacity=self.capacity,
        )  # fmt: skip


@dataclass(frozen=True)
class AcknowledgeReminder:
    """The addressee has seen a reminder."""

    reminder_id: int
    name: ClassVar[str] = "acknowledge_reminder"

    @property
    def subject(self) -> str:
        return f"reminder {self.reminder_id}"

    def apply(
        self, session: Session, clock: Clock, principal: Principal, services: Services
    ) -> Reminder:
        return reminders.acknowledge_reminder(session, clock, principal, self.reminder_id)
