"""Level table covers every NCIC code; levels come from convictions only."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from securecomm.enforcement.errors import InputError, LevelTableError
from securecomm.enforcement.inputs import CriminalHistoryEvent, Disposition
from securecomm.enforcement.level_rules import (
    TABLE_VERSION,
    build_level_rows,
    classify,
    render_level_table,
)
from securecomm.enforcement.levels import Level, assess_level, load_level_table, parse_level_table

SHIPPED = Path(__file__).resolve().parents[2] / "src/securecomm/enforcement/data/ncic_levels_v1.tsv"


def ncic_path(shared_data: Path) -> Path:
    return shared_data / "ncic" / "ncic_offense_codes.tsv"


def test_shipped_table_is_exactly_the_derivation_over_all_464_codes(shared_data: Path) -> None:
    rows = build_level_rows(ncic_path(shared_data))
    assert len(rows) == 464
    assert SHIPPED.read_text(encoding="utf-8") == render_level_table(rows)
    table = load_level_table()
    assert table.version == TABLE_VERSION
    codes = [line.split("\t")[0] for line in ncic_path(shared_data).read_text().splitlines()]
    assert sorted(table.rows) == sorted(codes)


def test_header_comment_names_version_and_sources() -> None:
    head = SHIPPED.read_text(encoding="utf-8").splitlines()[:4]
    assert head[0] == f"# version: {TABLE_VERSION}"
    assert any("Secure Communities" in line for line in head)
    assert any("NCIC" in line for line in head)


@pytest.mark.parametrize(
    ("code", "level"),
    [
        ("0103", 1),  # espionage
        ("0106", 3),  # selective service: reviewed exception
        ("0903", 1),  # homicide
        ("1006", 1),  # kidnapping
        ("1103", 1),  # rape
        ("1204", 1),  # robbery
        ("1304", 1),  # aggravated assault
        ("1313", 3),  # simple assault
        ("1603", 1),  # material support to terrorists
        ("2203", 2),  # burglary
        ("2303", 2),  # shoplifting
        ("2605", 2),  # credit card fraud
        ("2803", 2),  # receiving stolen property
        ("2501", 2),  # forgery
        ("6300", 2),  # money laundering
        ("2905", 1),  # property damage with explosive
        ("3601", 1),  # sex offense
        ("3802", 1),  # cruelty toward child
        ("3803", 1),  # cruelty toward wife
        ("3801", 3),  # neglect family
        ("5212", 1),  # weapon possession
        ("5404", 3),  # DUI
        ("0301", 3),  # illegal entry
    ],
)
def test_program_definitions(code: str, level: int) -> None:
    assert load_level_table().row(code).level == level


def test_only_dangerous_drugs_carry_the_drug_flag() -> None:
    table = load_level_table()
    assert {c for c, r in table.rows.items() if r.drug} == {
        c for c in table.rows if c.startswith("35")
    }


def test_unknown_category_is_refused_not_defaulted() -> None:
    with pytest.raises(LevelTableError, match="category 99"):
        classify("9901", "SOMETHING NEW")


def test_malformed_table_names_the_line() -> None:
    text = "# version: x\ncode\tliteral\tlevel\trule\tdrug\n0101\tTREASON\t7\tr\tno\n"
    with pytest.raises(LevelTableError, match=":3:"):
        parse_level_table(text, name="t.tsv")


def ev(code: str, disp: Disposition, sentence: int | None = None) -> CriminalHistoryEvent:
    return CriminalHistoryEvent(code, disp, date(2020, 5, 1), sentence)


def test_most_serious_conviction_decides() -> None:
    a = assess_level([ev("2303", Disposition.CONVICTED), ev("1204", Disposition.CONVICTED)])
    assert a.level is Level.LEVEL_1
    assert a.deciding is not None and a.deciding.event.ncic_code == "1204"
    assert a.table_version == TABLE_VERSION


def test_pending_charge_never_raises_the_level() -> None:
    a = assess_level([ev("2303", Disposition.CONVICTED), ev("0903", Disposition.PENDING)])
    assert a.level is Level.LEVEL_2
    assert [e.ncic_code for e in a.pending] == ["0903"]


def test_no_conviction_gives_no_level() -> None:
    a = assess_level([ev("0903", Disposition.PENDING), ev("1204", Disposition.DISMISSED)])
    assert a.level is None and a.deciding is None
    assert len(a.pending) == 1 and len(a.dismissed) == 1


@pytest.mark.parametrize(
    ("sentence", "level"), [(None, Level.LEVEL_2), (365, Level.LEVEL_2), (366, Level.LEVEL_1)]
)
def test_drug_level_depends_on_sentence(sentence: int | None, level: Level) -> None:
    assert assess_level([ev("3532", Disposition.CONVICTED, sentence)]).level is level


def test_unknown_code_in_history_names_the_event() -> None:
    with pytest.raises(LevelTableError, match="event 1: NCIC code 9999"):
        assess_level([ev("2303", Disposition.CONVICTED), ev("9999", Disposition.CONVICTED)])


def test_malformed_event_is_refused() -> None:
    with pytest.raises(InputError, match="ncic_code"):
        ev("35", Disposition.CONVICTED)


codes = sorted(load_level_table().rows)
events = st.builds(
    CriminalHistoryEvent,
    ncic_code=st.sampled_from(codes),
    disposition=st.sampled_from(list(Disposition)),
    date=st.dates(min_value=date(1990, 1, 1), max_value=date(2026, 1, 1)),
    sentence_days=st.none() | st.integers(0, 5000),
)


@given(st.lists(events, max_size=8), st.lists(events, max_size=4))
def test_adding_non_convictions_never_changes_the_level(
    base: list[CriminalHistoryEvent], extra: list[CriminalHistoryEvent]
) -> None:
    non_convictions = [e for e in extra if e.disposition is not Disposition.CONVICTED]
    assert assess_level(base).level == assess_level(base + non_convictions).level


@given(st.lists(events, min_size=1, max_size=8))
def test_level_is_the_minimum_over_convictions(history: list[CriminalHistoryEvent]) -> None:
    a = assess_level(history)
    levels = [c.level for c in a.convictions]
    assert a.level == (min(levels) if levels else None)


def test_uncoded_or_unknown_pending_charge_is_shown_apart_not_refused() -> None:
    a = assess_level(
        [ev("2303", Disposition.CONVICTED), CriminalHistoryEvent("", Disposition.PENDING,
                                                                 date(2026, 1, 1))]
    )  # fmt: skip
    assert a.level is Level.LEVEL_2 and len(a.pending) == 1


def test_a_conviction_must_be_coded() -> None:
    with pytest.raises(InputError, match="only a charge that is not a conviction"):
        CriminalHistoryEvent("", Disposition.CONVICTED, date(2020, 1, 1))
