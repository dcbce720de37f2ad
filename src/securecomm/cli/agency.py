"""``securecomm agency``: register agencies and issue their API keys."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from securecomm.cli.output import console, user_errors
from securecomm.clock import SystemClock
from securecomm.config import Settings
from securecomm.records import AgencyKind, AgencyRepository, issue_api_key, revoke_api_keys
from securecomm.records.agencies import Agency
from securecomm.store.database import unit_of_work
from securecomm.store.migrate import open_database

app = typer.Typer(help="Agencies (by ORI) and their API keys.", no_args_is_help=True)


@app.command("add")
@user_errors
def add(
    ori: Annotated[str, typer.Argument(help="Nine-character ORI, e.g. VA0010000.")],
    name: Annotated[str, typer.Option(help="Agency name.")],
    state: Annotated[str, typer.Option(help="Two-letter state code.")],
    kind: Annotated[AgencyKind, typer.Option(help="What the agency is.")] = AgencyKind.JAIL,
    county: Annotated[str | None, typer.Option(help="County, for jails.")] = None,
    field_office: Annotated[
        str | None, typer.Option(help="ORI of the ICE field office that works its matches.")
    ] = None,
) -> None:
    """Register an agency."""
    engine, factory = open_database(Settings.from_env())
    try:
        with unit_of_work(factory) as session:
            agency = AgencyRepository(session).add(
                ori=ori, name=name, state=state, kind=kind, county=county,
                field_office_ori=field_office, created_at=SystemClock().now(),
            )  # fmt: skip
            console.print(f"registered {agency.ori} ({agency.kind.value}): {agency.name}")
    finally:
        engine.dispose()


@app.command("key")
@user_errors
def key(
    ori: Annotated[str, typer.Argument(help="The agency's ORI.")],
    revoke: Annotated[bool, typer.Option("--revoke", help="Revoke every key instead.")] = False,
) -> None:
    """Issue an API key (printed once; only its digest is stored), or revoke all keys."""
    engine, factory = open_database(Settings.from_env())
    try:
        with unit_of_work(factory) as session:
            now = SystemClock().now()
            if revoke:
                count = revoke_api_keys(session, ori, now=now)
                console.print(f"revoked {count} key(s) of {ori.upper()}")
            else:
                typer.echo(issue_api_key(session, ori, now=now))
    finally:
        engine.dispose()


@app.command("list")
@user_errors
def list_agencies() -> None:
    """List registered agencies."""
    engine, factory = open_database(Settings.from_env())
    try:
        with factory() as session:
            table = Table("ORI", "kind", "name", "state", "field office", "synthetic")
            for agency in session.query(Agency).order_by(Agency.ori):
                table.add_row(
                    agency.ori, agency.kind.value, agency.name, agency.state,
                    agency.field_office_ori or "", "yes" if agency.synthetic else "",
                )  # fmt: skip
            console.print(table)
    finally:
        engine.dispose()
