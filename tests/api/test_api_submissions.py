"""The REST API: agency keys, intake with exact 4xx errors, a jail reads only its own answers."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from securecomm import ansinist
from securecomm.api import create_app
from securecomm.clock import FixedClock
from securecomm.config import Settings
from securecomm.interop import Submission
from securecomm.interop.service import pipeline_context
from securecomm.interop.steps import STEPS
from securecomm.interop.testing import booking_variant
from securecomm.interop.worker import run_worker
from securecomm.records import AgencyKind, AgencyRepository, issue_api_key
from securecomm.store.database import unit_of_work


@pytest.fixture()
def client(database_url: str, tmp_path: Path, clock: FixedClock) -> Iterator[TestClient]:
    from securecomm.interop.testing import fresh_database

    fresh_database(database_url).dispose()
    settings = Settings(home=tmp_path / "home", database_url=database_url)
    app = create_app(settings, clock=clock)
    with TestClient(app) as test_client:
        yield test_client
    app.state.engine.dispose()


@pytest.fixture()
def keys(client: TestClient, clock: FixedClock) -> dict[str, str]:
    factory = client.app.state.session_factory  # type: ignore[attr-defined]
    out = {}
    with unit_of_work(factory) as session:
        agencies = AgencyRepository(session)
        for ori, state in (("VA0010000", "VA"), ("TX0020000", "TX")):
            agencies.add(
                ori=ori, name=f"TEST JAIL {ori}", state=state, kind=AgencyKind.JAIL,
                created_at=clock.now(), synthetic=True,
            )  # fmt: skip
            out[ori] = issue_api_key(session, ori, now=clock.now())
    return out


def _auth(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}", "Content-Type": "application/octet-stream"}


def _rows(client: TestClient) -> int:
    with client.app.state.session_factory() as session:  # type: ignore[attr-defined]
        return int(session.scalar(select(func.count()).select_from(Submission)) or 0)


def test_submit_answers_with_tcn_and_is_idempotent(
    client: TestClient, keys: dict[str, str], car_template: bytes
) -> None:
    raw = booking_variant(car_template, tcn="VA-T1-00000", ori="VA0010000")
    first = client.post("/submissions", content=raw, headers=_auth(keys["VA0010000"]))
    again = client.post("/submissions", content=raw, headers=_auth(keys["VA0010000"]))
    assert first.status_code == again.status_code == 202
    assert first.json() == {"tcn": "VA-T1-00000", "ori": "VA0010000", "tot": "CAR", "created": True}
    assert again.json()["created"] is False
    assert _rows(client) == 1


def test_bad_input_gets_4xx_with_exact_message_and_nothing_stored(
    client: TestClient, keys: dict[str, str], car_template: bytes
) -> None:
    raw = booking_variant(car_template, tcn="VA-T-2-000000", ori="VA0010000")[:-100]
    response = client.post("/submissions", content=raw, headers=_auth(keys["VA0010000"]))
    assert response.status_code == 400
    assert response.json()["detail"].startswith("record 2 (Type-4), field 4.001, byte offset")
    assert _rows(client) == 0


@pytest.mark.parametrize("value", ["NaN", "inf", "1" * 400])
def test_non_finite_resolution_gets_4xx_naming_the_field_not_500(
    client: TestClient, keys: dict[str, str], car_template: bytes, value: str
) -> None:
    raw = booking_variant(car_template, tcn="VA-T-NAN-00000", ori="VA0010000")
    tx = ansinist.read(raw)
    for field_no in (11, 12):
        type1 = tx.type1.with_field(ansinist.Field.text(field_no, value))
        bad = ansinist.write(ansinist.Transaction.of([type1, *tx.records[1:]]))
        response = client.post("/submissions", content=bad, headers=_auth(keys["VA0010000"]))
        assert response.status_code == 400, response.text
        detail = response.json()["detail"]
        assert f"record 0 (Type-1), field 1.0{field_no}, byte offset" in detail
    assert _rows(client) == 0


def test_unauthenticated_and_wrong_ori_are_refused(
    client: TestClient, keys: dict[str, str], car_template: bytes
) -> None:
    raw = booking_variant(car_template, tcn="VA-T-3-000000", ori="VA0010000")
    assert client.post("/submissions", content=raw).status_code == 401
    bad_key = client.post("/submissions", content=raw, headers=_auth("VA0010000.nope"))
    assert bad_key.status_code == 401 and "unknown or revoked" in bad_key.json()["detail"]
    other = client.post("/submissions", content=raw, headers=_auth(keys["TX0020000"]))
    assert other.status_code == 403
    assert "submits only under its own ORI" in other.json()["detail"]
    assert _rows(client) == 0


def test_a_jail_reads_only_its_own_answers(
    client: TestClient, keys: dict[str, str], car_template: bytes, tmp_path: Path
) -> None:
    raw = booking_variant(car_template, tcn="VA-T-4-000000", ori="VA0010000", damage_images=True)
    assert (
        client.post("/submissions", content=raw, headers=_auth(keys["VA0010000"])).status_code
        == 202
    )
    factory = client.app.state.session_factory  # type: ignore[attr-defined]
    context = pipeline_context(Settings(home=tmp_path / "home"))
    run_worker(factory, context, STEPS, worker="test", until_idle=True)
    context.components.galleries.close()
    own = client.get("/submissions/VA-T-4-000000", headers=_auth(keys["VA0010000"]))
    assert own.status_code == 200
    body = own.json()
    assert body["answer"]["tot"] == "ERRT"
    assert "image data cannot be decoded" in body["answer"]["content"]
    assert [m["kind"] for m in body["messages"]] == ["ERRT"]
    foreign = client.get("/submissions/VA-T-4-000000", headers=_auth(keys["TX0020000"]))
    assert foreign.status_code == 404
    assert foreign.json()["detail"] == "agency TX0020000 has no submission with TCN 'VA-T-4-000000'"


def test_openapi_schema_lists_the_routes(client: TestClient) -> None:
    schema = client.get("/openapi.json").json()
    assert "/submissions" in schema["paths"] and "/submissions/{tcn}" in schema["paths"]
    body = schema["paths"]["/submissions"]["post"]["requestBody"]["content"]
    assert "application/octet-stream" in body
