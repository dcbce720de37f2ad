"""The reference figures file: every row read, strict parsing, every row accounted for."""

from __future__ import annotations

from pathlib import Path

import pytest

from securecomm.program.calibration import NOT_COMPARED, TARGETS, check_coverage
from securecomm.program.errors import ReferenceDataError
from securecomm.program.reference import load_reference_figures


def test_reads_every_row(shared_data: Path) -> None:
    figures = load_reference_figures(shared_data)
    lines = (shared_data / "reference" / "program_figures.csv").read_text().splitlines()
    assert len(figures) == len([ln for ln in lines[1:] if ln.strip()])
    assert figures["seed_cap_teams"].value == 119
    assert figures["seed_tier_state"].values == (24, 437, 560, 104, 1125)
    assert figures["detention_alos_fy2017"].value == pytest.approx(43.7)


def test_multi_value_row_has_no_single_value(shared_data: Path) -> None:
    figures = load_reference_figures(shared_data)
    with pytest.raises(ReferenceDataError, match="seed_tier_county_city"):
        _ = figures["seed_tier_county_city"].value


def test_every_row_is_compared_or_explained(shared_data: Path) -> None:
    figures = load_reference_figures(shared_data)
    check_coverage(figures)
    compared = {t.id for t in TARGETS}
    assert not compared & set(NOT_COMPARED)
    assert compared | set(NOT_COMPARED) >= set(figures)


def _write(tmp_path: Path, body: str) -> Path:
    folder = tmp_path / "reference"
    folder.mkdir()
    (folder / "program_figures.csv").write_text(body, encoding="utf-8")
    return tmp_path


def test_malformed_value_names_line_and_field(tmp_path: Path) -> None:
    root = _write(
        tmp_path,
        "id,figure,value,unit,period,source\na,x,1,u,p,s\nb,y,12k,u,p,s\n",
    )
    with pytest.raises(ReferenceDataError, match=r"line 3, field 'value' of 'b'"):
        load_reference_figures(root)


def test_duplicate_and_missing_rows(tmp_path: Path) -> None:
    root = _write(tmp_path, "id,figure,value,unit,period,source\na,x,1,u,p,s\na,x,2,u,p,s\n")
    with pytest.raises(ReferenceDataError, match="duplicate 'a'"):
        load_reference_figures(root)
    with pytest.raises(ReferenceDataError, match="not found"):
        load_reference_figures(tmp_path / "nowhere")


def test_unknown_id_is_an_error(shared_data: Path) -> None:
    figures = load_reference_figures(shared_data)
    with pytest.raises(ReferenceDataError, match="no reference figure with id 'nope'"):
        figures["nope"]


def test_public_api_is_stable() -> None:
    import securecomm.program as program

    assert sorted(program.__all__) == sorted(
        name for name in program.__all__ if hasattr(program, name)
    )
    assert {"simulate", "calibrate", "optimise", "compute_statistics", "assign_tiers"} <= set(
        program.__all__
    )
