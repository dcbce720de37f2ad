"""How realistic are the synthetic templates? Score distributions against real FVC prints.

The yardstick is the project's own 1:1 comparator: impostor scores of synthetic fingers
(impressions of different identities) should look like impostor scores of real FVC fingers,
and likewise for genuine pairs. Two real references (protocol of BENCHMARKS.md §1, all pairs
within a set):

- the fairer one: templates that the project's own extractor
  (:func:`securecomm.afis.extraction.extract`) makes from the FVC2002 DB1–DB4 B images, so real
  and synthetic templates differ only by where the fingers come from;
- the third-party ISO templates shipped with the data (``NNN_K.iso``; geometrically degraded,
  see the data README).

Besides scores, :func:`marginal_statistics` gives cheap structural diagnostics (minutiae per
template, nearest-neighbour and pairwise distances, direction differences of nearby minutiae)
that can be compared between real and synthetic templates.
``benchmarks/tsynth_realism.py`` reports them all and draws the histograms in one plot.
"""

from __future__ import annotations

import hashlib
import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from securecomm.afis.template_synthesis.generator import TenPrintGenerator
from securecomm.afis.types import FingerPosition, Template

#: FVC sets with images our extractor reads, and their resolution where not 500 ppi.
OWN_EXTRACTOR_SETS = ("fvc2002/DB1_B", "fvc2002/DB2_B", "fvc2002/DB3_B", "fvc2002/DB4_B")
SET_PPI = {"fvc2002/DB2_B": 569.0}


@dataclass(frozen=True)
class ScoreSample:
    genuine: npt.NDArray[np.float64]
    impostor: npt.NDArray[np.float64]


def _finger_key(path: Path) -> int:
    return int(path.stem.split("_")[0])


def set_scores(
    templates: Sequence[Template], fingers: Sequence[int], comparator: Any
) -> ScoreSample:
    """Genuine (all impression pairs of a finger) and impostor (all pairs of different
    fingers) scores within one set of templates."""
    prepared = [comparator.prepare(t) for t in templates]
    genuine: list[float] = []
    impostor: list[float] = []
    for i, j in itertools.combinations(range(len(templates)), 2):
        score = comparator.compare_prepared(prepared[i], prepared[j])
        (genuine if fingers[i] == fingers[j] else impostor).append(score)
    return ScoreSample(np.array(genuine), np.array(impostor))


def fvc_scores(fvc_set: Path, comparator: Any) -> ScoreSample:
    """Scores of the third-party ISO templates of one FVC set (files ``NNN_K.iso``)."""
    from securecomm.afis.templates import read_template

    files = sorted(fvc_set.glob("*.iso"))
    if not files:
        raise FileNotFoundError(f"no *.iso templates in {fvc_set}")
    return set_scores(
        [read_template(f) for f in files], [_finger_key(f) for f in files], comparator
    )


def extractor_fingerprint() -> str:
    """A short hash of the extractor's sources: cached templates are valid while it holds."""
    import securecomm.afis.extraction as extraction

    digest = hashlib.sha256()
    for source in sorted(Path(extraction.__file__).resolve().parent.glob("*.py")):
        digest.update(source.name.encode())
        digest.update(source.read_bytes())
    return digest.hexdigest()[:16]


def own_extractor_templates(
    fvc_set: Path, ppi: float | None, cache: Path | None
) -> tuple[list[Template], list[int]]:
    """Templates our extractor makes from the images of one FVC set (files ``NNN_K.png``),
    cached as native templates under ``cache`` (keyed by the extractor's source hash).
    Images that fail to enrol are left out (and reported by the benchmark's counts)."""
    from securecomm.afis.errors import AfisError
    from securecomm.afis.extraction import extract
    from securecomm.afis.image import load_image
    from securecomm.afis.templates import read_template, write_template

    files = sorted(fvc_set.glob("*.png"))
    if not files:
        raise FileNotFoundError(f"no *.png images in {fvc_set}")
    where = None
    if cache is not None:
        where = cache / extractor_fingerprint() / fvc_set.parent.name / fvc_set.name
        where.mkdir(parents=True, exist_ok=True)
    templates, fingers = [], []
    for f in files:
        cached = where / f"{f.stem}.sct" if where is not None else None
        if cached is not None and cached.exists():
            template = read_template(cached)
        else:
            try:
                template = extract(load_image(f, ppi=ppi))
            except AfisError:
                continue
            if cached is not None:
                cached.write_bytes(write_template(template))
        templates.append(template)
        fingers.append(_finger_key(f))
    return templates, fingers


def synthetic_templates(
    generator: TenPrintGenerator, identities: int, impression: int
) -> list[Template]:
    packed = generator.impressions(np.arange(identities), impression)
    return [packed.template(r, FingerPosition(r % 10 + 1)) for r in range(identities * 10)]


def synthetic_scores(
    generator: TenPrintGenerator, identities: int, comparator: Any, impostor_pairs: int
) -> ScoreSample:
    """Genuine: impression 0 vs 1 of every finger of ``identities`` identities; impostor:
    ``impostor_pairs`` random pairs of fingers of different identities (impression 0 vs 1)."""
    rows = identities * 10
    a = [comparator.prepare(t) for t in synthetic_templates(generator, identities, 0)]
    b = [comparator.prepare(t) for t in synthetic_templates(generator, identities, 1)]
    genuine = np.array([comparator.compare_prepared(a[r], b[r]) for r in range(rows)])
    rng = np.random.default_rng(generator.seed)
    left = rng.integers(0, rows, impostor_pairs)
    shift = rng.integers(1, identities, impostor_pairs) * 10 + rng.integers(0, 10, impostor_pairs)
    right = (left + shift) % rows
    impostor = np.array(
        [comparator.compare_prepared(a[i], b[j]) for i, j in zip(left, right, strict=True)]
    )
    return ScoreSample(genuine, impostor)


def marginal_statistics(
    templates: Sequence[Template], near: float = 40.0, pair_radius: float = 60.0
) -> dict[str, npt.NDArray[np.float64]]:
    """Per-template minutiae counts and, pooled over templates: nearest-neighbour distance,
    distances of pairs closer than ``pair_radius`` and direction differences (0..π) of pairs
    closer than ``near`` pixels."""
    counts, nearest, distances, directions = [], [], [], []
    for t in templates:
        x = np.asarray(t.x, float)
        y = np.asarray(t.y, float)
        a = np.asarray(t.angle, float)
        counts.append(len(x))
        if len(x) < 2:
            continue
        d = np.hypot(x[:, None] - x[None], y[:, None] - y[None])
        np.fill_diagonal(d, np.inf)
        nearest.append(d.min(axis=1))
        upper = np.triu_indices(len(x), 1)
        dv = d[upper]
        distances.append(dv[dv < pair_radius])
        da = np.abs((a[:, None] - a[None] + np.pi) % (2 * np.pi) - np.pi)[upper]
        directions.append(da[dv < near])
    flat = lambda parts: np.concatenate(parts) if parts else np.zeros(0)  # noqa: E731
    return {
        "minutiae_count": np.array(counts, float),
        "nearest_neighbour_px": flat(nearest),
        "pair_distance_px": flat(distances),
        "near_direction_difference_rad": flat(directions),
    }


def ks_distance(x: npt.ArrayLike, y: npt.ArrayLike) -> float:
    """Two-sample Kolmogorov–Smirnov statistic (largest gap between the empirical CDFs)."""
    xs, ys = np.sort(np.asarray(x, float)), np.sort(np.asarray(y, float))
    grid = np.concatenate([xs, ys])
    fx = np.searchsorted(xs, grid, side="right") / len(xs)
    fy = np.searchsorted(ys, grid, side="right") / len(ys)
    return float(np.max(np.abs(fx - fy)))
