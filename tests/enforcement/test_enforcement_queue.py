"""The work queue: level first, then the nearest deadline; filters; assignment; audited reads."""

from __future__ import annotations

from datetime import timedelta

import pytest
from enforcement_support import (
    BOOKING,
    COUNSEL,
    LESC,
    MANAGER,
    OFFICER,
    OFFICER_2,
    OTHER_JAIL,
    PARTNER,
    SUPERVISOR,
    Flow,
    conviction,
    in_transaction,
)

from securecomm.clock import FixedClock
from securecomm.enforcement import audit, queue
from securecomm.enforcement.cases import CaseWork
from securecomm.enforcement.commands import (
    Assign,
    RecordJailResponse,
    RecordReleaseTime,
    RejectMatch,
    TransferCustody,
)
from securecomm.enforcement.errors import InputError, PermissionDeniedError
from securecomm.enforcement.queue import QueueFilter
from securecomm.enforcement.roles import Principal, Role
from securecomm.enforcement.staff import StaffList
from securecomm.enforcement.vocabulary import CaseState


@pytest.fixture()
def mixed(flow: Flow) -> dict[str, str]:
    """Four cases: level 2 soon, level 1 late, level 1 soon, and one not yet levelled."""
    now = flow.clock.now()
    cases = {
        "l2_soon": flow.reviewed("Q1", history=[conviction("2303")]),
        "l1_late": flow.reviewed("Q2", history=[conviction("1204")]),
        "l1_soon": flow.reviewed("Q3", history=[conviction("0903")]),
        "unlevelled": flow.open("Q4", facility=OTHER_JAIL),
    }
    for key, hours in (("l2_soon", 5), ("l1_late", 90), ("l1_soon", 30)):
        flow.work.handle(
            RecordReleaseTime(cases[key], release_eligible_at=now + timedelta(hours=hours)), OFFICER
        )
    return cases


def numbers(items: list[queue.QueueItem]) -> list[str]:
    return [i.case_number for i in items]


def test_level_first_then_nearest_deadline(flow: Flow, mixed: dict[str, str]) -> None:
    items = flow.work.work_queue(SUPERVISOR)
    assert numbers(items) == [mixed[k] for k in ("l1_soon", "l1_late", "l2_soon", "unlevelled")]
    assert items[0].level == 1 and items[0].deadline is not None


def test_detainer_expiry_is_the_deadline_once_release_time_passed(
    flow: Flow, clock: FixedClock
) -> None:
    held = flow.detained_request("D1", history=[conviction("1204")])  # release in 48 h
    soon = flow.reviewed("D2", history=[conviction("1204")])
    flow.work.handle(
        RecordReleaseTime(soon, release_eligible_at=clock.now() + timedelta(hours=70)), OFFICER
    )
    assert numbers(flow.work.work_queue(SUPERVISOR)) == [held, soon]
    clock.advance(timedelta(hours=50))  # held: release passed 2 h ago, expiry in 46 h
    items = flow.work.work_queue(SUPERVISOR)
    assert numbers(items) == [soon, held]  # soon's release is in 20 h
    assert items[1].deadline == items[1].detainer_expires_at


def test_filters(flow: Flow, mixed: dict[str, str]) -> None:
    w = flow.work
    assert numbers(w.work_queue(SUPERVISOR, QueueFilter(level=1))) == [
        mixed["l1_soon"], mixed["l1_late"],
    ]  # fmt: skip
    assert numbers(w.work_queue(SUPERVISOR, QueueFilter(facility_ori=OTHER_JAIL))) == [
        mixed["unlevelled"]
    ]
    assert numbers(w.work_queue(SUPERVISOR, QueueFilter(state=CaseState.MATCH_RECEIVED))) == [
        mixed["unlevelled"]
    ]
    assert w.work_queue(SUPERVISOR, QueueFilter(office="NYC")) == []


NYC_OFFICER = Principal("ice.officer.nyc", Role.ICE_OFFICER, office="NYC")
NYC_SUPERVISOR = Principal("supervisor.nyc", Role.SUPERVISOR, office="NYC")
STAFF = StaffList.of(
    [OFFICER, OFFICER_2, SUPERVISOR, COUNSEL, LESC, MANAGER, BOOKING, PARTNER, NYC_OFFICER]
)


def test_assignment_to_officers_and_cap_teams(flow: Flow, mixed: dict[str, str]) -> None:
    w = flow.work
    staffed = CaseWork(w.factory, w.clock, staff=STAFF)  # naming an officer needs the directory
    staffed.handle(Assign(mixed["l1_soon"], officer="ice.officer", team="CAP-DAL-1"), SUPERVISOR)
    w.handle(Assign(mixed["l2_soon"], team="CAP-DAL-2"), SUPERVISOR)
    assert numbers(w.work_queue(SUPERVISOR, QueueFilter(team="CAP-DAL-1"))) == [mixed["l1_soon"]]
    mine = w.work_queue(OFFICER, QueueFilter(assigned_officer="ice.officer"))
    assert numbers(mine) == [mixed["l1_soon"]]
    with pytest.raises(PermissionDeniedError):
        staffed.handle(Assign(mixed["l1_late"], officer="ice.officer"), OFFICER)


def test_a_supervisor_assigns_only_to_ice_officers_of_its_own_field_office(
    flow: Flow, mixed: dict[str, str]
) -> None:
    w = CaseWork(flow.work.factory, flow.clock, staff=STAFF)
    cn = mixed["l1_late"]
    w.handle(Assign(cn, officer="ice.officer.2"), SUPERVISOR)
    assert w.read_case(SUPERVISOR, cn).assigned_officer == "ice.officer.2"
    with pytest.raises(PermissionDeniedError, match="only to officers of field office DAL"):
        w.handle(Assign(cn, officer="ice.officer.nyc"), SUPERVISOR)
    for other in ("counsel", "lesc.specialist", "program.manager", "deputy.287g", "supervisor"):
        with pytest.raises(PermissionDeniedError, match="only to an ICE officer") as refused:
            w.handle(Assign(cn, officer=other), SUPERVISOR)
        assert refused.value.rule == "assignee_role"
    with pytest.raises(InputError, match="no active account 'nobody'"):
        w.handle(Assign(cn, officer="nobody"), SUPERVISOR)
    with pytest.raises(PermissionDeniedError, match="acts only on cases of field office NYC"):
        w.handle(Assign(cn, officer="ice.officer.nyc"), NYC_SUPERVISOR)  # not its office's case
    with pytest.raises(InputError, match="no staff directory"):  # nothing to check against
        flow.work.handle(Assign(cn, officer="ice.officer"), SUPERVISOR)
    assert w.read_case(SUPERVISOR, cn).assigned_officer == "ice.officer.2"
    entries = in_transaction(w, lambda s, c: audit.entries_for(s, cn))
    refused = [e for e in entries if e.action.startswith("refused.")]
    assert [e.action for e in refused] == [
        "refused.assignee_office", *["refused.assignee_role"] * 5, "refused.office_scope",
    ]  # fmt: skip
    w.handle(Assign(cn, team="CAP-DAL-1"), SUPERVISOR)  # a team alone, the officer cleared
    assert w.read_case(SUPERVISOR, cn).assigned_officer == ""


def test_a_program_manager_plans_but_cannot_assign_a_case(flow: Flow, mixed: dict) -> None:
    """Managers plan; they do not touch cases, not even to take one themselves."""
    for officer in ("program.manager", "ice.officer"):
        with pytest.raises(PermissionDeniedError, match="may not assign cases"):
            flow.work.handle(Assign(mixed["l1_late"], officer=officer), MANAGER)
    assert flow.work.read_case(SUPERVISOR, mixed["l1_late"]).assigned_officer == ""


def test_jail_bound_roles_see_only_their_jail(flow: Flow, mixed: dict[str, str]) -> None:
    seen = numbers(flow.work.work_queue(BOOKING))
    assert mixed["unlevelled"] not in seen and len(seen) == 3


def test_reading_the_queue_is_audited(flow: Flow, mixed: dict[str, str]) -> None:
    flow.work.work_queue(LESC, QueueFilter(level=1))
    last = in_transaction(flow.work, lambda s, c: audit.entries_for(s, "all"))[-1]
    assert last.action == "queue.read" and last.actor == "lesc.specialist"
    assert audit.details_of(last)["cases"] == [mixed["l1_soon"], mixed["l1_late"]]


def test_closed_cases_leave_the_queue(flow: Flow, mixed: dict[str, str]) -> None:
    flow.work.handle(
        RejectMatch(
            mixed["unlevelled"],
            paired_minutiae_ref="ident:match/TX0570000-T1/view",
            reason="different person",
        ),
        OFFICER,
    )
    assert mixed["unlevelled"] not in numbers(flow.work.work_queue(SUPERVISOR))


def test_no_deadline_once_custody_has_passed_to_ice(flow: Flow, clock: FixedClock) -> None:
    """After transfer the release time and the detainer are history, not deadlines: a case in
    ICE custody must not sort ahead of one whose person the jail still holds."""
    held = flow.detained_request("X1", history=[conviction("1204")])  # release in 48 h
    flow.work.handle(
        RecordJailResponse(held, answer="honoured", answered_by="jail shift supervisor"), OFFICER
    )
    waiting = flow.reviewed("X2", history=[conviction("1204")])
    flow.work.handle(
        RecordReleaseTime(waiting, release_eligible_at=clock.now() + timedelta(hours=100)), OFFICER
    )
    clock.advance(timedelta(hours=49))  # held: released into ICE custody an hour ago
    flow.work.handle(TransferCustody(held), OFFICER)
    items = {i.case_number: i for i in flow.work.work_queue(SUPERVISOR)}
    assert items[held].state is CaseState.TRANSFERRED
    assert items[held].deadline is None and items[held].detainer_expires_at is None
    assert items[waiting].deadline == items[waiting].release_eligible_at
    assert numbers(flow.work.work_queue(SUPERVISOR)) == [waiting, held]


def test_a_passed_release_time_without_a_detainer_is_no_deadline(
    flow: Flow, clock: FixedClock
) -> None:
    cn = flow.notification("N1")
    flow.work.handle(
        RecordReleaseTime(cn, release_eligible_at=clock.now() + timedelta(hours=3)), OFFICER
    )
    assert flow.work.work_queue(SUPERVISOR)[0].deadline == clock.now() + timedelta(hours=3)
    clock.advance(timedelta(hours=4))
    assert flow.work.work_queue(SUPERVISOR)[0].deadline is None
