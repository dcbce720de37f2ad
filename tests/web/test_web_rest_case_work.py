"""Case work over the REST API: the same commands, availability, refusals and audit as the
console, for staff signed in with their console account (on the seeded world's database)."""

from __future__ import annotations

from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy import select
from web_support import NOW, PASSWORD, WebApp

from securecomm.enforcement import AuditEntry, Principal, RegisterPolicy, Role
from securecomm.synthetic import world


def _staff(web: WebApp, username: str) -> TestClient:
    client = TestClient(web.app)
    answer = client.post("/staff/sessions", json={"username": username, "password": PASSWORD})
    assert answer.status_code == 200, answer.text
    client.headers["Authorization"] = f"Bearer {answer.json()['token']}"
    return client


def test_an_officer_issues_a_detainer_over_the_api(web: WebApp) -> None:
    case_number = web.case_at("reviewed", world.NOTIFY_ONLY_JAIL)
    manager = Principal("program.manager", Role.PROGRAM_MANAGER)
    web.console.work.handle(  # the reviewed subject's jail now takes detainers
        RegisterPolicy(facility_ori=world.NOTIFY_ONLY_JAIL, accepts_detainers=True,
                       policy_name="changed policy (synthetic)"),
        manager,
    )  # fmt: skip
    officer = _staff(web, "ice.officer")
    assert case_number in {c["case_id"] for c in officer.get("/cases").json()}
    actions = {a["name"]: a for a in officer.get(f"/cases/{case_number}/actions").json()}
    assert actions["issue_detainer"] == {"name": "issue_detainer", "possible": True, "why_not": ""}
    assert "record_counsel_review" not in actions  # another role's work: not in reach

    url = f"/cases/{case_number}/actions/issue_detainer"
    bad = officer.post(url, json={"bases": ["biometric_match_and_records"],
                                  "basis_evidence": "IDENT match verified",
                                  "release_eligible_at": "tomorrow"})  # fmt: skip
    assert bad.status_code == 400 and "release_eligible_at" in bad.json()["detail"]
    assert web.case(case_number).state.value == "officer_reviewed"  # nothing written

    release = (NOW + timedelta(hours=30)).isoformat()
    done = officer.post(url, json={"bases": ["biometric_match_and_records"],
                                   "basis_evidence": "IDENT match verified by an officer",
                                   "release_eligible_at": release})  # fmt: skip
    assert done.status_code == 200, done.text
    assert done.json() == {"done": "issue_detainer", "case_number": case_number}
    case = officer.get(f"/cases/{case_number}").json()
    assert case["state"] == "detainer_issued" and case["detainer_number"] == f"{case_number}-D1"


def test_what_cannot_be_done_yet_says_why(web: WebApp) -> None:
    officer = _staff(web, "ice.officer")
    case_number = web.case_at("reviewed", world.NOTIFY_ONLY_JAIL)
    actions = {a["name"]: a for a in officer.get(f"/cases/{case_number}/actions").json()}
    assert not actions["issue_detainer"]["possible"]
    assert "does not accept detainers" in actions["issue_detainer"]["why_not"]
    assert actions["request_notification"]["possible"]


def test_a_refusal_is_answered_and_audited(web: WebApp) -> None:
    manager = _staff(web, "program.manager")
    case_number = web.case_at("reviewed")
    refused = manager.post(f"/cases/{case_number}/actions/close_no_action",
                           json={"reason": "not a manager's decision"})  # fmt: skip
    assert refused.status_code == 403
    assert "may not" in refused.json()["detail"]
    with web.console.unit() as session:
        entry = session.execute(
            select(AuditEntry).where(AuditEntry.action.like("refused.%"))
            .order_by(AuditEntry.seq.desc())
        ).scalars().first()  # fmt: skip
    assert entry is not None and entry.actor == "program.manager"
    assert entry.subject == case_number
    assert web.case(case_number).state.value == "officer_reviewed"


def test_no_token_a_wrong_password_and_an_unknown_command(web: WebApp) -> None:
    anonymous = TestClient(web.app)
    assert anonymous.get("/cases").status_code == 401
    wrong = anonymous.post("/staff/sessions", json={"username": "ice.officer", "password": "x"})
    assert wrong.status_code == 401
    officer = _staff(web, "ice.officer")
    unknown = officer.post(f"/cases/{web.case_at('reviewed')}/actions/deport_now", json={})
    assert unknown.status_code == 400 and "no case command 'deport_now'" in unknown.json()["detail"]


def test_a_value_outside_its_vocabulary_is_a_clear_400(web: WebApp) -> None:
    officer = _staff(web, "lesc.specialist")
    case_number = web.case_at("verified")
    fields = {"finding": "probably removable", "record_references": ["A1"]}
    answer = officer.post(f"/cases/{case_number}/actions/record_status_research", json=fields)
    assert answer.status_code == 400, answer.text
    assert "probably removable" in answer.json()["detail"]
    assert web.case(case_number).state.value == "identity_verified"
