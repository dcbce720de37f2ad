"""Figures are written as PNG and SVG, and the SVG is reproducible."""

from __future__ import annotations

from pathlib import Path

from securecomm.program.plots import save, whatif_figure

ROWS: list[dict[str, object]] = [
    {"variant": "base", "level1_removed_during_rollout": 90000.0, "cost_per_year": 1.9e9},
    {"variant": "teams: 119", "level1_removed_during_rollout": 80000.0, "cost_per_year": 1.7e9},
]


def test_whatif_figure_png_and_reproducible_svg(tmp_path: Path) -> None:
    a = save(whatif_figure(ROWS), tmp_path / "a", "whatif")
    b = save(whatif_figure(ROWS), tmp_path / "b", "whatif")
    assert [p.suffix for p in a] == [".png", ".svg"]
    assert a[0].read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    svg = a[1].read_text(encoding="utf-8")
    assert "teams: 119" in svg
    assert svg == b[1].read_text(encoding="utf-8")
