"""Figures for planners: calibration, rollout coverage, what-if comparison (PNG and SVG).

Matplotlib with the Agg backend (no display); every figure is written in both formats and the
SVG is made reproducible (fixed hash salt, no date metadata).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

import matplotlib
import numpy as np

matplotlib.use("Agg")
import matplotlib.pyplot as plt
from matplotlib.figure import Figure

from securecomm.program.calibration import TOLERANCE, CalibrationRow
from securecomm.program.simulation import SimulationResult

plt.rcParams["svg.hashsalt"] = "securecomm"


def save(fig: Figure, directory: Path, stem: str) -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    paths = [directory / f"{stem}.png", directory / f"{stem}.svg"]
    fig.savefig(paths[0], dpi=120, bbox_inches="tight", metadata={"Software": None})
    fig.savefig(paths[1], bbox_inches="tight", metadata={"Date": None, "Creator": None})
    plt.close(fig)
    return paths


def calibration_figure(rows: Sequence[CalibrationRow]) -> Figure:
    fig, ax = plt.subplots(figsize=(8, 0.35 * len(rows) + 1.5))
    labels = [r.id + (" (fit)" if r.role == "fit" else "") for r in rows]
    values = [100 * r.relative_difference for r in rows]
    colours = ["tab:green" if r.within_tolerance else "tab:red" for r in rows]
    ax.barh(range(len(rows)), values, color=colours)
    ax.axvspan(-100 * TOLERANCE, 100 * TOLERANCE, color="0.9", zorder=0)
    ax.set_yticks(range(len(rows)), labels, fontsize=8)
    ax.invert_yaxis()
    ax.axvline(0, color="0.3", lw=0.8)
    ax.set_xlabel("simulated vs reference (%); band: ±10 %")
    ax.set_title("Calibration of the default scenario")
    return fig


def coverage_figure(result: SimulationResult) -> Figure:
    # datetime64 days: matplotlib converts them like dates, and its stubs accept arrays.
    start = np.datetime64(result.scenario.start, "D")
    days = start + np.arange(result.days)
    fig, ax = plt.subplots(figsize=(8, 3.5))
    ax.plot(days, 100 * result.covered_share, label="bookings at interoperable facilities (%)")
    ax.set_ylabel("%")
    ax2 = ax.twinx()
    ax2.plot(days, result.detention.sum(axis=0) / result.scale, color="tab:orange", lw=0.8)
    ax2.set_ylabel("in detention", color="tab:orange")
    ax.set_title(f"{result.scenario.name}: coverage and detention population")
    ax.legend(loc="upper left", fontsize=8)
    return fig


def _number(row: Mapping[str, object], key: str) -> float:
    value = row[key]
    if not isinstance(value, int | float):
        raise TypeError(f"what-if row {row.get('variant')!r}: {key} is {value!r}, not a number")
    return float(value)


def whatif_figure(rows: Sequence[Mapping[str, object]]) -> Figure:
    """Level 1 removals during the rollout and cost per year, per variant (``WhatIfRow``s)."""
    names = [str(r["variant"]) for r in rows]
    worked = [_number(r, "level1_removed_during_rollout") / 1e3 for r in rows]
    cost = [_number(r, "cost_per_year") / 1e9 for r in rows]
    fig, (a, b) = plt.subplots(1, 2, figsize=(10, 0.4 * len(rows) + 1.8), sharey=True)
    a.barh(names, worked, color="tab:blue")
    a.set_xlabel("Level 1 removals during the rollout (thousands)")
    a.invert_yaxis()
    b.barh(names, cost, color="tab:gray")
    b.set_xlabel("cost per year at full coverage (billion USD)")
    fig.suptitle("What-if scenarios")
    return fig
