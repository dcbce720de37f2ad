"""``securecomm world``: the synthetic world on this home (``securecomm.synthetic.home``).

- ``seed [--seed S] [--background N]``: agencies, both galleries, the cast with their records,
  and a console account per role; running it again on the same home does nothing;
- ``seed --history``: the same world, seeded five months back, and the console's cast booked
  through the real pipeline and worked through the case-work API up to now
  (``securecomm.synthetic.history``): the console's demonstration data. Only into an empty home;
- ``jail``: the ORI of the world's booking jail (on its own line);
- ``booking K --out FILE``: a fresh ten-print CAR of subject K (new impressions, new TCN; the
  TCN is the last line of output). The subjects: 0 U.S.-born with no records, 1 permanent
  resident with a Level 1 conviction, 2 no status with a Level 2 conviction, 3 a pending charge
  only, 4 naturalised citizen, 5 previously removed.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.status import Status

from securecomm.cli.output import console, user_errors
from securecomm.clock import SystemClock
from securecomm.config import Settings
from securecomm.store.migrate import upgrade_database
from securecomm.synthetic import history as world_history
from securecomm.synthetic import home as world_home
from securecomm.synthetic import world
from securecomm.synthetic.accounts import DEMO_PASSWORD

app = typer.Typer(help="The synthetic world on this home (all people are invented).",
                  no_args_is_help=True)  # fmt: skip


@app.command("seed")
@user_errors
def seed(
    seed: Annotated[int, typer.Option(help="Seed of the world's prints.")] = (
        world_home.DEFAULT_SEED
    ),
    background: Annotated[
        int, typer.Option(min=0, help="Background identities in each gallery.")
    ] = world_home.DEFAULT_BACKGROUND,
    history: Annotated[
        bool,
        typer.Option(
            "--history",
            help="Also five months of the console's cases: its cast booked through the "
            "pipeline, worked through case work (into an empty home only).",
        ),
    ] = False,
) -> None:
    """Seed the synthetic world into SECURECOMM_HOME (refused on a home with real data); a new
    home's database is created at this build's schema."""
    settings = Settings.from_env()
    engine, factory = upgrade_database(settings)
    try:
        with console.status(
            f"seeding the synthetic world (seed {seed}, {background:,} background identities)…"
        ) as status:
            if history:
                state, created = world_history.seed_with_history(
                    settings, factory, SystemClock().now(), seed=seed, background=background,
                    say=lambda line: _progress(status, line),
                )  # fmt: skip
            else:
                state, created = world_home.seed(
                    settings, factory, SystemClock(), seed=seed, background=background
                )
    finally:
        engine.dispose()
    if not created:
        console.print(f"the synthetic world of seed {state.seed} is already in {settings.home}")
        return
    console.print(f"synthetic world seeded in {settings.home.resolve()} (seed {state.seed})")
    console.print(f"booking jail {world.JAIL} → ICE field office {world.FIELD_OFFICE}")
    for number, story in enumerate(world.STORIES if history else world.DEMO_STORIES):
        console.print(f"  subject {number}: {story.label}", highlight=False)
    console.print(
        "console accounts (synthetic): "
        f"{', '.join(u.username for u in world_home.USERS)}; "
        f"password {DEMO_PASSWORD!r}"
    )
    if history:
        console.print(
            "`securecomm serve`, then sign in at /console/ as ice.officer: the field office's "
            f"cases (subjects {len(world.DEMO_STORIES)}–{len(world.STORIES) - 1}) are there"
        )


def _progress(status: Status, line: str) -> None:
    console.print(line, highlight=False)
    status.update(f"playing the world's history… {line}")


@app.command("jail")
@user_errors
def jail() -> None:
    """Print the ORI of the world's booking jail."""
    world_home.require_state(Settings.from_env())
    typer.echo(world.JAIL)


@app.command("booking")
@user_errors
def booking(
    subject: Annotated[int, typer.Argument(help="World subject number (0–5).")],
    out: Annotated[Path, typer.Option("--out", help="Where to write the CAR.")],
) -> None:
    """Write a fresh ten-print CAR of a world subject; print its TCN last."""
    booked = world_home.booking(Settings.from_env(), subject, SystemClock().now())
    out.write_bytes(booked.raw)
    console.print(
        f"subject {subject} ({world.STORIES[subject].label}): {len(booked.raw):,} bytes "
        f"written to {out}",
        highlight=False,
    )
    typer.echo(booked.tcn)
