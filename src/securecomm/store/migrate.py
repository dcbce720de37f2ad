"""Bring a database to the newest schema with the migrations shipped in the package.

Processes started together on a new home (``securecomm up``: the server and its workers) all
upgrade it; the upgrades are serialised — an advisory lock on PostgreSQL, a lock file beside
the SQLite file — so the first migrates and the others find the schema at head.
"""

from __future__ import annotations

import fcntl
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, Engine, text
from sqlalchemy.orm import Session, sessionmaker

from securecomm.config import Settings
from securecomm.store.database import make_engine, make_session_factory

ALEMBIC_INI = Path(__file__).with_name("alembic.ini")


def alembic_config() -> Config:
    config = Config(str(ALEMBIC_INI))
    config.set_main_option("script_location", str(ALEMBIC_INI.parent / "migrations"))
    return config


def upgrade(engine_or_url: Engine | str, revision: str = "head") -> None:
    """Run every migration up to ``revision`` on the database (SQLite file or PostgreSQL)."""
    engine = make_engine(engine_or_url) if isinstance(engine_or_url, str) else engine_or_url
    try:
        with _one_at_a_time(engine), engine.begin() as connection:
            _lock_postgres(connection)
            config = alembic_config()
            config.attributes["connection"] = connection
            command.upgrade(config, revision)
    finally:
        if isinstance(engine_or_url, str):
            engine.dispose()


#: Any constant shared by every securecomm process: the advisory lock of the migrations.
_PG_MIGRATION_LOCK = 0x5EC0C0


def _lock_postgres(connection: Connection) -> None:
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_MIGRATION_LOCK})


@contextmanager
def _one_at_a_time(engine: Engine) -> Iterator[None]:
    """An exclusive lock file beside a SQLite database file (nothing for other databases)."""
    database = engine.url.database
    if engine.dialect.name != "sqlite" or database in (None, "", ":memory:"):
        yield
        return
    lock = Path(database).with_name(Path(database).name + ".migrate-lock")
    lock.parent.mkdir(parents=True, exist_ok=True)
    with lock.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield


def open_database(settings: Settings) -> tuple[Engine, sessionmaker[Session]]:
    """The system's one way in: engine and sessions on the configured database, brought to the
    newest schema (serialised across processes, see above)."""
    engine = make_engine(settings.effective_database_url)
    upgrade(engine)
    return engine, make_session_factory(engine)


def current(engine_or_url: Engine | str) -> str | None:
    """The revision the database is at (None for a database never migrated)."""
    from alembic.runtime.migration import MigrationContext

    engine = make_engine(engine_or_url) if isinstance(engine_or_url, str) else engine_or_url
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()
