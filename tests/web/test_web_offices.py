"""Field-office scope in the console: a supervisor, counsel or ICE officer of one field office
sees and acts only on that office's cases; national roles (the auditor here) see every office."""

from __future__ import annotations

from datetime import date

import pytest
from web_support import NOW, PASSWORD, WebApp, csrf_of

from securecomm.enforcement.inputs import (
    IdentResponse,
    ImmigrationEventKind,
    ImmigrationHistoryEvent,
    MatchNotice,
    SubjectIdentifiers,
)
from securecomm.enforcement.roles import Role
from securecomm.synthetic import world
from securecomm.web import auth
from securecomm.web.errors import FormError

FIELD_OFFICE = world.FIELD_OFFICE
OTHER_OFFICE = "NYICE0000"
NYC_NAME = "SYNTHETIC, OTHEROFFICE"


def _nyc_gated_case(web: WebApp) -> str:
    """A case of the other field office, held at the citizenship gate from intake."""
    jail = world.jail(world.SECOND_JAIL)
    notice = MatchNotice(
        booking_ori=jail.ori, booking_tcn="TEST-NYC-000001", facility_ori=jail.ori,
        facility_name=jail.name, field_office=OTHER_OFFICE,
        subject=SubjectIdentifiers(fin="SYN9101", name=NYC_NAME,
                                   date_of_birth=date(1985, 2, 3), language="en"),
        ident=IdentResponse(summary="IDENT match (test)", candidate_score=3.0,
                            paired_minutiae_ref="examiner:never-stored"),
        booked_at=NOW,
    )  # fmt: skip
    naturalised = ImmigrationHistoryEvent(
        ImmigrationEventKind.NATURALISATION, date(2011, 4, 1), reference="N-550 9101"
    )
    return web.console.work.open_case_from_match(notice, (), [naturalised]).case_number


@pytest.fixture()
def nyc(web: WebApp) -> str:
    with web.console.unit() as session:
        for username, role in (("nyc.supervisor", Role.SUPERVISOR), ("nyc.counsel", Role.COUNSEL)):
            auth.create_user(
                session, web.console.clock, username=username, display_name=username,
                role=role, password=PASSWORD, office=OTHER_OFFICE, synthetic=True,
            )  # fmt: skip
    return _nyc_gated_case(web)


def test_reviewers_see_only_their_offices_reviews(web: WebApp, nyc: str) -> None:
    dal = web.case_at("gate_open")
    for user, own, other, office in (
        ("supervisor", dal, nyc, FIELD_OFFICE),
        ("counsel", dal, nyc, FIELD_OFFICE),
        ("nyc.supervisor", nyc, dal, OTHER_OFFICE),
        ("nyc.counsel", nyc, dal, OTHER_OFFICE),
    ):
        html = web.client(user).get("/console/reviews").text
        assert own in html and other not in html, user
        assert f"field office {office}" in html


def test_a_reviewer_is_refused_on_another_offices_case(web: WebApp, nyc: str) -> None:
    for user, action in (
        ("supervisor", "record_supervisor_review"),
        ("counsel", "record_counsel_review"),
    ):
        client = web.client(user)
        page = client.get(f"/console/cases/{nyc}")
        assert page.status_code == 403
        assert f"acts only on cases of field office {FIELD_OFFICE}" in page.text
        token = csrf_of(client.get("/console/reviews").text)
        response = client.post(
            f"/console/cases/{nyc}/actions/{action}",
            data={"csrf_token": token, "finding": "citizenship_not_established",
                  "reason": "acting on another office's case"},
        )  # fmt: skip
        assert response.status_code == 403, user
        assert f"case {nyc} belongs to field office {OTHER_OFFICE}" in response.text
    assert web.case(nyc).state.value == "citizenship_review"
    # the office's own supervisor works it
    own = web.client("nyc.supervisor")
    page = own.get(f"/console/cases/{nyc}")
    assert page.status_code == 200 and 'data-action="record_supervisor_review"' in page.text


def test_an_officer_queue_stays_in_its_office_and_the_auditor_sees_all(
    web: WebApp, nyc: str
) -> None:
    officer = web.client("ice.officer").get("/console/queue?office=all").text
    assert nyc not in officer and NYC_NAME not in officer
    assert f"<option>{OTHER_OFFICE}</option>" not in officer  # not even offered as a filter
    assert web.case_at("gate_open") in officer
    auditor = web.client("auditor").get("/console/queue?office=all").text
    assert nyc in auditor and web.case_at("gate_open") in auditor
    assert f"<option>{OTHER_OFFICE}</option>" in auditor


def test_an_office_bound_user_needs_an_office(web: WebApp) -> None:
    with web.console.unit() as session:
        for role in (Role.ICE_OFFICER, Role.SUPERVISOR, Role.COUNSEL):
            with pytest.raises(FormError, match="needs the field office"):
                auth.create_user(
                    session, web.console.clock, username=f"hq.{role.value}",
                    display_name="HQ", role=role, password=PASSWORD, office=" ",
                )  # fmt: skip
        user = auth.create_user(
            session, web.console.clock, username="hq.lesc", display_name="LESC",
            role=Role.LESC_SPECIALIST, password=PASSWORD,
        )  # fmt: skip
        assert user.office == ""
