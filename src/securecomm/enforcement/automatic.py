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
from securecomm.enforcement.models import Case
from securecomm.enforcement.vocabulary import CaseState

MatchWithHistory = tuple[
    MatchNotice, Sequence[CriminalHistoryEvent], Sequence[ImmigrationHistoryEvent]
]


@dataclass
class AutomaticReport:
    opened: list[str] = field(default_factory=list)
    already_open: list[str] = field(default_factory=list)
    gate_opened: list[str] = field(default_factory=list)
    expired_detainers: list[str] = field(default_factory=list)


def _known(session: Session, _clock: Clock, notice: MatchNotice) -> bool:
    return (
        session.execute(
            select(Case.id).where(
                Case.booking_ori == notice.booking_ori, Case.booking_tcn == notice.booking_tcn
            )
        ).first()
        is not None
    )


def carry_matches_into_cases(
    work: CaseWork, matches: Iterable[MatchWithHistory]
) -> AutomaticReport:
    """Open (idempotently) a case per match notice, then sweep expired detainers."""
    report = AutomaticReport()
    for notice, criminal, immigration in matches:
        known = work.call(_known, notice)
        case = work.open_case_from_match(notice, criminal, immigration)
        (report.already_open if known else report.opened).append(case.case_number)
        if case.state is CaseState.CITIZENSHIP_REVIEW and not known:
            report.gate_opened.append(case.case_number)
    report.expired_detainers = work.expire_due_detainers()
    return report
