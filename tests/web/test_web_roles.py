"""Each role sees and can do only what the enforcement layer's permission matrix allows."""

from __future__ import annotations

import pytest
from markupsafe import escape
from web_support import WebApp, csrf_of

from securecomm.enforcement.roles import PERMISSION_MATRIX, PERMISSION_WORDS, Permission, Role
from securecomm.synthetic import world
from securecomm.synthetic.home import USERS
from securecomm.web.actions import FORMS
from securecomm.web.auth import SignedInUser

PAGES = {
    "/console/queue": Permission.READ_CASE,
    "/console/dashboard": Permission.READ_STATISTICS,
    "/console/audit": Permission.VERIFY_AUDIT,
}


@pytest.mark.parametrize("user", USERS, ids=lambda u: u.role.value)
def test_pages_follow_the_permission_matrix(web: WebApp, user) -> None:
    client = web.client(user.username)
    granted = PERMISSION_MATRIX[user.role]
    for path, permission in PAGES.items():
        response = client.get(path)
        if permission in granted:
            assert response.status_code == 200, (user.role, path)
        else:
            assert response.status_code == 403, (user.role, path)
            assert f"may not {escape(PERMISSION_WORDS[permission])}" in response.text
    reviews = client.get("/console/reviews")
    reviewer = granted & {
        Permission.REVIEW_CITIZENSHIP_SUPERVISOR,
        Permission.REVIEW_CITIZENSHIP_COUNSEL,
    }
    assert reviews.status_code == (200 if reviewer else 403)


@pytest.mark.parametrize("user", USERS, ids=lambda u: u.role.value)
def test_navigation_lists_only_the_pages_the_role_may_open(web: WebApp, user) -> None:
    page = web.client(user.username).get("/console/")
    assert page.status_code == 200
    granted = PERMISSION_MATRIX[user.role]
    for label, permission in (
        ("Work queue", Permission.READ_CASE),
        ("Dashboard", Permission.READ_STATISTICS),
        ("Audit log", Permission.VERIFY_AUDIT),
    ):
        shown = f">{label}</a>" in page.text
        assert shown == (permission in granted), (user.role, label)


def test_jail_bound_roles_see_only_their_jail(web: WebApp) -> None:
    page = web.client("booking.officer").get("/console/queue")
    assert page.status_code == 200
    other = web.case_at("match", world.NOTIFY_ONLY_JAIL)  # booked at another jail
    mine = web.case_at("match")
    assert mine in page.text and other not in page.text
    refused = web.client("booking.officer").get(f"/console/cases/{other}")
    assert refused.status_code == 403
    assert f"acts only on cases of jail {world.JAIL}" in refused.text


def test_a_forbidden_action_is_refused_with_the_enforcement_message(web: WebApp) -> None:
    case_number = web.case_at("reviewed")  # officer reviewed
    lesc = web.client("lesc.specialist")
    page = lesc.get(f"/console/cases/{case_number}")
    assert 'data-action="issue_detainer"' not in page.text  # not offered to the role
    response = lesc.post(
        f"/console/cases/{case_number}/actions/issue_detainer",
        data={"csrf_token": csrf_of(page.text), "bases": "final_order_of_removal",
              "basis_evidence": "forged form"},
    )  # fmt: skip
    assert response.status_code == 403
    assert "lesc.specialist (LESC specialist) may not issue detainers" in response.text
    assert web.case(case_number).state.value == "officer_reviewed"


def _user(role: Role, facility: str = "") -> SignedInUser:
    return SignedInUser(f"u.{role.value}", "U", role, world.FIELD_OFFICE, facility, 1, True)


@pytest.mark.parametrize("role", [r for r in Role if r is not Role.SYSTEM])
def test_offered_actions_are_those_the_table_and_matrix_allow(web: WebApp, role: Role) -> None:
    from securecomm.enforcement.lifecycle import TRANSITIONS

    user = _user(role, world.JAIL if role.value in ("booking_officer",
                                                      "partner_287g_officer") else "")  # fmt: skip
    for stage in ("reviewed", "gate_open", "match", "in_proceedings"):
        case_number = web.case_at(stage)
        case = web.case(case_number)
        possible = [
            a.command
            for a in web.console.work.availability(user.principal, case_number)
            if a.possible
        ]
        for command in possible:
            if command.action is None:
                assert command.permission is not None and user.can(command.permission)
                continue
            spec = TRANSITIONS[command.action]
            assert case.state in spec.sources
            assert any(p in PERMISSION_MATRIX[role] for p in spec.permissions)
        if case.citizenship_gate_open:
            assert all(c.name != "issue_detainer" for c in possible)


def test_every_case_command_has_a_form_or_the_verification_view() -> None:
    from securecomm.enforcement import CASE_COMMANDS
    from securecomm.web.actions import VERIFICATION_COMMANDS

    assert {f.command for f in FORMS} | VERIFICATION_COMMANDS == set(CASE_COMMANDS)
