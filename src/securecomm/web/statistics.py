"""The program's figures, computed from the database the officers work in (DESIGN.md §5.7).

Every figure is a ``Figure``: a name, its published definition and its denominator, and the
counts.  Case events are read from the audit log (``case.<action>`` entries: the one record of
every transition), so a figure can be reproduced by anyone holding the log:

* the **funnel**: bookings received (interop ``submissions``) → matches (cases opened from an
  IDENT match) → verified by an officer → detainer issued → in ICE custody → charged → removal
  verified; each later stage counts the cases of the match cohort that reached it;
* **outcomes by level**: the level group of each case comes from its criminal-history snapshot,
  convictions only (Level 1–3), with "charged, not convicted" and "no criminal record" apart;
* **detainers**: by current status and by the jail's recorded answer;
* **safeguards**: human rejections of matches, citizenship reviews and their outcomes, record
  corrections requested, closures without action or by discretion;
* **refusals**: requests refused by a rule (``refused.<rule>`` entries), by month and rule.

The aggregates carry no personal data (``READ_STATISTICS``).
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import ClassVar

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from securecomm.enforcement import refusals
from securecomm.enforcement.lifecycle import TERMINAL_STATES
from securecomm.enforcement.models import (
    AuditEntry,
    Case,
    CaseOffense,
    CitizenshipReview,
    Detainer,
)
from securecomm.enforcement.vocabulary import DetainerStatus, JailAnswer, ReviewFinding
from securecomm.interop.submissions import Submission
from securecomm.records.agencies import Agency

#: (key, label, audit action that marks a case as having reached the stage).
FUNNEL_STAGES: tuple[tuple[str, str, str], ...] = (
    ("matches", "Matches (cases opened)", "case.opened"),
    ("verified", "Verified by an officer", "case.verify_identity"),
    ("detainers", "Detainer issued", "case.issue_detainer"),
    ("custody", "In ICE custody", "case.transfer_custody"),
    ("charged", "Charged", "case.charge"),
    ("removed", "Removal verified", "case.verify_removal"),
)
LEVEL_GROUPS = ("Level 1", "Level 2", "Level 3", "Charged, not convicted", "No criminal record")


@dataclass(frozen=True)
class Figure:
    """One published figure: what is counted, out of what, and the counts."""

    title: str
    definition: str
    denominator: str
    #: (label, value) in display order.
    values: Sequence[tuple[str, float]]
    #: Optional reference total for shares (the denominator's count).
    total: float | None = None


@dataclass
class FunnelBreakdown:
    """Stage counts per group (a month, a state, a county)."""

    groups: list[str] = field(default_factory=list)
    counts: dict[str, dict[str, int]] = field(default_factory=dict)


def _month(at: datetime) -> str:
    return at.strftime("%Y-%m")


def _place(agencies: dict[str, Agency], ori: str) -> tuple[str, str]:
    agency = agencies.get(ori)
    state = agency.state if agency else ori[:2]
    county = (agency.county or "unknown county") if agency else "unknown county"
    return state, f"{county}, {state}"


def _reached(session: Session) -> dict[str, set[str]]:
    """For each funnel stage, the case numbers whose log records it."""
    actions = [a for _, _, a in FUNNEL_STAGES]
    reached: dict[str, set[str]] = defaultdict(set)
    for action, subject in session.execute(
        select(AuditEntry.action, AuditEntry.subject).where(AuditEntry.action.in_(actions))
    ):
        reached[action].add(subject)
    return reached


def funnel(session: Session, by: str) -> FunnelBreakdown:
    """Counts per stage, grouped by ``month`` (of the match), ``state`` or ``county``."""
    agencies = {a.ori: a for a in session.execute(select(Agency)).scalars()}
    reached = _reached(session)
    counts: dict[str, Counter[str]] = defaultdict(Counter)

    def group_of(at: datetime, ori: str) -> str:
        if by == "month":
            return _month(at)
        state, county = _place(agencies, ori)
        return state if by == "state" else county

    for received_at, ori in session.execute(select(Submission.received_at, Submission.ori)):
        counts[group_of(received_at, ori)]["submissions"] += 1
    for number, opened_at, ori in session.execute(
        select(Case.case_number, Case.opened_at, Case.facility_ori)
    ):
        group = group_of(opened_at, ori)
        for key, _, action in FUNNEL_STAGES:
            if number in reached.get(action, ()):
                counts[group][key] += 1
    groups = sorted(counts)
    return FunnelBreakdown(groups, {g: dict(counts[g]) for g in groups})


def funnel_totals(breakdown: FunnelBreakdown) -> list[tuple[str, int]]:
    keys = [("submissions", "Bookings received")] + [(k, label) for k, label, _ in FUNNEL_STAGES]
    return [
        (label, sum(breakdown.counts[g].get(key, 0) for g in breakdown.groups))
        for key, label in keys
    ]


def level_group(offenses: Iterable[CaseOffense]) -> str:
    """Convictions decide the level (the most serious); pending charges never do."""
    offenses = list(offenses)
    levels = [o.level for o in offenses if o.disposition.value == "convicted" and o.level]
    if levels:
        return f"Level {min(levels)}"
    if any(o.disposition.value == "pending" for o in offenses):
        return "Charged, not convicted"
    return "No criminal record"


def outcomes_by_level(session: Session) -> dict[str, dict[str, int]]:
    """Per level group: cases, detainers issued, in ICE custody, removed, closed, still open."""
    reached = _reached(session)
    offenses: dict[int, list[CaseOffense]] = defaultdict(list)
    for offense in session.execute(select(CaseOffense)).scalars():
        offenses[offense.case_id].append(offense)
    table = {g: Counter[str]() for g in LEVEL_GROUPS}
    for case in session.execute(select(Case)).scalars():
        row = table[level_group(offenses.get(case.id, []))]
        row["cases"] += 1
        row["detainers"] += case.case_number in reached["case.issue_detainer"]
        row["custody"] += case.case_number in reached["case.transfer_custody"]
        row["removed"] += case.case_number in reached["case.verify_removal"]
        row["closed"] += case.state in TERMINAL_STATES and (
            case.case_number not in reached["case.verify_removal"]
        )
        row["open"] += case.state not in TERMINAL_STATES
    return {g: dict(c) for g, c in table.items()}


def detainer_figures(session: Session) -> tuple[Figure, Figure]:
    statuses = Counter(s for (s,) in session.execute(select(Detainer.status)))
    total = sum(statuses.values())
    by_status = Figure(
        "Detainers by current status",
        "Each detainer request issued, by where it stands now: awaiting the jail's answer "
        "(issued), honoured, declined, notify-only, executed (the person was transferred under "
        "it), expired (48 hours after release eligibility passed), lifted.",
        f"all detainers issued ({total})",
        [(s.value.replace("_", " "), statuses.get(s, 0)) for s in DetainerStatus],
        total,
    )
    answers = Counter(a for (a,) in session.execute(select(Detainer.jail_answer)) if a is not None)
    answered = sum(answers.values())
    by_answer = Figure(
        "Jails' answers to detainers",
        "The answer each jail gave, as recorded by the officer who received it; a detainer "
        "without a recorded answer is not counted as honoured.",
        f"detainers with a recorded answer ({answered} of {total})",
        [(a.value.replace("_", " "), answers.get(a, 0)) for a in JailAnswer],
        answered,
    )
    return by_status, by_answer


def safeguard_figure(session: Session) -> Figure:
    reached = _reached(session)
    matches = len(reached["case.opened"])
    actions = Counter(
        a
        for (a,) in session.execute(
            select(AuditEntry.action).where(
                AuditEntry.action.in_(
                    [
                        "case.reject_match",
                        "case.close_no_action",
                        "case.exercise_discretion",
                        "record.correction_requested",
                    ]
                )
            )
        )
    )
    reviews = list(session.execute(select(CitizenshipReview)).scalars())
    return Figure(
        "Safeguard outcomes",
        "Matches an officer rejected on the examiner's view; citizenship reviews opened (any "
        "indicator stops all action), found established (case closed, record flagged for "
        "correction), found not established, still open; cases closed with no action or by "
        "discretion.",
        f"matches ({matches})",
        [
            ("matches rejected by an officer", actions["case.reject_match"]),
            ("citizenship reviews opened", len(reviews)),
            (
                "citizenship established",
                sum(r.outcome is ReviewFinding.CITIZENSHIP_ESTABLISHED for r in reviews),
            ),
            (
                "citizenship not established",
                sum(r.outcome is ReviewFinding.CITIZENSHIP_NOT_ESTABLISHED for r in reviews),
            ),
            ("reviews still open", sum(r.resolved_at is None for r in reviews)),
            ("record corrections requested", actions["record.correction_requested"]),
            ("closed: no action", actions["case.close_no_action"]),
            ("closed: discretion", actions["case.exercise_discretion"]),
        ],
        matches,
    )


@dataclass
class RefusalBreakdown:
    """Refusals per month (of the refusal) and rule, with each rule's kind."""

    months: list[str] = field(default_factory=list)
    rules: list[str] = field(default_factory=list)
    counts: dict[str, dict[str, int]] = field(default_factory=dict)
    kinds: dict[str, str] = field(default_factory=dict)
    total: int = 0

    definition: ClassVar[str] = (
        "Requests refused by a rule, as the audit log recorded each when it happened (entries "
        "refused.<rule>): an authorization (the role's permission, its jail, its field office, "
        "its 287(g) agreement), a guard of the transition table (the case's state, the "
        "evidence or the step that must come first) or a safeguard (citizenship gate, human "
        "verification of the match, prohibited basis, detainer expiry). Counted by the month "
        "of the refusal and the rule."
    )

    @property
    def denominator(self) -> str:
        return f"all refusals recorded ({self.total})"

    def by_kind(self) -> dict[str, dict[str, int]]:
        """Per month, the refusals of each kind (authorization, guard, safeguard)."""
        out: dict[str, dict[str, int]] = {}
        for month in self.months:
            kinds: Counter[str] = Counter()
            for rule, n in self.counts[month].items():
                kinds[self.kinds.get(rule, "")] += n
            out[month] = dict(kinds)
        return out

    def rule_totals(self) -> list[tuple[str, int]]:
        return [(r, sum(self.counts[m].get(r, 0) for m in self.months)) for r in self.rules]


def refusal_figures(session: Session) -> RefusalBreakdown:
    """Refusals by month and rule, from the audit log's refusal entries."""
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    kinds: dict[str, str] = {}
    for at, action, details in session.execute(
        select(AuditEntry.at, AuditEntry.action, AuditEntry.details).where(
            AuditEntry.action.like(refusals.ACTION_PREFIX + "%")
        )
    ):
        rule = action.removeprefix(refusals.ACTION_PREFIX)
        counts[_month(at)][rule] += 1
        if rule not in kinds:
            kinds[rule] = str(json.loads(details).get("kind", ""))
    by_rule: Counter[str] = Counter()
    for month in counts.values():
        by_rule.update(month)
    months = sorted(counts)
    return RefusalBreakdown(
        months,
        [r for r, _ in sorted(by_rule.items(), key=lambda item: (-item[1], item[0]))],
        {m: dict(counts[m]) for m in months},
        kinds,
        sum(by_rule.values()),
    )


def case_count(session: Session) -> int:
    return int(session.scalar(select(func.count(Case.id))) or 0)
