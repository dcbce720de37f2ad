"""A person's Level (1 most serious, 3 least) from convictions only, by the versioned table.

DESIGN.md §5.4: the level comes from convictions only — the most serious one; pending charges
are returned apart and never raise it (their codes need not be in the table, and may be blank
when the source did not code them); dismissed charges are ignored; drug offenses are Level 1
only when the sentence is more than one year (365 days), and a drug conviction with no recorded
sentence stays at Level 2 (an unknown never raises the level).  The assessment names the table
version that decided it.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from securecomm.enforcement.errors import LevelTableError
from securecomm.enforcement.inputs import CriminalHistoryEvent, Disposition
from securecomm.enforcement.level_rules import LevelRow

#: A drug conviction with a sentence longer than this is Level 1.
DRUG_LEVEL_1_MIN_SENTENCE_DAYS = 366

DEFAULT_TABLE_FILE = "ncic_levels_v1.tsv"


class Level(enum.IntEnum):
    LEVEL_1 = 1
    LEVEL_2 = 2
    LEVEL_3 = 3


@dataclass(frozen=True)
class LevelTable:
    """The NCIC code → level table of one version."""

    version: str
    rows: Mapping[str, LevelRow]

    def row(self, code: str) -> LevelRow:
        try:
            return self.rows[code]
        except KeyError:
            raise LevelTableError(
                f"NCIC code {code} is not in level table {self.version}"
            ) from None


def parse_level_table(text: str, *, name: str = "level table") -> LevelTable:
    """Parse the TSV (``# version:`` header comment, column line, rows)."""
    version = ""
    rows: dict[str, LevelRow] = {}
    header_seen = False
    for number, line in enumerate(text.splitlines(), start=1):
        if line.startswith("#"):
            if line.startswith("# version:"):
                version = line.split(":", 1)[1].strip()
            continue
        if not line.strip():
            continue
        parts = line.split("\t")
        if not header_seen:
            if parts != ["code", "literal", "level", "rule", "drug"]:
                raise LevelTableError(f"{name}:{number}: expected the column line")
            header_seen = True
            continue
        if len(parts) != 5 or parts[2] not in ("1", "2", "3") or parts[4] not in ("yes", "no"):
            raise LevelTableError(f"{name}:{number}: malformed row {line!r}")
        rows[parts[0]] = LevelRow(parts[0], parts[1], int(parts[2]), parts[3], parts[4] == "yes")
    if not version:
        raise LevelTableError(f"{name}: no '# version:' header comment")
    if not rows:
        raise LevelTableError(f"{name}: no rows")
    return LevelTable(version, rows)


@lru_cache(maxsize=4)
def load_level_table(file_name: str = DEFAULT_TABLE_FILE) -> LevelTable:
    """The table shipped in ``enforcement/data``."""
    text = resources.files("securecomm.enforcement").joinpath("data", file_name).read_text("utf-8")
    return parse_level_table(text, name=file_name)


@dataclass(frozen=True)
class ConvictionLevel:
    """One conviction and the level it gives."""

    event: CriminalHistoryEvent
    level: Level
    rule: str


@dataclass(frozen=True)
class LevelAssessment:
    """The result: the level (None without any conviction) and how it was reached."""

    level: Level | None
    deciding: ConvictionLevel | None
    convictions: tuple[ConvictionLevel, ...]
    pending: tuple[CriminalHistoryEvent, ...]
    dismissed: tuple[CriminalHistoryEvent, ...]
    table_version: str


def conviction_level(event: CriminalHistoryEvent, table: LevelTable) -> ConvictionLevel:
    """The level one conviction gives, applying the drug sentence rule."""
    row = table.row(event.ncic_code)
    if row.drug:
        long_sentence = (
            event.sentence_days is not None
            and event.sentence_days >= DRUG_LEVEL_1_MIN_SENTENCE_DAYS
        )
        if long_sentence:
            return ConvictionLevel(event, Level.LEVEL_1, "drug offense, sentence > 365 days")
        return ConvictionLevel(event, Level.LEVEL_2, "drug offense, sentence <= 365 days or none")
    return ConvictionLevel(event, Level(row.level), row.rule)


def assess_level(
    events: Iterable[CriminalHistoryEvent], table: LevelTable | None = None
) -> LevelAssessment:
    """Level from convictions only (the most serious); pending and dismissed returned apart."""
    table = table or load_level_table()
    events = list(events)
    for index, event in enumerate(events):
        if event.disposition is Disposition.CONVICTED and event.ncic_code not in table.rows:
            raise LevelTableError(
                f"criminal history event {index}: NCIC code {event.ncic_code} is not in "
                f"level table {table.version}"
            )
    convictions = tuple(
        conviction_level(e, table) for e in events if e.disposition is Disposition.CONVICTED
    )
    pending = tuple(e for e in events if e.disposition is Disposition.PENDING)
    dismissed = tuple(e for e in events if e.disposition is Disposition.DISMISSED)
    deciding = min(convictions, key=lambda c: (c.level, c.event.date), default=None)
    return LevelAssessment(
        level=deciding.level if deciding else None,
        deciding=deciding,
        convictions=convictions,
        pending=pending,
        dismissed=dismissed,
        table_version=table.version,
    )
