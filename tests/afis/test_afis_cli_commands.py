"""``securecomm afis`` through Typer's CliRunner on real FVC files."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from PIL import Image
from typer.testing import CliRunner

from securecomm.afis.templates import read_template
from securecomm.cli.main import app

runner = CliRunner()


@pytest.fixture(scope="module")
def db1(shared_data: Path) -> Path:
    return shared_data / "fvc/fvc2002/DB1_B"


def test_scores_on_iso_templates_writes_every_unordered_pair(db1: Path, tmp_path: Path) -> None:
    files = [db1 / f"{s}.iso" for s in ("101_1", "101_2", "101_3", "102_1")]
    out = tmp_path / "scores.csv"
    result = runner.invoke(app, ["afis", "scores", "--out", str(out), *map(str, files)])
    assert result.exit_code == 0, result.output
    assert "comparisons/s" in result.output
    rows = list(csv.reader(out.read_text().splitlines()))
    assert len(rows) == 6
    by_pair = {(a, b): float(s) for a, b, s in rows}
    assert set(by_pair) == {
        ("101_1", "101_2"), ("101_1", "101_3"), ("101_1", "102_1"),
        ("101_2", "101_3"), ("101_2", "102_1"), ("101_3", "102_1"),
    }  # fmt: skip
    genuine = min(by_pair[("101_1", "101_2")], by_pair[("101_1", "101_3")])
    impostor = max(by_pair[(a, b)] for a, b in by_pair if "102_1" in (a, b))
    assert genuine > impostor


def test_scores_reports_a_bad_template_without_traceback(db1: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad.iso"
    bad.write_bytes((db1 / "101_1.iso").read_bytes()[:40])
    result = runner.invoke(
        app, ["afis", "scores", "--out", str(tmp_path / "s.csv"), str(db1 / "101_2.iso"), str(bad)]
    )
    assert result.exit_code == 2
    assert "bad.iso" in result.output and "offset" in result.output


def test_extract_writes_native_and_iso_templates(db1: Path, tmp_path: Path) -> None:
    out = tmp_path / "templates"
    images = [db1 / "101_1.png", db1 / "101_2.png"]
    result = runner.invoke(app, ["afis", "extract", "--out", str(out), *map(str, images)])
    assert result.exit_code == 0, result.output
    for stem in ("101_1", "101_2"):
        native = read_template(out / f"{stem}.sct")
        iso = read_template(out / f"{stem}.iso")
        assert native.count == iso.count > 5
    scores = tmp_path / "s.csv"
    listed = [str(p) for p in sorted(out.glob("*.sct"))]
    assert runner.invoke(app, ["afis", "scores", "--out", str(scores), *listed]).exit_code == 0
    assert scores.read_text().startswith("101_1,101_2,")


def test_extract_lists_failures_and_exits_nonzero(db1: Path, tmp_path: Path) -> None:
    blank = tmp_path / "blank.png"
    Image.new("L", (300, 300), 255).save(blank)
    out = tmp_path / "t"
    result = runner.invoke(app, ["afis", "extract", "--out", str(out), str(blank)])
    assert result.exit_code == 1
    assert "blank.png" in result.output
    assert not (out / "blank.sct").exists()


def test_show_and_pair_write_examiner_pngs(db1: Path, tmp_path: Path) -> None:
    show = tmp_path / "show.png"
    result = runner.invoke(
        app,
        ["afis", "show", str(db1 / "101_1.png"), "--template", str(db1 / "101_1.iso"),
         "--out", str(show)],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    with Image.open(show) as im:
        assert im.width == 388 and im.height > 374
    pair = tmp_path / "pair.png"
    result = runner.invoke(
        app,
        ["afis", "pair", str(db1 / "101_1.png"), str(db1 / "101_3.png"), "--template-a",
         str(db1 / "101_1.iso"), "--template-b", str(db1 / "101_3.iso"), "--out", str(pair)],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "strong evidence" in result.output
    with Image.open(pair) as im:
        assert im.width > 2 * 388


def test_bench_runs_a_subset_and_writes_json(shared_data: Path, tmp_path: Path) -> None:
    out, det = tmp_path / "fvc.json", tmp_path / "det.png"
    result = runner.invoke(
        app,
        ["afis", "bench", "--sets", "fvc2002/DB4_B", "--mode", "iso", "--runs", "1",
         "--data", str(shared_data), "--out", str(out), "--det", str(det)],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    doc = json.loads(out.read_text())
    (row,) = doc["sets"]
    assert (row["set"], row["mode"], row["genuine"], row["impostor"]) == (
        "fvc2002/DB4_B", "iso", 280, 2880,
    )  # fmt: skip
    assert 0 <= row["eer"] < 0.05 and row["failures_to_enrol"] == 0
    assert det.stat().st_size > 0


def test_extract_into_a_file_is_a_clear_user_error(db1: Path, tmp_path: Path) -> None:
    not_a_folder = tmp_path / "file"
    not_a_folder.write_text("x")
    result = runner.invoke(
        app, ["afis", "extract", "--out", str(not_a_folder), str(db1 / "101_1.png")]
    )
    assert result.exit_code == 2
    assert "cannot create the output folder" in result.output
