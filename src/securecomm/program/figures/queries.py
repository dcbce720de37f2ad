"""The queries of the figures: each selects (time, booking facility ORI) of what it counts.

Records are read from their own tables (the interop ``submissions`` and the ``enforcement_*``
tables); the steps that leave no row of their own (a transfer to ICE custody, a closure, a
record correction, a refusal) are read from the audit log, whose ``subject`` is the case
number. A case's place is its booking facility (``enforcement_cases.facility_ori``).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from typing import Any

from sqlalchemy import ColumnElement, Select, exists, func, select

from securecomm.enforcement.inputs import Disposition
from securecomm.enforcement.lifecycle import TERMINAL_STATES
from securecomm.enforcement.models import (
    AuditEntry,
    Case,
    CaseBooking,
    CaseOffense,
    ChargingDocument,
    CitizenshipReview,
    CustodyDecision,
    Detainer,
    IdentityVerification,
    RemovalRecord,
)
from securecomm.enforcement.refusals import ACTION_PREFIX
from securecomm.interop.submissions import Submission
from securecomm.program.figures.definition import Database, Occurrence, Query

Condition = ColumnElement[bool]


def _select(stmt: Select[Any, Any]) -> Query:
    def query(db: Database) -> Iterable[Occurrence]:
        return [(at, ori) for at, ori in db.execute(stmt)]

    return query


def submissions() -> Query:
    return _select(select(Submission.received_at, Submission.ori))


def rebookings() -> Query:
    return _select(select(CaseBooking.booked_at, CaseBooking.facility_ori))


# -- cases, by the month they were opened -------------------------------------------------------

HAS_PENDING_CHARGE: Condition = exists().where(
    CaseOffense.case_id == Case.id, CaseOffense.disposition == Disposition.PENDING
)
HAS_DETAINER: Condition = exists().where(Detainer.case_id == Case.id)
HAS_REMOVAL: Condition = exists().where(RemovalRecord.case_id == Case.id)
TRANSFERRED: Condition = exists().where(
    AuditEntry.action == "case.transfer_custody", AuditEntry.subject == Case.case_number
)
IS_OPEN: Condition = Case.state.not_in(list(TERMINAL_STATES)) & ~HAS_REMOVAL
CLOSED_OTHERWISE: Condition = Case.state.in_(list(TERMINAL_STATES)) & ~HAS_REMOVAL


def cases(*conditions: Condition) -> Query:
    """Cases opened (``opened_at``) meeting every condition."""
    return _select(select(Case.opened_at, Case.facility_ori).where(*conditions))


#: A case's level: its criminal-history snapshot's most serious conviction, as levelled by the
#: versioned table when the case was opened (``enforcement_case_offenses.level``, convictions
#: only). Not ``enforcement_cases.level``: that is set only when an officer assesses the
#: priority, so a case rejected, stopped by a citizenship review or not yet assessed would count
#: as "no conviction" although its record shows one.
SNAPSHOT_LEVEL = (
    select(func.min(CaseOffense.level))
    .where(
        CaseOffense.case_id == Case.id,
        CaseOffense.disposition == Disposition.CONVICTED,
        CaseOffense.level.is_not(None),
    )
    .scalar_subquery()
)
LEVELLED: Condition = SNAPSHOT_LEVEL.is_not(None)
#: The level groups; the unlevelled are split by whether a charge is pending.
LEVEL_CONDITIONS: dict[str, tuple[Condition, ...]] = {
    "level_1": (SNAPSHOT_LEVEL == 1,),
    "level_2": (SNAPSHOT_LEVEL == 2,),
    "level_3": (SNAPSHOT_LEVEL == 3,),
    "charged_not_convicted": (~LEVELLED, HAS_PENDING_CHARGE),
    "no_criminal_record": (~LEVELLED, ~HAS_PENDING_CHARGE),
}


# -- records of a case, by their own timestamp --------------------------------------------------


def of_case(when: Any, *conditions: Condition) -> Query:
    """Rows with a ``case_id``, at ``when``, placed at their case's booking facility."""
    table = when.class_
    return _select(
        select(when, Case.facility_ori)
        .join(Case, Case.id == table.case_id)
        .where(when.is_not(None), *conditions)
    )


def verifications(*conditions: Condition) -> Query:
    return of_case(IdentityVerification.decided_at, *conditions)


def detainers(*conditions: Condition) -> Query:
    return of_case(Detainer.issued_at, *conditions)


def jail_answers(*conditions: Condition) -> Query:
    return of_case(Detainer.jail_answered_at, Detainer.jail_answer.is_not(None), *conditions)


def charging_documents(*conditions: Condition) -> Query:
    return of_case(ChargingDocument.served_at, *conditions)


def custody_decisions(*conditions: Condition) -> Query:
    return of_case(CustodyDecision.decided_at, *conditions)


def removals(*conditions: Condition) -> Query:
    return of_case(RemovalRecord.departed_at, *conditions)


def reviews_opened(*conditions: Condition) -> Query:
    return of_case(CitizenshipReview.opened_at, *conditions)


def reviews_resolved(*conditions: Condition) -> Query:
    return of_case(
        CitizenshipReview.resolved_at, CitizenshipReview.outcome.is_not(None), *conditions
    )


# -- the audit log ------------------------------------------------------------------------------


def logged(action: str) -> Query:
    """Audit entries of ``action`` (``at``), placed at the facility of the case they name."""
    return _select(
        select(AuditEntry.at, Case.facility_ori)
        .outerjoin(Case, Case.case_number == AuditEntry.subject)
        .where(AuditEntry.action == action)
    )


def refusal_entries(db: Database) -> list[tuple[Any, str, str]]:
    """(when, rule, kind) of every refusal entry (``refused.<rule>``), in log order."""
    return [
        (at, action.removeprefix(ACTION_PREFIX), str(json.loads(details).get("kind", "")))
        for at, action, details in db.execute(
            select(AuditEntry.at, AuditEntry.action, AuditEntry.details)
            .where(AuditEntry.action.like(ACTION_PREFIX + "%"))
            .order_by(AuditEntry.seq)
        )
    ]


def refusals(kind: str | None = None) -> Query:
    """Refusals (of one kind), counted nationally: a refusal need not concern a case or a jail."""
    keep: Callable[[str], bool] = (lambda _: True) if kind is None else (lambda k: k == kind)

    def query(db: Database) -> Iterable[Occurrence]:
        return [(at, None) for at, _, k in refusal_entries(db) if keep(k)]

    return query
