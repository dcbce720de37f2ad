"""The served OpenAPI schema against the API itself: schemathesis, a bounded number of cases.

Every operation of ``/openapi.json`` gets ``max_examples`` generated requests (deterministic:
``derandomize``), sent in turn with the agency's key as a bearer token, as ``X-API-Key``, with
another agency's key, with an unknown key, and with whatever schemathesis generates; a POST is
sometimes given a real booking (202), the same TCN with other bytes (409), a truncated one
(400) or a body over the size limit (413). Every answer must be no 5xx and conform to the
schema: a documented status code, content type, headers and body.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from pathlib import Path

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from securecomm.api import create_app
from securecomm.clock import FixedClock
from securecomm.config import Settings
from securecomm.enforcement import Role
from securecomm.interop.testing import booking_variant, fresh_database
from securecomm.records import AgencyKind, AgencyRepository, issue_api_key
from securecomm.store.database import unit_of_work
from securecomm.web.auth import create_user

#: Request bodies over this are refused with 413 in this test (the default limit is 64 MB).
BODY_LIMIT = 64 * 1024
KNOWN_TCN = "VA0010000-20110301-0001"
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]


class Requests:
    """What each generated case is sent with, in turn (periods 5 and 6: every pairing occurs)."""

    AUTH = ("bearer", "x-api-key", "other agency", "unknown", "as generated")
    BODIES = ("generated", "booking", "other bytes", "truncated", "big", "booking")

    def __init__(self, keys: dict[str, str], car_template: bytes) -> None:
        self.keys = keys
        self.car = car_template
        self.auth = itertools.cycle(self.AUTH)
        self.bodies = itertools.cycle(self.BODIES)
        self.serial = itertools.count()
        self.last_tcn = "VA-SCHEMA-00000"

    def authenticate(self, case: schemathesis.Case) -> None:
        mode = next(self.auth)
        if mode == "as generated":
            return
        for name in [h for h in case.headers or {} if h.lower() in ("authorization", "x-api-key")]:
            del case.headers[name]
        own = self.keys["VA0010000"]
        case.headers = {
            **(case.headers or {}),
            **{
                "bearer": {"Authorization": f"Bearer {own}"},
                "x-api-key": {"X-API-Key": own},
                "other agency": {"Authorization": f"Bearer {self.keys['TX0020000']}"},
                "unknown": {"Authorization": "Bearer VA0010000.unknown"},
            }[mode],
        }

    def body(self, generated: object) -> object:
        mode = next(self.bodies)
        if mode == "booking":
            self.last_tcn = f"VA-SCHEMA-{next(self.serial):05d}"
            return booking_variant(self.car, tcn=self.last_tcn, ori="VA0010000")
        if mode == "other bytes":  # the TCN last submitted, with another body
            return booking_variant(self.car, tcn=self.last_tcn, ori="VA0010000", damage_images=True)
        if mode == "truncated":
            return booking_variant(self.car, tcn="VA-SCHEMA-CUT", ori="VA0010000")[:-100]
        if mode == "big":
            return bytes(BODY_LIMIT + 1)
        return generated

    def path(self, generated: dict[str, object]) -> dict[str, object]:
        """Every other GET asks for the one TCN that exists (200 for its agency)."""
        if next(self.serial) % 2:
            return {**generated, "tcn": KNOWN_TCN}
        return generated


@pytest.fixture()
def served(
    database_url: str, tmp_path: Path, clock: FixedClock, car_template: bytes
) -> Iterator[tuple[TestClient, Requests]]:
    fresh_database(database_url).dispose()
    settings_ = Settings(home=tmp_path / "home", database_url=database_url)
    app = create_app(settings_, clock=clock, max_submission_bytes=BODY_LIMIT)
    with TestClient(app) as client:
        keys = {}
        with unit_of_work(app.state.session_factory) as session:
            agencies = AgencyRepository(session)
            for ori, state in (("VA0010000", "VA"), ("TX0020000", "TX")):
                agencies.add(
                    ori=ori, name=f"TEST JAIL {ori}", state=state, kind=AgencyKind.JAIL,
                    created_at=clock.now(), synthetic=True,
                )  # fmt: skip
                keys[ori] = issue_api_key(session, ori, now=clock.now())
            create_user(
                session, clock, username=STAFF, display_name="Schema test officer",
                role=Role.ICE_OFFICER, password=STAFF_PASSWORD, office="VAICE0000",
                synthetic=True,
            )  # fmt: skip
        requests = Requests(keys, car_template)
        # one submission, so that GET answers 200 too
        known = booking_variant(car_template, tcn=KNOWN_TCN, ori="VA0010000")
        own = {"Authorization": f"Bearer {keys['VA0010000']}"}
        answer = client.post("/submissions", content=known, headers=own)
        assert answer.status_code == 202, answer.text
        yield client, requests
    app.state.engine.dispose()


@pytest.fixture()
def api_schema(served: tuple[TestClient, Requests]) -> schemathesis.BaseSchema:
    """The schema the app serves at /openapi.json."""
    client, _ = served
    return schemathesis.openapi.from_asgi("/openapi.json", client.app)


OPERATIONS = [("POST", "/submissions"), ("GET", "/submissions/{tcn}")]
#: The staff's case-work routes (their own test below: JSON bodies, staff tokens).
CASE_OPERATIONS = [
    ("POST", "/staff/sessions"),
    ("GET", "/cases"),
    ("GET", "/cases/{case_number}"),
    ("GET", "/cases/{case_number}/actions"),
    ("POST", "/cases/{case_number}/actions/{name}"),
]
STAFF, STAFF_PASSWORD = "schema.officer", "a long schema test password"
MODES = [GenerationMode.POSITIVE, GenerationMode.NEGATIVE]


@pytest.mark.slow
@pytest.mark.parametrize("mode", MODES, ids=[m.value for m in MODES])
@pytest.mark.parametrize("operation", OPERATIONS, ids=[f"{m} {p}" for m, p in OPERATIONS])
def test_every_answer_conforms_to_the_served_schema(
    api_schema: schemathesis.BaseSchema,
    served: tuple[TestClient, Requests],
    operation: tuple[str, str],
    mode: GenerationMode,
) -> None:
    method, path = operation
    _, requests = served
    found = {(o.method.upper(), o.path): o for o in _operations(api_schema)}
    assert set(found) == set(OPERATIONS) | set(CASE_OPERATIONS), (
        "an operation of the schema is not tested here"
    )

    @settings(
        max_examples=50,
        derandomize=True,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=found[(method, path)].as_strategy(mode))
    def run(case: schemathesis.Case) -> None:
        if method == "POST":
            case.body = requests.body(case.body)
        elif mode is GenerationMode.POSITIVE:
            case.path_parameters = requests.path(case.path_parameters)
        requests.authenticate(case)
        response = case.call_and_validate(checks=CHECKS)
        seen.add(response.status_code)

    seen: set[int] = set()
    run()
    # the rotation reaches each documented answer (422 is FastAPI's, for malformed requests)
    wanted = {202, 400, 401, 403, 409, 413} if method == "POST" else {401, 404}
    if method == "GET" and mode is GenerationMode.POSITIVE:
        wanted.add(200)
    assert wanted <= seen, seen


@pytest.mark.slow
@pytest.mark.parametrize("mode", MODES, ids=[m.value for m in MODES])
@pytest.mark.parametrize("operation", CASE_OPERATIONS, ids=[f"{m} {p}" for m, p in CASE_OPERATIONS])
def test_case_work_answers_conform_to_the_served_schema(
    api_schema: schemathesis.BaseSchema,
    served: tuple[TestClient, Requests],
    operation: tuple[str, str],
    mode: GenerationMode,
) -> None:
    """Generated requests, sent in turn with a real staff token, an agency's key (not a staff
    token), none, and as generated; a sign-in is sometimes the real account's."""
    method, path = operation
    client, requests = served
    signed_in = client.post("/staff/sessions", json={"username": STAFF, "password": STAFF_PASSWORD})
    assert signed_in.status_code == 200, signed_in.text
    token = signed_in.json()["token"]
    found = {(o.method.upper(), o.path): o for o in _operations(api_schema)}
    turns = itertools.cycle(("staff", "agency key", "none", "as generated"))

    @settings(
        max_examples=40,
        derandomize=True,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=found[(method, path)].as_strategy(mode))
    def run(case: schemathesis.Case) -> None:
        turn = next(turns)
        if turn != "as generated":
            case.headers = {
                k: v for k, v in (case.headers or {}).items() if k.lower() != "authorization"
            }
            if turn == "staff":
                case.headers["Authorization"] = f"Bearer {token}"
            elif turn == "agency key":
                case.headers["Authorization"] = f"Bearer {requests.keys['VA0010000']}"
        if path == "/staff/sessions" and turn == "staff" and mode is GenerationMode.POSITIVE:
            case.body = {"username": STAFF, "password": STAFF_PASSWORD}
        response = case.call_and_validate(checks=CHECKS)
        seen.add(response.status_code)

    seen: set[int] = set()
    run()
    # a malformed sign-in is refused before any password is checked
    wanted = {422} if path == "/staff/sessions" and mode is GenerationMode.NEGATIVE else {401}
    if mode is GenerationMode.POSITIVE and method == "GET":
        wanted.add(200 if path == "/cases" else 404)  # no case in this database
    if mode is GenerationMode.POSITIVE and path == "/staff/sessions":
        wanted.add(200)
    assert wanted <= seen, seen


def _operations(api_schema: schemathesis.BaseSchema) -> list[schemathesis.APIOperation]:
    return [result.ok() for result in api_schema.get_all_operations()]


def test_schema_declares_security_and_every_error(api_schema: schemathesis.BaseSchema) -> None:
    raw = api_schema.raw_schema
    schemes = raw["components"]["securitySchemes"]
    assert schemes["AgencyBearer"] == {
        **schemes["AgencyBearer"],
        "type": "http",
        "scheme": "bearer",
    }
    assert schemes["AgencyApiKey"]["in"] == "header"
    assert schemes["AgencyApiKey"]["name"] == "X-API-Key"
    error = {"$ref": "#/components/schemas/ErrorBody"}
    expected = {
        ("post", "/submissions"): {"202", "400", "401", "403", "409", "413"},
        ("get", "/submissions/{tcn}"): {"200", "401", "404", "422"},
    }
    for (method, path), codes in expected.items():
        operation = raw["paths"][path][method]
        assert operation["security"] == [{"AgencyBearer": []}, {"AgencyApiKey": []}]
        assert set(operation["responses"]) == codes
        for code in codes - {"200", "202", "422"}:
            body = operation["responses"][code]["content"]["application/json"]["schema"]
            assert body == error, (method, path, code)


def test_a_body_over_the_limit_is_refused_with_413(served: tuple[TestClient, Requests]) -> None:
    client, requests = served
    headers = {"Authorization": f"Bearer {requests.keys['VA0010000']}"}
    response = client.post("/submissions", content=bytes(BODY_LIMIT + 1), headers=headers)
    assert response.status_code == 413
    assert response.json() == {
        "detail": f"the request body is larger than the {BODY_LIMIT:,} bytes a submission may have"
    }
    with_key = {"X-API-Key": requests.keys["VA0010000"]}
    truncated = booking_variant(requests.car, tcn="VA-X-1", ori="VA0010000")[:-100]
    assert client.post("/submissions", content=truncated, headers=with_key).status_code == 400
