"""``securecomm population``: generate the synthetic population into the record systems."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from securecomm.cli.output import console, user_errors
from securecomm.clock import SystemClock
from securecomm.config import Settings
from securecomm.records.ncic import NcicCodes
from securecomm.store.database import unit_of_work
from securecomm.store.migrate import upgrade_database
from securecomm.synthetic.population import (
    PopulationParameters,
    generate_population,
    seed_population,
)

app = typer.Typer(
    help="The synthetic population (people, records, bookings).", no_args_is_help=True
)


@app.command("seed")
@user_errors
def seed(
    persons: Annotated[int, typer.Option(help="How many people.")] = 1000,
    seed_value: Annotated[int, typer.Option("--seed", help="Random seed.")] = 1,
    shared_data: Annotated[
        Path | None, typer.Option(help="The shared data folder (NCIC codes).")
    ] = None,
) -> None:
    """Generate a population from a seed and write it into the record systems."""
    settings = Settings.from_env()
    ncic = NcicCodes.load(shared_data or settings.shared_data)
    parameters = PopulationParameters(persons=persons)
    population = generate_population(parameters, ncic, seed=seed_value)
    engine, factory = upgrade_database(settings)
    try:
        with unit_of_work(factory) as session:
            seed_population(session, population, now=SystemClock().now())
    finally:
        engine.dispose()
    counts = Counter(p.true_status.value for p in population.persons)
    table = Table("true status", "persons", "share", "target share")
    for status, target in parameters.mix.as_dict().items():
        table.add_row(
            status, str(counts[status]), f"{counts[status] / persons:.3f}", f"{target:.3f}"
        )
    console.print(table)
    in_gallery = sum(p.in_immigration_gallery for p in population.persons)
    console.print(
        f"{persons} synthetic persons, {len(population.agencies)} agencies, "
        f"{sum(len(p.bookings) for p in population.persons)} booking events; "
        f"{in_gallery / persons:.2%} have prints in the immigration gallery "
        f"(expected {parameters.expected_match_share():.2%})"
    )
