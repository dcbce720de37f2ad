"""Status research by the LESC and the priority assessment (level) that follows it.

Research records what the immigration records show, naming them; a finding of removability
must rest on records (never on birthplace or on the absence of a record).  Any citizenship
record the research turns up opens the citizenship gate.  The priority assessment levels the
person from convictions only (``levels.assess_level``) and records the table version.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.orm import Session

from securecomm.clock import Clock
from securecomm.enforcement.citizenship import already_reviewed, indicators_in, open_gate
from securecomm.enforcement.inputs import CriminalHistoryEvent, ImmigrationHistoryEvent
from securecomm.enforcement.intake import offense_rows, pending_summary
from securecomm.enforcement.levels import LevelAssessment, assess_level
from securecomm.enforcement.lifecycle import apply_transition
from securecomm.enforcement.lookup import load_case
from securecomm.enforcement.models import Case, CaseOffense
from securecomm.enforcement.roles import Principal
from securecomm.enforcement.vocabulary import Action, StatusFinding


def record_status_research(
    session: Session,
    clock: Clock,
    principal: Principal,
    case_number: str,
    *,
    finding: StatusFinding | str,
    record_references: Sequence[str] = (),
    immigration_history: Sequence[ImmigrationHistoryEvent] = (),
    notes: str = "",
) -> Case:
    case = load_case(session, case_number)
    finding = StatusFinding(finding)
    apply_transition(
        session,
        case,
        Action.RECORD_STATUS_RESEARCH,
        principal,
        clock,
        reason=notes,
        evidence={"finding": finding, "record_references": list(record_references)},
    )
    case.status_finding = finding
    for kind, source in indicators_in(list(immigration_history)):
        if not already_reviewed(session, case, kind, source):
            open_gate(session, clock, principal, case, kind, source)
            break
    return case


def assess_priority(
    session: Session,
    clock: Clock,
    principal: Principal,
    case_number: str,
    *,
    criminal_history: Sequence[CriminalHistoryEvent] | None = None,
) -> LevelAssessment:
    """Level the case; a new history (e.g. after a conviction) replaces the snapshot."""
    case = load_case(session, case_number)
    if criminal_history is not None:
        rows = offense_rows(criminal_history)  # validates before anything changes
    events = (
        list(criminal_history)
        if criminal_history is not None
        else [_event_of(o) for o in case.offenses]
    )
    result = assess_level(events)
    apply_transition(
        session,
        case,
        Action.ASSESS_PRIORITY,
        principal,
        clock,
        evidence={
            "level_table_version": result.table_version,
            "level": int(result.level) if result.level else None,
            "deciding_code": result.deciding.event.ncic_code if result.deciding else "",
            "deciding_rule": result.deciding.rule if result.deciding else "",
            "pending_codes": [e.ncic_code for e in result.pending],
        },
    )
    if criminal_history is not None:
        case.offenses = rows
        case.pending_charges = pending_summary(criminal_history)
    case.level = int(result.level) if result.level else None
    case.level_table_version = result.table_version
    case.level_deciding_code = result.deciding.event.ncic_code if result.deciding else ""
    return result


def _event_of(offense: CaseOffense) -> CriminalHistoryEvent:
    return CriminalHistoryEvent(
        ncic_code=offense.ncic_code,
        disposition=offense.disposition,
        date=offense.offense_date,
        sentence_days=offense.sentence_days,
        jurisdiction=offense.jurisdiction,
    )
