"""Derivation of the NCIC offense code → Level table from the program's definitions.

The Secure Communities plan (ICE, 2008) defines three levels of criminal offense:

* **Level 1** — national security violations, homicide, kidnapping, sexual assault, robbery,
  aggravated assault, sex offenses, cruelty toward a child or spouse, weapons offenses, and drug
  offenses with a sentence of more than one year;
* **Level 2** — minor drug offenses and mainly property offenses (arson, burglary, larceny,
  stolen vehicles, forgery and counterfeiting, fraud, embezzlement, extortion, stolen property,
  property damage, money laundering);
* **Level 3** — all other offenses.

The NCIC uniform offense codes group offenses by category (the first two digits: 09 homicide,
12 robbery, 35 dangerous drugs, …). The table is derived by category, then a short list of
reviewed exceptions by code is applied where a category mixes levels (simple vs aggravated
assault, property damage with explosives, cruelty toward a child or spouse inside the family
offenses). Drug offenses (category 35) carry a drug flag: their level depends on the sentence
(see ``levels.assess_level``); the table lists the level for a sentence of one year or less.

``build_level_rows`` turns the NCIC code list into rows; ``write_level_table`` writes the
versioned TSV shipped in ``enforcement/data`` (regenerate with
``python -m securecomm.enforcement.level_rules ../shared/data/ncic/ncic_offense_codes.tsv``).
A test checks that the shipped file is exactly what this derivation gives, for every code.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

from securecomm.enforcement.errors import LevelTableError

#: Bump when a rule below changes; cases record the version that decided them.
TABLE_VERSION = "ncic-levels-v1"

SOURCES = (
    "ICE, Secure Communities: A Comprehensive Plan to Identify and Remove Criminal Aliens "
    "(2008), offense levels 1-3",
    "NCIC uniform offense codes, NIEM NCIC code list (../shared/data/ncic/ncic_offense_codes.tsv)",
)

#: Category (first two digits) → (level, rule).  Every category of the NCIC list is named here,
#: so a new category fails the build instead of defaulting silently.
CATEGORY_RULES: dict[str, tuple[int, str]] = {
    "01": (1, "national security (sovereignty)"),
    "02": (3, "other: military"),
    "03": (3, "other: immigration"),
    "09": (1, "homicide"),
    "10": (1, "kidnapping"),
    "11": (1, "sexual assault"),
    "12": (1, "robbery"),
    "13": (3, "other: assault that is not aggravated"),
    "14": (3, "other: abortion"),
    "16": (1, "national security (threats, terrorism)"),
    "17": (3, "other: material witness"),
    "20": (2, "property: arson"),
    "21": (2, "property: extortion"),
    "22": (2, "property: burglary"),
    "23": (2, "property: larceny"),
    "24": (2, "property: stolen vehicle"),
    "25": (2, "property: forgery and counterfeiting"),
    "26": (2, "property: fraud"),
    "27": (2, "property: embezzlement"),
    "28": (2, "property: stolen property"),
    "29": (2, "property: damage to property"),
    "35": (2, "drug offense (level 1 if sentence > 365 days)"),
    "36": (1, "sex offense"),
    "37": (3, "other: obscenity"),
    "38": (3, "other: family offense"),
    "39": (3, "other: gambling"),
    "40": (3, "other: commercial sex"),
    "41": (3, "other: liquor"),
    "48": (3, "other: obstructing police"),
    "49": (3, "other: flight and escape"),
    "50": (3, "other: obstructing justice"),
    "51": (3, "other: bribery"),
    "52": (1, "weapons"),
    "53": (3, "other: public peace"),
    "54": (3, "other: traffic"),
    "55": (3, "other: health and safety"),
    "56": (3, "other: civil rights"),
    "57": (3, "other: invasion of privacy"),
    "58": (3, "other: smuggling"),
    "59": (3, "other: election laws"),
    "60": (3, "other: antitrust"),
    "61": (3, "other: tax revenue"),
    "62": (3, "other: conservation"),
    "63": (2, "property: money laundering"),
    "64": (1, "sex offense (sexual exploitation of a minor, trafficking)"),
    "70": (3, "other: crimes against the person, unspecified"),
    "71": (2, "property: property crimes, unspecified"),
    "72": (3, "other: morals and decency"),
    "73": (3, "other: public order"),
    "80": (3, "other: status and warrant indicators"),
    "81": (3, "other: juvenile"),
}

#: Categories whose offenses are drug offenses (level from the sentence).
DRUG_CATEGORIES = frozenset({"35"})

#: Reviewed exceptions by code: (level, rule).  Each says why it departs from its category.
CODE_EXCEPTIONS: dict[str, tuple[int, str]] = {
    "0106": (3, "exception: selective service is not a national-security offense"),
    "0199": (1, "national security (sovereignty, unspecified)"),
    "1301": (1, "aggravated assault"),
    "1302": (1, "aggravated assault"),
    "1303": (1, "aggravated assault"),
    "1304": (1, "aggravated assault"),
    "1305": (1, "aggravated assault"),
    "1306": (1, "aggravated assault"),
    "1307": (1, "aggravated assault"),
    "1308": (1, "aggravated assault"),
    "1309": (1, "aggravated assault"),
    "1310": (1, "aggravated assault"),
    "1311": (1, "aggravated assault"),
    "1312": (1, "aggravated assault"),
    "1314": (1, "aggravated assault"),
    "1315": (1, "aggravated assault"),
    "2904": (1, "exception: weapons (property damage with explosive)"),
    "2905": (1, "exception: weapons (property damage with explosive)"),
    "2906": (1, "exception: weapons (property damage with explosive)"),
    "3802": (1, "exception: cruelty toward a child"),
    "3803": (1, "exception: cruelty toward a spouse"),
    "8001": (1, "exception: national security (threat to a Secret Service protectee)"),
}


@dataclass(frozen=True)
class LevelRow:
    """One line of the table: an NCIC code, its literal, its level, the rule, the drug flag."""

    code: str
    literal: str
    level: int
    rule: str
    drug: bool


def read_ncic_codes(path: Path) -> list[tuple[str, str]]:
    """The (code, literal) pairs of the NCIC list, refusing malformed lines with their number."""
    pairs: list[tuple[str, str]] = []
    seen: set[str] = set()
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        parts = line.split("\t")
        if len(parts) != 2 or len(parts[0]) != 4 or not parts[0].isdigit():
            raise LevelTableError(f"{path}:{number}: expected '<4-digit code>\\t<literal>'")
        if parts[0] in seen:
            raise LevelTableError(f"{path}:{number}: NCIC code {parts[0]} appears twice")
        seen.add(parts[0])
        pairs.append((parts[0], parts[1].strip()))
    return pairs


def classify(code: str, literal: str) -> LevelRow:
    """The level row of one NCIC code by the rules above."""
    category = code[:2]
    if category not in CATEGORY_RULES:
        raise LevelTableError(
            f"NCIC code {code} ({literal}): category {category} has no level rule; "
            "add it to CATEGORY_RULES after review"
        )
    level, rule = CODE_EXCEPTIONS.get(code, CATEGORY_RULES[category])
    return LevelRow(code, literal, level, rule, category in DRUG_CATEGORIES)


def build_level_rows(ncic_codes: Path) -> list[LevelRow]:
    """Every code of the NCIC list, classified."""
    rows = [classify(code, literal) for code, literal in read_ncic_codes(ncic_codes)]
    unused = set(CODE_EXCEPTIONS) - {row.code for row in rows}
    if unused:
        raise LevelTableError(f"exceptions name codes not in the NCIC list: {sorted(unused)}")
    return rows


def render_level_table(rows: list[LevelRow]) -> str:
    """The TSV text: a header comment (version, sources), a column line, one line per code."""
    lines = [
        f"# version: {TABLE_VERSION}",
        *(f"# source: {source}" for source in SOURCES),
        "# generated by securecomm.enforcement.level_rules; do not edit by hand",
        "code\tliteral\tlevel\trule\tdrug",
    ]
    lines += [
        f"{r.code}\t{r.literal}\t{r.level}\t{r.rule}\t{'yes' if r.drug else 'no'}" for r in rows
    ]
    return "\n".join(lines) + "\n"


def write_level_table(ncic_codes: Path, out: Path) -> int:
    """Write the table derived from ``ncic_codes`` to ``out``; returns the number of codes."""
    rows = build_level_rows(ncic_codes)
    out.write_text(render_level_table(rows), encoding="utf-8")
    return len(rows)


def render_rules_markdown() -> str:
    """The category rules and the reviewed exceptions as Markdown tables (for the docs)."""
    lines = ["| category | level | rule |", "|---|---|---|"]
    lines += [f"| {c} | {level} | {rule} |" for c, (level, rule) in CATEGORY_RULES.items()]
    lines += ["", "| code | level | reviewed exception |", "|---|---|---|"]
    lines += [f"| {c} | {level} | {rule} |" for c, (level, rule) in CODE_EXCEPTIONS.items()]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":  # pragma: no cover - maintenance script
    source = Path(sys.argv[1])
    target = (
        Path(sys.argv[2])
        if len(sys.argv) > 2
        else Path(__file__).parent / "data" / f"{TABLE_VERSION.replace('-', '_')}.tsv"
    )
    print(f"{write_level_table(source, target)} codes written to {target}")
