"""Checking a transaction against the FBI EBTS rule table (``ebts_rules.py``).

For the transaction's TOT (1.004) it checks:

- the record counts of the TOT's specification (``414:1-14`` …) and that no other record types
  appear;
- in the Type-1 record and every Type-2 record: mandatory fields present, no field that the
  TOT does not define, occurrences (subfields), size, character class, value lists, dates,
  patterns, line lengths, information items (``2.047..2`` …) and the relations
  ``greatereq``/``xor``.

One deliberate deviation from the 9.1 table: 1.002 VER lists only ``0400`` (ITL 1-2007);
later EBTS versions accept ITL 1-2011 (``0500``) and its updates, and this system writes 0500,
so ``ACCEPTED_VERSIONS`` are allowed.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime

from securecomm.ansinist.ebts_rules import COUNT_GROUPS, FieldRule, RuleTable
from securecomm.ansinist.transaction import Field, Record, Transaction
from securecomm.ansinist.violation import Violation, at_field

Report = Callable[[str], None]
ACCEPTED_VERSIONS = frozenset({"0400", "0500", "0501", "0502"})
VALIDATED_RECORD_TYPES = (1, 2)
#: Formatting characters allowed in printable free text (EBTS: CR, LF, TAB in RES/ERS).
_FORMATTING = "\t\r\n"
_DATE_FORMATS = {
    "CCYYMMDD": "%Y%m%d",
    "ZCCYYMMDD": "%Y%m%d",
    "YYYYMMDDhhmmssZ": "%Y%m%d%H%M%SZ",
}


def check(transaction: Transaction, rules: RuleTable) -> list[Violation]:
    tot = transaction.tot
    type1 = transaction.type1
    out: list[Violation] = []
    spec = rules.transactions.get(tot)
    if spec is None:
        out.append(
            at_field(
                0, type1, type1.get(4), "1.004", f"TOT {tot!r} is not an EBTS transaction", "TOT"
            )
        )
        return out
    out += _check_counts(transaction, spec.counts, tot)
    for index, record in enumerate(transaction.records):
        if record.type in VALIDATED_RECORD_TYPES:
            out += _check_record(index, record, rules, tot)
    return out


def _check_counts(
    transaction: Transaction, counts: dict[str, tuple[int, int | None]], tot: str
) -> list[Violation]:
    out: list[Violation] = []
    type1 = transaction.type1
    cnt = type1.get(3)
    covered: set[int] = set()
    for key, (low, high) in counts.items():
        types = COUNT_GROUPS.get(key, (int(key),))
        covered |= set(types)
        n = sum(1 for r in transaction.records if r.type in types)
        if n < low or (high is not None and n > high):
            names = " or ".join(f"Type-{t}" for t in types)
            allowed = f"{low}" if low == high else f"{low}–{high if high is not None else 'any'}"
            out.append(
                at_field(
                    0,
                    type1,
                    cnt,
                    "1.003",
                    f"a {tot} has {allowed} {names} records, found {n}",
                    "CNT",
                )
            )
    for index, record in enumerate(transaction.records):
        if record.type not in covered:
            out.append(
                Violation(
                    index,
                    record.type,
                    None,
                    record.offset,
                    f"a {tot} transaction may not contain Type-{record.type} records",
                )
            )
    return out


def _check_record(index: int, record: Record, rules: RuleTable, tot: str) -> list[Violation]:
    out: list[Violation] = []
    applicable = rules.rules_for_record(record.type, tot)
    for rule in applicable:
        if rule.field_no == 1:  # LEN is computed by the codec
            continue
        if rule.presence.for_tot(tot) == "M" and rule.field_no not in record:
            out.append(
                at_field(
                    index,
                    record,
                    None,
                    _tag(record.type, rule.field_no),
                    f"mandatory field {rule.name} ({rule.description}) is missing for TOT {tot}",
                    rule.name,
                )
            )
    for f in record.fields:
        field_rule = rules.rule_for(record.type, f.tag, tot)
        tag = _tag(record.type, f.tag)
        if field_rule is None:
            known = rules.defined_anywhere(record.type, f.tag)
            msg = (
                f"field {tag} is not allowed in a {tot} transaction"
                if known
                else f"field {tag} is not defined by EBTS"
            )
            out.append(at_field(index, record, f, tag, msg))
            continue
        item_rules = rules.item_rules(record.type, f.tag, tot)
        out += _check_field(index, record, f, field_rule, item_rules, tot)
    out += _check_relations(index, record, rules, tot)
    return out


def _check_field(
    index: int,
    record: Record,
    f: Field,
    rule: FieldRule,
    item_rules: list[FieldRule],
    tot: str,
) -> list[Violation]:
    out: list[Violation] = []
    tag = _tag(record.type, f.tag)

    def bad(message: str, item_tag: str | None = None) -> None:
        out.append(at_field(index, record, f, item_tag or tag, message, rule.name))

    def reporter(suffix: str, item_tag: str | None = None) -> Report:
        """A report that names the occurrence (``suffix``) and, for an item, its tag."""

        def report(message: str) -> None:
            bad(message + suffix, item_tag)

        return report

    if f.data is not None:
        if not rule.char_class.startswith("B"):
            bad("binary data in a text field")
        return out
    n = len(f.subfields)
    if n < rule.min_occurrences or (rule.max_occurrences is not None and n > rule.max_occurrences):
        high = rule.max_occurrences if rule.max_occurrences is not None else "any"
        bad(f"{n} occurrences, allowed {rule.min_occurrences}–{high}")
    for number, items in enumerate(f.subfields, start=1):
        which = f" (occurrence {number})" if n > 1 else ""
        if item_rules:
            # A grouped field's size counts its items' characters, not the US separators
            # between them (2.047 ASL is 1–308: an 8-digit date and a 300-character literal).
            _check_size("".join(items), rule, reporter(which))
            for item_rule in item_rules:
                pos = item_rule.item or 0
                value = items[pos - 1] if pos <= len(items) else ""
                if value == "":
                    if item_rule.presence.for_tot(tot) == "M":
                        bad(f"item {item_rule.name} is missing{which}", item_rule.tag)
                    continue
                _check_value(value, item_rule, reporter(which, item_rule.tag))
            if len(items) > len(item_rules):
                bad(f"{len(items)} information items, the field has {len(item_rules)}{which}")
        elif len(items) > 1 and not rule.has_items:
            bad(f"{len(items)} information items in a single-valued field{which}")
        elif rule.has_items:  # items without their own definitions: each one by the field's
            for item in items:
                _check_value(item, rule, reporter(which))
        else:
            value = "\x1f".join(items)
            _check_value(value, rule, reporter(which))
    return out


def _check_value(value: str, rule: FieldRule, report: Report) -> None:
    if not _check_size(value, rule, report):
        return
    wrong = _bad_character(value, rule)
    if wrong is not None:
        report(f"character {wrong!r} is not allowed in a {rule.char_class} field: {value!r}")
        return
    if rule.values is not None and value not in rule.values and not _version_ok(rule, value):
        shown = ", ".join(sorted(rule.values)[:12])
        more = ", …" if len(rule.values) > 12 else ""
        report(f"value {value!r} is not one of the allowed values ({shown}{more})")
    if rule.date is not None and not _date_ok(value, rule.date):
        report(f"{value!r} is not a valid date in the format {rule.date}")
    if rule.regex is not None and not re.fullmatch(rule.regex, value):
        report(f"{value!r} does not match the pattern {rule.regex}")
    if rule.nregex is not None and re.fullmatch(rule.nregex, value):
        report(f"{value!r} matches the forbidden pattern {rule.nregex}")
    if rule.max_line_length is not None:
        longest = max(len(line) for line in value.replace("\r\n", "\n").split("\n"))
        if longest > rule.max_line_length:
            report(f"a line of {longest} characters, at most {rule.max_line_length} allowed")


def _check_size(value: str, rule: FieldRule, report: Report) -> bool:
    size = len(value)
    if size < rule.min_size or (rule.max_size is not None and size > rule.max_size):
        allowed = (
            f"{rule.min_size}"
            if rule.min_size == rule.max_size
            else f"{rule.min_size}–{rule.max_size if rule.max_size is not None else 'any'}"
        )
        report(f"{size} characters {value[:40]!r}, allowed {allowed}")
        return False
    return True


def _bad_character(value: str, rule: FieldRule) -> str | None:
    cls = rule.char_class
    if cls.startswith("B"):
        return None
    special = rule.special
    for c in value:
        if "A" in cls and c.isascii() and c.isalpha():
            continue
        if "N" in cls and c.isascii() and c.isdigit():
            continue
        if "S" in cls:
            if special in (None, "PRINT"):
                if (" " <= c <= "~") or c in _FORMATTING:
                    continue
            elif c in special:
                continue
        elif special is not None and c in special:  # e.g. NS with sca="." for 20.00
            continue
        return c
    return None


def _version_ok(rule: FieldRule, value: str) -> bool:
    return rule.mnemonic == "T1_VER" and value in ACCEPTED_VERSIONS


def _date_ok(value: str, fmt: str) -> bool:
    if fmt.startswith("Z") and set(value) == {"0"}:
        return True
    pattern = _DATE_FORMATS.get(fmt)
    if pattern is None:
        return True
    try:
        datetime.strptime(value, pattern)
    except ValueError:
        return False
    return True


def _check_relations(index: int, record: Record, rules: RuleTable, tot: str) -> list[Violation]:
    out: list[Violation] = []
    by_name = {
        r.mnemonic: r for r in rules.rules_for_record(record.type, tot) if r.field_no in record
    }
    for rule in list(by_name.values()):
        for relation, other in rule.relations:
            other_rule = by_name.get(other)
            if other_rule is None:
                continue
            mine, theirs = record.value(rule.field_no), record.value(other_rule.field_no)
            f = record.get(rule.field_no)
            tag = _tag(record.type, rule.field_no)
            if relation == "greatereq" and mine < theirs:
                out.append(
                    at_field(
                        index,
                        record,
                        f,
                        tag,
                        f"{rule.name} {mine} is before {other_rule.name} {theirs}",
                        rule.name,
                    )
                )
            if relation == "xor":
                out.append(
                    at_field(
                        index,
                        record,
                        f,
                        tag,
                        f"{rule.name} and {other_rule.name} may not both be present",
                        rule.name,
                    )
                )
    return out


def _tag(record_type: int, field_no: int) -> str:
    return f"{record_type}.{field_no:03d}"
