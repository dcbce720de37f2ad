"""The case actions the console offers, one form each, mapped onto the enforcement services.

Which actions a user sees on a case is decided by the enforcement layer's data: the transition
table (``lifecycle.TRANSITIONS``: the states an action starts from, the permissions it needs),
the permission matrix (``roles``) and the citizenship gate (``lifecycle.GATE_ACTIONS``).  A form
shown is not a promise: the service still checks everything, and its refusal is shown as is.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session

from securecomm.enforcement import (
    charging,
    citizenship,
    court,
    custody,
    decisions,
    detainers,
    interviews,
    removal,
    status,
)
from securecomm.enforcement.cases import CaseWork
from securecomm.enforcement.lifecycle import GATE_ACTIONS, OPEN_STATES, TRANSITIONS
from securecomm.enforcement.models import Case, DetentionFacility, Interview
from securecomm.enforcement.roles import Permission, Principal
from securecomm.enforcement.vocabulary import (
    Action,
    AppealOutcome,
    CaseState,
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
from securecomm.web.auth import SignedInUser
from securecomm.web.forms import Choices, Field

Runner = Callable[[CaseWork, Principal, str, Mapping[str, Any]], object]


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
    key: str
    label: str
    fields: tuple[Field, ...]
    run: Runner
    #: A transition of the table, or None for case work that is not a transition.
    action: Action | None = None
    #: For non-transitions: the permission it needs.
    permission: Permission | None = None
    danger: bool = False


def _f(
    action: Action, label: str, fields: tuple[Field, ...], run: Runner, *, danger: bool = False
) -> ActionForm:
    return ActionForm(action.value, label, fields, run, action=action, danger=danger)


def _reason_only(fn: Callable[..., object]) -> Runner:
    return lambda w, p, cn, v: w.call(fn, p, cn, reason=v["reason"])


A = Action
FORMS: tuple[ActionForm, ...] = (
    _f(A.RECORD_STATUS_RESEARCH, "Record status research", (
        Field("finding", "Finding", "select", _choices(StatusFinding), required=True),
        Field("record_references", "Records the finding rests on (one per line)", "lines",
              help="A removability finding must name immigration records; foreign birth or a "
                   "missing record is never a basis."),
        Field("notes", "Notes", "textarea"),
    ), lambda w, p, cn, v: w.call(
        status.record_status_research, p, cn, finding=v["finding"],
        record_references=v["record_references"], notes=v["notes"])),
    _f(A.OPEN_CITIZENSHIP_REVIEW, "Raise a citizenship indicator", (
        Field("indicator", "Indicator", "select", _choices(CitizenshipIndicatorKind),
              required=True),
        Field("source", "Source (record, document or statement)", "textarea"),
    ), lambda w, p, cn, v: w.call(
        citizenship.open_citizenship_review, p, cn, indicator=v["indicator"],
        source=v["source"])),
    _f(A.RECORD_SUPERVISOR_REVIEW, "Record the supervisor's citizenship finding", (
        Field("finding", "Finding", "select", _choices(ReviewFinding), required=True), REASON,
    ), lambda w, p, cn, v: w.call(
        citizenship.record_review, p, cn, finding=v["finding"], reason=v["reason"])),
    _f(A.RECORD_COUNSEL_REVIEW, "Record counsel's citizenship finding", (
        Field("finding", "Finding", "select", _choices(ReviewFinding), required=True), REASON,
    ), lambda w, p, cn, v: w.call(
        citizenship.record_review, p, cn, finding=v["finding"], reason=v["reason"])),
    _f(A.CLEAR_CITIZENSHIP_REVIEW, "Clear the citizenship review (both found not established)",
       (REASON,), _reason_only(citizenship.clear_citizenship_review)),
    _f(A.ESTABLISH_CITIZENSHIP, "Close: U.S. citizenship established", (REASON,),
       _reason_only(citizenship.establish_citizenship)),
    _f(A.ASSESS_PRIORITY, "Assess priority level (from convictions only)", (),
       lambda w, p, cn, v: w.call(status.assess_priority, p, cn)),
    _f(A.COMPLETE_OFFICER_REVIEW, "Complete the officer review", (
        Field("interview_id", "Conducted interview", "select", required=True,
              choices_from=_interviews(conducted=True),
              when_empty="record a conducted interview first"),
    ), lambda w, p, cn, v: w.call(
        interviews.complete_officer_review, p, cn, int(v["interview_id"]))),
    _f(A.ISSUE_DETAINER, "Issue a detainer (request to the jail)", (
        Field("bases", "Probable-cause basis", "checks", BASES),
        Field("basis_evidence", "Evidence documenting the basis", "textarea"),
        Field("release_eligible_at", "Release-eligible time (UTC), if known", "datetime"),
    ), lambda w, p, cn, v: w.call(
        detainers.issue_detainer, p, cn, bases=v["bases"], basis_evidence=v["basis_evidence"],
        notices=w.notices, release_eligible_at=v["release_eligible_at"])),
    _f(A.REQUEST_NOTIFICATION, "Request notification of release (no hold)", (REASON,),
       _reason_only(decisions.request_notification)),
    _f(A.WAIT_FOR_CONVICTION, "Wait for the pending charge's outcome", (REASON,),
       _reason_only(decisions.wait_for_conviction)),
    _f(A.EXERCISE_DISCRETION, "Close: prosecutorial discretion", (REASON,),
       _reason_only(decisions.exercise_discretion)),
    _f(A.CLOSE_NO_ACTION, "Close: no action", (REASON,),
       _reason_only(decisions.close_no_action)),
    _f(A.RECORD_JAIL_RESPONSE, "Record the jail's answer to the detainer", (
        Field("answer", "Answer", "select", _choices(JailAnswer), required=True),
        Field("answered_by", "Answered by (name and agency at the jail)"),
    ), lambda w, p, cn, v: w.call(
        detainers.record_jail_response, p, cn, answer=v["answer"],
        answered_by=v["answered_by"])),
    _f(A.RECORD_RELEASE_TIME, "Record the release-eligible time", (
        Field("release_eligible_at", "Release-eligible time (UTC)", "datetime", required=True),
    ), lambda w, p, cn, v: w.call(
        detainers.record_release_time, p, cn, release_eligible_at=v["release_eligible_at"])),
    _f(A.TRANSFER_CUSTODY, "Record transfer of custody to ICE", (
        Field("notes", "Notes", "textarea"),
    ), lambda w, p, cn, v: w.call(detainers.transfer_custody, p, cn, notes=v["notes"])),
    _f(A.LIFT_DETAINER, "Lift the detainer", (
        Field("lift_reason", "Why", "select", _choices(LiftReason), required=True),
        Field("explanation", "Explanation", "textarea"),
    ), lambda w, p, cn, v: w.call(
        detainers.lift_detainer, p, cn, lift_reason=v["lift_reason"],
        explanation=v["explanation"]), danger=True),
    _f(A.EXPIRE_DETAINER, "Record the detainer's expiry", (),
       lambda w, p, cn, v: w.call(detainers.expire_detainer, p, cn)),
    _f(A.CHARGE, "Serve a charging document", (
        Field("kind", "Document", "select", _choices(ChargingKind), required=True),
        Field("allegations", "Allegations (NTA; one per line)", "lines"),
        Field("charges", "Charges of removability (NTA; one per line)", "lines"),
        Field("reference", "Reference (prior order, stipulation or request)"),
        Field("court", "Immigration court"),
        Field("hearing_at", "Hearing (UTC)", "datetime"),
        Field("rapid_repat", "Rapid REPAT (stipulated removal from state custody)", "checkbox"),
    ), lambda w, p, cn, v: w.call(
        charging.charge, p, cn, kind=v["kind"], allegations=v["allegations"],
        charges=v["charges"], reference=v["reference"], court=v["court"],
        hearing_at=v["hearing_at"], rapid_repat=v["rapid_repat"])),
    _f(A.DECIDE_CUSTODY, "Decide custody (with the risk assessment)", (
        Field("kind", "Decision", "select", _choices(CustodyKind), required=True),
        Field("flight_risk", "Flight risk", "select", RISK, required=True),
        Field("public_safety_risk", "Public-safety risk", "select", RISK, required=True),
        Field("risk_rationale", "Rationale", "textarea"),
        Field("bond_amount", "Bond (USD)", "integer"),
        Field("facility_code", "Detention facility", "select", choices_from=_facilities),
        Field("atd_program", "Alternatives-to-detention programme"),
    ), lambda w, p, cn, v: w.call(
        custody.decide_custody, p, cn, kind=v["kind"], flight_risk=v["flight_risk"],
        public_safety_risk=v["public_safety_risk"], risk_rationale=v["risk_rationale"],
        bond_amount=v["bond_amount"], facility_code=v["facility_code"],
        atd_program=v["atd_program"])),
    _f(A.REFER_TO_COURT, "Refer to immigration court (NTA filed)", (),
       lambda w, p, cn, v: w.call(court.refer_to_court, p, cn)),
    _f(A.ENTER_ORDER_WITHOUT_HEARING, "Enter the order without a hearing", (REFERENCE,),
       lambda w, p, cn, v: w.call(court.enter_order_without_hearing, p, cn,
                                  reference=v["reference"])),
    _f(A.GRANT_RELIEF, "Record: relief granted", (REFERENCE, DECIDED_ON),
       lambda w, p, cn, v: w.call(court.grant_relief, p, cn, reference=v["reference"],
                                  decided_on=v["decided_on"])),
    _f(A.TERMINATE_PROCEEDINGS, "Record: proceedings terminated", (REFERENCE, REASON),
       lambda w, p, cn, v: w.call(court.terminate_proceedings, p, cn,
                                  reference=v["reference"], reason=v["reason"])),
    _f(A.ORDER_REMOVAL, "Record: removal ordered", (REFERENCE, DECIDED_ON),
       lambda w, p, cn, v: w.call(court.order_removal, p, cn, reference=v["reference"],
                                  decided_on=v["decided_on"])),
    _f(A.FILE_APPEAL, "Record: appeal filed", (REFERENCE,),
       lambda w, p, cn, v: w.call(court.file_appeal, p, cn, reference=v["reference"])),
    _f(A.DECIDE_APPEAL, "Record the appeal's outcome", (
        Field("outcome", "Outcome", "select", _choices(AppealOutcome), required=True), REFERENCE,
    ), lambda w, p, cn, v: w.call(court.decide_appeal, p, cn, outcome=v["outcome"],
                                  reference=v["reference"])),
    _f(A.ORDER_BECOMES_FINAL, "Record: the order became final", (REASON,),
       _reason_only(court.order_becomes_final)),
    _f(A.REQUEST_TRAVEL_DOCUMENT, "Request a travel document", (
        Field("country", "Country"),
    ), lambda w, p, cn, v: w.call(removal.request_travel_document, p, cn,
                                  country=v["country"])),
    _f(A.RECORD_TRAVEL_DOCUMENT, "Record the travel document issued", (REFERENCE,),
       lambda w, p, cn, v: w.call(removal.record_travel_document, p, cn,
                                  reference=v["reference"])),
    _f(A.VERIFY_REMOVAL, "Verify removal (departure seen)", (
        Field("departed_at", "Departed at (UTC)", "datetime", required=True),
        Field("port", "Port of departure"),
        Field("destination_country", "Destination country"),
        Field("verification_reference", "Verification reference"),
    ), lambda w, p, cn, v: w.call(
        removal.verify_removal, p, cn, departed_at=v["departed_at"], port=v["port"],
        destination_country=v["destination_country"],
        verification_reference=v["verification_reference"])),
    _f(A.RELEASE_ON_SUPERVISION, "Release on an order of supervision", (REASON,),
       _reason_only(removal.release_on_supervision)),
    _f(A.RECORD_ABSCONDING, "Record absconding", (REASON,),
       _reason_only(removal.record_absconding), danger=True),
    ActionForm("schedule_interview", "Schedule an interview", (
        Field("mode", "Mode", "select", _choices(InterviewMode), required=True),
        Field("scheduled_at", "When (UTC)", "datetime", required=True),
        Field("language", "Language (ISO 639-1, e.g. en, es)"),
        Field("interpreter", "Interpreter (required unless English)"),
    ), lambda w, p, cn, v: w.call(
        interviews.schedule_interview, p, cn, mode=v["mode"], scheduled_at=v["scheduled_at"],
        language=v["language"], interpreter=v["interpreter"]),
        permission=Permission.INTERVIEW),
    ActionForm("conduct_interview", "Record a conducted interview", (
        Field("interview_id", "Interview", "select", required=True,
              choices_from=_interviews(conducted=False),
              when_empty="schedule an interview first"),
        Field("citizenship_claimed", "The person claimed U.S. citizenship", "checkbox"),
        Field("notes", "Notes", "textarea"),
    ), lambda w, p, cn, v: w.call(
        interviews.conduct_interview, p, cn, int(v["interview_id"]),
        citizenship_claimed=v["citizenship_claimed"], notes=v["notes"]),
        permission=Permission.INTERVIEW),
    ActionForm("assign", "Assign to an officer or CAP team", (
        Field("officer", "Officer (user name)"), Field("team", "Team"),
    ), lambda w, p, cn, v: w.assign(p, cn, officer=v["officer"], team=v["team"]),
        permission=Permission.ASSIGN_WORK),
)  # fmt: skip

FORMS_BY_KEY: Mapping[str, ActionForm] = {f.key: f for f in FORMS}
#: Decided on the match verification view, not on the case page.
VERIFICATION_ACTIONS = frozenset({Action.VERIFY_IDENTITY, Action.REJECT_MATCH})
assert {f.action for f in FORMS if f.action} | VERIFICATION_ACTIONS == set(Action), (
    "every action of the transition table has a form"
)


class CaseStatus(Protocol):
    """What deciding the forms needs of a case (``enforcement.CaseView`` has it)."""

    @property
    def state(self) -> CaseState: ...
    @property
    def citizenship_gate_open(self) -> bool: ...


def offered(form: ActionForm, case: CaseStatus, user: SignedInUser) -> bool:
    """Whether the case page offers this form to this user on this case now."""
    if form.action is None:
        assert form.permission is not None
        return (
            user.can(form.permission)
            and case.state in OPEN_STATES
            and not case.citizenship_gate_open
        )
    spec = TRANSITIONS[form.action]
    if case.state not in spec.sources:
        return False
    if case.citizenship_gate_open and form.action not in GATE_ACTIONS:
        return False
    return any(user.can(p) for p in spec.permissions)


def offered_forms(case: CaseStatus, user: SignedInUser) -> list[ActionForm]:
    return [f for f in FORMS if offered(f, case, user)]
