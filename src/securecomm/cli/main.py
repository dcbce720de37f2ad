"""The ``securecomm`` command: one Typer app, one sub-command module per capability.

Each module under ``securecomm.cli`` defines its commands on its own Typer app (or a function)
and is registered here, in one place.
"""

from __future__ import annotations

import typer

from securecomm.cli import afis, audit, demo, synth
from securecomm.cli import agency as agency_cli
from securecomm.cli import ansinist as ansinist_cli
from securecomm.cli import cases as cases_cli
from securecomm.cli import db as db_cli
from securecomm.cli import population as population_cli
from securecomm.cli import serve as serve_cli
from securecomm.cli import simulate as simulate_cli
from securecomm.cli import submit as submit_cli
from securecomm.cli import up as up_cli
from securecomm.cli import worker as worker_cli
from securecomm.cli import world as world_cli

app = typer.Typer(
    name="securecomm",
    help="Secure Communities: biometric interoperability, prioritisation, case work, planning.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)


@app.callback()
def _root() -> None:
    """Secure Communities: biometric interoperability, prioritisation, case work, planning."""


app.command("demo")(demo.demo)
app.add_typer(afis.app, name="afis")
app.add_typer(ansinist_cli.app, name="ansinist")
app.add_typer(audit.app, name="audit")
app.command("simulate")(simulate_cli.simulate)
app.add_typer(simulate_cli.plan_app, name="plan")
app.command("submit")(submit_cli.submit_command)
app.add_typer(synth.app, name="synth")
app.command("worker")(worker_cli.worker)
app.command("serve")(serve_cli.serve)
app.command("up")(up_cli.up)
app.add_typer(agency_cli.app, name="agency")
app.add_typer(db_cli.app, name="db")
app.add_typer(population_cli.app, name="population")
app.add_typer(world_cli.app, name="world")
app.add_typer(cases_cli.app, name="cases")


def main() -> None:  # pragma: no cover - console entry
    app()
