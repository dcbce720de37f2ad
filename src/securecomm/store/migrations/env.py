"""Alembic environment: the URL comes from Settings (or a connection handed in by
``securecomm.store.migrate``); the target schema is every table of every layer.

This is the one place in ``store`` that imports the layers above it, through the composition
root (``securecomm.system``, which owns every layer's tables): the migration environment must
see all models to compare them with the database. Nothing else in ``store`` does.
"""

from __future__ import annotations

from typing import Any, Literal

from alembic import context
from sqlalchemy import Connection

from securecomm.config import Settings
from securecomm.store.columns import UtcDateTime
from securecomm.store.database import make_engine
from securecomm.system import METADATA

config = context.config
target_metadata = METADATA


def render_item(type_: str, obj: Any, autogen_context: Any) -> str | Literal[False]:
    """Render our column types as plain SQLAlchemy ones, so migrations stand alone."""
    if type_ == "type" and isinstance(obj, UtcDateTime):
        return "sa.DateTime(timezone=True)"
    return False


def _configure(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_item=render_item,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _configure(connection)
        return
    url = config.get_main_option("sqlalchemy.url") or Settings.from_env().effective_database_url
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            _configure(conn)
            conn.commit()
    finally:
        engine.dispose()


if context.is_offline_mode():
    raise SystemExit("offline (SQL script) migrations are not supported; run against a database")
run()
