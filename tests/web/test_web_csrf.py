"""CSRF: every POST of the console refuses a form without this session's token."""

from __future__ import annotations

import pytest
from fastapi.routing import APIRoute
from web_support import PASSWORD, WebApp, csrf_of

from securecomm.web.app import ROUTERS
from securecomm.web.parameters import PREFIX


def _console_posts() -> list[str]:
    paths = [
        r.path
        for router in ROUTERS
        for r in router.routes
        if isinstance(r, APIRoute) and "POST" in r.methods and r.path.startswith(PREFIX)
    ]
    assert len(paths) >= 5  # sign-in, sign-out, case actions, verification, audit verify
    return paths


def _concrete(path: str, case_number: str) -> str:
    return path.replace("{case_number}", case_number).replace("{key}", "close_no_action")


def test_every_post_without_a_token_is_refused(web: WebApp) -> None:
    client = web.client("supervisor")
    case_number = web.case_at("assessed")
    for path in _console_posts():
        if path.endswith("/sign-in"):
            continue
        response = client.post(_concrete(path, case_number), data={"reason": "no token"})
        assert response.status_code == 403, path
        assert "security token" in response.text, path
    assert web.case(case_number).state.value == "priority_assessed"  # nothing happened


def test_a_token_of_another_session_is_refused(web: WebApp) -> None:
    mine, theirs = web.client("ice.officer"), web.client("supervisor")
    case_number = web.case_at("assessed")
    their_token = csrf_of(theirs.get("/console/queue").text)
    response = mine.post(
        f"/console/cases/{case_number}/actions/close_no_action",
        data={"csrf_token": their_token, "reason": "forged"},
    )
    assert response.status_code == 403
    assert web.case(case_number).state.value == "priority_assessed"


@pytest.mark.parametrize("token", ["", "0" * 64])
def test_sign_in_needs_the_token_of_its_form(web: WebApp, token: str) -> None:
    client = web.client()
    client.get("/console/sign-in")
    response = client.post(
        "/console/sign-in",
        data={"csrf_token": token, "username": "ice.officer", "password": PASSWORD},
    )
    assert response.status_code == 403
    assert "signed-in-as" not in response.text


def test_the_same_form_with_its_token_is_accepted(web: WebApp) -> None:
    client = web.client("ice.officer")
    case_number = web.case_at("assessed")
    page = client.get(f"/console/cases/{case_number}")
    response = client.post(
        f"/console/cases/{case_number}/actions/close_no_action",
        data={"csrf_token": csrf_of(page.text), "reason": "Level 3 only; no action"},
    )
    assert response.status_code == 200
    assert web.case(case_number).state.value == "no_action"
