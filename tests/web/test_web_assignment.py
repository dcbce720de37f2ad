"""Only supervisors assign work, to ICE officers of their own field office (issue 15)."""

from __future__ import annotations

from sqlalchemy import select
from web_support import PASSWORD, WebApp, csrf_of

from securecomm.enforcement.models import AuditEntry
from securecomm.enforcement.roles import Role
from securecomm.synthetic import world
from securecomm.web import auth


def _assign(web: WebApp, username: str, case_number: str, officer: str):
    client = web.client(username)
    token = csrf_of(client.get("/console/queue").text)
    return client.post(
        f"/console/cases/{case_number}/actions/assign",
        data={"csrf_token": token, "officer": officer, "team": ""},
    )


def test_a_supervisor_assigns_an_officer_of_its_office(web: WebApp) -> None:
    case_number = web.case_at("reviewed")
    page = web.client("supervisor").get(f"/console/cases/{case_number}")
    assert 'data-action="assign"' in page.text
    response = _assign(web, "supervisor", case_number, "ice.officer")
    assert response.status_code == 200 and response.url.params.get("done") == "assign"
    assert web.case(case_number).assigned_officer == "ice.officer"


def test_not_to_an_officer_of_another_office_nor_to_a_non_officer(web: WebApp) -> None:
    with web.console.unit() as session:
        auth.create_user(session, web.clock, username="ice.officer.nyc", display_name="NYC",
                         role=Role.ICE_OFFICER, password=PASSWORD, office="NYC")  # fmt: skip
    case_number = web.case_at("reviewed")
    refused = _assign(web, "supervisor", case_number, "ice.officer.nyc")
    assert refused.status_code == 403
    assert f"only to officers of field office {world.FIELD_OFFICE}" in refused.text
    assert "ice.officer.nyc works for field office NYC" in refused.text
    for other in ("counsel", "lesc.specialist", "deputy.287g", "program.manager"):
        refused = _assign(web, "supervisor", case_number, other)
        assert refused.status_code == 403 and "only to an ICE officer" in refused.text, other
    unknown = _assign(web, "supervisor", case_number, "nobody")
    assert unknown.status_code == 400 and "no active account" in unknown.text
    assert web.case(case_number).assigned_officer == ""
    with web.console.unit() as session:
        actions = (
            session.execute(
                select(AuditEntry.action).where(
                    AuditEntry.subject == case_number, AuditEntry.action.like("refused.%")
                )
            )
            .scalars()
            .all()
        )
    assert actions == ["refused.assignee_office"] + ["refused.assignee_role"] * 4


def test_a_program_manager_is_not_offered_assignment_and_is_refused(web: WebApp) -> None:
    case_number = web.case_at("reviewed")
    response = _assign(web, "program.manager", case_number, "program.manager")
    assert response.status_code == 403 and "may not assign cases" in response.text
    assert web.case(case_number).assigned_officer == ""
