"""Field-office scope: officers, supervisors and counsel see and act only on their office's cases;
the LESC, program managers, auditors and the pipeline work nationally (DESIGN.md §5.6)."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from enforcement_support import (
    AUDITOR,
    COUNSEL,
    LESC,
    MANAGER,
    OFFICER,
    SUPERVISOR,
    Flow,
    in_transaction,
    review_command,
)
from sqlalchemy import select

from securecomm.enforcement.commands import ClearCitizenshipReview, VerifyIdentity
from securecomm.enforcement.errors import InputError, PermissionDeniedError
from securecomm.enforcement.inputs import ImmigrationEventKind, ImmigrationHistoryEvent
from securecomm.enforcement.models import AuditEntry, Case, CitizenshipReview
from securecomm.enforcement.queue import QueueFilter
from securecomm.enforcement.review_queue import ReviewQueue, review_queue
from securecomm.enforcement.roles import (
    OFFICE_BOUND_ROLES,
    SYSTEM_PRINCIPAL,
    Permission,
    Principal,
    Role,
    require,
)
from securecomm.enforcement.vocabulary import CaseState, ReviewFinding

NYC_OFFICER = Principal("nyc.officer", Role.ICE_OFFICER, office="NYC")
NYC_SUPERVISOR = Principal("nyc.supervisor", Role.SUPERVISOR, office="NYC")
NYC_COUNSEL = Principal("nyc.counsel", Role.COUNSEL, office="NYC")
NATURALISED = [
    ImmigrationHistoryEvent(
        ImmigrationEventKind.NATURALISATION, date(2012, 5, 1), reference="N-550 1234"
    )
]
NOT_ESTABLISHED = ReviewFinding.CITIZENSHIP_NOT_ESTABLISHED
WINDOW = {"overdue_after": timedelta(hours=72), "urgent_within": timedelta(hours=12)}


def gated(flow: Flow, tcn: str, office: str) -> str:
    """A case of ``office`` held at the citizenship gate from intake (a naturalisation record)."""
    return flow.open(tcn, immigration=NATURALISED, fin=f"FIN-{tcn}", field_office=office)


def queue_of(flow: Flow, principal: Principal) -> ReviewQueue:
    with flow.work.unit(principal, "review_queue") as session:
        return review_queue(session, flow.clock, principal, **WINDOW)


def numbers(items) -> set[str]:
    return {i.case.case_number for i in items}


@pytest.mark.parametrize("role", sorted(OFFICE_BOUND_ROLES))
def test_office_bound_principal_needs_its_office(role: Role) -> None:
    with pytest.raises(InputError, match="needs the field office"):
        Principal("someone", role)
    with pytest.raises(InputError, match="needs the field office"):
        Principal("someone", role, office="  ")
    assert Principal("someone", role, office="DAL").office_scope == "DAL"


@pytest.mark.parametrize("principal", [LESC, MANAGER, AUDITOR, SYSTEM_PRINCIPAL])
def test_national_roles_need_no_office_and_have_no_scope(principal: Principal) -> None:
    assert principal.office_scope is None
    # even with an office recorded (a LESC specialist's duty station), they stay national
    assert Principal("lesc.2", Role.LESC_SPECIALIST, office="DAL").office_scope is None


def test_require_refuses_another_offices_case_in_plain_words() -> None:
    require(SUPERVISOR, Permission.READ_CASE, case_number="C-1", case_field_office="DAL")
    with pytest.raises(
        PermissionDeniedError,
        match="acts only on cases of field office DAL; case C-1 belongs to field office NYC",
    ):
        require(SUPERVISOR, Permission.READ_CASE, case_number="C-1", case_field_office="NYC")
    require(AUDITOR, Permission.READ_CASE, case_number="C-1", case_field_office="NYC")


def test_supervisor_and_counsel_see_only_their_offices_reviews(flow: Flow) -> None:
    dal, nyc = gated(flow, "D1", "DAL"), gated(flow, "N1", "NYC")
    for principal, own, other in (
        (SUPERVISOR, dal, nyc),
        (COUNSEL, dal, nyc),
        (NYC_SUPERVISOR, nyc, dal),
        (NYC_COUNSEL, nyc, dal),
    ):
        queue = queue_of(flow, principal)
        assert numbers(queue.reviews) == {own}, principal
        assert other not in queue.case_numbers
    # the audit entry names only what was shown, and the office it was limited to
    entries = in_transaction(
        flow.work,
        lambda s, c: (
            s.execute(
                select(AuditEntry)
                .where(AuditEntry.action == "reviews.read")
                .order_by(AuditEntry.seq)
            )
            .scalars()
            .all()
        ),
    )
    details = [json.loads(e.details) for e in entries]
    assert [(e.actor, d["cases"], d["office"]) for e, d in zip(entries, details, strict=True)] == [
        ("supervisor", [dal], "DAL"),
        ("counsel", [dal], "DAL"),
        ("nyc.supervisor", [nyc], "NYC"),
        ("nyc.counsel", [nyc], "NYC"),
    ]


def test_roles_without_a_review_permission_may_not_list_reviews(flow: Flow) -> None:
    gated(flow, "D1", "DAL")
    for principal in (OFFICER, LESC, MANAGER, AUDITOR):
        with pytest.raises(
            PermissionDeniedError, match="may not record the supervisor's citizenship finding"
        ):
            queue_of(flow, principal)


def test_supervisor_and_counsel_are_refused_on_another_offices_case(flow: Flow) -> None:
    nyc = gated(flow, "N1", "NYC")
    for principal in (SUPERVISOR, COUNSEL):
        with pytest.raises(PermissionDeniedError, match=f"case {nyc} belongs to field office NYC"):
            flow.work.handle(
                review_command(principal, nyc, finding=NOT_ESTABLISHED, reason="r"), principal
            )
        with pytest.raises(PermissionDeniedError, match="acts only on cases of field office DAL"):
            flow.work.read_case(principal, nyc)
    with pytest.raises(PermissionDeniedError, match="field office DAL"):
        flow.work.handle(ClearCitizenshipReview(nyc, reason="r"), SUPERVISOR)
    review = in_transaction(
        flow.work, lambda s, c: s.execute(select(CitizenshipReview)).scalar_one()
    )
    assert review.supervisor_finding is None and review.counsel_finding is None
    # the office's own reviewers proceed
    for principal in (NYC_SUPERVISOR, NYC_COUNSEL):
        flow.work.handle(
            review_command(principal, nyc, finding=NOT_ESTABLISHED, reason="checked"), principal
        )
    flow.work.handle(ClearCitizenshipReview(nyc, reason="both"), NYC_SUPERVISOR)
    state = in_transaction(
        flow.work,
        lambda s, c: s.execute(select(Case.state).where(Case.case_number == nyc)).scalar_one(),
    )
    assert state is not CaseState.CITIZENSHIP_REVIEW


def test_officer_is_refused_on_another_offices_case_and_queue(flow: Flow) -> None:
    dal, nyc = flow.open("D1"), flow.open("N1", fin="FIN-N1", field_office="NYC")
    with pytest.raises(PermissionDeniedError, match=f"case {nyc} belongs to field office NYC"):
        flow.work.handle(
            VerifyIdentity(nyc, paired_minutiae_ref="x", paired_minutiae_count=14), OFFICER
        )
    assert {i.case_number for i in flow.work.work_queue(OFFICER)} == {dal}
    assert flow.work.work_queue(OFFICER, QueueFilter(office="NYC")) == []
    assert {i.case_number for i in flow.work.work_queue(NYC_OFFICER)} == {nyc}


def test_national_roles_see_every_office(flow: Flow) -> None:
    dal, nyc = flow.open("D1"), flow.open("N1", fin="FIN-N1", field_office="NYC")
    for principal in (LESC, AUDITOR):
        assert {i.case_number for i in flow.work.work_queue(principal)} == {dal, nyc}
        assert flow.work.read_case(principal, nyc).case_number == nyc
    assert {i.case_number for i in flow.work.work_queue(LESC, QueueFilter(office="NYC"))} == {nyc}


def test_detainers_needing_attention_follow_the_case_office(flow: Flow) -> None:
    cn = flow.detained_request()  # a DAL case: release in two days, then at most 48 hours
    flow.clock.advance(timedelta(days=4, hours=-2))
    assert numbers(queue_of(flow, SUPERVISOR).detainers) == {cn}
    assert queue_of(flow, NYC_SUPERVISOR).detainers == []

    def move_to_nyc(session, _clock) -> None:  # the case is transferred to another office
        session.execute(
            select(Case).where(Case.case_number == cn)
        ).scalar_one().field_office = "NYC"

    in_transaction(flow.work, move_to_nyc)
    assert queue_of(flow, SUPERVISOR).detainers == []
    assert numbers(queue_of(flow, NYC_SUPERVISOR).detainers) == {cn}
