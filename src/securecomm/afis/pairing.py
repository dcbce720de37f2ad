"""What the comparator paired, minutia by minutia: the examiner's table of pairs.

``compare`` (``afis.matching``) returns the paired minutiae of the best global alignment as
index pairs. An examiner needs each pair's geometry on both prints and how alike the two
minutiae's neighbourhoods are: the local similarity Γ of their MCC cylinders (0–1, the quantity
the comparator ranks pairs by before consolidation, ``matching/local_similarity.py``),
recomputed here from the same prepared templates, so the table says what the comparator saw.

Positions are in millimetres from the print's top-left corner (pixels / ppi × 25.4), so two
prints of different resolutions are drawn and read at the same scale; angles in degrees
counter-clockwise as seen on screen (``afis.types``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from securecomm.afis.matching import Comparison, prepare
from securecomm.afis.matching.comparator import (
    _MAX_DIRECTION_UNITS,
    _MIN_COMMON_BITS,
    _SQRT,
)
from securecomm.afis.matching.local_similarity import similarity_matrix
from securecomm.afis.types import MinutiaKind, Template

MM_PER_INCH = 25.4
KIND_WORDS: dict[int, str] = {
    MinutiaKind.ENDING: "ending",
    MinutiaKind.BIFURCATION: "bifurcation",
    MinutiaKind.OTHER: "other",
}


@dataclass(frozen=True)
class Minutia:
    """One minutia as drawn and listed: index in its template, mm position, screen angle."""

    index: int
    kind: str
    x_mm: float
    y_mm: float
    #: Degrees counter-clockwise from the x axis as seen on screen, in [0, 360).
    angle_deg: float


@dataclass(frozen=True)
class Pair:
    """One pair of the comparison, numbered from 1 in the comparator's order."""

    number: int
    a: Minutia
    b: Minutia
    #: Γ of the two minutiae's cylinders, 0–1 (1: identical neighbourhoods).
    local_similarity: float

    @property
    def same_kind(self) -> bool:
        return self.a.kind == self.b.kind


def minutiae(template: Template) -> list[Minutia]:
    """Every minutia of ``template`` in millimetres (its own ppi)."""
    scale = MM_PER_INCH / template.ppi if template.ppi > 0 else MM_PER_INCH / 500.0
    out = []
    for i in range(template.count):
        out.append(
            Minutia(
                index=i,
                kind=KIND_WORDS.get(int(template.kind[i]), "other"),
                x_mm=float(template.x[i]) * scale,
                y_mm=float(template.y[i]) * scale,
                angle_deg=math.degrees(float(template.angle[i])) % 360.0,
            )
        )
    return out


def local_similarities(a: Template, b: Template, pairs: np.ndarray) -> list[float]:
    """Γ(i, j) of each paired (i, j) of ``pairs`` (indices into ``a`` and ``b``)."""
    if len(pairs) == 0:
        return []
    p, q = prepare(a), prepare(b)
    gamma = similarity_matrix(
        p.values, p.masks, p.angle, q.values, q.masks, q.angle,
        _SQRT, _MIN_COMMON_BITS, _MAX_DIRECTION_UNITS,
    )  # fmt: skip
    row = {int(m): k for k, m in enumerate(p.minutia_index.tolist())}
    col = {int(m): k for k, m in enumerate(q.minutia_index.tolist())}
    out = []
    for i, j in np.asarray(pairs).reshape(-1, 2).tolist():
        r, c = row.get(int(i)), col.get(int(j))
        out.append(0.0 if r is None or c is None else float(gamma[r, c]))
    return out


def pair_table(a: Template, b: Template, comparison: Comparison) -> list[Pair]:
    """The comparison's pairs, numbered, with both minutiae and their local similarity."""
    ma, mb = minutiae(a), minutiae(b)
    gammas = local_similarities(a, b, comparison.pairs)
    return [
        Pair(k + 1, ma[int(i)], mb[int(j)], gamma)
        for k, ((i, j), gamma) in enumerate(zip(comparison.pairs.tolist(), gammas, strict=True))
    ]
