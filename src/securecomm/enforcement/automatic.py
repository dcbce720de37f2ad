"""The automatic steps of case work, for the pipeline and ``securecomm demo``.

Only steps that need no human judgement run unattended: opening a case for each match notice
(with its reentry referral and, where the records show a citizenship indicator, the open
citizenship gate) and recording the expiry of detainers whose 48 hours are over.  Everything
else waits in the work queue for an officer — above all the verification of the match.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from securecomm.enforcement.cases import CaseWork
from securecomm.enforcement.inputs import (
    CriminalHistoryEvent,
    ImmigrationHistoryEvent,
    MatchNotice,
)
from securecomm.enforcement.intake import Intake, IntakeOutcome

MatchWithHistory = tuple[
    MatchNotice, Sequence[CriminalHistoryEvent], Sequence[ImmigrationHistoryEvent]
]


@dataclass
class AutomaticReport:
    opened: list[str] = field(default_factory=list)
    #: Cases a later booking of their person joined (one line per booking).
    attached: list[str] = field(default_factory=list)
    already_open: list[str] = field(default_factory=list)
    gate_opened: list[str] = field(default_factory=list)
    expired_detainers: list[str] = field(default_factory=list)

    def add(self, taken: Intake) -> None:
        """Record one intake."""
        number = taken.case.case_number
        lists = {
            IntakeOutcome.OPENED: self.opened,
            IntakeOutcome.ATTACHED: self.attached,
            IntakeOutcome.KNOWN: self.already_open,
        }
        lists[taken.outcome].append(number)
        if taken.gate_opened:
            self.gate_opened.append(number)


def carry_matches_into_cases(
    work: CaseWork, matches: Iterable[MatchWithHistory]
) -> AutomaticReport:
    """Take each match notice into a case (idempotently), then sweep expired detainers."""
    report = AutomaticReport()
    for notice, criminal, immigration in matches:
        report.add(work.take_match(notice, criminal, immigration))
    report.expired_detainers = work.expire_due_detainers()
    return report
