"""The case actions the console offers: one form per case command, its fields and how the
posted values become the command (``enforcement.commands``).

Which forms a user sees on a case is the enforcement layer's answer
(``CaseWork.availability``: the role's permissions and scope, the transition table, the
citizenship gate and each command's own obstacle); a form shown is not a promise — the command
is checked again when it runs, and its refusal is shown as is.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from securecomm.enforcement import (
    CASE_COMMANDS,
    AppealOutcome,
    AssessPriority,
    Assign,
    Case,
    CaseCommand,
    Charge,
    ChargingKind,
    CitizenshipIndicatorKind,
    ClearCitizenshipReview,
    CloseNoAction,
    CompleteOfficerReview,
    ConductInterview,
    CustodyKind,
    DecideAppeal,
    DecideCustody,
    DetentionFacility,
    EnterOrderWithoutHearing,
    EstablishCitizenship,
    ExerciseDiscretion,
    ExpireDetainer,
    FileAppeal,
    GrantRelief,
    Interview,
    InterviewMode,
    IssueDetainer,
    JailAnswer,
    LiftDetainer,
    LiftReason,
    OpenCitizenshipReview,
    OrderBecomesFinal,
    OrderRemoval,
    ProbableCauseBasis,
    RecordAbsconding,
    RecordCounselReview,
    RecordJailResponse,
    RecordReleaseTime,
    RecordStatusResearch,
    RecordSupervisorReview,
    RecordTravelDocument,
    ReferToCourt,
    RejectMatch,
    ReleaseOnSupervision,
    RequestNotification,
    RequestTravelDocument,
    ReviewFinding,
    ScheduleInterview,
    StatusFinding,
    TerminateProceedings,
    TransferCustody,
    VerifyIdentity,
    VerifyRemoval,
    WaitForConviction,
)
from securecomm.web.forms import Choices, Field

Command = type[CaseCommand[object]]
#: How the parsed values of a form become its command, for a case.
Build = Callable[[str, Mapping[str, Any]], CaseCommand[object]]


def _choices(kind: type[StrEnum], labels: Mapping[str, str] | None = None) -> Choices:
    labels = labels or {}
    return tuple((m.value, labels.get(m.value, m.value.replace("_", " "))) for m in kind)


def _interviews(conducted: bool) -> Callable[[Session, str], Choices]:
    def choices(session: Session, case_number: str) -> Choices:
        rows = session.execute(
            select(Interview)
            .join(Case, Interview.case_id == Case.id)
            .where(Case.case_number == case_number)
            .order_by(Interview.id)
        ).scalars()
        return tuple(
            (
                str(i.id),
                f"#{i.id} {i.mode.value}, {i.scheduled_at:%Y-%m-%d %H:%M} UTC, {i.language}",
            )
            for i in rows
            if (i.conducted_at is not None) is conducted
        )

    return choices


def _facilities(session: Session, _case_number: str) -> Choices:
    rows = session.execute(select(DetentionFacility).order_by(DetentionFacility.code)).scalars()
    return tuple((f.code, f"{f.code} — {f.name} ({f.capacity} beds)") for f in rows)


REASON = Field("reason", "Reason (recorded in the audit log)", "textarea")
REFERENCE = Field("reference", "Reference (order, decision or document number)")
DECIDED_ON = Field("decided_on", "Decided on", "date")
RISK = (("low", "low"), ("medium", "medium"), ("high", "high"))

BASIS_LABELS = {
    "final_order_of_removal": "final order of removal on record",
    "pending_removal_proceedings": "removal proceedings pending",
    "biometric_match_and_records": "verified biometric match and records showing removability",
    "statements_and_evidence": "statements and other evidence",
    "foreign_birth": "foreign birth (never a basis on its own)",
    "no_record_found": "no record found (never a basis on its own)",
}

BASES = _choices(ProbableCauseBasis, BASIS_LABELS)


@dataclass(frozen=True)
class ActionForm:
    """One command's form: its label, its fields and how their values become the command
    (by default each field fills the command's field of the same name)."""

    command: Command
    label: str
    fields: tuple[Field, ...] = ()
    build: Build | None = None
    danger: bool = False
    #: Fields whose posted text becomes an integer (an interview's id).
    integers: frozenset[str] = field(default=frozenset())

    @property
    def key(self) -> str:
        return self.command.name

    def command_for(self, case_number: str, values: Mapping[str, Any]) -> CaseCommand[object]:
        if self.build is not None:
            return self.build(case_number, values)
        given = {
            f.name: int(values[f.name]) if f.name in self.integers else values[f.name]
            for f in self.fields
        }
        return self.command(case_number, **given)


INTERVIEW_ID = frozenset({"interview_id"})
FORMS: tuple[ActionForm, ...] = (
    ActionForm(RecordStatusResearch, "Record status research", (
        Field("finding", "Finding", "select", _choices(StatusFinding), required=True),
        Field("record_references", "Records the finding rests on (one per line)", "lines",
              help="A removability finding must name immigration records; foreign birth or a "
                   "missing record is never a basis."),
        Field("notes", "Notes", "textarea"),
    )),
    ActionForm(OpenCitizenshipReview, "Raise a citizenship indicator", (
        Field("indicator", "Indicator", "select", _choices(CitizenshipIndicatorKind),
              required=True),
        Field("source", "Source (record, document or statement)", "textarea"),
    )),
    ActionForm(RecordSupervisorReview, "Record the supervisor's citizenship finding", (
        Field("finding", "Finding", "select", _choices(ReviewFinding), required=True), REASON,
    )),
    ActionForm(RecordCounselReview, "Record counsel's citizenship finding", (
        Field("finding", "Finding", "select", _choices(ReviewFinding), required=True), REASON,
    )),
    ActionForm(ClearCitizenshipReview,
               "Clear the citizenship review (both found not established)", (REASON,)),
    ActionForm(EstablishCitizenship, "Close: U.S. citizenship established", (REASON,)),
    ActionForm(AssessPriority, "Assess priority level (from convictions only)"),
    ActionForm(ScheduleInterview, "Schedule an interview", (
        Field("mode", "Mode", "select", _choices(InterviewMode), required=True),
        Field("scheduled_at", "When (UTC)", "datetime", required=True),
        Field("language", "Language (ISO 639-1, e.g. en, es)"),
        Field("interpreter", "Interpreter (required unless English)"),
    )),
    ActionForm(ConductInterview, "Record a conducted interview", (
        Field("interview_id", "Interview", "select", required=True,
              choices_from=_interviews(conducted=False)),
        Field("citizenship_claimed", "The person claimed U.S. citizenship", "checkbox"),
        Field("notes", "Notes", "textarea"),
    ), integers=INTERVIEW_ID),
    ActionForm(CompleteOfficerReview, "Complete the officer review", (
        Field("interview_id", "Conducted interview", "select", required=True,
              choices_from=_interviews(conducted=True)),
    ), integers=INTERVIEW_ID),
    ActionForm(IssueDetainer, "Issue a detainer (request to the jail)", (
        Field("bases", "Probable-cause basis", "checks", BASES),
        Field("basis_evidence", "Evidence documenting the basis", "textarea"),
        # Required by the service (its 48 hours count from it), which checks the role first.
        Field("release_eligible_at", "Release-eligible time (UTC)", "datetime",
              help="Required: the detainer's 48 hours count from it."),
    )),
    ActionForm(RequestNotification, "Request notification of release (no hold)", (REASON,)),
    ActionForm(WaitForConviction, "Wait for the pending charge's outcome", (REASON,)),
    ActionForm(ExerciseDiscretion, "Close: prosecutorial discretion", (REASON,)),
    ActionForm(CloseNoAction, "Close: no action", (REASON,)),
    ActionForm(RecordJailResponse, "Record the jail's answer to the detainer", (
        Field("answer", "Answer", "select", _choices(JailAnswer), required=True),
        Field("answered_by", "Answered by (name and agency at the jail)"),
    )),
    ActionForm(RecordReleaseTime, "Record the release-eligible time", (
        Field("release_eligible_at", "Release-eligible time (UTC)", "datetime", required=True),
    )),
    ActionForm(TransferCustody, "Record transfer of custody to ICE", (
        Field("notes", "Notes", "textarea"),
    )),
    ActionForm(LiftDetainer, "Lift the detainer", (
        Field("lift_reason", "Why", "select", _choices(LiftReason), required=True),
        Field("explanation", "Explanation", "textarea"),
    ), danger=True),
    ActionForm(ExpireDetainer, "Record the detainer's expiry"),
    ActionForm(Charge, "Serve a charging document", (
        Field("kind", "Document", "select", _choices(ChargingKind), required=True),
        Field("allegations", "Allegations (NTA; one per line)", "lines"),
        Field("charges", "Charges of removability (NTA; one per line)", "lines"),
        Field("reference", "Reference (prior order, stipulation or request)"),
        Field("court", "Immigration court"),
        Field("hearing_at", "Hearing (UTC)", "datetime"),
        Field("rapid_repat", "Rapid REPAT (stipulated removal from state custody)", "checkbox"),
    )),
    ActionForm(DecideCustody, "Decide custody (with the risk assessment)", (
        Field("kind", "Decision", "select", _choices(CustodyKind), required=True),
        Field("flight_risk", "Flight risk", "select", RISK, required=True),
        Field("public_safety_risk", "Public-safety risk", "select", RISK, required=True),
        Field("risk_rationale", "Rationale", "textarea"),
        Field("bond_amount", "Bond (USD)", "integer"),
        Field("facility_code", "Detention facility", "select", choices_from=_facilities),
        Field("atd_program", "Alternatives-to-detention programme"),
    )),
    ActionForm(ReferToCourt, "Refer to immigration court (NTA filed)"),
    ActionForm(EnterOrderWithoutHearing, "Enter the order without a hearing", (REFERENCE,)),
    ActionForm(GrantRelief, "Record: relief granted", (REFERENCE, DECIDED_ON)),
    ActionForm(TerminateProceedings, "Record: proceedings terminated", (REFERENCE, REASON)),
    ActionForm(OrderRemoval, "Record: removal ordered", (REFERENCE, DECIDED_ON)),
    ActionForm(FileAppeal, "Record: appeal filed", (REFERENCE,)),
    ActionForm(DecideAppeal, "Record the appeal's outcome", (
        Field("outcome", "Outcome", "select", _choices(AppealOutcome), required=True), REFERENCE,
    )),
    ActionForm(OrderBecomesFinal, "Record: the order became final", (REASON,)),
    ActionForm(RequestTravelDocument, "Request a travel document", (Field("country", "Country"),)),
    ActionForm(RecordTravelDocument, "Record the travel document issued", (REFERENCE,)),
    ActionForm(VerifyRemoval, "Verify removal (departure seen)", (
        Field("departed_at", "Departed at (UTC)", "datetime", required=True),
        Field("port", "Port of departure"),
        Field("destination_country", "Destination country"),
        Field("verification_reference", "Verification reference"),
    )),
    ActionForm(ReleaseOnSupervision, "Release on an order of supervision", (REASON,)),
    ActionForm(RecordAbsconding, "Record absconding", (REASON,), danger=True),
    ActionForm(Assign, "Assign to an officer or CAP team", (
        Field("officer", "Officer (user name)"), Field("team", "Team"),
    )),
)  # fmt: skip

FORMS_BY_KEY: Mapping[str, ActionForm] = {f.key: f for f in FORMS}
#: Decided on the match verification view, not on the case page.
VERIFICATION_COMMANDS: frozenset[Command] = frozenset({VerifyIdentity, RejectMatch})
assert {f.command for f in FORMS} | VERIFICATION_COMMANDS == set(CASE_COMMANDS), (
    "every case command has a form"
)
