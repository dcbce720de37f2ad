"""``securecomm simulate`` and ``securecomm plan``: the documented interface, end to end."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from securecomm.cli.main import app
from securecomm.program.reference import load_reference_figures

runner = CliRunner()


@pytest.mark.slow
def test_simulate_default_writes_the_calibration_json(shared_data: Path, tmp_path: Path) -> None:
    out = tmp_path / "sim.json"
    result = runner.invoke(
        app,
        [
            "simulate",
            "--scenario",
            "default",
            "--seed",
            "3",
            "--scale",
            "0.001",
            "--json",
            str(out),
            "--shared-data",
            str(shared_data),
            "--plots",
            str(tmp_path / "fig"),
        ],
    )
    assert result.exit_code == 0, result.output
    assert "Calibration against program_figures.csv" in result.output
    doc = json.loads(out.read_text())
    figures = load_reference_figures(shared_data)
    rows = doc["calibration"]
    assert len(rows) >= 15
    for row in rows:
        assert {"id", "reference", "simulated", "relative_difference", "within_tolerance"} <= set(
            row
        )
        assert row["reference"] == figures[row["id"]].value
        assert isinstance(row["within_tolerance"], bool)
        if row["comparison"] == "value":
            expected = (row["simulated"] - row["reference"]) / row["reference"]
            assert row["relative_difference"] == pytest.approx(expected)
    explained = {r["id"] for r in doc["not_compared"]}
    assert explained | {r["id"] for r in rows} == set(figures)
    for run in doc["runs"].values():
        assert sum(run["people_by_place_at_end"].values()) == pytest.approx(
            run["people_entered"], abs=10
        )
    assert (tmp_path / "fig" / "calibration.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert (tmp_path / "fig" / "calibration.svg").read_text().lstrip().startswith("<?xml")


def test_unknown_scenario_is_a_clear_error(shared_data: Path) -> None:
    result = runner.invoke(
        app, ["simulate", "--scenario", "nope", "--shared-data", str(shared_data)]
    )
    assert result.exit_code == 2
    assert "unknown scenario 'nope'" in result.output


def test_missing_shared_data_is_a_clear_error(tmp_path: Path) -> None:
    result = runner.invoke(app, ["simulate", "--shared-data", str(tmp_path)])
    assert result.exit_code == 2
    assert "reference figures not found" in result.output


def test_plan_allocate_reports_the_gain(tmp_path: Path) -> None:
    out = tmp_path / "alloc.json"
    result = runner.invoke(app, ["plan", "allocate", "--teams", "50", "--json", str(out)])
    assert result.exit_code == 0, result.output
    doc = json.loads(out.read_text())
    assert len(doc["optimised"]["teams"]) <= 50
    assert doc["expected_gain"] >= 0
    assert doc["optimised"]["level1_worked_per_year"] >= doc["baseline"]["level1_worked_per_year"]
