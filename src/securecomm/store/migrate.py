"""The schema: migrations shipped in the package, run only when an operator asks for them.

Application code never migrates. :func:`open_database` — the system's one way in — checks that
the database is at the schema this build needs and refuses clearly otherwise ("run `securecomm
db upgrade`"). Only the setup commands migrate, through :func:`upgrade`: ``securecomm db
upgrade``, and the commands that create a home (``world seed``, ``demo``, ``up``, ``population
seed``, and ``submit`` without ``--url``, the embedded all-in-one path). Upgrades are serialised
— an advisory lock on PostgreSQL, a lock file beside the SQLite file — so two setup commands
started together do not race.
"""

from __future__ import annotations

import fcntl
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, Engine, make_url, text
from sqlalchemy.orm import Session, sessionmaker

from securecomm.config import Settings
from securecomm.errors import ConfigError
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
    """The system's one way in: engine and sessions on the configured database, which must be at
    the schema this build needs (:class:`SchemaNotCurrentError` otherwise; nothing is changed)."""
    url = make_url(settings.effective_database_url)
    file = url.database if url.get_backend_name() == "sqlite" else None
    if file not in (None, "", ":memory:") and not Path(str(file)).exists():
        raise SchemaNotCurrentError(  # checked first: connecting would leave an empty file
            f"no database at {file} (SECURECOMM_HOME is {settings.home}): run `securecomm db "
            "upgrade` to create it, or point SECURECOMM_HOME at the system's home"
        )
    engine = make_engine(settings.effective_database_url)
    try:
        require_current(engine)
    except BaseException:
        engine.dispose()
        raise
    return engine, make_session_factory(engine)


def upgrade_database(settings: Settings) -> tuple[Engine, sessionmaker[Session]]:
    """For setup commands only: migrate the configured database to head, then open it."""
    upgrade(settings.effective_database_url)
    return open_database(settings)


def head() -> str:
    """The revision this build's schema is at."""
    from alembic.script import ScriptDirectory

    revision = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert revision is not None, "the package ships no migrations"
    return revision


class SchemaNotCurrentError(ConfigError):
    """The database is not at the schema this build needs (new, older, or newer)."""


def require_current(engine: Engine) -> None:
    at, needed = current(engine), head()
    if at == needed:
        return
    where = engine.url.render_as_string(hide_password=True)
    if at is None:
        state = "has no securecomm schema yet (a new database)"
    elif _is_known(at):
        state = f"is at schema revision {at}"
    else:
        state = f"is at schema revision {at}, which this build does not know (a newer build?)"
        raise SchemaNotCurrentError(
            f"the database {where} {state}; this build needs {needed}: use the securecomm "
            "that migrated it"
        )
    raise SchemaNotCurrentError(
        f"the database {where} {state}; this build needs {needed}: run `securecomm db upgrade` "
        "(with the same SECURECOMM_HOME / SECURECOMM_DATABASE_URL) first"
    )


def _is_known(revision: str) -> bool:
    from alembic.script import ScriptDirectory

    try:
        return ScriptDirectory.from_config(alembic_config()).get_revision(revision) is not None
    except Exception:  # alembic raises its own errors for unknown ids
        return False


def current(engine_or_url: Engine | str) -> str | None:
    """The revision the database is at (None for a database never migrated)."""
    from alembic.runtime.migration import MigrationContext

    engine = make_engine(engine_or_url) if isinstance(engine_or_url, str) else engine_or_url
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()
