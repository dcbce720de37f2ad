"""Realism diagnostics of the template-level generator: real references and statistics."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from securecomm.afis.template_synthesis import TenPrintGenerator
from securecomm.afis.template_synthesis.realism import (
    ks_distance,
    marginal_statistics,
    own_extractor_templates,
    set_scores,
    synthetic_templates,
)
from securecomm.afis.types import Template


def _template(points: list[tuple[float, float, float]]) -> Template:
    x, y, a = (np.array(v, np.float32) for v in zip(*points, strict=True))
    n = len(points)
    return Template(
        width=300,
        height=300,
        x=x,
        y=y,
        angle=a,
        kind=np.ones(n, np.uint8),
        minutia_quality=np.full(n, 60, np.uint8),
    )


def test_marginal_statistics_of_a_known_template() -> None:
    t = _template([(10, 10, 0.0), (40, 10, np.pi), (10, 110, 0.5)])
    stats = marginal_statistics([t], near=40.0, pair_radius=60.0)
    assert stats["minutiae_count"].tolist() == [3.0]
    assert np.allclose(sorted(stats["nearest_neighbour_px"]), [30, 30, 100])
    assert np.allclose(stats["pair_distance_px"], [30])
    assert np.allclose(stats["near_direction_difference_rad"], [np.pi])


def test_ks_distance() -> None:
    x = np.arange(100.0)
    assert ks_distance(x, x) == 0.0
    assert ks_distance(x, x + 1000) == 1.0
    assert ks_distance(x, x + 50) == pytest.approx(0.5)


def test_own_extractor_reference_is_extracted_once_and_cached(
    shared_data: Path, tmp_path: Path
) -> None:
    source = shared_data / "fvc" / "fvc2002" / "DB1_B"
    subset = tmp_path / "fvc2002" / "DB1_B"
    subset.mkdir(parents=True)
    for name in ("101_1", "101_2", "102_1"):
        (subset / f"{name}.png").symlink_to(source / f"{name}.png")
    cache = tmp_path / "cache"
    first, fingers = own_extractor_templates(subset, None, cache)
    assert fingers == [101, 101, 102] and all(len(t.x) >= 10 for t in first)
    assert len(list(cache.rglob("*.sct"))) == 3
    again, _ = own_extractor_templates(subset, None, cache)
    assert [np.array_equal(a.x, b.x) for a, b in zip(first, again, strict=True)] == [True] * 3
    from securecomm.afis import matching

    scores = set_scores(first, fingers, matching)
    assert len(scores.genuine) == 1 and len(scores.impostor) == 2
    assert scores.genuine[0] > scores.impostor.max()


def test_synthetic_marginals_are_close_to_real_ones() -> None:
    """Cheap structural check against numbers measured on our extractor's FVC2002 templates
    (mean 31 minutiae, median nearest neighbour 21 px, ~63 % of pairs closer than 40 px with
    the same sense)."""
    stats = marginal_statistics(synthetic_templates(TenPrintGenerator(5), 30, 0))
    assert 26 <= stats["minutiae_count"].mean() <= 38
    assert 16 <= np.median(stats["nearest_neighbour_px"]) <= 26
    same = np.mean(stats["near_direction_difference_rad"] < np.pi / 2)
    assert 0.55 <= same <= 0.75
