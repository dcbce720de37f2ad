"""How realistic are the synthetic templates? Score distributions against real FVC prints.

The yardstick is the project's own 1:1 comparator: impostor scores of synthetic fingers
(impressions of different identities) should look like impostor scores of real FVC fingers
(the third-party ISO templates in ``../shared/data/fvc``, protocol of BENCHMARKS.md §1), and
likewise for genuine pairs. ``benchmarks/tsynth_realism.py`` draws both histograms in one plot
and reports summary statistics and the two-sample Kolmogorov–Smirnov distance.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from securecomm.afis.template_synthesis.generator import TenPrintGenerator
from securecomm.afis.types import FingerPosition


@dataclass(frozen=True)
class ScoreSample:
    genuine: npt.NDArray[np.float64]
    impostor: npt.NDArray[np.float64]


def fvc_scores(fvc_set: Path, comparator: Any) -> ScoreSample:
    """Genuine (all impression pairs of a finger) and impostor (all pairs of different
    fingers) scores of the ISO templates of one FVC set (files ``NNN_K.iso``)."""
    from securecomm.afis.templates import read_template

    files = sorted(fvc_set.glob("*.iso"))
    if not files:
        raise FileNotFoundError(f"no *.iso templates in {fvc_set}")
    keys = [tuple(int(v) for v in f.stem.split("_")) for f in files]
    prepared = [comparator.prepare(read_template(f)) for f in files]
    genuine, impostor = [], []
    for (i, ki), (j, kj) in itertools.combinations(enumerate(keys), 2):
        score = comparator.compare_prepared(prepared[i], prepared[j])
        (genuine if ki[0] == kj[0] else impostor).append(score)
    return ScoreSample(np.array(genuine), np.array(impostor))


def synthetic_scores(
    generator: TenPrintGenerator, identities: int, comparator: Any, impostor_pairs: int
) -> ScoreSample:
    """Genuine: impression 0 vs 1 of every finger of ``identities`` identities; impostor:
    ``impostor_pairs`` random pairs of fingers of different identities (impression 0 vs 1)."""
    first = generator.impressions(np.arange(identities), 0)
    second = generator.impressions(np.arange(identities), 1)
    rows = identities * 10
    a = [comparator.prepare(first.template(r, FingerPosition(r % 10 + 1))) for r in range(rows)]
    b = [comparator.prepare(second.template(r, FingerPosition(r % 10 + 1))) for r in range(rows)]
    genuine = np.array([comparator.compare_prepared(a[r], b[r]) for r in range(rows)])
    rng = np.random.default_rng(generator.seed)
    left = rng.integers(0, rows, impostor_pairs)
    shift = rng.integers(1, identities, impostor_pairs) * 10 + rng.integers(0, 10, impostor_pairs)
    right = (left + shift) % rows
    impostor = np.array(
        [comparator.compare_prepared(a[i], b[j]) for i, j in zip(left, right, strict=True)]
    )
    return ScoreSample(genuine, impostor)


def ks_distance(x: npt.ArrayLike, y: npt.ArrayLike) -> float:
    """Two-sample Kolmogorov–Smirnov statistic (largest gap between the empirical CDFs)."""
    xs, ys = np.sort(np.asarray(x, float)), np.sort(np.asarray(y, float))
    grid = np.concatenate([xs, ys])
    fx = np.searchsorted(xs, grid, side="right") / len(xs)
    fy = np.searchsorted(ys, grid, side="right") / len(ys)
    return float(np.max(np.abs(fx - fy)))
