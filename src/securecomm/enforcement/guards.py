"""The guards of the transition table: each safeguard of DESIGN.md §5 as one small function.

A guard receives the case, the evidence the caller gave, the time and the session, and raises a
``SafeguardError`` (or ``EvidenceRequiredError``) saying what is missing; it never changes
anything.  ``lifecycle.TRANSITIONS`` names which guards each transition runs.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from securecomm.enforcement.errors import (
    DetainerExpiredError,
    DetainersDeclinedError,
    EvidenceRequiredError,
    ProhibitedBasisError,
    SafeguardError,
    VerificationRequiredError,
)
from securecomm.enforcement.models import (
    Case,
    CitizenshipReview,
    Detainer,
    Interview,
    JurisdictionPolicy,
)
from securecomm.enforcement.parameters import DETAINER_HOLD, MIN_PAIRED_MINUTIAE_SHOWN
from securecomm.enforcement.repatriation import repat_eligibility
from securecomm.enforcement.roles import Principal
from securecomm.enforcement.vocabulary import (
    PROHIBITED_BASES,
    SUMMARY_CHARGING,
    CaseState,
    ChargingKind,
    CustodyKind,
    DetainerStatus,
    ProbableCauseBasis,
    ReviewFinding,
    StatusFinding,
)

#: A detainer still open: exactly while the case is in a detainer state (``lifecycle``), until
#: transfer, expiry (the sweep), a lift or a notification request closes it.
ACTIVE_DETAINER = frozenset(
    {
        DetainerStatus.ISSUED,
        DetainerStatus.HONOURED,
        DetainerStatus.NOTIFY_ONLY,
        DetainerStatus.DECLINED,
    }
)
#: Of the open detainers, those that hold the person past release, or may (the jail has not
#: answered yet): only for these is the 48-hour expiry a limit anyone must act before.  A
#: declined or notify-only detainer stays open, with the jail's answer, until the sweep closes
#: it at its expiry, but the jail keeps no one for it: what can still be acted on is the
#: release-eligible time (pick-up at release).
HOLDING_DETAINER = frozenset({DetainerStatus.ISSUED, DetainerStatus.HONOURED})

#: Status findings that say the person is removable, each resting on records.
REMOVABILITY_FINDINGS = frozenset(
    {
        StatusFinding.REMOVAL_ORDER_ON_RECORD,
        StatusFinding.NO_LAWFUL_STATUS_ON_RECORD,
        StatusFinding.REMOVABLE_DESPITE_STATUS,
    }
)


@dataclass(frozen=True)
class GuardContext:
    session: Session
    case: Case
    evidence: Mapping[str, Any]
    now: datetime
    principal: Principal


Guard = Callable[[GuardContext], None]


def active_detainer(session: Session, case: Case) -> Detainer | None:
    """The case's open detainer (at most one), whatever the jail answered."""
    return session.execute(
        select(Detainer).where(
            Detainer.case_id == case.id, Detainer.status.in_(list(ACTIVE_DETAINER))
        )
    ).scalar_one_or_none()


def holds_person(detainer: Detainer | None) -> bool:
    """Whether this detainer keeps (or, unanswered, may keep) the person past release."""
    return detainer is not None and detainer.status in HOLDING_DETAINER


def open_review(session: Session, case: Case) -> CitizenshipReview | None:
    return session.execute(
        select(CitizenshipReview).where(
            CitizenshipReview.case_id == case.id, CitizenshipReview.resolved_at.is_(None)
        )
    ).scalar_one_or_none()


def identity_verified(ctx: GuardContext) -> None:
    """A human confirmed the biometric match before anything else happens (§5.2)."""
    if ctx.case.identity_verified_at is None:
        raise VerificationRequiredError(
            f"case {ctx.case.case_number}: no officer has verified the biometric match on the "
            "examiner's view; nothing proceeds before that"
        )


def examiner_view_shown(ctx: GuardContext) -> None:
    """The officer decided on this match's paired-minutiae view, with enough pairs shown."""
    ref = str(ctx.evidence.get("paired_minutiae_ref", ""))
    if ref != ctx.case.paired_minutiae_ref:
        raise EvidenceRequiredError(
            f"case {ctx.case.case_number}: the decision must be made on this match's examiner "
            f"view {ctx.case.paired_minutiae_ref!r}, not {ref!r}"
        )


def paired_minutiae_shown(ctx: GuardContext) -> None:
    """The view the officer confirmed on really shows paired minutiae (the comparator's count)."""
    count = int(ctx.evidence.get("paired_minutiae_count", 0))
    if count < MIN_PAIRED_MINUTIAE_SHOWN:
        raise EvidenceRequiredError(
            f"case {ctx.case.case_number}: the examiner view shows {count} paired minutiae; "
            f"there is no paired-minutiae view to confirm on (at least "
            f"{MIN_PAIRED_MINUTIAE_SHOWN} pairs from the comparator): reject the match or "
            "re-examine the prints"
        )


def pipeline_result_recorded(ctx: GuardContext) -> None:
    """The search's own decision and score stand in the evidence, as the pipeline gave them."""
    score = ctx.evidence.get("pipeline_score")
    decision = str(ctx.evidence.get("pipeline_decision", ""))
    if score != ctx.case.candidate_score or decision != ctx.case.ident_summary or not decision:
        raise EvidenceRequiredError(
            f"case {ctx.case.case_number}: a confirmation records the search's decision and "
            "score from the IDENT response of this match, never values given by the officer"
        )


def finding_rests_on_records(ctx: GuardContext) -> None:
    """A removability finding names the records it rests on; birthplace or absence is none."""
    finding = StatusFinding(ctx.evidence["finding"])
    if finding in REMOVABILITY_FINDINGS and not ctx.evidence.get("record_references"):
        raise ProhibitedBasisError(
            f"case {ctx.case.case_number}: finding {finding.value} needs the immigration records "
            "it rests on; foreign birth or a missing record is never a basis"
        )


def reviews_cleared(ctx: GuardContext) -> None:
    """Both a supervisor and counsel found citizenship not established, as two people."""
    review = open_review(ctx.session, ctx.case)
    if review is None:
        raise SafeguardError(f"case {ctx.case.case_number}: no open citizenship review")
    missing = [
        who
        for who, finding in (
            ("supervisor", review.supervisor_finding),
            ("counsel", review.counsel_finding),
        )
        if finding is not ReviewFinding.CITIZENSHIP_NOT_ESTABLISHED
    ]
    if missing:
        raise EvidenceRequiredError(
            f"case {ctx.case.case_number}: the citizenship review needs a finding of "
            f"'not established' from {' and '.join(missing)} before action can resume"
        )
    if review.supervisor == review.counsel:
        raise EvidenceRequiredError(
            f"case {ctx.case.case_number}: supervisor and counsel reviews must be by two people"
        )


def citizenship_found(ctx: GuardContext) -> None:
    review = open_review(ctx.session, ctx.case)
    if review is None or ReviewFinding.CITIZENSHIP_ESTABLISHED not in (
        review.supervisor_finding,
        review.counsel_finding,
    ):
        raise EvidenceRequiredError(
            f"case {ctx.case.case_number}: a supervisor or counsel must record the finding "
            "that citizenship is established"
        )


def pending_charges_exist(ctx: GuardContext) -> None:
    if not ctx.case.pending_charges:
        raise EvidenceRequiredError(
            f"case {ctx.case.case_number}: there is no pending charge to wait for"
        )


def interview_conducted(ctx: GuardContext) -> None:
    conducted = ctx.session.execute(
        select(Interview.id).where(
            Interview.case_id == ctx.case.id, Interview.conducted_at.is_not(None)
        )
    ).first()
    if conducted is None:
        raise EvidenceRequiredError(
            f"case {ctx.case.case_number}: the officer review needs a conducted interview "
            "(in person, video or phone)"
        )


def probable_cause(ctx: GuardContext) -> None:
    """Detainers need a documented basis; foreign birth or a missing record alone is none."""
    bases = [ProbableCauseBasis(b) for b in ctx.evidence.get("bases", [])]
    sufficient = [b for b in bases if b not in PROHIBITED_BASES]
    if not sufficient:
        named = ", ".join(b.value for b in bases) or "none"
        raise ProhibitedBasisError(
            f"case {ctx.case.case_number}: no probable-cause basis (given: {named}); foreign "
            "birth or a missing record is never a basis for a detainer"
        )
    if not str(ctx.evidence.get("basis_evidence", "")).strip():
        raise EvidenceRequiredError(
            f"case {ctx.case.case_number}: the probable-cause basis must be documented"
        )
    finding = ctx.case.status_finding
    if (
        ProbableCauseBasis.FINAL_ORDER_OF_REMOVAL in sufficient
        and finding is not StatusFinding.REMOVAL_ORDER_ON_RECORD
    ):
        raise EvidenceRequiredError(
            f"case {ctx.case.case_number}: basis final_order_of_removal needs status research "
            "that found a removal order on record"
        )
    if (
        ProbableCauseBasis.BIOMETRIC_MATCH_AND_RECORDS in sufficient
        and finding not in REMOVABILITY_FINDINGS
    ):
        raise EvidenceRequiredError(
            f"case {ctx.case.case_number}: basis biometric_match_and_records needs status "
            "research that found records showing removability"
        )


def jurisdiction_takes_detainers(ctx: GuardContext) -> None:
    policy = ctx.session.get(JurisdictionPolicy, ctx.case.facility_ori)
    if policy is not None and not policy.accepts_detainers:
        raise DetainersDeclinedError(
            f"case {ctx.case.case_number}: jurisdiction {ctx.case.facility_ori} "
            f"({policy.name or 'registered policy'}) takes no detainers; request notification "
            "of release instead"
        )


def detainer_in_time(ctx: GuardContext) -> None:
    """Acting under a detainer is possible only until 48 hours after release eligibility."""
    detainer = active_detainer(ctx.session, ctx.case)
    if detainer is None:
        return
    if detainer.expires_at is None:
        raise EvidenceRequiredError(
            f"case {ctx.case.case_number}: detainer {detainer.number} has no release-eligible "
            "time recorded, so its 48-hour limit cannot be checked"
        )
    if ctx.now > detainer.expires_at:
        raise DetainerExpiredError(
            f"case {ctx.case.case_number}: detainer {detainer.number} expired at "
            f"{detainer.expires_at.isoformat()} (48 hours after release eligibility)"
        )


def detainer_past_expiry(ctx: GuardContext) -> None:
    detainer = active_detainer(ctx.session, ctx.case)
    if detainer is None or detainer.expires_at is None or ctx.now <= detainer.expires_at:
        raise SafeguardError(
            f"case {ctx.case.case_number}: the detainer has not reached its expiry"
        )


def charging_document_complete(ctx: GuardContext) -> None:
    kind = ChargingKind(ctx.evidence["kind"])
    needs = {
        ChargingKind.NOTICE_TO_APPEAR: ("allegations", "charges"),
        ChargingKind.REINSTATEMENT: ("reference",),  # the prior removal order
        ChargingKind.STIPULATED_REMOVAL: ("reference",),  # the signed stipulation
        ChargingKind.VOLUNTARY_RETURN: ("reference",),  # the person's written request
    }[kind]
    missing = [key for key in needs if not ctx.evidence.get(key)]
    if missing:
        raise EvidenceRequiredError(
            f"case {ctx.case.case_number}: a {kind.value} needs {', '.join(missing)}"
        )


def charged_from_jail_only_by_repat(ctx: GuardContext) -> None:
    """Charging before transfer is the Rapid REPAT pathway only (stipulated removal)."""
    if ctx.case.state is CaseState.TRANSFERRED:
        return
    if ChargingKind(ctx.evidence["kind"]) is not ChargingKind.STIPULATED_REMOVAL:
        raise EvidenceRequiredError(
            f"case {ctx.case.case_number}: only a Rapid REPAT stipulated removal is charged "
            "before the person is in ICE custody"
        )
    eligibility = repat_eligibility(ctx.case)
    if not eligibility.eligible:
        raise SafeguardError(
            f"case {ctx.case.case_number}: not eligible for Rapid REPAT: "
            + "; ".join(eligibility.reasons)
        )


def custody_assessed(ctx: GuardContext) -> None:
    kind = CustodyKind(ctx.evidence["kind"])
    for key in ("flight_risk", "public_safety_risk", "risk_rationale"):
        if not str(ctx.evidence.get(key, "")).strip():
            raise EvidenceRequiredError(
                f"case {ctx.case.case_number}: a custody decision records the risk "
                f"assessment ({key} is missing)"
            )
    required = {
        CustodyKind.BOND: "bond_amount",
        CustodyKind.DETAIN: "facility_code",
        CustodyKind.ALTERNATIVES_TO_DETENTION: "atd_program",
    }.get(kind)
    if required and not ctx.evidence.get(required):
        raise EvidenceRequiredError(
            f"case {ctx.case.case_number}: custody {kind.value} needs {required}"
        )


def charged_with_nta(ctx: GuardContext) -> None:
    if ctx.case.charging_kind is not ChargingKind.NOTICE_TO_APPEAR:
        raise EvidenceRequiredError(
            f"case {ctx.case.case_number}: only a notice to appear goes before the court "
            f"(charged with {ctx.case.charging_kind})"
        )


def summary_charging(ctx: GuardContext) -> None:
    if ctx.case.charging_kind not in SUMMARY_CHARGING:
        raise EvidenceRequiredError(
            f"case {ctx.case.case_number}: an order without hearing needs reinstatement, "
            f"stipulated removal or voluntary return (charged with {ctx.case.charging_kind})"
        )
    if ctx.case.state is CaseState.CHARGED and not ctx.case.rapid_repat:
        raise EvidenceRequiredError(
            f"case {ctx.case.case_number}: decide custody before the order (only Rapid REPAT "
            "cases stay in state custody)"
        )


def not_detained(ctx: GuardContext) -> None:
    if (
        ctx.case.custody_kind is CustodyKind.DETAIN
        and ctx.case.state is not CaseState.RELEASED_ON_SUPERVISION
    ):
        raise SafeguardError(
            f"case {ctx.case.case_number}: the person is detained; absconding is not possible "
            "from detention (record an escape through the facility)"
        )


def detainer_not_lapsed(ctx: GuardContext) -> None:
    """A release time cannot be recorded under a detainer whose 48 hours are already over."""
    detainer = active_detainer(ctx.session, ctx.case)
    if detainer is not None and detainer.expires_at is not None and ctx.now > detainer.expires_at:
        raise DetainerExpiredError(
            f"case {ctx.case.case_number}: detainer {detainer.number} expired at "
            f"{detainer.expires_at.isoformat()}; it cannot be extended"
        )


def hold_window_open(ctx: GuardContext) -> None:
    """A detainer needs the release-eligible time (its 48 hours are counted from it: without
    it nothing would ever end the hold), and none for a person whose 48 hours are over."""
    release = ctx.evidence.get("release_eligible_at") or ctx.case.release_eligible_at
    if release is None:
        raise EvidenceRequiredError(
            f"case {ctx.case.case_number}: the release-eligible time is required to issue a "
            "detainer (it holds the person at most 48 hours past it); ask the jail for the "
            "date the person would otherwise be released"
        )
    if ctx.now > release + DETAINER_HOLD:
        raise DetainerExpiredError(
            f"case {ctx.case.case_number}: the release-eligible time {release.isoformat()} is "
            "more than 48 hours past; a detainer can no longer be issued"
        )
