"""The figures the console's dashboard shows: the registry's, counted as the report counts them.

The dashboard shows the last months of the report (``months`` of them, ending with the last
month that has an occurrence). Each value is a :class:`Shown`: the figure, its value and its
denominator's, and where and over which months it was counted, so the page can state it and a
reader (or a test) can find the same numbers in the report by summing its rows.
"""

from __future__ import annotations

from dataclasses import dataclass

from securecomm.program.figures.counts import NATIONAL, FigureCounts, count_figures
from securecomm.program.figures.definition import Database, Figure
from securecomm.program.figures.refusals import RefusalRules, refusals_by_rule
from securecomm.program.figures.registry import (
    BY_KEY,
    DETAINER_STATUSES,
    FIGURES,
    FUNNEL,
    JAIL_ANSWERS,
    LEVEL_GROUPS,
    OUTCOMES,
    REFUSAL_KINDS,
    SAFEGUARDS,
    group_key,
    outcome_key,
)

BREAKDOWNS = ("month", "state", "county")


@dataclass(frozen=True)
class Shown:
    """One figure's value in one area over the months ``first`` to ``last``."""

    figure: Figure
    value: int
    denominator: int | None
    geography: str
    area: str
    first: str
    last: str

    @property
    def label(self) -> str:
        return self.figure.label

    @property
    def share(self) -> float | None:
        if not self.denominator:
            return None
        return self.value / self.denominator


@dataclass(frozen=True)
class Dashboard:
    by: str
    #: The months shown, oldest first.
    months: tuple[str, ...]
    funnel: list[Shown]
    #: The groups of the breakdown (months, states or counties) and their funnel stages.
    groups: list[str]
    funnel_by: dict[str, list[Shown]]
    #: Per level group (label): its cases, then one value per outcome.
    outcomes: dict[str, list[Shown]]
    detainer_statuses: list[Shown]
    jail_answers: list[Shown]
    safeguards: list[Shown]
    #: Per month with a refusal: one value per kind, then all refusals.
    refusals: dict[str, list[Shown]]
    #: The same over every month shown.
    refusal_totals: list[Shown]
    refusal_rules: RefusalRules

    @property
    def stage_labels(self) -> list[str]:
        return [BY_KEY[k].label for k in FUNNEL]

    @property
    def outcome_columns(self) -> list[str]:
        return ["cases"] + [column for _, column, _ in OUTCOMES]

    @property
    def outcome_groups(self) -> list[Shown]:
        """Each level group's cases."""
        return [row[0] for row in self.outcomes.values()]

    def figure(self, key: str) -> Figure:
        return BY_KEY[key]


class _Reader:
    def __init__(self, counts: FigureCounts, months: tuple[str, ...]) -> None:
        self.counts, self.months = counts, months

    def shown(
        self,
        key: str,
        geography: str = "national",
        area: str = NATIONAL,
        months: tuple[str, ...] | None = None,
    ) -> Shown:
        chosen = self.months if months is None else months
        figure = BY_KEY[key]
        den = figure.denominator
        return Shown(
            figure,
            self.counts.value(key, geography, area, chosen),
            None if den is None else self.counts.value(den, geography, area, chosen),
            geography,
            area,
            chosen[0] if chosen else "",
            chosen[-1] if chosen else "",
        )


def dashboard_figures(db: Database, by: str, months: int) -> Dashboard:
    """The dashboard's figures over the last ``months`` months, the funnel grouped ``by``."""
    counts = count_figures(db, FIGURES)
    window = counts.months[-months:]
    read = _Reader(counts, window)
    if by == "month":
        groups = list(window)
        funnel_by = {m: [read.shown(k, months=(m,)) for k in FUNNEL] for m in groups}
    else:
        groups = counts.areas(by, window)
        funnel_by = {g: [read.shown(k, by, g) for k in FUNNEL] for g in groups}
    refusal_rules = refusals_by_rule(db, window)
    return Dashboard(
        by=by,
        months=window,
        funnel=[read.shown(k) for k in FUNNEL],
        groups=groups,
        funnel_by=funnel_by,
        outcomes={
            label: [read.shown(group_key(group))]
            + [read.shown(outcome_key(group, o)) for o, _, _ in OUTCOMES]
            for group, label in LEVEL_GROUPS
        },
        detainer_statuses=[read.shown(k) for k in DETAINER_STATUSES],
        jail_answers=[read.shown(k) for k in JAIL_ANSWERS],
        safeguards=[read.shown(k) for k in SAFEGUARDS],
        refusals={
            m: [read.shown(k, months=(m,)) for k in (*REFUSAL_KINDS, "refusals")]
            for m in refusal_rules.months
        },
        refusal_totals=[read.shown(k) for k in (*REFUSAL_KINDS, "refusals")],
        refusal_rules=refusal_rules,
    )
