"""``alembic upgrade head`` on an empty database gives exactly the models' schema — every
table of every layer — and the audit log's append-only triggers."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, inspect, text
from sqlalchemy.exc import DatabaseError

import securecomm.enforcement.models
import securecomm.interop
import securecomm.records
import securecomm.web.models
from securecomm.store.database import Base
from securecomm.store.migrate import alembic_config, current

del securecomm  # imported for their tables only


def test_upgrade_head_produces_the_models_schema(engine: Engine) -> None:
    assert current(engine) == ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert current(engine) is not None
    assert {
        "submissions",
        "jobs",
        "enforcement_cases",
        "enforcement_case_bookings",
        "audit_entries",
        "console_users",
    } <= set(Base.metadata.tables)
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, Base.metadata)
        tables = set(inspect(connection).get_table_names())
    assert differences == []
    assert set(Base.metadata.tables) <= tables


def test_the_audit_log_is_append_only_in_the_database(engine: Engine) -> None:
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO audit_entries (seq, at, actor, role, action, subject, details,"
                " prev_hash, entry_hash) VALUES (1, CURRENT_TIMESTAMP, 'a', 'auditor', 'x',"
                " 's', '{}', :p, :h)"
            ),
            {"p": "0" * 64, "h": "1" * 64},
        )
    for statement in ("UPDATE audit_entries SET actor = 'b'", "DELETE FROM audit_entries"):
        with pytest.raises(DatabaseError, match="append-only"), engine.begin() as connection:
            connection.execute(text(statement))
