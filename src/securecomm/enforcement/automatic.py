"""The automatic steps of case work, for the pipeline and ``securecomm demo``.

Only steps that need no human judgement run unattended: opening a case for each match notice
(with its reentry referral and, where the records show a citizenship indicator, the open
citizenship gate) and recording the expiry of detainers whose 48 hours are over.  Everything
else waits in the work queue for an officer — above all the verification of the match.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from securecomm.clock import Clock
from securecomm.enforcement.cases import CaseWork
from securecomm.enforcement.inputs import (
    CriminalHistoryEvent,
    ImmigrationHistoryEvent,
    MatchNotice,
)
from securecomm.enforcement.intake import Intake, IntakeOutcome
from securecomm.enforcement.models import Case
from securecomm.enforcement.vocabulary import CaseState

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

    def add(self, taken: Intake, gate_was_open: bool) -> None:
        """Record one intake; ``gate_was_open`` is the gate's state before it."""
        number = taken.case.case_number
        lists = {
            IntakeOutcome.OPENED: self.opened,
            IntakeOutcome.ATTACHED: self.attached,
            IntakeOutcome.KNOWN: self.already_open,
        }
        lists[taken.outcome].append(number)
        if taken.case.state is CaseState.CITIZENSHIP_REVIEW and not gate_was_open:
            self.gate_opened.append(number)


def carry_matches_into_cases(
    work: CaseWork, matches: Iterable[MatchWithHistory]
) -> AutomaticReport:
    """Take each match notice into a case (idempotently), then sweep expired detainers."""
    report = AutomaticReport()
    for notice, criminal, immigration in matches:
        gate_was_open = work.call(gate_open_for, notice)
        report.add(work.take_match(notice, criminal, immigration), gate_was_open)
    report.expired_detainers = work.expire_due_detainers()
    return report


def gate_open_for(session: Session, _clock: Clock, notice: MatchNotice) -> bool:
    """Whether the person already has an open case held at the citizenship gate."""
    return (
        session.execute(
            select(Case.id).where(
                Case.subject_fin == notice.subject.fin,
                Case.state == CaseState.CITIZENSHIP_REVIEW,
            )
        ).first()
        is not None
    )
