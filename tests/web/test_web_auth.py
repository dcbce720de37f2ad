"""Sign-in, passwords, sessions that expire (idle and absolute), sign-out, tampered cookies."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select
from web_support import PASSWORD, WebApp, csrf_of, sign_in

from securecomm.enforcement.roles import Role
from securecomm.web import auth
from securecomm.web.errors import FormError
from securecomm.web.models import ConsoleSession, ConsoleUser
from securecomm.web.parameters import SESSION_COOKIE, SESSION_IDLE_TIMEOUT, SESSION_LIFETIME
from securecomm.web.passwords import hash_password, verify_password


def test_passwords_are_salted_scrypt_hashes_that_verify_only_the_right_password() -> None:
    first, second = hash_password("correct horse battery"), hash_password("correct horse battery")
    assert first.startswith("scrypt$") and first != second  # salted
    assert verify_password("correct horse battery", first)
    assert not verify_password("correct horse batterz", first)
    assert not verify_password("anything", "md5$abc")
    with pytest.raises(FormError, match="at least 12 characters"):
        hash_password("short")


def test_no_password_is_stored_in_clear(web: WebApp) -> None:
    with web.console.unit() as session:
        hashes = session.execute(select(ConsoleUser.password_hash)).scalars().all()
    assert hashes and all(h.startswith("scrypt$") and PASSWORD not in h for h in hashes)


def test_jail_bound_roles_need_their_jail(web: WebApp) -> None:
    with web.console.unit() as session, pytest.raises(FormError, match="needs the ORI"):
        auth.create_user(
            session,
            web.clock,
            username="dep.x",
            display_name="x",
            role=Role.PARTNER_287G_OFFICER,
            password="long enough password",
        )


def test_the_servers_address_leads_to_the_console(web: WebApp) -> None:
    answer = web.client().get("/", follow_redirects=False)
    assert answer.status_code == 307 and answer.headers["location"] == "/console/"
    assert "Sign in" in web.client().get("/").text  # and on to the sign-in page
    assert "/" not in web.app.openapi()["paths"]  # not part of the API


def test_unauthenticated_pages_redirect_to_sign_in(web: WebApp) -> None:
    client = web.client()
    response = client.get("/console/queue")
    assert response.url.path == "/console/sign-in"
    assert "please sign in" in response.text


def test_a_wrong_password_is_refused_with_one_message_for_both_cases(web: WebApp) -> None:
    client = web.client()
    for username, password in (("ice.officer", "wrong password!!"), ("nobody", PASSWORD)):
        token = csrf_of(client.get("/console/sign-in").text)
        response = client.post("/console/sign-in", data={
            "csrf_token": token, "username": username, "password": password})  # fmt: skip
        assert response.status_code == 401
        assert "the user name or password is wrong" in response.text
        assert SESSION_COOKIE not in client.cookies


def test_a_session_expires_after_inactivity(web: WebApp) -> None:
    client = web.client("ice.officer")
    assert client.get("/console/queue").status_code == 200
    web.clock.advance(SESSION_IDLE_TIMEOUT - timedelta(minutes=1))
    assert client.get("/console/queue").url.path == "/console/queue"  # activity renews it
    web.clock.advance(SESSION_IDLE_TIMEOUT + timedelta(seconds=1))
    response = client.get("/console/queue")
    assert response.url.path == "/console/sign-in"
    assert "expired after a period without activity" in response.text


def test_a_session_ends_at_its_time_limit_even_when_active(web: WebApp) -> None:
    client = web.client("ice.officer")
    elapsed = timedelta()
    while elapsed < SESSION_LIFETIME:
        step = SESSION_IDLE_TIMEOUT - timedelta(minutes=5)
        web.clock.advance(step)
        elapsed += step
        response = client.get("/console/queue")
    assert response.url.path == "/console/sign-in"
    assert "reached its time limit" in response.text


def test_sign_out_ends_the_session_on_the_server(web: WebApp) -> None:
    client = web.client("ice.officer")
    stolen = client.cookies.get(SESSION_COOKIE)
    page = client.get("/console/queue")
    response = client.post("/console/sign-out", data={"csrf_token": csrf_of(page.text)})
    assert response.url.path == "/console/sign-in"
    with web.console.unit() as session:
        ended = session.execute(select(ConsoleSession.ended_at)).scalars().all()
    assert any(e is not None for e in ended)
    replay = web.client()
    replay.cookies.set(SESSION_COOKIE, stolen, path="/console")
    assert replay.get("/console/queue").url.path == "/console/sign-in"


def test_a_tampered_session_cookie_is_refused(web: WebApp) -> None:
    client = web.client("ice.officer")
    value = client.cookies.get(SESSION_COOKIE)
    token, _, signature = value.rpartition(".")
    forged = web.client()
    forged.cookies.set(SESSION_COOKIE, f"{token}x.{signature}", path="/console")
    assert forged.get("/console/queue").url.path == "/console/sign-in"
    unsigned = web.client()
    unsigned.cookies.set(SESSION_COOKIE, token, path="/console")
    assert unsigned.get("/console/queue").url.path == "/console/sign-in"


def test_sign_in_does_not_redirect_outside_the_console(web: WebApp) -> None:
    client = web.client()
    token = csrf_of(client.get("/console/sign-in").text)
    response = client.post(
        "/console/sign-in",
        data={"csrf_token": token, "username": "ice.officer", "password": PASSWORD,
              "next": "https://evil.example/"},
        follow_redirects=False,
    )  # fmt: skip
    assert response.status_code == 303
    assert response.headers["location"] == "/console/"


def test_session_cookie_is_http_only_and_same_site_strict(web: WebApp) -> None:
    client = web.client()
    token = csrf_of(client.get("/console/sign-in").text)
    response = client.post(
        "/console/sign-in",
        data={"csrf_token": token, "username": "ice.officer", "password": PASSWORD},
        follow_redirects=False,
    )
    cookie = response.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=strict" in cookie and "path=/console" in cookie


def test_sign_in_sets_the_user_and_role_shown_on_every_page(web: WebApp) -> None:
    client = web.client()
    sign_in(client, "lesc.specialist")
    page = client.get("/console/queue")
    assert (
        "LESC specialist (synthetic demo account)" in page.text
        and "<b>LESC specialist</b>" in page.text
    )
