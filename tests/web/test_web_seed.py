"""The console's seed data: the synthetic world with its five months of history
(``securecomm world seed --history``, ``synthetic.history``). Every case was opened by the
system's worker from a booking the pipeline received and worked through the case-work API; the
world's officers see their field office's cases; it is synthetic and marked so, never dated
after now, and seeded once, only into an empty home."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from sqlalchemy import delete, func, select
from web_support import (
    BACKGROUND,
    FINGERS,
    LOW_PAIRS_NAME,
    NO_VIEW_NAME,
    NOW,
    SECRET,
    WebApp,
    empty_web,
)

from securecomm.config import Settings
from securecomm.enforcement import audit
from securecomm.enforcement.lifecycle import OPEN_STATES
from securecomm.enforcement.models import AuditEntry, Case
from securecomm.enforcement.roles import Role
from securecomm.interop.submissions import Submission
from securecomm.records.agencies import Agency, AgencyKind, AgencyRepository
from securecomm.store.migrate import open_database
from securecomm.synthetic import history, world
from securecomm.synthetic import home as world_home
from securecomm.synthetic.home import WorldError
from securecomm.web.models import ConsoleUser

#: The case state each console story's stage leaves the case in.
STATE_OF_STAGE = {
    "match": "match_received",
    "gate_open": "citizenship_review",
    "citizen": "citizenship_established",
    "rejected": "match_rejected",
    "verified": "identity_verified",
    "assessed": "priority_assessed",
    "reviewed": "officer_reviewed",
    "no_action": "no_action",
    "declined_policy": "notification_requested",
    "detainer_urgent": "detainer_issued",
    "expired": "detainer_expired",
    "jail_declined": "detainer_declined",
    "in_proceedings": "in_proceedings",
    "removed": "removed",
}
TEST_ONLY = (LOW_PAIRS_NAME, NO_VIEW_NAME)  # web_support's two matches on real FVC prints


def _console_subjects() -> list[tuple[int, world.Story]]:
    return list(enumerate(world.CONSOLE_STORIES, len(world.DEMO_STORIES)))


def _world_cases(web: WebApp) -> list[Case]:
    with web.console.unit() as session:
        cases = session.execute(select(Case).where(Case.subject_name.not_in(TEST_ONLY)))
        return list(cases.scalars())


def test_every_console_subject_has_one_case_at_its_stage(web: WebApp) -> None:
    by_name = {c.subject_name: c for c in _world_cases(web)}
    assert len(by_name) == len(_world_cases(web)) == len(world.CONSOLE_STORIES)
    assert set(STATE_OF_STAGE) == {s.stage for s in world.CONSOLE_STORIES}
    for number, story in _console_subjects():
        case = by_name[world.subject_name(number)]
        assert case.state.value == STATE_OF_STAGE[story.stage], story.label
        assert (case.field_office, case.facility_ori) == (world.FIELD_OFFICE, story.jail)
    for number in range(len(world.DEMO_STORIES)):  # the demo's cast is the demo's to book
        assert world.subject_name(number) not in by_name


def test_every_case_was_opened_by_the_worker_from_a_received_booking(web: WebApp) -> None:
    with web.console.unit() as session:
        booked = {(s.ori, s.tcn) for s in session.execute(select(Submission)).scalars()}
        opened = {
            e.subject: e.actor
            for e in session.execute(
                select(AuditEntry).where(AuditEntry.action == "case.opened")
            ).scalars()
        }
    cases = _world_cases(web)
    for case in cases:
        assert (case.facility_ori, case.booking_tcn) in booked, case.subject_name
        assert case.paired_minutiae_ref.startswith("idr:")  # the pipeline's examiner reference
        assert opened[case.case_number] == "system"
    # the bookings of subject 0 (no records anywhere) found no one: no case
    no_match = {t for _, t in booked} - {c.booking_tcn for c in cases}
    assert len(no_match) == history.NO_MATCH_BOOKINGS
    assert all("-SYN-0000-" in tcn for tcn in no_match)
    assert {ori for ori, _ in booked} == {j.ori for j in world.JAILS}


def test_the_worlds_ice_officer_sees_the_field_offices_open_cases(web: WebApp) -> None:
    officer = web.client("ice.officer")
    queue = officer.get("/console/queue").text
    for case in _world_cases(web):
        assert (case.case_number in queue) == (case.state in OPEN_STATES), case.subject_name
    removed = web.case_at("removed")
    page = officer.get(f"/console/cases/{removed}")
    assert page.status_code == 200 and "removed" in page.text
    assert world.subject_name(len(world.DEMO_STORIES)) in page.text


def test_accounts_cover_every_role_and_everything_is_marked_synthetic(web: WebApp) -> None:
    with web.console.unit() as session:
        users = session.execute(select(ConsoleUser)).scalars().all()
        agencies = session.execute(select(Agency)).scalars().all()
    assert {u.role for u in users} == set(Role) - {Role.SYSTEM}
    assert {u.username for u in users} == {u.username for u in world_home.USERS}
    assert all(u.synthetic for u in users) and all(a.synthetic for a in agencies)
    assert {a.ori for a in agencies} == {world.FIELD_OFFICE} | {j.ori for j in world.JAILS}
    page = web.client("ice.officer").get("/console/queue")
    assert "every person, case, agency and account here is synthetic" in page.text


def test_five_months_nothing_dated_after_now_and_the_log_intact(web: WebApp) -> None:
    with web.console.unit() as session:
        first, latest = session.execute(
            select(func.min(AuditEntry.at), func.max(AuditEntry.at))
        ).one()
        report = audit.verify_chain(session)
    assert latest is not None and latest <= NOW
    assert NOW - first >= history.HISTORY - history.EARLY_UNTIL
    assert report.intact and report.checked > 100


def test_seeding_again_changes_nothing(web: WebApp) -> None:
    with web.console.unit() as session:
        before = (session.scalar(select(func.count(Case.id))),
                  session.scalar(select(func.count(Submission.id))))  # fmt: skip
    engine, factory = open_database(web.settings)
    try:
        state, created = history.seed_with_history(
            web.settings, factory, NOW, background=BACKGROUND, fingers=FINGERS
        )
    finally:
        engine.dispose()
    assert not created and state.history == "done"
    with web.console.unit() as session:
        after = (session.scalar(select(func.count(Case.id))),
                 session.scalar(select(func.count(Submission.id))))  # fmt: skip
    assert after == before


def _seed(home: Path) -> None:
    settings = Settings(home=home, secret_key=SECRET)
    engine, factory = open_database(settings)
    try:
        history.seed_with_history(settings, factory, NOW, background=BACKGROUND, fingers=FINGERS)
    finally:
        engine.dispose()


def test_a_home_with_data_that_is_not_synthetic_is_refused(tmp_path: Path) -> None:
    home = tmp_path / "home"
    web = empty_web(home, NOW)
    try:
        with web.console.unit() as session:
            AgencyRepository(session).add(
                ori="VA0990000", name="A working jail", state="VA", kind=AgencyKind.JAIL,
                created_at=NOW,
            )  # fmt: skip
        with pytest.raises(WorldError, match="holds data that is not synthetic"):
            _seed(home)
        with web.console.unit() as session:
            assert session.scalar(select(func.count(ConsoleUser.id))) == 0
            assert session.scalar(select(func.count(Case.id))) == 0
        assert world_home.load_state(web.settings) is None
    finally:
        web.close()


def test_a_home_with_bookings_is_refused(web: WebApp, tmp_path: Path) -> None:
    """Bookings and cases with no world in the home (no world.json, no agency, no account):
    the history's past is not mixed into anyone's present."""
    home = tmp_path / "other"
    shutil.copytree(web.settings.home, home)
    (home / world_home.STATE_FILE).unlink()
    engine, factory = open_database(Settings(home=home, secret_key=SECRET))
    try:
        with factory.begin() as session:
            session.execute(delete(ConsoleUser))
            session.execute(delete(Agency))
    finally:
        engine.dispose()
    with pytest.raises(WorldError, match=r"already holds \d+ booking\(s\) and \d+ case\(s\)"):
        _seed(home)


@pytest.mark.parametrize(
    ("history_mark", "why"),
    [("", "it was seeded without history"), ("started", "its history did not finish")],
)
def test_a_world_without_its_finished_history_is_refused(
    web: WebApp, tmp_path: Path, history_mark: str, why: str
) -> None:
    home = tmp_path / "other"
    shutil.copytree(web.settings.home, home)
    state_file = home / world_home.STATE_FILE
    state = json.loads(state_file.read_text())
    state_file.write_text(json.dumps({**state, "history": history_mark}))
    with pytest.raises(WorldError, match=why):
        _seed(home)


def test_another_seed_needs_a_home_of_its_own(web: WebApp) -> None:
    engine, factory = open_database(web.settings)
    try:
        with pytest.raises(WorldError, match="needs a home of its own"):
            history.seed_with_history(web.settings, factory, NOW, seed=7, fingers=FINGERS)
    finally:
        engine.dispose()
