"""The counts of figures by month and place: the one aggregation the report and the dashboard
share.

Each occurrence is counted in the UTC calendar month of its time, nationally (area ``US``), in
its state and in its county (:class:`~securecomm.program.figures.places.Places`), for the
geographies its figure is published for. An occurrence without a time is not counted (a review
not yet resolved has no resolution month).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from securecomm.program.figures.definition import Database, Figure
from securecomm.program.figures.places import Places

NATIONAL = "US"
#: (month, geography, area)
PlaceMonth = tuple[str, str, str]


def month_of(at: datetime) -> str:
    return f"{at.year:04d}-{at.month:02d}"


def months_between(first: str, last: str) -> list[str]:
    """Every YYYY-MM from ``first`` to ``last`` inclusive."""
    year, month = int(first[:4]), int(first[5:])
    out = []
    while (key := f"{year:04d}-{month:02d}") <= last:
        out.append(key)
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out


@dataclass(frozen=True)
class FigureCounts:
    """Figure counts by (month, geography, area, figure key)."""

    counts: Counter[tuple[str, str, str, str]]
    #: Every month from the first to the last with an occurrence.
    months: tuple[str, ...]
    #: The (month, geography, area) with any occurrence, and national for every month.
    places: frozenset[PlaceMonth]

    def value(
        self,
        key: str,
        geography: str = "national",
        area: str = NATIONAL,
        months: Iterable[str] | None = None,
    ) -> int:
        """The figure in one area, summed over ``months`` (every month if None)."""
        chosen = self.months if months is None else months
        return sum(self.counts.get((m, geography, area, key), 0) for m in chosen)

    def areas(self, geography: str, months: Sequence[str] | None = None) -> list[str]:
        """The areas of ``geography`` with any occurrence in ``months``, sorted."""
        chosen = set(self.months if months is None else months)
        return sorted({a for m, g, a in self.places if g == geography and m in chosen})


def count_figures(db: Database, figures: Sequence[Figure]) -> FigureCounts:
    places = Places(db)
    counts: Counter[tuple[str, str, str, str]] = Counter()
    for figure in figures:
        for at, ori in figure.query(db):
            if at is None:
                continue
            month = month_of(at)
            areas = [("national", NATIONAL)]
            if ori is not None:
                place = places.of(ori)
                areas += [("state", place.state), ("county", place.county)]
            for geography, area in areas:
                if geography in figure.geographies:
                    counts[(month, geography, area, figure.key)] += 1
    seen = {(m, g, a) for m, g, a, _ in counts}
    months = sorted({m for m, _, _ in seen})
    every = months_between(months[0], months[-1]) if months else []
    seen |= {(m, "national", NATIONAL) for m in every}
    return FigureCounts(counts, tuple(every), frozenset(seen))
