"""``securecomm db``: the schema of the home's database — where it is, and the upgrade.

The server and the workers never migrate (``store.migrate``): an operator runs ``securecomm db
upgrade`` after installing a new build, before starting them, and they refuse a database that
is not at their schema until then.
"""

from __future__ import annotations

import typer

from securecomm.cli.output import console, user_errors
from securecomm.config import Settings
from securecomm.store import migrate
from securecomm.store.database import make_engine

app = typer.Typer(no_args_is_help=True, help="The database schema: status and upgrade.")


def _where(settings: Settings) -> str:
    return make_engine(settings.effective_database_url).url.render_as_string(hide_password=True)


@app.command("upgrade")
@user_errors
def upgrade() -> None:
    """Migrate the home's database to this build's schema (creating it if new)."""
    settings = Settings.from_env()
    before = migrate.current(settings.effective_database_url)
    migrate.upgrade(settings.effective_database_url)
    after = migrate.current(settings.effective_database_url)
    if before == after:
        console.print(f"{_where(settings)}: already at schema {after}")
    else:
        console.print(f"{_where(settings)}: schema {before or '(new)'} → {after}")


@app.command("status")
@user_errors
def status() -> None:
    """The schema revision of the home's database and the one this build needs; exit 1 when
    they differ."""
    settings = Settings.from_env()
    at, needed = migrate.current(settings.effective_database_url), migrate.head()
    console.print(f"{_where(settings)}: schema {at or '(none)'}; this build needs {needed}")
    if at != needed:
        console.print("run `securecomm db upgrade`")
        raise typer.Exit(1)
