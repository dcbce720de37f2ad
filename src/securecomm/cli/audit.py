"""``securecomm audit``: verify the hash-chained audit log, and show a subject's entries.

``verify`` exits 0 printing the number of entries checked when the chain is intact, 1 naming
the first broken entry when any entry was edited, deleted or reordered, and 2 when there is
nothing to verify (no database, or an empty log): a check that checked nothing never says
"intact".
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table
from sqlalchemy.engine import make_url

from securecomm.cli.output import console, err_console, user_errors
from securecomm.config import Settings
from securecomm.enforcement import audit as audit_log
from securecomm.store.database import make_engine, make_session_factory

app = typer.Typer(help="The append-only, hash-chained audit log.", no_args_is_help=True)

BROKEN_EXIT = 1
NOTHING_TO_VERIFY_EXIT = 2


def _missing_sqlite_file(url: str) -> Path | None:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        path = Path(str(parsed.database))
        return None if path.exists() else path
    return None


@app.command("verify")
@user_errors
def verify() -> None:
    """Walk the whole chain; exit 1 naming the first broken entry, 2 if there is nothing to
    verify."""
    settings = Settings.from_env()
    url = settings.effective_database_url
    missing = _missing_sqlite_file(url)
    if missing is not None:
        err_console.print(
            f"[bold red]nothing to verify[/]: no database at {missing} (SECURECOMM_HOME is "
            f"{settings.home}; set it, or SECURECOMM_DATABASE_URL, to the system's home)",
            highlight=False,
        )
        raise typer.Exit(NOTHING_TO_VERIFY_EXIT)
    engine = make_engine(url)
    try:
        with make_session_factory(engine)() as session:
            report = audit_log.verify_chain(session)
    finally:
        engine.dispose()
    if report.intact and report.checked == 0:
        err_console.print(
            "[bold red]nothing to verify[/]: the audit log is empty (no case work has been "
            "recorded in this database)",
            highlight=False,
        )
        raise typer.Exit(NOTHING_TO_VERIFY_EXIT)
    if report.intact:
        console.print(f"audit log intact: {report.checked} entries checked")
        return
    err_console.print(
        f"[bold red]audit log broken[/] at entry #{report.broken_seq}: {report.problem} "
        f"({report.checked} entries verified before it)",
        highlight=False,
    )
    raise typer.Exit(BROKEN_EXIT)


@app.command("show")
@user_errors
def show(
    subject: Annotated[str, typer.Argument(help="A case number or other subject.")],
) -> None:
    """The entries about one subject, oldest first."""
    engine = make_engine(Settings.from_env().effective_database_url)
    try:
        with make_session_factory(engine)() as session:
            entries = audit_log.entries_for(session, subject)
    finally:
        engine.dispose()
    table = Table("#", "at (UTC)", "actor", "role", "action", "details")
    for e in entries:
        table.add_row(str(e.seq), e.at.isoformat(timespec="seconds"), e.actor, e.role, e.action,
                      e.details[:120])  # fmt: skip
    console.print(table)
    console.print(f"{len(entries)} entries")
