"""How case work is said to people: actions, events, permissions, roles and refusal rules in
words, from one catalogue, instead of the identifiers the code and the audit log use.

The words of roles and permissions live beside their enums (``roles.ROLE_WORDS``,
``roles.PERMISSION_WORDS``), since a refusal's message is composed there. The audit log keeps
the identifiers (``case.verify_identity``, ``refused.hold_window_open``):
they are what a search or a published statistic names. Whatever shows an entry, a refusal or
an action to a person (the console's case history, its refusal notes, the role's permissions)
says it with :func:`event_words`, :func:`rule_words`, :func:`permission_words` and
:func:`role_words`. An identifier missing from the catalogue falls back to its words
(underscores as spaces), never to a fragment of another name; a test pins that every action,
permission, role and guard is in it.
"""

from __future__ import annotations

from securecomm.enforcement.roles import PERMISSION_WORDS, ROLE_WORDS, Permission, Role
from securecomm.enforcement.vocabulary import Action

#: What a transition did, as the case history says it.
ACTION_WORDS: dict[Action, str] = {
    Action.VERIFY_IDENTITY: "match verified by an officer",
    Action.REJECT_MATCH: "match rejected by an officer",
    Action.RECORD_STATUS_RESEARCH: "status research recorded",
    Action.OPEN_CITIZENSHIP_REVIEW: "citizenship review opened",
    Action.RECORD_SUPERVISOR_REVIEW: "supervisor's citizenship finding recorded",
    Action.RECORD_COUNSEL_REVIEW: "counsel's citizenship finding recorded",
    Action.CLEAR_CITIZENSHIP_REVIEW: "citizenship review cleared",
    Action.ESTABLISH_CITIZENSHIP: "U.S. citizenship established: case closed",
    Action.ASSESS_PRIORITY: "priority level assessed",
    Action.COMPLETE_OFFICER_REVIEW: "officer review completed",
    Action.CLOSE_NO_ACTION: "closed without action",
    Action.EXERCISE_DISCRETION: "closed by prosecutorial discretion",
    Action.WAIT_FOR_CONVICTION: "waiting for the pending charge's outcome",
    Action.REQUEST_NOTIFICATION: "notification of release requested",
    Action.ISSUE_DETAINER: "detainer issued",
    Action.RECORD_JAIL_RESPONSE: "jail's answer to the detainer recorded",
    Action.RECORD_RELEASE_TIME: "release-eligible time recorded",
    Action.EXPIRE_DETAINER: "detainer expired (48 hours after release eligibility)",
    Action.LIFT_DETAINER: "detainer lifted",
    Action.TRANSFER_CUSTODY: "custody transferred to ICE",
    Action.CHARGE: "charging document served",
    Action.DECIDE_CUSTODY: "custody decided",
    Action.REFER_TO_COURT: "referred to the immigration court",
    Action.ENTER_ORDER_WITHOUT_HEARING: "order entered without a hearing",
    Action.GRANT_RELIEF: "relief granted",
    Action.TERMINATE_PROCEEDINGS: "proceedings terminated",
    Action.ORDER_REMOVAL: "removal ordered",
    Action.FILE_APPEAL: "appeal filed",
    Action.DECIDE_APPEAL: "appeal decided",
    Action.ORDER_BECOMES_FINAL: "removal order became final",
    Action.REQUEST_TRAVEL_DOCUMENT: "travel document requested",
    Action.RECORD_TRAVEL_DOCUMENT: "travel document recorded",
    Action.VERIFY_REMOVAL: "removal verified",
    Action.RELEASE_ON_SUPERVISION: "released on an order of supervision",
    Action.RECORD_ABSCONDING: "absconding recorded",
}

#: Audit events that are not transitions (``module.event``).
EVENT_WORDS: dict[str, str] = {
    "case.opened": "case opened from an IDENT match",
    "case.booking_attached": "a later booking joined the case",
    "case.assigned": "case assigned",
    "case.read": "case record read",
    "case.examiner_view": "examiner's view of the prints opened",
    "interview.scheduled": "interview scheduled",
    "interview.conducted": "interview conducted",
    "document.detainer": "detainer document produced",
    "document.notice_to_appear": "Notice to Appear produced",
    "referral.reentry_opened": "reentry referral opened",
    "record.correction_requested": "correction of the immigration record requested",
    "reminder.sent": "reminder sent",
    "reminder.acknowledged": "reminder seen",
}

#: The rule behind a refusal (``refused.<rule>``), as a person would name it.
RULE_WORDS: dict[str, str] = {
    "permission": "the role's permissions",
    "jail_scope": "a jail's staff act on that jail's cases only",
    "office_scope": "a field office's staff act on that office's cases only",
    "partner_agreement": "a 287(g) officer acts under an active agreement only",
    "reason_required": "a reason is required",
    "transition_table": "not possible from the case's state",
    "safeguard": "a safeguard",
    "citizenship_gate": "the citizenship gate (a review is open)",
    "prohibited_basis": "foreign birth or a missing record is never a basis",
    "detainer_expiry": "the 48-hour limit of a detainer",
    "jurisdiction_policy": "the jurisdiction's policy on detainers",
    "evidence_required": "evidence the action needs",
    "assignee_office": "cases are assigned within the field office",
    "assignee_role": "cases are assigned to officers",
    "reminder_addressee": "a reminder is marked seen by its addressee",
    "unlock_office": "a supervisor unlocks accounts of its field office",
    "unlock_own_account": "no one unlocks their own account",
    # the guards of the transition table (``guards.py``)
    "identity_verified": "a human must verify the match first",
    "examiner_view_shown": "a decision on this match's paired-minutiae view",
    "paired_minutiae_shown": "a view that shows paired minutiae",
    "pipeline_result_recorded": "the search's own decision and score on record",
    "finding_rests_on_records": "a finding names the records it rests on",
    "reviews_cleared": "both citizenship findings, by two people",
    "citizenship_found": "a recorded finding that citizenship is established",
    "pending_charges_exist": "there must be a pending charge",
    "interview_conducted": "an interview must be conducted first",
    "probable_cause": "a documented probable-cause basis",
    "jurisdiction_takes_detainers": "the jurisdiction takes no detainers",
    "detainer_in_time": "the detainer's 48 hours",
    "detainer_past_expiry": "the detainer has not reached its expiry",
    "charging_document_complete": "a complete charging document",
    "charged_from_jail_only_by_repat": "charging from jail only under Rapid REPAT",
    "custody_assessed": "a custody decision records its risk assessment",
    "charged_with_nta": "only a Notice to Appear goes before the court",
    "summary_charging": "an order without hearing needs summary charging",
    "not_detained": "not while the person is detained",
    "detainer_not_lapsed": "not under a detainer whose 48 hours are over",
    "hold_window_open": "the release-eligible time and the 48-hour window",
}


def _plain(identifier: str) -> str:
    return identifier.replace("_", " ").replace(".", " ")


def action_words(action: str) -> str:
    try:
        return ACTION_WORDS[Action(action)]
    except ValueError:
        return _plain(action)


def event_words(event: str) -> str:
    """An audit entry's action in words: ``case.verify_identity`` → "match verified by an
    officer", ``interview.scheduled`` → "interview scheduled"."""
    if event in EVENT_WORDS:
        return EVENT_WORDS[event]
    module, _, name = event.partition(".")
    if module == "case" and name:
        return action_words(name)
    return _plain(event)


def rule_words(rule: str) -> str:
    return RULE_WORDS.get(rule, _plain(rule))


def permission_words(permission: Permission | str) -> str:
    try:
        return PERMISSION_WORDS[Permission(permission)]
    except ValueError:
        return _plain(str(permission))


def role_words(role: Role | str) -> str:
    try:
        return ROLE_WORDS[Role(role)]
    except ValueError:
        return _plain(str(role))
