"""The same models, triggers and chain on PostgreSQL (runs when DATABASE_URL points at one).

Each test works in a schema of its own, dropped afterwards, so it never touches other tables.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from datetime import timedelta

import pytest
from enforcement_support import BOOKING, OFFICER, Flow
from sqlalchemy import create_engine, text
from sqlalchemy.exc import DBAPIError

from securecomm.clock import FixedClock
from securecomm.enforcement.cases import CaseWork
from securecomm.enforcement.commands import RecordJailResponse, TransferCustody
from securecomm.enforcement.vocabulary import CaseState, JailAnswer
from securecomm.store.database import Base

URL = os.environ.get("DATABASE_URL", "")
pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        not URL.startswith("postgresql"), reason="DATABASE_URL does not point at PostgreSQL"
    ),
]


@pytest.fixture()
def schema() -> str:
    return f"enf_{uuid.uuid4().hex[:12]}"


@pytest.fixture()
def pg_flow(clock: FixedClock, schema: str) -> Iterator[Flow]:
    admin = create_engine(URL)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    engine = create_engine(URL, connect_args={"options": f"-csearch_path={schema}"})
    try:
        Base.metadata.create_all(engine)
        yield Flow(CaseWork.from_engine(engine, clock), clock)
    finally:
        engine.dispose()
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def test_detainer_path_and_chain_on_postgres(pg_flow: Flow) -> None:
    cn = pg_flow.detained_request()
    pg_flow.work.handle(
        RecordJailResponse(cn, answer=JailAnswer.HONOURED, answered_by="jail shift supervisor"),
        BOOKING,
    )
    pg_flow.clock.advance(timedelta(days=2, hours=1))
    pg_flow.work.handle(TransferCustody(cn), OFFICER)
    assert pg_flow.work.read_case(OFFICER, cn).state is CaseState.TRANSFERRED
    assert pg_flow.work.verify_audit().intact


def test_postgres_trigger_refuses_edits_and_chain_detects_them(pg_flow: Flow) -> None:
    pg_flow.reviewed()
    with pytest.raises(DBAPIError, match="append-only"), pg_flow.work.factory() as s, s.begin():
        s.execute(text("UPDATE audit_entries SET actor = 'x' WHERE seq = 2"))
    with pg_flow.work.factory() as s, s.begin():
        s.execute(text("DROP TRIGGER audit_entries_no_change ON audit_entries"))
        s.execute(text("DELETE FROM audit_entries WHERE seq = 3"))
    report = pg_flow.work.verify_audit()
    assert report.broken_seq == 3 and "missing" in report.problem


def test_audit_verify_cli_on_postgres(
    pg_flow: Flow, schema: str, monkeypatch: pytest.MonkeyPatch, home: object
) -> None:
    from typer.testing import CliRunner

    from securecomm.cli.audit import app

    pg_flow.reviewed()
    n = pg_flow.work.verify_audit().checked
    # A home of its own (``home``): verify signs a tree head into the home's checkpoint file.
    monkeypatch.setenv("SECURECOMM_DATABASE_URL", f"{URL}?options=-csearch_path%3D{schema}")
    result = CliRunner().invoke(app, ["verify"])
    assert result.exit_code == 0, result.output
    assert f"audit log intact: {n} entries checked" in result.output
    with pg_flow.work.factory() as s, s.begin():
        s.execute(text("DROP TRIGGER audit_entries_no_change ON audit_entries"))
        s.execute(text("UPDATE audit_entries SET role = 'supervisor' WHERE seq = 5"))
    result = CliRunner().invoke(app, ["verify"])
    assert result.exit_code == 1 and "entry #5" in result.output
