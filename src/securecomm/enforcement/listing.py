"""The list of cases as an operator or auditor reads it (``securecomm cases list``): every case
the principal may see, open or closed, with the bookings joined to it. Reading is audited."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from securecomm.clock import Clock
from securecomm.enforcement import audit
from securecomm.enforcement.lookup import visible_cases
from securecomm.enforcement.models import Case
from securecomm.enforcement.roles import Permission, Principal, require


@dataclass(frozen=True)
class CaseSummary:
    case_id: str
    #: The booking that opened the case, then each later booking that joined it.
    tcn: list[str]
    state: str
    level: int | None
    office: str
    facility_ori: str
    subject_fin: str
    subject_name: str
    opened_at: datetime
    updated_at: datetime

    def as_json(self) -> dict[str, Any]:
        row = asdict(self)
        row["opened_at"] = self.opened_at.isoformat()
        row["updated_at"] = self.updated_at.isoformat()
        return row


def list_cases(
    session: Session, clock: Clock, principal: Principal, *, office: str = ""
) -> list[CaseSummary]:
    """The cases ``principal`` may see (of field office ``office`` when given), oldest first."""
    require(principal, Permission.READ_CASE)
    query = visible_cases(select(Case), principal).options(selectinload(Case.later_bookings))
    if office:
        query = query.where(Case.field_office == office.strip().upper())
    cases = session.execute(query.order_by(Case.opened_at, Case.id)).scalars().all()
    audit.record(session, clock, principal, "cases.listed", office or "*", {"count": len(cases)})
    return [
        CaseSummary(
            case_id=c.case_number,
            tcn=[c.booking_tcn, *(b.booking_tcn for b in c.later_bookings)],
            state=c.state.value,
            level=c.level,
            office=c.field_office,
            facility_ori=c.facility_ori,
            subject_fin=c.subject_fin,
            subject_name=c.subject_name,
            opened_at=c.opened_at,
            updated_at=c.updated_at,
        )
        for c in cases
    ]
