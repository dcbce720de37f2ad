"""The published figures the planning simulation is compared with (``program_figures.csv``).

Each row has an id, a description, a value (a number, or several numbers separated by ``;``),
a unit, a period and a source. Values are parsed strictly: a malformed row is an error that
names the file, line and field, never a silently skipped figure.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from securecomm.program.errors import ReferenceDataError

#: Where the file lives inside the shared data folder.
RELATIVE_PATH = Path("reference") / "program_figures.csv"
COLUMNS = ("id", "figure", "value", "unit", "period", "source")


@dataclass(frozen=True)
class ReferenceFigure:
    """One published figure. ``values`` has one element unless the row lists several."""

    id: str
    figure: str
    values: tuple[float, ...]
    unit: str
    period: str
    source: str
    line: int

    @property
    def value(self) -> float:
        """The single value of the row (an error for rows that list several)."""
        if len(self.values) != 1:
            raise ReferenceDataError(
                f"reference figure {self.id!r} (line {self.line}) lists {len(self.values)} "
                "values; use .values"
            )
        return self.values[0]


class ReferenceFigures(Mapping[str, ReferenceFigure]):
    """All rows of the file, by id, in file order."""

    def __init__(self, figures: list[ReferenceFigure], path: Path) -> None:
        self._by_id = {f.id: f for f in figures}
        self.path = path

    def __getitem__(self, key: str) -> ReferenceFigure:
        try:
            return self._by_id[key]
        except KeyError:
            raise ReferenceDataError(f"{self.path}: no reference figure with id {key!r}") from None

    def __iter__(self) -> Iterator[str]:
        return iter(self._by_id)

    def __len__(self) -> int:
        return len(self._by_id)


def reference_path(shared_data: Path) -> Path:
    return shared_data / RELATIVE_PATH


def load_reference_figures(shared_data: Path) -> ReferenceFigures:
    """Read every row of ``<shared_data>/reference/program_figures.csv``."""
    path = reference_path(shared_data)
    if not path.is_file():
        raise ReferenceDataError(f"reference figures not found at {path}")
    figures: list[ReferenceFigure] = []
    seen: set[str] = set()
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.reader(handle)
        header = next(reader, None)
        if header is None or tuple(h.strip() for h in header) != COLUMNS:
            raise ReferenceDataError(f"{path}, line 1: expected columns {', '.join(COLUMNS)}")
        for row in reader:
            line = reader.line_num
            if not row or all(not cell.strip() for cell in row):
                continue
            if len(row) != len(COLUMNS):
                raise ReferenceDataError(
                    f"{path}, line {line}: expected {len(COLUMNS)} fields, found {len(row)}"
                )
            rid, figure, raw, unit, period, source = (cell.strip() for cell in row)
            if not rid:
                raise ReferenceDataError(f"{path}, line {line}, field 'id': empty")
            if rid in seen:
                raise ReferenceDataError(f"{path}, line {line}, field 'id': duplicate {rid!r}")
            seen.add(rid)
            try:
                values = tuple(float(part) for part in raw.split(";"))
            except ValueError:
                raise ReferenceDataError(
                    f"{path}, line {line}, field 'value' of {rid!r}: {raw!r} is not a number "
                    "or a ';'-separated list of numbers"
                ) from None
            figures.append(ReferenceFigure(rid, figure, values, unit, period, source, line))
    return ReferenceFigures(figures, path)
