"""``securecomm simulate`` and ``securecomm plan …``: the planning simulation from the shell.

``securecomm simulate --scenario default --seed S --json FILE`` runs the calibration scenarios,
shows a progress bar, prints the calibration table and writes the JSON (``calibration``: a list of
``{id, reference, simulated, relative_difference, within_tolerance}`` plus ``role``, ``scenario``
and ``definition``). Another scenario name runs that scenario alone and prints its summary.
``securecomm plan whatif`` and ``securecomm plan allocate`` run the what-if variants and the
team/video placement optimiser.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Annotated, Any

import numpy as np
import typer
from rich import box
from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from securecomm.cli.output import console, user_errors
from securecomm.config import Settings
from securecomm.program.allocation import baseline, national_problem, optimise
from securecomm.program.calibration import (
    NOT_COMPARED,
    CalibrationRow,
    calibrate,
    run_scenarios,
    scenario_names,
    side_by_side,
)
from securecomm.program.errors import ScenarioError, StatisticsError
from securecomm.program.reference import load_reference_figures
from securecomm.program.registry import generate_registry
from securecomm.program.scenario import SCENARIOS, build_scenario, parameter_sources
from securecomm.program.simulation import Event
from securecomm.program.whatif import run_whatif

#: Default share of national bookings simulated (capacities scaled alike; see docs/program.md).
DEFAULT_SCALE = 0.05

SharedData = Annotated[
    Path | None,
    typer.Option(
        help="The shared data folder (default: SECURECOMM_SHARED_DATA or ../shared/data)."
    ),
]
Seed = Annotated[int, typer.Option(help="Seed of the random streams (same seed, same result).")]
Scale = Annotated[
    float,
    typer.Option(help="Share of national bookings simulated, in (0, 1]; 1 is every booking."),
]
JsonOut = Annotated[Path | None, typer.Option("--json", help="Write the results as JSON here.")]
PlotsOut = Annotated[Path | None, typer.Option(help="Write PNG and SVG figures to this folder.")]

plan_app = typer.Typer(help="Planning: what-if scenarios and team/video placement.")


def _progress() -> Progress:
    return Progress(
        TextColumn("{task.description:<24}"),
        BarColumn(),
        TaskProgressColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=False,
    )


def _json_number(x: float) -> float | None:
    return x if math.isfinite(x) else None


def _compact(x: float) -> str:
    """Short number: 0.740, 95.0 k, 9.11 M, 2.00 bn."""
    ax = abs(x)
    if ax < 10:
        return f"{x:.3f}"
    for div, unit in ((1e9, "bn"), (1e6, "M"), (1e3, "k")):
        if ax >= div:
            return f"{x / div:.3g} {unit}" if ax / div < 100 else f"{x / div:.0f} {unit}"
    return f"{x:.0f}"


def _calibration_table(rows: list[CalibrationRow]) -> Table:
    table = Table(
        title="Calibration against program_figures.csv (±10 %)",
        caption="* a parameter was fitted to this row; † range row (plan's low..high)",
        box=box.SIMPLE,
    )
    table.add_column("id", no_wrap=True)
    table.add_column("reference", justify="right", no_wrap=True)
    table.add_column("simulated", justify="right", no_wrap=True)
    table.add_column("diff", justify="right", no_wrap=True)
    table.add_column("", no_wrap=True)
    for r in rows:
        mark = ("*" if r.role == "fit" else "") + ("†" if r.comparison == "range" else "")
        table.add_row(
            r.id + mark,
            _compact(r.reference),
            _compact(r.simulated),
            f"{100 * r.relative_difference:+.1f}%",
            "[green]ok[/]" if r.within_tolerance else "[red]off[/]",
        )
    return table


def _check_scale(scale: float) -> None:
    if not 0.0 < scale <= 1.0:
        raise ScenarioError(f"--scale must be in (0, 1], not {scale}")


@user_errors
def simulate(
    scenario: Annotated[
        str,
        typer.Option(help=f"'default' (calibration) or one of: {', '.join(sorted(SCENARIOS))}."),
    ] = "default",
    seed: Seed = 1,
    json_path: JsonOut = None,
    scale: Scale = DEFAULT_SCALE,
    shared_data: SharedData = None,
    plots: PlotsOut = None,
) -> None:
    """Simulate the national program and compare it with the published figures."""
    _check_scale(scale)
    data = shared_data or Settings.from_env().shared_data
    figures = load_reference_figures(data)
    names = scenario_names() if scenario == "default" else [scenario]
    if scenario != "default":
        build_scenario(scenario)  # unknown names fail before any work
    with _progress() as progress:
        tasks: dict[str, Any] = {}

        def tick(name: str, done: int, total: int) -> None:
            if name not in tasks:
                tasks[name] = progress.add_task(name, total=total)
            if done == total or done % 30 == 0:
                progress.update(tasks[name], completed=done)

        results, facilities = run_scenarios(names, seed, scale=scale, progress=tick)
    rows = calibrate(figures, results)
    out: dict[str, Any] = {
        "scenario": scenario,
        "seed": seed,
        "scale": scale,
        "reference_file": str(figures.path),
        "calibration": [
            {k: _json_number(v) if isinstance(v, float) else v for k, v in r.as_dict().items()}
            for r in rows
        ],
        "not_compared": [
            {"id": rid, "reason": NOT_COMPARED[rid]} for rid in figures if rid in NOT_COMPARED
        ],
        "side_by_side": side_by_side(results),
        "runs": {
            name: {
                "start": r.scenario.start.isoformat(),
                "end": r.scenario.end.isoformat(),
                "people_entered": round(r.entered / scale),
                "people_by_place_at_end": {k: round(v / scale) for k, v in r.places.items()},
                "removed": r.count(Event.REMOVED),
            }
            for name, r in results.items()
        },
        "parameters": {
            name: [
                {"name": n, "value": _jsonable(v), "source": src}
                for n, v, src in parameter_sources(r.scenario)
            ]
            for name, r in results.items()
        },
        "registry": {"facilities": len(facilities), "synthetic": True},
    }
    if rows:
        console.print(_calibration_table(rows))
        ok = sum(r.within_tolerance for r in rows)
        console.print(f"{ok} of {len(rows)} compared figures within ±10 %")
    else:
        for name, r in results.items():
            console.print(f"{name}: {r.entered / scale:,.0f} people entered; {r.places}")
    if plots is not None:
        from securecomm.program.plots import calibration_figure, coverage_figure, save

        if rows:
            save(calibration_figure(rows), plots, "calibration")
        for name, r in results.items():
            save(coverage_figure(r), plots, f"coverage_{name}")
        console.print(f"figures written to {plots}")
    if json_path is not None:
        json_path.parent.mkdir(parents=True, exist_ok=True)
        json_path.write_text(json.dumps(out, indent=2, sort_keys=False) + "\n", encoding="utf-8")
        console.print(f"JSON written to {json_path}")


def _jsonable(value: Any) -> Any:
    if isinstance(value, tuple):
        return [_jsonable(v) for v in value]
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


@plan_app.command("whatif")
@user_errors
def whatif(
    base: Annotated[str, typer.Option(help="Base scenario.")] = "measured_low",
    seed: Seed = 1,
    scale: Scale = 0.02,
    json_path: JsonOut = None,
    plots: PlotsOut = None,
) -> None:
    """Run the what-if variants (rollout order, teams, beds, alternatives, video)."""
    _check_scale(scale)
    scenario = build_scenario(base)
    facilities = generate_registry(
        scenario.registry, scenario.bookings, np.random.default_rng(seed)
    )
    with _progress() as progress:
        tasks: dict[str, Any] = {}

        def tick(name: str, done: int, total: int) -> None:
            if name not in tasks:
                tasks[name] = progress.add_task(name, total=total)
            if done == total or done % 30 == 0:
                progress.update(tasks[name], completed=done)

        rows = run_whatif(scenario, facilities, seed, scale=scale, progress=tick)
    table = Table(title=f"What-if scenarios against {base} (last simulated year)")
    for col in (
        "variant",
        "L1 removed/yr",
        "L1 removed in rollout",
        "removed/yr",
        "missed/yr",
        "detained ADP",
        "cost/yr ($M)",
    ):
        table.add_column(col, justify="left" if col == "variant" else "right")
    for r in rows:
        table.add_row(
            str(r["variant"]),
            f"{r['level1_removed_per_year']:,.0f}",
            f"{r['level1_removed_during_rollout']:,.0f}",
            f"{r['removed_per_year']:,.0f}",
            f"{r['missed_before_interview']:,.0f}",
            f"{r['average_daily_detained']:,.0f}",
            f"{r['cost_per_year'] / 1e6:,.0f}",
        )
    console.print(table)
    if plots is not None:
        from securecomm.program.plots import save, whatif_figure

        save(whatif_figure(rows), plots, "whatif")
    if json_path is not None:
        json_path.parent.mkdir(parents=True, exist_ok=True)
        json_path.write_text(
            json.dumps({"base": base, "seed": seed, "scale": scale, "variants": rows}, indent=2)
            + "\n",
            encoding="utf-8",
        )


@plan_app.command("allocate")
@user_errors
def allocate(
    teams: Annotated[int, typer.Option(help="CAP teams to place.")] = 119,
    budget_millions: Annotated[
        float | None, typer.Option(help="Budget per year in $M (default: the teams + 500 links).")
    ] = None,
    seed: Seed = 1,
    json_path: JsonOut = None,
) -> None:
    """Place CAP teams and video links to work the most Level 1 identifications per dollar."""
    scenario = build_scenario("measured_low")
    facilities = generate_registry(
        scenario.registry, scenario.bookings, np.random.default_rng(seed)
    )
    problem = national_problem(
        scenario,
        facilities,
        teams=teams,
        budget=None if budget_millions is None else budget_millions * 1e6,
    )
    best = optimise(problem)
    base = baseline(problem, np.array([f.annual_bookings for f in facilities]))
    table = Table(title="CAP team and video placement (Level 1 persons worked per year)")
    for col in ("placement", "teams", "video links", "L1 worked/yr", "cost/yr ($M)", "L1 per $M"):
        table.add_column(col, justify="left" if col == "placement" else "right")
    for name, a in (("baseline (largest jails)", base), ("optimised (HiGHS)", best)):
        table.add_row(
            name,
            str(int(a.team.sum())),
            str(int(a.video.sum())),
            f"{a.worked_l1:,.0f}",
            f"{a.cost / 1e6:,.1f}",
            f"{a.per_million_dollars:,.1f}",
        )
    console.print(table)
    gain = best.worked_l1 - base.worked_l1
    console.print(
        f"expected gain: {gain:,.0f} Level 1 persons worked per year "
        f"({100 * gain / base.worked_l1:+.1f} %)"
    )
    if json_path is not None:
        json_path.parent.mkdir(parents=True, exist_ok=True)
        payload: dict[str, object] = {
            name: {
                "teams": [facilities[i].id for i in np.flatnonzero(a.team)],
                "video": [facilities[i].id for i in np.flatnonzero(a.video)],
                "level1_worked_per_year": a.worked_l1,
                "cost_per_year": a.cost,
            }
            for name, a in (("baseline", base), ("optimised", best))
        }
        payload["expected_gain"] = gain
        json_path.write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")


@plan_app.command("stats")
@user_errors
def stats(
    out: Annotated[Path, typer.Option(help="Folder for statistics.csv, .html, definitions.csv.")],
    database_url: Annotated[
        str | None, typer.Option(help="Database (default: SECURECOMM_DATABASE_URL or the home).")
    ] = None,
) -> None:
    """The monthly interoperability statistics from the case database (CSV and HTML)."""
    from securecomm.program.statistics import compute_statistics, definitions_csv, to_csv, to_html
    from securecomm.store.database import make_engine

    url = database_url or Settings.from_env().effective_database_url
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            rows = compute_statistics(conn)
    except Exception as exc:  # translate database errors at the boundary
        from sqlalchemy.exc import SQLAlchemyError

        if isinstance(exc, SQLAlchemyError):
            raise StatisticsError(f"cannot read the case database at {url}: {exc.args[0]}") from exc
        raise
    finally:
        engine.dispose()
    out.mkdir(parents=True, exist_ok=True)
    (out / "statistics.csv").write_text(to_csv(rows), encoding="utf-8")
    (out / "statistics.html").write_text(to_html(rows), encoding="utf-8")
    (out / "definitions.csv").write_text(definitions_csv(), encoding="utf-8")
    console.print(f"{len(rows)} figures written to {out}")
