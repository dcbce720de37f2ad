"""The FVC-style writer and ``securecomm synth fvc-like``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PIL import Image
from typer.testing import CliRunner

from securecomm.afis.errors import AfisError
from securecomm.afis.synthesis import write_fvc_like
from securecomm.afis.templates import read_template
from securecomm.cli.synth import app


def test_cli_writes_an_fvc_style_set(tmp_path: Path) -> None:
    out = tmp_path / "set"
    result = CliRunner().invoke(
        app, ["fvc-like", "--out", str(out), "--fingers", "2", "--impressions", "2", "--seed", "3"]
    )
    assert result.exit_code == 0, result.output
    names = sorted(p.name for p in out.glob("*.png"))
    assert names == ["101_1.png", "101_2.png", "102_1.png", "102_2.png"]
    with Image.open(out / "101_1.png") as im:
        assert im.mode == "L"
        assert round(im.info["dpi"][0]) == 500
    gt = read_template(out / "ground_truth" / "102_2.iso")
    assert gt.count > 0
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["seed"] == 3 and manifest["synthetic"] is True
    assert [f["finger"] for f in manifest["fingers"]] == [101, 102]


def test_same_seed_same_files_and_fingers_do_not_depend_on_set_size(tmp_path: Path) -> None:
    write_fvc_like(tmp_path / "a", fingers=2, impressions=1, seed=11, ground_truth=False)
    write_fvc_like(tmp_path / "b", fingers=1, impressions=1, seed=11, ground_truth=False)
    write_fvc_like(tmp_path / "c", fingers=1, impressions=1, seed=12, ground_truth=False)
    first = (tmp_path / "a" / "101_1.png").read_bytes()
    assert first == (tmp_path / "b" / "101_1.png").read_bytes()
    assert first != (tmp_path / "c" / "101_1.png").read_bytes()
    assert first != (tmp_path / "a" / "102_1.png").read_bytes()


@pytest.mark.parametrize(
    ("fingers", "impressions", "seed", "message"),
    [(0, 1, 1, "fingers"), (1, 0, 1, "impressions"), (1, 1, -1, "seed")],
)
def test_bad_arguments_are_user_errors(
    tmp_path: Path, fingers: int, impressions: int, seed: int, message: str
) -> None:
    with pytest.raises(AfisError, match=message):
        write_fvc_like(tmp_path, fingers=fingers, impressions=impressions, seed=seed)


def test_cli_reports_bad_arguments_without_a_traceback(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        app,
        ["fvc-like", "--out", str(tmp_path), "--fingers", "0", "--impressions", "1", "--seed", "1"],
    )
    assert result.exit_code == 2
    assert "fingers must be between" in result.output
