"""Field-office notices from the booking pipeline become cases, exactly once, as the worker's
``field_office.notice`` jobs; the detainer-expiry sweep is a scheduled job of the same worker."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

from enforcement_support import START, Flow, in_transaction

from securecomm import ansinist, system
from securecomm.enforcement.models import Case, ProsecutionReferral
from securecomm.enforcement.pipeline_steps import EXPIRE_STEP
from securecomm.enforcement.vocabulary import CaseState
from securecomm.interop import jobs
from securecomm.interop.components import GalleryProvider, PipelineComponents
from securecomm.interop.context import PipelineContext
from securecomm.interop.deliveries import NOTICE_STEP, FieldOfficeNotice
from securecomm.interop.outbox import MessageKind, OutboxMessage
from securecomm.interop.research import (
    ConvictionEntry,
    PendingChargeEntry,
    RemovalEntry,
    StatusEntry,
    StatusResearch,
)
from securecomm.interop.steps.housekeeping import PRUNE_STEP
from securecomm.interop.submissions import Submission, SubmissionState
from securecomm.interop.timing import StepTiming
from securecomm.interop.worker import WorkerStats, run_worker

RESEARCH = StatusResearch(
    fin="1234567890", fbi_number="123456AB1", determination="NO_STATUS PER EID",
    citizenship_review_required=False, status_may_be_outdated=False,
    file_last_updated="2019-04-02",
    statuses=(StatusEntry("no_status", "2019-04-02", "eid", "2019-04-02"),),
    removals=(RemovalEntry("2020-07-01", "MX", "eid"),),
    convictions=(
        ConvictionEntry("3532", "COCAINE - POSSESS", "felony", "2021-02-03", "jail", 400),
    ),
    pending_charges=(PendingChargeEntry(None, "UNCODED", "2026-03-01"),),
    synthetic=True,
)  # fmt: skip


def status(name: str, effective_on: str) -> tuple[StatusEntry]:
    return (StatusEntry(name, effective_on, "claims", effective_on),)


def add_pipeline_rows(
    flow: Flow, tcn: str, research: StatusResearch, match: bool = True, fin: str = "1234567890"
) -> int:
    def add(session, clock) -> int:
        sub = Submission(ori="TX0570000", tcn=tcn, tot="CAR", raw=b"x", sha256="0" * 64, size=1,
                         state=SubmissionState.COMPLETED,
                         received_at=START - timedelta(hours=2))  # fmt: skip
        session.add(sub)
        session.flush()
        idr = ansinist.Idr(
            tcn=tcn, ori="TX0570000", responder="IDENT", match=match, fin="1234567890",
            gallery_size=1000, target_fpir=0.001,
            candidates=(ansinist.IdrCandidate("7", 88.5, 40.0, 10),
                        ansinist.IdrCandidate("9", 12.0, 40.0, 10)),
            encounters=(ansinist.IdrEncounter("jail_booking", "2026-01-01T00:00:00+00:00",
                                              "BOOKING ORI/TX0570000", "eid",
                                              "2026-01-01T00:00:00+00:00"),),
        )  # fmt: skip
        iaq = ansinist.Iaq(ori="TX0570000", purpose="C", attention="SGT", phone="555",
                           name="SYNTHETIC, SUBJECT", date_of_birth=date(1988, 5, 6), sex="M",
                           place_of_birth="MX", in_custody=True, fbi="123456AB1")  # fmt: skip
        messages = [
            OutboxMessage(idempotency_key=f"{kind}:{tcn}", kind=kind, recipient="x",
                          submission_id=sub.id, content_type="t", body=body, summary="s",
                          created_at=START)
            for kind, body in ((MessageKind.IDR, ansinist.encode_idr(idr)),
                               (MessageKind.IAQ, ansinist.format_iaq(iaq).encode()),
                               (MessageKind.FIELD_OFFICE_NOTICE, b"{}"))
        ]  # fmt: skip
        session.add_all(messages)
        session.flush()
        notice = FieldOfficeNotice(field_office_ori="DALICE000", message_id=messages[-1].id,
                                   submission_id=sub.id, jail_ori="TX0570000", tcn=tcn,
                                   fin=fin, fbi_number="123456AB1", research=research.to_json(),
                                   delivered_at=START)  # fmt: skip
        session.add(notice)
        session.flush()
        jobs.enqueue(
            session,
            NOTICE_STEP,
            {"notice_id": notice.id},
            dedupe_key=f"{NOTICE_STEP}:{notice.id}",
            submission_id=sub.id,
            now=clock.now(),
        )  # fmt: skip  (as the delivery step does)
        return notice.id

    return in_transaction(flow.work, add)


def no_gallery(name: str):
    raise AssertionError(f"the enforcement steps open no gallery ({name})")


def run(flow: Flow) -> WorkerStats:
    """The system's worker, as ``securecomm worker --until-idle`` runs it."""
    context = PipelineContext(PipelineComponents(GalleryProvider(no_gallery)), clock=flow.clock)
    return run_worker(flow.work.factory, context, system.STEPS, worker="w", until_idle=True,
                      priority=system.STAGE_PRIORITY, schedule=system.SCHEDULE)  # fmt: skip


def cases(flow: Flow) -> list[str]:
    return in_transaction(
        flow.work, lambda s, c: [x.case_number for x in s.query(Case).order_by(Case.id)]
    )


def state_of(flow: Flow, case_number: str) -> CaseState:
    return in_transaction(
        flow.work, lambda s, c: s.query(Case).filter_by(case_number=case_number).one().state
    )


def job_states(flow: Flow, kind: str) -> list[str]:
    return in_transaction(
        flow.work, lambda s, c: [j.state.value for j in s.query(jobs.Job).filter_by(kind=kind)]
    )


def test_notice_becomes_one_case_with_history_referral_and_examiner_view(flow: Flow) -> None:
    add_pipeline_rows(flow, "P1", RESEARCH)
    assert run(flow).failed == 0
    taken = cases(flow)
    assert len(taken) == 1
    assert run(flow).done <= 1 and cases(flow) == taken  # taken once (at most the sweep again)
    case = in_transaction(flow.work, lambda s, c: s.query(Case).one())
    assert case.case_number == taken[0] and case.state is CaseState.MATCH_RECEIVED
    assert case.subject_name == "SYNTHETIC, SUBJECT"
    assert case.subject_date_of_birth == date(1988, 5, 6)
    assert case.candidate_score == 88.5
    assert case.paired_minutiae_ref.endswith("/candidate:7")
    assert case.field_office == "DALICE000" and case.facility_ori == "TX0570000"
    codes = in_transaction(
        flow.work, lambda s, c: [o.ncic_code for o in s.query(Case).one().offenses]
    )
    assert codes == ["3532", ""]
    assert in_transaction(flow.work, lambda s, c: s.query(ProsecutionReferral).count()) == 1
    notice = in_transaction(flow.work, lambda s, c: s.query(FieldOfficeNotice).one())
    assert notice.case_reference == case.case_number and notice.taken_at is not None
    assert job_states(flow, NOTICE_STEP) == ["done"]
    milestones = in_transaction(
        flow.work,
        lambda s, c: [(t.name, t.seconds) for t in s.query(StepTiming).filter_by(kind="milestone")],
    )
    assert milestones == [("case", 2 * 3600.0)]  # booked two hours before the case opened


def test_citizenship_status_in_research_opens_the_gate(flow: Flow) -> None:
    research = replace(RESEARCH, statuses=status("naturalized", "2015-09-17"))
    add_pipeline_rows(flow, "P2", research)
    run(flow)
    case = in_transaction(flow.work, lambda s, c: s.query(Case).one())
    assert case.state is CaseState.CITIZENSHIP_REVIEW


def test_a_notice_without_a_match_is_parked_not_retried_and_left_untaken(flow: Flow) -> None:
    add_pipeline_rows(flow, "P3", RESEARCH, match=False)
    stats = run(flow)
    assert stats.failed == 1 and stats.retried == 0  # a data error: retrying cannot help
    assert job_states(flow, NOTICE_STEP) == ["failed"]
    error = in_transaction(
        flow.work, lambda s, c: s.query(jobs.Job).filter_by(kind=NOTICE_STEP).one()
    )
    assert "not a match" in error.last_error
    notice = in_transaction(flow.work, lambda s, c: s.query(FieldOfficeNotice).one())
    assert notice.taken_at is None and cases(flow) == []


def test_a_notice_with_malformed_research_is_parked_naming_it(flow: Flow) -> None:
    notice_id = add_pipeline_rows(flow, "P7", RESEARCH)

    def damage(session, clock) -> None:
        session.get(FieldOfficeNotice, notice_id).research = {"fin": "1234567890"}

    in_transaction(flow.work, damage)
    stats = run(flow)
    assert stats.failed == 1 and stats.retried == 0
    error = in_transaction(
        flow.work, lambda s, c: s.query(jobs.Job).filter_by(kind=NOTICE_STEP).one()
    )
    assert f"field office notice {notice_id}" in error.last_error
    assert "published shape" in error.last_error and cases(flow) == []


def test_rebooking_joins_the_open_case_and_each_notice_is_taken_once(flow: Flow) -> None:
    add_pipeline_rows(flow, "P4", RESEARCH)
    research = replace(RESEARCH, statuses=status("citizen_by_birth", "1990-01-01"))
    add_pipeline_rows(flow, "P5", research, fin="2222222222")
    add_pipeline_rows(flow, "P6", RESEARCH)  # the first person, booked again
    run(flow)
    opened = cases(flow)
    assert len(opened) == 2
    states = in_transaction(
        flow.work, lambda s, c: [x.state for x in s.query(Case).order_by(Case.id)]
    )
    assert states[1] is CaseState.CITIZENSHIP_REVIEW
    notices = in_transaction(
        flow.work, lambda s, c: [n.case_reference for n in s.query(FieldOfficeNotice)]
    )
    assert notices == [opened[0], opened[1], opened[0]]
    run(flow)
    assert cases(flow) == opened


def test_the_expiry_sweep_runs_once_per_period_and_expires_a_lapsed_detainer(flow: Flow) -> None:
    case_number = flow.detained_request()
    run(flow)
    assert job_states(flow, EXPIRE_STEP) == ["done"]
    run(flow)  # the same period: no second sweep
    assert job_states(flow, EXPIRE_STEP) == ["done"]
    assert state_of(flow, case_number) is not CaseState.DETAINER_EXPIRED
    flow.clock.advance(timedelta(days=5))  # past release + 48 hours
    run(flow)
    assert job_states(flow, EXPIRE_STEP) == ["done", "done"]
    assert state_of(flow, case_number) is CaseState.DETAINER_EXPIRED


def test_finished_scheduled_runs_are_pruned_after_a_week_and_nothing_else(flow: Flow) -> None:
    add_pipeline_rows(flow, "P8", RESEARCH)  # a booking's jobs are its record: kept
    run(flow)
    assert job_states(flow, EXPIRE_STEP) == ["done"]
    assert job_states(flow, PRUNE_STEP) == ["done"]

    def failed_sweep(session, clock) -> None:
        job = jobs.enqueue(session, EXPIRE_STEP, {"slot": "x"}, dedupe_key="sweep-that-failed",
                           now=clock.now())  # fmt: skip
        job.state, job.finished_at = jobs.JobState.FAILED, clock.now()

    in_transaction(flow.work, failed_sweep)
    flow.clock.advance(timedelta(days=3))
    run(flow)  # a new period: a new sweep; nothing is a week old yet
    assert job_states(flow, EXPIRE_STEP) == ["done", "failed", "done"]
    flow.clock.advance(timedelta(days=6))
    run(flow)  # the first period's runs are now nine days old: gone; the failure stays
    assert job_states(flow, EXPIRE_STEP) == ["failed", "done", "done"]
    assert job_states(flow, PRUNE_STEP) == ["done", "done"]
    assert job_states(flow, NOTICE_STEP) == ["done"]
