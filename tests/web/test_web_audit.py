"""The auditor's view: search the log, verify the chain, and see a break named."""

from __future__ import annotations

from sqlalchemy import text
from web_support import WebApp, csrf_of


def test_search_by_subject_and_action(web: WebApp) -> None:
    case_number = web.case_at("in_proceedings")
    client = web.client("auditor")
    page = client.get(f"/console/audit?subject={case_number}&action=case.charge")
    assert page.status_code == 200
    assert "1 entry match" in page.text
    rows = page.text.split('data-testid="audit-entries"')[1]
    assert "case.charge" in rows and "case.verify_identity" not in rows
    bad = client.get("/console/audit?since=yesterday")
    assert bad.status_code == 422 and "since" in bad.text


def test_searching_is_itself_recorded(web: WebApp) -> None:
    client = web.client("auditor")
    client.get("/console/audit?actor=ice.officer")
    page = client.get("/console/audit?action=audit.searched")
    assert "auditor" in page.text.split('data-testid="audit-entries"')[1]


def test_verify_reports_an_intact_chain_then_a_break(web: WebApp) -> None:
    client = web.client("auditor")
    page = client.get("/console/audit")
    intact = client.post("/console/audit/verify", data={"csrf_token": csrf_of(page.text)})
    assert intact.status_code == 200 and "Chain intact" in intact.text
    with web.app.state.engine.begin() as connection:  # an administrator edits a row directly
        connection.execute(text("DROP TRIGGER audit_entries_no_update"))
        connection.execute(text("UPDATE audit_entries SET actor = 'someone.else' WHERE seq = 5"))
    broken = client.post("/console/audit/verify", data={"csrf_token": csrf_of(page.text)})
    assert broken.status_code == 409
    assert "Chain broken at entry #5" in broken.text and "it was edited" in broken.text


def test_only_auditors_verify(web: WebApp) -> None:
    client = web.client("ice.officer")
    token = csrf_of(client.get("/console/queue").text)
    response = client.post("/console/audit/verify", data={"csrf_token": token})
    assert response.status_code == 403 and "may not verify or search the audit log" in response.text
