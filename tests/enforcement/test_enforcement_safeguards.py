"""Each safeguard of DESIGN.md §5 refuses what it must."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from enforcement_support import (
    BOOKING,
    COUNSEL,
    JAIL,
    LESC,
    MANAGER,
    OFFICER,
    OFFICER_2,
    PARTNER,
    PARTNER_ELSEWHERE,
    REF,
    SUPERVISOR,
    Flow,
    conviction,
    in_transaction,
    review_command,
)
from sqlalchemy import text

from securecomm.afis.matching.parameters import MAX_NP, MIN_NP
from securecomm.clock import FixedClock
from securecomm.enforcement import audit
from securecomm.enforcement.commands import (
    AssessPriority,
    Charge,
    ClearCitizenshipReview,
    CloseNoAction,
    ConductInterview,
    EnterOrderWithoutHearing,
    EstablishCitizenship,
    ExpireDetainer,
    IssueDetainer,
    LiftDetainer,
    OpenCitizenshipReview,
    RecordCounselReview,
    RecordJailResponse,
    RecordReleaseTime,
    RecordStatusResearch,
    RecordSupervisorReview,
    RegisterPartner,
    RegisterPolicy,
    RejectMatch,
    RequestNotification,
    ScheduleInterview,
    TransferCustody,
    VerifyIdentity,
)
from securecomm.enforcement.errors import (
    CitizenshipGateError,
    DetainerExpiredError,
    DetainersDeclinedError,
    DocumentError,
    EvidenceRequiredError,
    IllegalTransitionError,
    InputError,
    PermissionDeniedError,
    ProhibitedBasisError,
    SafeguardError,
    VerificationRequiredError,
)
from securecomm.enforcement.inputs import ImmigrationEventKind, ImmigrationHistoryEvent
from securecomm.enforcement.lifecycle import apply_transition
from securecomm.enforcement.models import (
    AuditEntry,
    Case,
    Detainer,
    Interview,
    ProsecutionReferral,
)
from securecomm.enforcement.parameters import MIN_PAIRED_MINUTIAE_SHOWN
from securecomm.enforcement.vocabulary import (
    Action,
    CaseState,
    ChargingKind,
    CitizenshipIndicatorKind,
    DetainerStatus,
    InterviewMode,
    JailAnswer,
    LiftReason,
    ProbableCauseBasis,
    ReviewFinding,
    StatusFinding,
)

BASIS = [ProbableCauseBasis.BIOMETRIC_MATCH_AND_RECORDS]
EVIDENCE = "IDENT match verified by officer; EID shows entry without inspection"


def issue(flow: Flow, cn: str, principal=OFFICER, bases=BASIS, **kwargs):
    kwargs.setdefault("release_eligible_at", flow.clock.now() + timedelta(days=3))
    return flow.work.handle(
        IssueDetainer(cn, bases=bases, basis_evidence=EVIDENCE, **kwargs), principal
    )


def case_row(flow: Flow, cn: str) -> Case:
    return in_transaction(flow.work, lambda s, c: s.query(Case).filter_by(case_number=cn).one())


# --- 1. a human verifies every match ------------------------------------------------------


def test_detainer_refused_before_verification(flow: Flow) -> None:
    cn = flow.open()
    with pytest.raises(VerificationRequiredError, match="no officer has verified"):
        issue(flow, cn)


def test_detainer_refused_without_verification_even_if_state_is_forged(flow: Flow, db_path) -> None:
    cn = flow.open()
    with flow.work.factory() as s, s.begin():  # an administrator forges the state
        s.execute(
            text("UPDATE enforcement_cases SET state='officer_reviewed' WHERE case_number=:c"),
            {"c": cn},
        )
    with pytest.raises(VerificationRequiredError):
        issue(flow, cn)


def test_nothing_proceeds_before_verification(flow: Flow) -> None:
    cn = flow.open()
    with pytest.raises(VerificationRequiredError):
        flow.work.handle(
            RecordStatusResearch(
                cn, finding=StatusFinding.NO_LAWFUL_STATUS_ON_RECORD, record_references=["x"]
            ),
            LESC,
        )


def test_verification_must_be_on_this_matchs_view_showing_paired_minutiae(flow: Flow) -> None:
    cn = flow.open()
    with pytest.raises(EvidenceRequiredError, match="examiner view"):
        flow.work.handle(
            VerifyIdentity(cn, paired_minutiae_ref="other", paired_minutiae_count=20), OFFICER
        )
    for none_shown in (0, MIN_PAIRED_MINUTIAE_SHOWN - 1):
        with pytest.raises(EvidenceRequiredError, match="no paired-minutiae view"):
            flow.work.handle(
                VerifyIdentity(cn, paired_minutiae_ref=REF, paired_minutiae_count=none_shown),
                OFFICER,
            )
    with pytest.raises(PermissionDeniedError):
        flow.work.handle(
            VerifyIdentity(cn, paired_minutiae_ref=REF, paired_minutiae_count=20), PARTNER
        )
    assert case_row(flow, cn).state is CaseState.MATCH_RECEIVED


def test_a_match_below_the_comparators_pair_cap_can_be_confirmed(flow: Flow) -> None:
    """FVC finger 101 scores 36 on 5 pairs: the comparator reports at most MAX_NP = 12 pairs, so
    a 12-point floor could only be met at the cap.  The officer decides on the view."""
    assert MIN_PAIRED_MINUTIAE_SHOWN <= MIN_NP <= MAX_NP  # a view the comparator can produce
    cn = flow.open()
    flow.work.handle(VerifyIdentity(cn, paired_minutiae_ref=REF, paired_minutiae_count=5), OFFICER)
    row = case_row(flow, cn)
    assert row.state is CaseState.IDENTITY_VERIFIED
    entry = in_transaction(
        flow.work,
        lambda s, c: s.query(AuditEntry).filter_by(subject=cn, action="case.verify_identity").one(),
    )
    evidence = audit.details_of(entry)["evidence"]
    assert evidence["paired_minutiae_ref"] == REF and evidence["paired_minutiae_count"] == 5
    # the search's decision and score, from the IDENT response the case was opened from
    assert evidence["pipeline_score"] == row.candidate_score == 412.0
    assert evidence["pipeline_decision"] == row.ident_summary == "IDENT hit: 2 encounters"


def test_the_pipeline_result_cannot_be_given_by_the_officer(flow: Flow) -> None:
    cn = flow.open()

    def typed_score(session, clock) -> None:
        case = session.query(Case).filter_by(case_number=cn).one()
        apply_transition(
            session, case, Action.VERIFY_IDENTITY, OFFICER, clock,
            evidence={"paired_minutiae_ref": REF, "paired_minutiae_count": 12,
                      "pipeline_score": 9999.0, "pipeline_decision": "typed"},
        )  # fmt: skip

    with pytest.raises(EvidenceRequiredError, match="never values given by the officer"):
        in_transaction(flow.work, typed_score)
    assert case_row(flow, cn).state is CaseState.MATCH_RECEIVED


def test_rejection_closes_the_case_with_its_reason(flow: Flow) -> None:
    cn = flow.open()
    with pytest.raises(EvidenceRequiredError, match="needs a reason"):
        flow.work.handle(RejectMatch(cn, paired_minutiae_ref=REF, reason=""), OFFICER)
    flow.work.handle(
        RejectMatch(cn, paired_minutiae_ref=REF, reason="core and delta differ"), OFFICER
    )
    row = case_row(flow, cn)
    assert row.state is CaseState.MATCH_REJECTED
    assert row.closing_reason == "core and delta differ"
    with pytest.raises(IllegalTransitionError, match="is match_rejected"):
        flow.work.handle(
            VerifyIdentity(cn, paired_minutiae_ref=REF, paired_minutiae_count=20), OFFICER
        )


# --- 2. foreign birth or a missing record is never a basis -------------------------------


@pytest.mark.parametrize(
    "bases",
    [
        [ProbableCauseBasis.FOREIGN_BIRTH],
        [ProbableCauseBasis.NO_RECORD_FOUND],
        [ProbableCauseBasis.FOREIGN_BIRTH, ProbableCauseBasis.NO_RECORD_FOUND],
    ],
)
def test_detainer_refused_on_foreign_birth_or_missing_record_alone(flow: Flow, bases) -> None:
    cn = flow.reviewed()
    with pytest.raises(ProhibitedBasisError, match="never a basis"):
        issue(flow, cn, bases=bases)
    assert case_row(flow, cn).state is CaseState.OFFICER_REVIEWED


def test_removability_finding_needs_records(flow: Flow) -> None:
    cn = flow.verified()
    with pytest.raises(ProhibitedBasisError, match="needs the immigration records"):
        flow.work.handle(
            RecordStatusResearch(
                cn, finding=StatusFinding.NO_LAWFUL_STATUS_ON_RECORD, record_references=[]
            ),
            LESC,
        )


def test_final_order_basis_needs_a_removal_order_on_record(flow: Flow) -> None:
    cn = flow.reviewed()  # research found no lawful status, not a removal order
    with pytest.raises(EvidenceRequiredError, match="removal order on record"):
        issue(flow, cn, bases=[ProbableCauseBasis.FINAL_ORDER_OF_REMOVAL])


def test_undocumented_basis_is_refused(flow: Flow) -> None:
    cn = flow.reviewed()
    with pytest.raises(EvidenceRequiredError, match="needs evidence bases"):
        issue(flow, cn, bases=[])
    with pytest.raises(EvidenceRequiredError):
        flow.work.handle(IssueDetainer(cn, bases=BASIS, basis_evidence=" "), OFFICER)


# --- 3. the citizenship gate ---------------------------------------------------------------


def claim_in_interview(flow: Flow, cn: str) -> None:
    interview = flow.work.handle(
        ScheduleInterview(
            cn, mode=InterviewMode.IN_PERSON, scheduled_at=flow.clock.now(), language="en"
        ),
        OFFICER,
    )
    flow.work.handle(
        ConductInterview(cn, interview_id=interview.id, citizenship_claimed=True), OFFICER
    )


def test_detainer_refused_while_the_gate_is_open(flow: Flow) -> None:
    cn = flow.reviewed()
    claim_in_interview(flow, cn)
    assert case_row(flow, cn).state is CaseState.CITIZENSHIP_REVIEW
    with pytest.raises(CitizenshipGateError, match="nothing proceeds"):
        issue(flow, cn)
    with pytest.raises(CitizenshipGateError):
        flow.work.handle(CloseNoAction(cn, reason="x"), OFFICER)


def test_gate_opening_lifts_a_detainer_in_force(flow: Flow) -> None:
    cn = flow.detained_request()
    claim_in_interview(flow, cn)
    d = in_transaction(flow.work, lambda s, c: s.query(Detainer).one())
    assert d.status is DetainerStatus.LIFTED
    assert d.lift_reason is LiftReason.CITIZENSHIP_UNDER_REVIEW


def test_gate_clears_only_after_supervisor_and_counsel_as_two_people(flow: Flow) -> None:
    cn = flow.detained_request()
    claim_in_interview(flow, cn)
    no = ReviewFinding.CITIZENSHIP_NOT_ESTABLISHED
    with pytest.raises(EvidenceRequiredError, match="supervisor and counsel"):
        flow.work.handle(ClearCitizenshipReview(cn, reason="r"), SUPERVISOR)
    flow.work.handle(
        RecordSupervisorReview(
            cn, finding=no, reason="birth certificate from Jalisco, no U.S. parent"
        ),
        SUPERVISOR,
    )
    with pytest.raises(EvidenceRequiredError, match="from counsel"):
        flow.work.handle(ClearCitizenshipReview(cn, reason="r"), SUPERVISOR)
    with pytest.raises(PermissionDeniedError):
        flow.work.handle(review_command(OFFICER, cn, finding=no, reason="r"), OFFICER)
    flow.work.handle(
        RecordCounselReview(
            cn, finding=no, reason="no derivation: parents not naturalised before 18"
        ),
        COUNSEL,
    )
    flow.work.handle(ClearCitizenshipReview(cn, reason="both reviewed"), SUPERVISOR)
    # the detainer was lifted when the gate opened: the officer decides anew
    assert case_row(flow, cn).state is CaseState.OFFICER_REVIEWED
    issue(flow, cn)
    assert case_row(flow, cn).state is CaseState.DETAINER_ISSUED


def test_citizenship_established_ends_the_case_and_flags_the_record(flow: Flow) -> None:
    cn = flow.reviewed()
    claim_in_interview(flow, cn)
    with pytest.raises(EvidenceRequiredError):
        flow.work.handle(EstablishCitizenship(cn, reason="r"), COUNSEL)
    flow.work.handle(
        RecordCounselReview(
            cn,
            finding=ReviewFinding.CITIZENSHIP_ESTABLISHED,
            reason="U.S. passport verified with State",
        ),
        COUNSEL,
    )
    flow.work.handle(EstablishCitizenship(cn, reason="passport verified"), COUNSEL)
    row = case_row(flow, cn)
    assert row.state is CaseState.CITIZENSHIP_ESTABLISHED
    assert row.record_correction_requested
    with pytest.raises(IllegalTransitionError):
        issue(flow, cn)


@pytest.mark.parametrize(
    "kind",
    [
        ImmigrationEventKind.NATURALISATION,
        ImmigrationEventKind.DERIVED_CITIZENSHIP,
        ImmigrationEventKind.US_BIRTH_RECORD,
    ],
)
def test_citizenship_record_in_history_opens_the_gate_at_intake(flow: Flow, kind) -> None:
    history = [ImmigrationHistoryEvent(kind, date(2012, 5, 1), reference="N-550 1234")]
    cn = flow.open(immigration=history)
    assert case_row(flow, cn).state is CaseState.CITIZENSHIP_REVIEW
    with pytest.raises(CitizenshipGateError):
        flow.work.handle(
            VerifyIdentity(cn, paired_minutiae_ref=REF, paired_minutiae_count=20), OFFICER
        )


def test_anyone_on_the_case_can_raise_an_indicator(flow: Flow) -> None:
    cn = flow.researched()
    flow.work.handle(
        OpenCitizenshipReview(
            cn,
            indicator=CitizenshipIndicatorKind.CLAIM_OTHER,
            source="told the booking officer he was born in El Paso",
        ),
        BOOKING,
    )
    assert case_row(flow, cn).citizenship_gate_open


# --- 4. detainers: policy, answer, 48 hours -----------------------------------------------


def test_jurisdiction_that_takes_no_detainers_gets_a_notification_request(flow: Flow) -> None:
    flow.work.handle(
        RegisterPolicy(
            facility_ori=JAIL,
            accepts_detainers=False,
            policy_name="County",
            source="county ordinance 2014-12",
        ),
        SUPERVISOR,
    )
    cn = flow.reviewed()
    with pytest.raises(DetainersDeclinedError, match="request notification"):
        issue(flow, cn)
    flow.work.handle(RequestNotification(cn, reason="county policy"), OFFICER)
    assert case_row(flow, cn).state is CaseState.NOTIFICATION_REQUESTED


def test_jail_answer_is_recorded_never_assumed(flow: Flow) -> None:
    cn = flow.detained_request()
    with pytest.raises(IllegalTransitionError, match="is detainer_issued"):
        flow.work.handle(TransferCustody(cn), OFFICER)
    flow.work.handle(
        RecordJailResponse(cn, answer=JailAnswer.DECLINED, answered_by="Lt. Ames"), BOOKING
    )
    d = in_transaction(flow.work, lambda s, c: s.query(Detainer).one())
    assert d.jail_answer is JailAnswer.DECLINED and d.jail_answered_by == "Lt. Ames"
    with pytest.raises(IllegalTransitionError):
        flow.work.handle(TransferCustody(cn), OFFICER)


def test_detainer_expires_48_hours_after_release_eligibility(flow: Flow, clock: FixedClock) -> None:
    cn = flow.detained_request()  # release eligible in 2 days
    release = clock.now() + timedelta(days=2)
    flow.work.handle(
        RecordJailResponse(cn, answer=JailAnswer.HONOURED, answered_by="jail shift supervisor"),
        BOOKING,
    )
    d = in_transaction(flow.work, lambda s, c: s.query(Detainer).one())
    assert d.expires_at == release + timedelta(hours=48)
    clock.set(release + timedelta(hours=48, seconds=1))
    with pytest.raises(DetainerExpiredError, match="expired at"):
        flow.work.handle(TransferCustody(cn), OFFICER)
    with pytest.raises(DetainerExpiredError, match="cannot be extended"):
        flow.work.handle(
            RecordReleaseTime(cn, release_eligible_at=clock.now() + timedelta(days=1)), BOOKING
        )
    assert flow.work.expire_due_detainers() == [cn]
    assert case_row(flow, cn).state is CaseState.DETAINER_EXPIRED
    assert flow.work.expire_due_detainers() == []


def test_transfer_possible_up_to_the_48th_hour(flow: Flow, clock: FixedClock) -> None:
    cn = flow.detained_request()
    release = clock.now() + timedelta(days=2)
    flow.work.handle(
        RecordJailResponse(cn, answer=JailAnswer.HONOURED, answered_by="jail shift supervisor"),
        BOOKING,
    )
    clock.set(release + timedelta(hours=48))
    assert flow.work.expire_due_detainers() == []
    with pytest.raises(SafeguardError, match="not reached its expiry"):
        flow.work.handle(ExpireDetainer(cn), OFFICER)
    flow.work.handle(TransferCustody(cn), OFFICER)
    assert case_row(flow, cn).state is CaseState.TRANSFERRED


def test_detainer_without_release_time_is_refused_at_issue(flow: Flow) -> None:
    """Its 48 hours are counted from the release-eligible time: without one nothing would ever
    end the hold (the queue showed "no deadline"), so issuing is refused and nothing changes."""
    cn = flow.reviewed()
    with pytest.raises(EvidenceRequiredError, match="release-eligible time is required"):
        issue(flow, cn, release_eligible_at=None)
    assert case_row(flow, cn).state is CaseState.OFFICER_REVIEWED
    assert in_transaction(flow.work, lambda s, c: s.query(Detainer).count()) == 0
    refused = [e for e in in_transaction(flow.work, lambda s, c: s.query(AuditEntry).all())
               if e.action == "refused.hold_window_open"]  # fmt: skip
    assert len(refused) == 1 and audit.details_of(refused[0])["action"] == "issue_detainer"


def test_detainer_of_an_older_release_unknown_row_cannot_be_acted_on(flow: Flow) -> None:
    """A detainer stored before the release time was required (no expiry) is never acted on
    as if its 48 hours were not running: the guard asks for the release time first."""
    cn = flow.reviewed()
    issue(flow, cn)
    flow.work.handle(
        RecordJailResponse(cn, answer=JailAnswer.HONOURED, answered_by="jail shift supervisor"),
        BOOKING,
    )

    def forget_release(session, clock):
        session.query(Detainer).one().expires_at = None

    in_transaction(flow.work, forget_release)
    with pytest.raises(EvidenceRequiredError, match="no release-eligible time"):
        flow.work.handle(TransferCustody(cn), OFFICER)


def test_detainer_needs_a_notice_in_the_persons_language(flow: Flow) -> None:
    cn = flow.reviewed(language="xx")
    with pytest.raises(DocumentError, match="no detainer notice in language 'xx'"):
        issue(flow, cn)
    assert case_row(flow, cn).state is CaseState.OFFICER_REVIEWED


def test_lift_needs_reason(flow: Flow) -> None:
    cn = flow.detained_request()
    with pytest.raises(EvidenceRequiredError):
        flow.work.handle(
            LiftDetainer(cn, lift_reason=LiftReason.ISSUED_IN_ERROR, explanation=""), OFFICER
        )
    flow.work.handle(
        LiftDetainer(cn, lift_reason=LiftReason.ISSUED_IN_ERROR, explanation="wrong booking"),
        OFFICER,
    )
    d = in_transaction(flow.work, lambda s, c: s.query(Detainer).one())
    assert d.status is DetainerStatus.LIFTED and d.lift_explanation == "wrong booking"


# --- 5. roles and 287(g) -------------------------------------------------------------------


def sign_agreement(flow: Flow, ori: str = JAIL) -> None:
    flow.work.handle(
        RegisterPartner(facility_ori=ori, agency_name="County 287(g)", signed_on=date(2025, 1, 1)),
        MANAGER,
    )


def test_287g_officer_refused_on_another_jails_case(flow: Flow) -> None:
    sign_agreement(flow)
    sign_agreement(flow, "CA0190000")
    cn = flow.reviewed()
    with pytest.raises(PermissionDeniedError, match="acts only on cases of jail CA0190000"):
        issue(flow, cn, principal=PARTNER_ELSEWHERE)
    with pytest.raises(PermissionDeniedError):
        flow.work.read_case(PARTNER_ELSEWHERE, cn)
    assert flow.work.work_queue(PARTNER_ELSEWHERE) == []


def test_287g_officer_acts_on_own_jail_only_under_an_active_agreement(flow: Flow) -> None:
    cn = flow.reviewed()
    with pytest.raises(PermissionDeniedError, match="no active 287"):
        issue(flow, cn, principal=PARTNER)
    sign_agreement(flow)
    issue(flow, cn, principal=PARTNER)
    assert case_row(flow, cn).state is CaseState.DETAINER_ISSUED
    with pytest.raises(PermissionDeniedError):  # not delegated: lifting
        flow.work.handle(LiftDetainer(cn, lift_reason="other", explanation="x"), PARTNER)


def test_booking_officer_answers_only_for_own_jail(flow: Flow) -> None:
    cn = flow.detained_request(tcn="Z1", facility="CA0190000")
    with pytest.raises(PermissionDeniedError):
        flow.work.handle(RecordJailResponse(cn, answer="honoured", answered_by="x"), BOOKING)


def test_auditor_and_manager_cannot_act_on_cases(flow: Flow) -> None:
    cn = flow.reviewed()
    with pytest.raises(PermissionDeniedError):
        issue(flow, cn, principal=MANAGER)
    with pytest.raises(PermissionDeniedError):
        flow.work.read_case(MANAGER, cn)


# --- 6. reentry and Rapid REPAT --------------------------------------------------------------


def test_reentry_after_removal_opens_a_prosecution_referral(flow: Flow) -> None:
    removed = ImmigrationHistoryEvent(ImmigrationEventKind.REMOVED, date(2021, 8, 3), "I-205 9")
    cn = flow.open(immigration=[removed])
    referral = in_transaction(flow.work, lambda s, c: s.query(ProsecutionReferral).one())
    assert referral.prior_removal_on == date(2021, 8, 3)
    assert referral.statute == "8 U.S.C. 1326"
    view = flow.work.read_case(OFFICER, cn)
    assert "referral.reentry_opened" in [t[4] for t in view.timeline]
    assert view.reentry_referral_open


def test_no_referral_without_prior_removal(flow: Flow) -> None:
    flow.open()
    assert in_transaction(flow.work, lambda s, c: s.query(ProsecutionReferral).count()) == 0


def test_rapid_repat_pathway_for_an_eligible_state_conviction(flow: Flow) -> None:
    cn = flow.reviewed(history=[conviction("2303", 300)])
    assert flow.work.read_case(OFFICER, cn).rapid_repat.eligible
    flow.work.handle(
        Charge(
            cn,
            kind=ChargingKind.STIPULATED_REMOVAL,
            reference="stipulation signed 2026-03-02",
            rapid_repat=True,
        ),
        OFFICER_2,
    )
    flow.work.handle(EnterOrderWithoutHearing(cn, reference="IJ stip order 5"), OFFICER)
    assert case_row(flow, cn).state is CaseState.FINAL_ORDER


@pytest.mark.parametrize("code", ["1204", "0903", "5212"])
def test_rapid_repat_refused_with_violent_history(flow: Flow, code: str) -> None:
    cn = flow.reviewed(history=[conviction("2303", 300), conviction(code, 200)])
    assert not flow.work.read_case(OFFICER, cn).rapid_repat.eligible
    with pytest.raises(SafeguardError, match="not eligible for Rapid REPAT: violent"):
        flow.work.handle(
            Charge(cn, kind=ChargingKind.STIPULATED_REMOVAL, reference="stip", rapid_repat=True),
            OFFICER,
        )


def test_no_interview_before_verification_or_while_the_gate_is_open(flow: Flow) -> None:
    cn = flow.open()
    schedule = dict(mode=InterviewMode.PHONE, scheduled_at=flow.clock.now(), language="en")
    with pytest.raises(VerificationRequiredError):
        flow.work.handle(ScheduleInterview(cn, **schedule), OFFICER)
    cn = flow.reviewed("T2")
    claim_in_interview(flow, cn)
    with pytest.raises(CitizenshipGateError):
        flow.work.handle(ScheduleInterview(cn, **schedule), OFFICER)


def test_interview_in_another_language_needs_an_interpreter(flow: Flow) -> None:
    cn = flow.researched()
    with pytest.raises(EvidenceRequiredError, match="needs an interpreter"):
        flow.work.handle(
            ScheduleInterview(
                cn, mode=InterviewMode.VIDEO, scheduled_at=flow.clock.now(), language="es"
            ),
            OFFICER,
        )


def test_no_detainer_once_the_hold_window_is_over(flow: Flow, clock: FixedClock) -> None:
    cn = flow.reviewed()
    with pytest.raises(DetainerExpiredError, match="can no longer be issued"):
        flow.work.handle(
            IssueDetainer(
                cn,
                bases=BASIS,
                basis_evidence=EVIDENCE,
                release_eligible_at=clock.now() - timedelta(hours=49),
            ),
            OFFICER,
        )
    d = flow.work.handle(
        IssueDetainer(
            cn,
            bases=BASIS,
            basis_evidence=EVIDENCE,
            release_eligible_at=clock.now() - timedelta(hours=47),
        ),
        OFFICER,
    )
    assert d.expires_at == clock.now() + timedelta(hours=1)


def test_interview_language_becomes_the_notice_language(flow: Flow) -> None:
    cn = flow.reviewed(language="en")  # booked with no language; interviewed in English
    assert case_row(flow, cn).subject_language == "en"
    issue(flow, cn)
    d = in_transaction(flow.work, lambda s, c: s.query(Detainer).one())
    assert d.notice_language == "en"


def test_an_interview_is_not_recorded_as_conducted_hours_before_its_time(flow: Flow) -> None:
    """Time order: three hours before its scheduled time the record would contradict the
    schedule; it is refused saying what to do, nothing is recorded, and at the time it is
    accepted (once: a second record of the same interview is refused)."""
    cn = flow.researched()
    flow.work.handle(AssessPriority(cn), LESC)
    interview = flow.work.handle(
        ScheduleInterview(
            cn,
            mode=InterviewMode.VIDEO,
            scheduled_at=flow.clock.now() + timedelta(hours=3),
            language="en",
        ),
        OFFICER,
    )
    with pytest.raises(InputError, match=r"scheduled for .*, 3 h 00 min from now; record it"):
        flow.work.handle(
            ConductInterview(cn, interview_id=interview.id, citizenship_claimed=False), OFFICER
        )
    stored = in_transaction(flow.work, lambda s, c: s.get(Interview, interview.id))
    assert stored.conducted_at is None
    flow.clock.set(flow.clock.now() + timedelta(hours=2, minutes=30))  # 30 min early: the jail
    flow.work.handle(
        ConductInterview(cn, interview_id=interview.id, citizenship_claimed=False), OFFICER
    )
    with pytest.raises(InputError, match="already recorded as conducted"):
        flow.work.handle(
            ConductInterview(cn, interview_id=interview.id, citizenship_claimed=True), OFFICER
        )
    stored = in_transaction(flow.work, lambda s, c: s.get(Interview, interview.id))
    assert stored.citizenship_claimed is False and not case_row(flow, cn).citizenship_gate_open


def test_rapid_repat_needs_a_stated_state_conviction(flow: Flow) -> None:
    from securecomm.enforcement.inputs import CriminalHistoryEvent, Disposition

    unknown_court = CriminalHistoryEvent("2303", Disposition.CONVICTED, date(2020, 1, 1), 90)
    cn = flow.reviewed(history=[unknown_court])
    reasons = flow.work.read_case(OFFICER, cn).rapid_repat.reasons
    assert reasons == ("no state conviction",)
