"""Sign-in throttling and lockout (issue 15): 40 wrong passwords in a row no longer get 40
checks and then a session; failures back off per account and per address, lock the account
after LOCKOUT_AFTER, and a supervisor (or a program manager) unlocks it on the record.  The
clock is the injected one: no test waits for a real backoff."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from web_support import NOW, PASSWORD, WebApp, csrf_of, open_web

from securecomm.enforcement import audit
from securecomm.enforcement.models import AuditEntry
from securecomm.enforcement.roles import Role
from securecomm.store.database import unit_of_work
from securecomm.synthetic import world
from securecomm.web import auth
from securecomm.web.errors import AccountLockedError
from securecomm.web.models import SignInThrottle
from securecomm.web.parameters import (
    ACCOUNT_FREE_FAILURES,
    ADDRESS_FREE_FAILURES,
    BACKOFF_MAX,
    LOCKOUT_AFTER,
    SESSION_COOKIE,
)

WRONG = "wrong password number "


def attempt(client: TestClient, username: str, password: str):
    token = csrf_of(client.get("/console/sign-in").text)
    return client.post(
        "/console/sign-in",
        data={"csrf_token": token, "username": username, "password": password},
        follow_redirects=False,
    )


def entries(web: WebApp, action: str) -> list[AuditEntry]:
    with web.console.unit() as session:
        return list(
            session.execute(
                select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.seq)
            ).scalars()
        )


def fail_until_locked(web: WebApp, client: TestClient, username: str) -> list[int]:
    """Wrong passwords, waiting out each backoff on the injected clock, until locked."""
    statuses = []
    for i in range(LOCKOUT_AFTER):
        response = attempt(client, username, f"{WRONG}{i}")
        statuses.append(response.status_code)
        web.clock.advance(BACKOFF_MAX)  # every wait is over
    return statuses


def test_forty_wrong_passwords_in_a_row_get_a_few_checks_and_then_waits(web: WebApp) -> None:
    """Before: 40 × 401, each a password check, and the right password then signed in."""
    client = web.client()
    statuses = [attempt(client, "ice.officer", f"{WRONG}{i}").status_code for i in range(40)]
    checked = ACCOUNT_FREE_FAILURES + 1  # the first failure past the free ones sets a wait
    assert statuses == [401] * checked + [429] * (40 - checked)
    assert len(entries(web, "console.sign_in_failed")) == checked  # waits checked nothing
    right = attempt(client, "ice.officer", PASSWORD)
    assert right.status_code == 429 and "try again in 1 s" in right.text
    assert right.headers["retry-after"] == "1" and SESSION_COOKIE not in client.cookies
    web.clock.advance(timedelta(seconds=1))
    assert attempt(client, "ice.officer", PASSWORD).status_code == 303  # the wait is over


def test_the_wait_doubles_with_each_failure(web: WebApp) -> None:
    client = web.client()
    waits = []
    for i in range(ACCOUNT_FREE_FAILURES + 4):
        text = attempt(client, "counsel", f"{WRONG}{i}").text
        waits.append(text.split("wait ")[1].split(" s")[0] if "wait " in text else "")
        web.clock.advance(BACKOFF_MAX)
    assert waits == [""] * ACCOUNT_FREE_FAILURES + ["1", "2", "4", "8"]


def test_lockout_refuses_the_right_password_until_a_supervisor_unlocks(web: WebApp) -> None:
    client = web.client()
    statuses = fail_until_locked(web, client, "ice.officer")
    assert statuses == [401] * (LOCKOUT_AFTER - 1) + [403]
    right = attempt(client, "ice.officer", PASSWORD)
    assert right.status_code == 403 and SESSION_COOKIE not in client.cookies
    assert f"locked after {LOCKOUT_AFTER} failed sign-ins" in right.text
    assert "a supervisor of its field office or a program manager can unlock it" in right.text
    web.clock.advance(timedelta(days=30))  # a lockout does not wear off
    assert attempt(client, "ice.officer", PASSWORD).status_code == 403
    [locked] = entries(web, "console.account_locked")
    assert locked.subject == "ice.officer" and audit.details_of(locked)["failures"] == 10

    supervisor = web.client("supervisor")
    page = supervisor.get("/console/accounts")
    assert page.status_code == 200 and ">Accounts</a>" in page.text
    table = page.text.split('data-testid="locked-accounts"')[1]
    assert "ice.officer" in table and "ICE officer (synthetic demo account)" in table
    url = "/console/accounts/ice.officer/unlock"
    no_reason = supervisor.post(url, data={"csrf_token": csrf_of(page.text), "reason": " "})
    assert no_reason.status_code == 422 and "say why" in no_reason.text
    done = supervisor.post(url, data={"csrf_token": csrf_of(page.text),
                                      "reason": "confirmed with the officer by phone"})  # fmt: skip
    assert done.status_code == 200 and "Account ice.officer unlocked" in done.text
    [unlocked] = entries(web, "console.account_unlocked")
    assert unlocked.actor == "supervisor" and unlocked.subject == "ice.officer"
    assert audit.details_of(unlocked)["reason"] == "confirmed with the officer by phone"
    assert attempt(client, "ice.officer", PASSWORD).status_code == 303


def test_who_may_unlock(web: WebApp) -> None:
    client = web.client()
    with web.console.unit() as session:
        auth.create_user(session, web.clock, username="supervisor.nyc", display_name="NYC",
                         role=Role.SUPERVISOR, password=PASSWORD, office="NYC")  # fmt: skip
    fail_until_locked(web, client, "auditor")  # no field office: a program manager unlocks
    fail_until_locked(web, client, "counsel")  # the world's field office
    dal = web.client("supervisor")
    assert "auditor" not in dal.get("/console/accounts").text.split("locked-accounts")[1]
    token = csrf_of(dal.get("/console/accounts").text)
    refused = dal.post("/console/accounts/auditor/unlock",
                       data={"csrf_token": token, "reason": "asked to"})  # fmt: skip
    assert (
        refused.status_code == 403
        and f"unlocks only accounts of field office {world.FIELD_OFFICE}" in refused.text
    )
    nyc = web.client("supervisor.nyc")
    token = csrf_of(nyc.get("/console/accounts").text)
    refused = nyc.post("/console/accounts/counsel/unlock",
                       data={"csrf_token": token, "reason": "asked to"})  # fmt: skip
    assert (
        refused.status_code == 403
        and f"counsel works for field office {world.FIELD_OFFICE}" in refused.text
    )
    rules = [e.action for e in entries(web, "refused.unlock_office")]
    assert len(rules) == 2  # both refusals on the record
    for role in ("ice.officer", "lesc.specialist", "booking.officer"):
        assert web.client(role).get("/console/accounts").status_code == 403
    manager = web.client("program.manager")
    page = manager.get("/console/accounts")
    token = csrf_of(page.text)
    for username in ("auditor", "counsel"):
        assert username in page.text.split("locked-accounts")[1]
        done = manager.post(f"/console/accounts/{username}/unlock",
                            data={"csrf_token": token, "reason": "identity checked"})  # fmt: skip
        assert done.status_code == 200 and f"Account {username} unlocked" in done.text
    assert attempt(web.client(), "auditor", PASSWORD).status_code == 303


def test_per_address_throttling_across_account_names(web: WebApp) -> None:
    """One address trying many names: after its free failures, every attempt from it waits,
    whatever the name (TestClient's requests all come from the address 'testclient')."""
    client = web.client()
    names = [f"guess.{i}" for i in range(ADDRESS_FREE_FAILURES + 1)]
    statuses = [attempt(client, name, f"{WRONG}{i}").status_code for i, name in enumerate(names)]
    assert statuses == [401] * (ADDRESS_FREE_FAILURES + 1)
    other = attempt(client, "supervisor", PASSWORD)  # a right password, from the same address
    assert other.status_code == 429 and "from this address" in other.text
    web.clock.advance(timedelta(seconds=1))
    assert attempt(client, "supervisor", PASSWORD).status_code == 303
    details = audit.details_of(entries(web, "console.sign_in_failed")[-1])
    assert details["address"] == "testclient"
    assert details["address_failures"] == ADDRESS_FREE_FAILURES + 1


def test_a_name_without_an_account_is_throttled_and_locked_alike(web: WebApp) -> None:
    client = web.client()
    real = fail_until_locked(web, client, "lesc.specialist")
    web.clock.advance(timedelta(hours=2))  # the address's failures fade
    phantom = fail_until_locked(web, client, "no.such.person")
    assert real == phantom
    answers = []
    for name in ("lesc.specialist", "no.such.person"):
        answers.append(attempt(client, name, "anything at all").text)
        web.clock.advance(BACKOFF_MAX)  # the address's own wait (its failures count too)
    assert all("locked after" in a for a in answers)
    reasons = {audit.details_of(e)["reason"] for e in entries(web, "console.sign_in_failed")}
    assert reasons == {"wrong password", "no such account", "account locked"}


def test_a_success_starts_the_count_again(web: WebApp) -> None:
    client = web.client()
    for _ in range(2):
        for i in range(ACCOUNT_FREE_FAILURES):
            assert attempt(client, "booking.officer", f"{WRONG}{i}").status_code == 401
        assert attempt(client, "booking.officer", PASSWORD).status_code == 303
    assert entries(web, "console.account_locked") == []


def test_the_lock_holds_across_server_processes(web: WebApp) -> None:
    """The state is in the database: another server on the same home sees the lock."""
    fail_until_locked(web, web.client(), "ice.officer")
    other = open_web(web.settings.home, NOW + timedelta(days=1))
    try:
        response = attempt(other.client(), "ice.officer", PASSWORD)
        assert response.status_code == 403 and "locked after" in response.text
    finally:
        other.close()


def test_no_password_material_in_the_audit_log(web: WebApp) -> None:
    client = web.client()
    tried = [f"{WRONG}{i} secret-{i}" for i in range(LOCKOUT_AFTER)]
    for password in tried:
        attempt(client, "supervisor", password)
        web.clock.advance(BACKOFF_MAX)
    attempt(client, "supervisor", PASSWORD)
    with web.console.unit() as session:
        texts = [
            e.details + e.subject
            for e in session.execute(
                select(AuditEntry).where(AuditEntry.action.like("console.%"))
            ).scalars()
        ]
    assert len(texts) == LOCKOUT_AFTER + 2  # the failures, the lockout, the locked attempt
    for password in [*tried, PASSWORD]:
        assert not any(password in t or "secret-" in t for t in texts)
    assert not any("password_hash" in t or "scrypt$" in t for t in texts)


# --- the state in the database, on SQLite and PostgreSQL -----------------------------------


def test_concurrent_failures_are_all_counted(factory, clock) -> None:
    """Eight wrong passwords at once, each in its own transaction (as from several server
    processes): the row locks count every one, and the account locks at LOCKOUT_AFTER."""
    with unit_of_work(factory) as session:
        auth.create_user(session, clock, username="officer.pg", display_name="x",
                         role=Role.ICE_OFFICER, password=PASSWORD,
                         office=world.FIELD_OFFICE)  # fmt: skip

    def wrong(i: int) -> str:
        with unit_of_work(factory) as session:
            outcome = auth.sign_in(session, clock, "officer.pg", f"{WRONG}{i}",
                                   address=f"10.0.0.{i}")  # fmt: skip
        return type(outcome.refusal).__name__

    with ThreadPoolExecutor(max_workers=4) as pool:
        answers = list(pool.map(wrong, range(8)))
    assert answers.count("SignInFailedError") + answers.count("SignInThrottledError") == 8
    with factory() as session:
        row = session.execute(
            select(SignInThrottle).where(SignInThrottle.key == "officer.pg")
        ).scalar_one()
        failed = session.scalar(
            select(func.count()).where(AuditEntry.action == "console.sign_in_failed")
        )
    assert row.failures == failed == answers.count("SignInFailedError") >= ACCOUNT_FREE_FAILURES
    for i in range(LOCKOUT_AFTER):
        clock.advance(BACKOFF_MAX)
        wrong(100 + i)
    with unit_of_work(factory) as session:
        outcome = auth.sign_in(session, clock, "officer.pg", PASSWORD, address="10.0.1.1")
    assert isinstance(outcome.refusal, AccountLockedError)
    with factory() as session:
        assert audit.verify_chain(session).intact
