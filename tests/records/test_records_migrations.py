"""``alembic upgrade head`` on an empty database gives exactly the models' schema."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, MetaData, inspect

import securecomm.interop
import securecomm.records
from securecomm.store.database import Base
from securecomm.store.migrate import current

del securecomm

#: The tables migration 0001 owns (the enforcement layer's come in a later migration).
OWNED_MODULES = ("securecomm.records", "securecomm.interop")


def _owned_metadata() -> MetaData:
    owned = MetaData(naming_convention=Base.metadata.naming_convention)
    for mapper in Base.registry.mappers:
        if mapper.class_.__module__.startswith(OWNED_MODULES):
            mapper.local_table.to_metadata(owned)  # type: ignore[union-attr]
    return owned


def test_upgrade_head_produces_the_models_schema(engine: Engine) -> None:
    assert current(engine) == "0001"
    owned = _owned_metadata()
    assert {"submissions", "jobs", "outbox_messages", "field_office_notices"} <= set(owned.tables)
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, owned)
        tables = set(inspect(connection).get_table_names())
    assert differences == []
    assert set(owned.tables) <= tables
