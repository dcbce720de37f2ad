"""The demo's data: synthetic and marked so, every role, cases at every stage, never in the
future, seeded once."""

from __future__ import annotations

from sqlalchemy import func, select
from web_support import NOW, WebApp

from securecomm.enforcement import audit
from securecomm.enforcement.models import AuditEntry, Case
from securecomm.enforcement.roles import Role
from securecomm.records.agencies import Agency
from securecomm.web.demo import seed_demo
from securecomm.web.models import ConsoleUser


def test_demo_accounts_cover_every_role_and_are_marked_synthetic(web: WebApp) -> None:
    with web.console.unit() as session:
        users = session.execute(select(ConsoleUser)).scalars().all()
        agencies = session.execute(select(Agency)).scalars().all()
    assert {u.role for u in users} == set(Role) - {Role.SYSTEM}
    assert all(u.synthetic for u in users) and all(a.synthetic for a in agencies)
    page = web.client("ice.officer").get("/console/queue")
    assert "every person, case, agency and account here is synthetic" in page.text


def test_cases_reach_many_stages_and_nothing_is_dated_after_now(web: WebApp) -> None:
    with web.console.unit() as session:
        states = {s.value for s in session.execute(select(Case.state)).scalars()}
        latest = session.scalar(select(func.max(AuditEntry.at)))
        report = audit.verify_chain(session)
    assert {"match_received", "identity_verified", "citizenship_review", "detainer_issued",
            "in_proceedings", "removed", "match_rejected", "citizenship_established",
            "detainer_expired", "no_action"} <= states  # fmt: skip
    assert latest is not None and latest <= NOW
    assert report.intact and report.checked > 100


def test_seeding_twice_changes_nothing(web: WebApp) -> None:
    with web.console.unit() as session:
        before = session.scalar(select(func.count(Case.id)))
    assert seed_demo(web.console) is False
    with web.console.unit() as session:
        assert session.scalar(select(func.count(Case.id))) == before


def test_demo_data_is_never_mixed_into_a_working_database(tmp_path) -> None:
    from web_support import open_web

    from securecomm.records.agencies import AgencyKind, AgencyRepository
    from securecomm.web.demo import database_is_empty, has_demo_accounts

    web = open_web(tmp_path / "home", NOW)
    try:
        assert database_is_empty(web.console)
        with web.console.unit() as session:
            AgencyRepository(session).add(
                ori="VA0010000", name="Real jail", state="VA", kind=AgencyKind.JAIL,
                created_at=NOW,
            )  # fmt: skip
        assert not database_is_empty(web.console)
        assert seed_demo(web.console) is False
        assert not has_demo_accounts(web.console)
        with web.console.unit() as session:
            assert session.scalar(select(func.count(Case.id))) == 0
    finally:
        web.close()
