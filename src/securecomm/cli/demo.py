"""``securecomm demo``: the main job on the embedded default.

It grows as capabilities land; each step uses the real components on real or synthetic data
and prints what it found.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from securecomm.cli.output import console, user_errors
from securecomm.config import Settings


@user_errors
def demo(
    shared_data: Annotated[
        Path | None,
        typer.Option(
            help="The shared data folder (default: ../shared/data, SECURECOMM_SHARED_DATA)."
        ),
    ] = None,
) -> None:
    """Run the system end to end on the embedded default and print what it found."""
    settings = Settings.from_env()
    data = shared_data or settings.shared_data
    console.rule("securecomm demo")
    console.print(f"data directory: {settings.home.resolve()}")
    console.print(f"shared data:    {data.resolve()}")
