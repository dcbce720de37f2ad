"""Helpers of the console tests: the seeded template, signing in, reading tokens and cases.

The template is the synthetic world with its five months of history (``synthetic.history``:
every console subject booked through the real pipeline, its case worked to its stage through
the case-work API), small (2 fingers a subject, 50 background identities a gallery), plus two
test-only matches on real FVC prints opened through the case-work API: one with few paired
minutiae, one whose examiner view does not exist."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from pathlib import Path

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select

from securecomm.afis.extraction import extract
from securecomm.afis.image import load_image
from securecomm.afis.types import FingerImage, FingerPosition
from securecomm.api.app import create_app
from securecomm.clock import FixedClock
from securecomm.config import Settings
from securecomm.enforcement.inputs import (
    CriminalHistoryEvent,
    Disposition,
    IdentResponse,
    MatchNotice,
    SubjectIdentifiers,
)
from securecomm.enforcement.models import Case
from securecomm.store.migrate import upgrade_database
from securecomm.synthetic import history, world
from securecomm.synthetic.accounts import DEMO_PASSWORD
from securecomm.web import mount
from securecomm.web.context import Console
from securecomm.web.prints import FingerPair

NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
SECRET = "test-secret-key-for-the-console"
#: The template's world: small, so that building it once per session stays quick.
FINGERS = 2
BACKGROUND = 50
LOW_PAIRS_NAME = "SYNTHETIC, LOWPAIRS"
NO_VIEW_NAME = "SYNTHETIC, NOVIEW"
PASSWORD = DEMO_PASSWORD


def subject_at(stage: str, jail: str = world.JAIL) -> str:
    """The name of the world's console subject whose case stands at ``stage`` (booked at
    ``jail`` when two stories share the stage; otherwise wherever it was booked)."""
    found = [s for s in world.STORIES if s.stage == stage]
    if len(found) > 1:
        found = [s for s in found if s.jail == jail]
    (story,) = found
    return world.subject_name(world.STORIES.index(story))


def jail_of(stage: str) -> str:
    (story,) = [s for s in world.STORIES if s.stage == stage]
    return story.jail


def fvc_pair(db: Path, finger: str, position: int) -> FingerPair:
    """Impressions 1 (probe) and 2 (gallery) of one real FVC finger, with our templates."""
    pos = FingerPosition(position)
    probe = load_image(db / f"{finger}_1.png")
    gallery = load_image(db / f"{finger}_2.png")
    probe = FingerImage(probe.pixels, probe.ppi, pos)
    gallery = FingerImage(gallery.pixels, gallery.ppi, pos)
    return FingerPair(pos, probe, extract(probe), gallery, extract(gallery))


@dataclass
class WebApp:
    app: FastAPI
    console: Console
    clock: FixedClock
    settings: Settings

    def client(self, username: str | None = None) -> TestClient:
        client = TestClient(self.app, follow_redirects=True)
        if username:
            sign_in(client, username)
        return client

    def case_at(self, stage: str, jail: str = world.JAIL) -> str:
        """The case number of the console subject at ``stage`` (see :func:`subject_at`)."""
        return self.case_number(subject_at(stage, jail))

    def case_number(self, subject_name: str) -> str:
        with self.console.unit() as session:
            return session.execute(
                select(Case.case_number).where(Case.subject_name == subject_name)
            ).scalar_one()

    def case(self, case_number: str) -> Case:
        with self.console.unit() as session:
            return session.execute(select(Case).where(Case.case_number == case_number)).scalar_one()

    def close(self) -> None:
        self.app.state.engine.dispose()


def open_web(home: Path, now: datetime) -> WebApp:
    """The API and console on ``home``, whose database is at this build's schema (the app never
    migrates: ``build_template`` does, as ``securecomm world seed`` does)."""
    settings = Settings(home=home, secret_key=SECRET)
    clock = FixedClock(now)
    app = create_app(settings, clock=clock)
    console = mount(app, settings)
    return WebApp(app, console, clock, settings)


def empty_web(home: Path, now: datetime) -> WebApp:
    """The console on a new, empty database brought to the schema as ``securecomm db upgrade``
    does."""
    engine, _factory = upgrade_database(Settings(home=home, secret_key=SECRET))
    engine.dispose()
    return open_web(home, now)


def build_template(home: Path, pairs: dict[str, FingerPair]) -> None:
    """The world with its history, plus one match on a finger with few pairs (FVC 101: 5
    pairs) and one whose examiner view does not exist."""
    settings = Settings(home=home, secret_key=SECRET)
    engine, factory = upgrade_database(settings)
    try:
        history.seed_with_history(settings, factory, NOW, background=BACKGROUND, fingers=FINGERS)
    finally:
        engine.dispose()
    web = open_web(home, NOW)
    try:
        ref = web.console.prints.save("low-pairs", [pairs["101"]])
        jail = world.jail(world.JAIL)
        notice = MatchNotice(
            booking_ori=jail.ori, booking_tcn="TEST-LOW-000001", facility_ori=jail.ori,
            facility_name=jail.name, field_office=world.FIELD_OFFICE,
            subject=SubjectIdentifiers(fin="SYN9001", name=LOW_PAIRS_NAME,
                                       date_of_birth=date(1990, 5, 5), language="es"),
            ident=IdentResponse(summary="IDENT match (test)", candidate_score=3.0,
                                paired_minutiae_ref=ref),
            booked_at=NOW,
        )  # fmt: skip
        web.console.work.open_case_from_match(
            notice, [CriminalHistoryEvent("2303", Disposition.CONVICTED, date(2020, 1, 1))]
        )
        no_view = replace(
            notice, booking_tcn="TEST-NOVIEW-000001",
            subject=replace(notice.subject, fin="SYN9002", name=NO_VIEW_NAME),
            ident=replace(notice.ident, paired_minutiae_ref="examiner:never-stored"),
        )  # fmt: skip
        web.console.work.open_case_from_match(
            no_view, [CriminalHistoryEvent("2303", Disposition.CONVICTED, date(2020, 1, 1))]
        )
    finally:
        web.close()


_TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_of(html: str) -> str:
    match = _TOKEN.search(html)
    assert match is not None, "the page has no form with a CSRF token"
    return match.group(1)


def sign_in(client: TestClient, username: str, password: str = PASSWORD) -> None:
    form = client.get("/console/sign-in")
    response = client.post(
        "/console/sign-in",
        data={"csrf_token": csrf_of(form.text), "username": username, "password": password,
              "next": "/console/"},
    )  # fmt: skip
    assert response.status_code == 200, response.text
    assert "signed-in-as" in response.text


def post_form(client: TestClient, page_url: str, action_url: str, data: dict) -> object:
    """POST a form with the CSRF token of the page it is on."""
    token = csrf_of(client.get(page_url).text)
    return client.post(action_url, data={"csrf_token": token, **data})
