"""Refusals by month and rule: the breakdown of the figure ``refusals`` by the rule that
refused (``refused.<rule>`` audit entries; the rules are whatever the log recorded)."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from securecomm.program.figures.counts import month_of
from securecomm.program.figures.definition import Database
from securecomm.program.figures.queries import refusal_entries


@dataclass(frozen=True)
class RefusalRules:
    """Refusals per month and rule, with each rule's kind; rules by count, most first."""

    months: list[str] = field(default_factory=list)
    rules: list[str] = field(default_factory=list)
    counts: dict[str, dict[str, int]] = field(default_factory=dict)
    kinds: dict[str, str] = field(default_factory=dict)

    def rule_totals(self) -> list[tuple[str, int]]:
        return [(r, sum(self.counts[m].get(r, 0) for m in self.months)) for r in self.rules]


def refusals_by_rule(db: Database, months: Sequence[str]) -> RefusalRules:
    """The refusals of ``months`` (only the months with one are listed), by rule."""
    wanted = set(months)
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    kinds: dict[str, str] = {}
    for at, rule, kind in refusal_entries(db):
        month = month_of(at)
        if month not in wanted:
            continue
        counts[month][rule] += 1
        kinds.setdefault(rule, kind)
    by_rule: Counter[str] = Counter()
    for per_month in counts.values():
        by_rule.update(per_month)
    shown = sorted(counts)
    return RefusalRules(
        shown,
        [r for r, _ in sorted(by_rule.items(), key=lambda item: (-item[1], item[0]))],
        {m: dict(counts[m]) for m in shown},
        kinds,
    )
