"""``securecomm synth``: synthetic fingerprints for tests, demonstrations and scale runs.

- ``fvc-like --out DIR --fingers F --impressions K --seed S``: an FVC-style set,
  ``DIR/NNN_K.png`` (fingers numbered from 101, impressions from 1; 8-bit, 500 ppi), the
  ground-truth minutiae of each image in ``DIR/ground_truth/NNN_K.iso`` (ISO/IEC 19794-2) and
  ``DIR/manifest.json``. The same seed writes the same images.
"""

from __future__ import annotations

import statistics
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from securecomm.cli.output import console, user_errors

app = typer.Typer(
    name="synth",
    help="Synthetic fingerprints (SFinGe-style masters and impressions with ground truth).",
    no_args_is_help=True,
)


@app.callback()
def _synth() -> None:
    """Synthetic fingerprints (SFinGe-style masters and impressions with ground truth)."""


@app.command("fvc-like")
@user_errors
def fvc_like(
    out: Annotated[Path, typer.Option("--out", help="Folder to write DIR/NNN_K.png into.")],
    fingers: Annotated[int, typer.Option("--fingers", help="Number of fingers (from 101).")],
    impressions: Annotated[int, typer.Option("--impressions", help="Impressions per finger.")],
    seed: Annotated[int, typer.Option("--seed", help="Seed: the same seed, the same set.")],
    ground_truth: Annotated[
        bool,
        typer.Option(
            "--ground-truth/--no-ground-truth",
            help="Also write ground_truth/NNN_K.iso (ISO/IEC 19794-2 minutiae).",
        ),
    ] = True,
) -> None:
    """Write an FVC-style synthetic set: DIR/NNN_K.png, fingers numbered from 101."""
    from securecomm.afis.synthesis import write_fvc_like

    columns = (
        TextColumn("[bold]synth[/] fingers"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
    )
    with Progress(*columns, console=console, transient=False) as progress:
        task = progress.add_task("fingers", total=fingers)
        report = write_fvc_like(
            out,
            fingers=fingers,
            impressions=impressions,
            seed=seed,
            ground_truth=ground_truth,
            on_finger=lambda done: progress.update(task, completed=done),
        )
    console.print(
        f"wrote {report.images} images ({fingers} fingers × {impressions} impressions) to "
        f"{out}; median {statistics.median(report.master_seconds) * 1000:.0f} ms per master, "
        f"{statistics.median(report.impression_seconds) * 1000:.0f} ms per impression"
    )
