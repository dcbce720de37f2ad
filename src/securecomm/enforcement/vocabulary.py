"""The enumerations stored in columns: case states, actions, and the kinds of each decision.

Kept apart from the models and the transition table so both can import them without a cycle;
``lifecycle`` re-exports ``CaseState`` and ``Action``.
"""

from __future__ import annotations

import enum


class CaseState(enum.StrEnum):
    MATCH_RECEIVED = "match_received"
    MATCH_REJECTED = "match_rejected"
    IDENTITY_VERIFIED = "identity_verified"
    STATUS_RESEARCHED = "status_researched"
    CITIZENSHIP_REVIEW = "citizenship_review"
    CITIZENSHIP_ESTABLISHED = "citizenship_established"
    PRIORITY_ASSESSED = "priority_assessed"
    OFFICER_REVIEWED = "officer_reviewed"
    NO_ACTION = "no_action"
    DISCRETION = "discretion"
    AWAITING_CONVICTION = "awaiting_conviction"
    NOTIFICATION_REQUESTED = "notification_requested"
    DETAINER_ISSUED = "detainer_issued"
    DETAINER_HONOURED = "detainer_honoured"
    DETAINER_DECLINED = "detainer_declined"
    DETAINER_NOTIFY_ONLY = "detainer_notify_only"
    DETAINER_EXPIRED = "detainer_expired"
    DETAINER_LIFTED = "detainer_lifted"
    TRANSFERRED = "transferred"
    CHARGED = "charged"
    CUSTODY_DECIDED = "custody_decided"
    IN_PROCEEDINGS = "in_proceedings"
    RELIEF_GRANTED = "relief_granted"
    PROCEEDINGS_TERMINATED = "proceedings_terminated"
    REMOVAL_ORDERED = "removal_ordered"
    APPEAL_PENDING = "appeal_pending"
    FINAL_ORDER = "final_order"
    TRAVEL_DOCUMENT_REQUESTED = "travel_document_requested"
    TRAVEL_DOCUMENT_ISSUED = "travel_document_issued"
    REMOVED = "removed"
    RELEASED_ON_SUPERVISION = "released_on_supervision"
    ABSCONDED = "absconded"


class Action(enum.StrEnum):
    VERIFY_IDENTITY = "verify_identity"
    REJECT_MATCH = "reject_match"
    RECORD_STATUS_RESEARCH = "record_status_research"
    OPEN_CITIZENSHIP_REVIEW = "open_citizenship_review"
    RECORD_SUPERVISOR_REVIEW = "record_supervisor_review"
    RECORD_COUNSEL_REVIEW = "record_counsel_review"
    CLEAR_CITIZENSHIP_REVIEW = "clear_citizenship_review"
    ESTABLISH_CITIZENSHIP = "establish_citizenship"
    ASSESS_PRIORITY = "assess_priority"
    COMPLETE_OFFICER_REVIEW = "complete_officer_review"
    CLOSE_NO_ACTION = "close_no_action"
    EXERCISE_DISCRETION = "exercise_discretion"
    WAIT_FOR_CONVICTION = "wait_for_conviction"
    REQUEST_NOTIFICATION = "request_notification"
    ISSUE_DETAINER = "issue_detainer"
    RECORD_JAIL_RESPONSE = "record_jail_response"
    RECORD_RELEASE_TIME = "record_release_time"
    EXPIRE_DETAINER = "expire_detainer"
    LIFT_DETAINER = "lift_detainer"
    TRANSFER_CUSTODY = "transfer_custody"
    CHARGE = "charge"
    DECIDE_CUSTODY = "decide_custody"
    REFER_TO_COURT = "refer_to_court"
    ENTER_ORDER_WITHOUT_HEARING = "enter_order_without_hearing"
    GRANT_RELIEF = "grant_relief"
    TERMINATE_PROCEEDINGS = "terminate_proceedings"
    ORDER_REMOVAL = "order_removal"
    FILE_APPEAL = "file_appeal"
    DECIDE_APPEAL = "decide_appeal"
    ORDER_BECOMES_FINAL = "order_becomes_final"
    REQUEST_TRAVEL_DOCUMENT = "request_travel_document"
    RECORD_TRAVEL_DOCUMENT = "record_travel_document"
    VERIFY_REMOVAL = "verify_removal"
    RELEASE_ON_SUPERVISION = "release_on_supervision"
    RECORD_ABSCONDING = "record_absconding"


class CitizenshipIndicatorKind(enum.StrEnum):
    NATURALISATION = "naturalisation"
    DERIVED_CITIZENSHIP = "derived_citizenship"
    US_BIRTH_RECORD = "us_birth_record"
    CLAIM_IN_INTERVIEW = "claim_in_interview"
    CLAIM_OTHER = "claim_other"


class ReviewFinding(enum.StrEnum):
    CITIZENSHIP_ESTABLISHED = "citizenship_established"
    CITIZENSHIP_NOT_ESTABLISHED = "citizenship_not_established"


class FingerDecision(enum.StrEnum):
    """The officer's decision on one finger of a match, on the examiner's view."""

    CONFIRMED = "confirmed"  # the two prints of this finger are the same finger
    NOT_CONFIRMED = "not_confirmed"  # they are not, or they disagree
    INCONCLUSIVE = "inconclusive"  # not enough on the prints to decide


class StatusFinding(enum.StrEnum):
    """What status research found (never inferred from birthplace, name or language)."""

    REMOVAL_ORDER_ON_RECORD = "removal_order_on_record"
    NO_LAWFUL_STATUS_ON_RECORD = "no_lawful_status_on_record"
    REMOVABLE_DESPITE_STATUS = "removable_despite_status"
    LAWFUL_STATUS_NOT_REMOVABLE = "lawful_status_not_removable"
    UNDETERMINED = "undetermined"


class InterviewMode(enum.StrEnum):
    IN_PERSON = "in_person"
    VIDEO = "video"
    PHONE = "phone"


class ProbableCauseBasis(enum.StrEnum):
    """I-247-style bases; the last two are listed only so they can be refused explicitly."""

    FINAL_ORDER_OF_REMOVAL = "final_order_of_removal"
    PENDING_REMOVAL_PROCEEDINGS = "pending_removal_proceedings"
    BIOMETRIC_MATCH_AND_RECORDS = "biometric_match_and_records"
    STATEMENTS_AND_EVIDENCE = "statements_and_evidence"
    FOREIGN_BIRTH = "foreign_birth"
    NO_RECORD_FOUND = "no_record_found"


#: Never a basis for action on their own (DESIGN.md §5.1).
PROHIBITED_BASES = frozenset({ProbableCauseBasis.FOREIGN_BIRTH, ProbableCauseBasis.NO_RECORD_FOUND})


class DetainerStatus(enum.StrEnum):
    ISSUED = "issued"
    HONOURED = "honoured"
    DECLINED = "declined"
    NOTIFY_ONLY = "notify_only"
    EXPIRED = "expired"
    LIFTED = "lifted"
    EXECUTED = "executed"  # the person was transferred to ICE under it


class JailAnswer(enum.StrEnum):
    HONOURED = "honoured"
    DECLINED = "declined"
    NOTIFY_ONLY = "notify_only"


class LiftReason(enum.StrEnum):
    CITIZENSHIP_UNDER_REVIEW = "citizenship_under_review"
    CITIZENSHIP_ESTABLISHED = "citizenship_established"
    JAIL_DECLINED = "jail_declined"
    PROSECUTORIAL_DISCRETION = "prosecutorial_discretion"
    LAWFUL_STATUS_CONFIRMED = "lawful_status_confirmed"
    ISSUED_IN_ERROR = "issued_in_error"
    TRANSFERRED_TO_OTHER_AGENCY = "transferred_to_other_agency"
    OTHER = "other"


class ChargingKind(enum.StrEnum):
    NOTICE_TO_APPEAR = "notice_to_appear"
    REINSTATEMENT = "reinstatement"
    STIPULATED_REMOVAL = "stipulated_removal"
    VOLUNTARY_RETURN = "voluntary_return"


#: Charging documents that lead to a final order without a contested hearing.
SUMMARY_CHARGING = frozenset(
    {ChargingKind.REINSTATEMENT, ChargingKind.STIPULATED_REMOVAL, ChargingKind.VOLUNTARY_RETURN}
)


class CustodyKind(enum.StrEnum):
    DETAIN = "detain"
    BOND = "bond"
    OWN_RECOGNIZANCE = "own_recognizance"
    ALTERNATIVES_TO_DETENTION = "alternatives_to_detention"


class AppealOutcome(enum.StrEnum):
    DISMISSED = "dismissed"
    REMANDED = "remanded"
