"""``securecomm cases``: the cases on this home, as the operator reads them.

The operator (whoever holds the home's database) reads as an auditor would — every case, never
a change — and each reading is in the audit log under ``cli:<user>``.

- ``list [--json] [--office ORI]``: one row per case, with every booking TCN joined to it;
- ``show CASE``: one case, with its convictions and its history.
"""

from __future__ import annotations

import getpass
import json
from typing import Annotated

import typer
from rich.table import Table

from securecomm.cli.output import console, user_errors
from securecomm.config import Settings
from securecomm.enforcement.cases import CaseWork
from securecomm.enforcement.roles import Principal, Role

app = typer.Typer(help="The cases on this home (read-only, audited).", no_args_is_help=True)


def _operator() -> Principal:
    return Principal(f"cli:{getpass.getuser()}", Role.AUDITOR)


@app.command("list")
@user_errors
def list_command(
    as_json: Annotated[bool, typer.Option("--json", help="One JSON array on stdout.")] = False,
    office: Annotated[
        str | None, typer.Option(help="Only the cases of this field office (ORI).")
    ] = None,
) -> None:
    """List every case: case, booking TCNs, state, level, field office."""
    work = CaseWork.from_settings(Settings.from_env())
    cases = work.list_cases(_operator(), office=office or "")
    if as_json:
        typer.echo(json.dumps([c.as_json() for c in cases], indent=2))
        return
    table = Table("case", "TCN(s)", "state", "level", "office", "jail", "subject")
    for c in cases:
        table.add_row(
            c.case_id, "\n".join(c.tcn), c.state, f"Level {c.level}" if c.level else "—",
            c.office, c.facility_ori, c.subject_name,
        )  # fmt: skip
    console.print(table)
    console.print(f"{len(cases)} case(s)")


@app.command("show")
@user_errors
def show(case_id: Annotated[str, typer.Argument(help="The case number.")]) -> None:
    """One case: who, which bookings, state and level, convictions, history."""
    work = CaseWork.from_settings(Settings.from_env())
    view = work.read_case(_operator(), case_id)
    facts = Table.grid(padding=(0, 2))
    for label, value in (
        ("case", view.case_number),
        ("state", view.state.value),
        ("level", f"Level {view.level} ({view.level_deciding_code})" if view.level else "—"),
        ("subject", f"{view.subject_name} · FIN {view.subject_fin}"),
        ("field office", view.field_office),
        ("booking", f"{view.booking_ori} {view.booking_tcn} at {view.booked_at:%Y-%m-%d %H:%M}"),
        *(("later booking", f"{b.booking_ori} {b.booking_tcn}") for b in view.later_bookings),
        ("IDENT", view.ident_summary),
        ("citizenship gate", "open" if view.citizenship_gate_open else "closed"),
        ("reentry referral", "open" if view.reentry_referral_open else "—"),
        ("detainer", view.detainer_number or "—"),
    ):
        facts.add_row(label, value)
    console.print(facts)
    if view.offenses:
        offenses = Table("NCIC", "disposition", "date", "sentence (days)", "level")
        for o in view.offenses:
            offenses.add_row(
                o.ncic_code or "—", o.disposition.value, o.offense_date.isoformat(),
                str(o.sentence_days or "—"), str(o.level or "—"),
            )  # fmt: skip
        console.print(offenses)
    history = Table("#", "at (UTC)", "who", "role", "what")
    for seq, at, actor, role, action in view.timeline:
        history.add_row(str(seq), at.strftime("%Y-%m-%d %H:%M"), actor, role, action)
    console.print(history)
