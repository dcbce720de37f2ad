"""NCIC uniform offense codes: the 4-digit code → literal table from ``shared/data/ncic``.

Charges and convictions must carry a code from this list; its first two digits are the
category (09 homicide, 13 assault, 35 dangerous drugs, ...).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from securecomm.records.errors import InvalidRecordError

NCIC_FILE = Path("ncic") / "ncic_offense_codes.tsv"


@dataclass(frozen=True)
class NcicOffense:
    code: str
    literal: str

    @property
    def category(self) -> str:
        return self.code[:2]


class NcicCodes:
    """The code list, read once from a file."""

    def __init__(self, offenses: dict[str, NcicOffense]) -> None:
        if not offenses:
            raise InvalidRecordError("the NCIC offense code list is empty")
        self._offenses = offenses

    @classmethod
    def load(cls, shared_data: Path) -> NcicCodes:
        path = shared_data / NCIC_FILE
        if not path.is_file():
            raise InvalidRecordError(f"NCIC offense code list not found at {path}")
        offenses: dict[str, NcicOffense] = {}
        with path.open(encoding="utf-8", newline="") as handle:
            for line_number, row in enumerate(csv.reader(handle, delimiter="\t"), start=1):
                if len(row) != 2 or len(row[0]) != 4 or not row[0].isdigit():
                    raise InvalidRecordError(
                        f"{path}, line {line_number}: expected '<4-digit code>\\t<literal>'"
                    )
                offenses[row[0]] = NcicOffense(row[0], row[1].strip())
        return cls(offenses)

    def get(self, code: str) -> NcicOffense:
        try:
            return self._offenses[code]
        except KeyError:
            raise InvalidRecordError(f"{code!r} is not an NCIC uniform offense code") from None

    def __contains__(self, code: object) -> bool:
        return code in self._offenses

    def codes(self) -> list[str]:
        return sorted(self._offenses)

    def in_categories(self, categories: list[str]) -> list[NcicOffense]:
        """Offenses whose category (first two digits) is in ``categories``, by code."""
        wanted = set(categories)
        return [self._offenses[c] for c in sorted(self._offenses) if c[:2] in wanted]
