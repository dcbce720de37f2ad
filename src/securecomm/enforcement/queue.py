"""The field office's work queue: open cases, most serious and most urgent first.

Order: level (1, 2, 3, then not levelled), then the nearest deadline that still applies in the
case's state (``case_deadline``), then the oldest case.  Filters by office, facility, level,
state, officer and team; jail-bound roles see only their jail, office-bound roles only their
field office.  Listing the queue shows
personal data, so it is audited with the case numbers shown.  Assignment to an
officer or a CAP (Criminal Alien Program) team is audited too; only a supervisor assigns, and
only to an ICE officer of its own field office (``staff``: the directory that knows them).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from securecomm.clock import Clock
from securecomm.enforcement import audit
from securecomm.enforcement.errors import InputError, PermissionDeniedError
from securecomm.enforcement.guards import HOLDING_DETAINER, active_detainer, holds_person
from securecomm.enforcement.lifecycle import IN_JAIL_STATES, OPEN_STATES
from securecomm.enforcement.lookup import authorize, load_case, visible_cases
from securecomm.enforcement.models import Case
from securecomm.enforcement.roles import Permission, Principal, Role, require
from securecomm.enforcement.staff import Staff
from securecomm.enforcement.vocabulary import CaseState, DetainerStatus

_NO_LEVEL = 4


@dataclass(frozen=True)
class QueueFilter:
    office: str = ""
    facility_ori: str = ""
    level: int | None = None
    state: CaseState | None = None
    assigned_officer: str = ""
    team: str = ""


@dataclass(frozen=True)
class QueueItem:
    case_number: str
    state: CaseState
    level: int | None
    subject_name: str
    subject_fin: str
    facility_ori: str
    field_office: str
    release_eligible_at: datetime | None
    #: The open detainer's expiry (when the sweep closes it), whatever the jail answered.
    detainer_expires_at: datetime | None
    deadline: datetime | None
    assigned_officer: str
    assigned_team: str
    opened_at: datetime
    #: The open detainer's status: issued, honoured, declined or notify-only (None: no detainer).
    detainer_status: DetainerStatus | None = None

    @property
    def detainer_holds(self) -> bool:
        """Whether the open detainer keeps (or, unanswered, may keep) the person past release;
        a declined or notify-only one does not, so its expiry is no deadline."""
        return self.detainer_status in HOLDING_DETAINER


def in_jail_custody(case: Case) -> bool:
    """Whether the person is still in the jail's custody: a state before custody passes to ICE,
    or a citizenship review opened from one."""
    if case.state is CaseState.CITIZENSHIP_REVIEW:
        return case.gate_resume_state in IN_JAIL_STATES
    return case.state in IN_JAIL_STATES


def case_deadline(
    now: datetime,
    in_jail: bool,
    release_eligible_at: datetime | None,
    hold_expiry: datetime | None,
) -> datetime | None:
    """The deadline that still applies in the case's state.

    While the person is in the jail's custody: the release-eligible time while it is ahead, and
    the expiry of a detainer that holds the person (48 hours later), overdue once it has
    passed.  ``hold_expiry`` is that expiry, or None when no detainer holds the person: a
    declined or notify-only detainer keeps no one past release, so once the release time has
    passed the case has no deadline (never "overdue" for an expiry nobody can act on) until
    the sweep closes the detainer.  Once custody has passed to ICE (transferred, charged, in
    proceedings, ...) neither applies.
    """
    if not in_jail:
        return None
    if release_eligible_at is not None and release_eligible_at >= now:
        return release_eligible_at
    return hold_expiry


def _item(session: Session, case: Case, now: datetime) -> QueueItem:
    detainer = active_detainer(session, case)
    expiry = detainer.expires_at if detainer else None
    hold_expiry = expiry if holds_person(detainer) else None
    return QueueItem(
        case_number=case.case_number,
        state=case.state,
        level=case.level,
        subject_name=case.subject_name,
        subject_fin=case.subject_fin,
        facility_ori=case.facility_ori,
        field_office=case.field_office,
        release_eligible_at=case.release_eligible_at,
        detainer_expires_at=expiry,
        deadline=case_deadline(now, in_jail_custody(case), case.release_eligible_at, hold_expiry),
        assigned_officer=case.assigned_officer,
        assigned_team=case.assigned_team,
        opened_at=case.opened_at,
        detainer_status=detainer.status if detainer else None,
    )


def sort_key(item: QueueItem) -> tuple[int, int, datetime, datetime, str]:
    far = datetime.max.replace(tzinfo=item.opened_at.tzinfo)
    return (
        item.level or _NO_LEVEL,
        0 if item.deadline else 1,
        item.deadline or far,
        item.opened_at,
        item.case_number,
    )


def work_queue(
    session: Session,
    clock: Clock,
    principal: Principal,
    filters: QueueFilter | None = None,
    *,
    limit: int = 100,
) -> list[QueueItem]:
    require(principal, Permission.READ_CASE)
    f = filters or QueueFilter()
    query = visible_cases(select(Case).where(Case.state.in_(list(OPEN_STATES))), principal)
    if f.office:
        query = query.where(Case.field_office == f.office)
    if f.facility_ori:
        query = query.where(Case.facility_ori == f.facility_ori)
    if f.level is not None:
        query = query.where(Case.level == f.level)
    if f.state is not None:
        query = query.where(Case.state == f.state)
    if f.assigned_officer:
        query = query.where(Case.assigned_officer == f.assigned_officer)
    if f.team:
        query = query.where(Case.assigned_team == f.team)
    now = clock.now()
    items = sorted((_item(session, c, now) for c in session.execute(query).scalars()), key=sort_key)
    items = items[:limit]
    audit.record(
        session,
        clock,
        principal,
        "queue.read",
        f.office or f.facility_ori or "all",
        {"cases": [i.case_number for i in items], "filters": f.__dict__},
    )
    return items


def assign(
    session: Session,
    clock: Clock,
    principal: Principal,
    case_number: str,
    *,
    officer: str = "",
    team: str = "",
    staff: Staff | None = None,
) -> Case:
    """Assign a case to an officer and/or a CAP team (an empty officer clears it).

    Only a supervisor assigns (``ASSIGN_WORK``), on a case of the office it supervises, and
    only to an ICE officer of that same field office, as ``staff`` (the directory) knows them.
    """
    case = load_case(session, case_number)
    authorize(session, clock, principal, Permission.ASSIGN_WORK, case)
    officer = officer.strip().lower()
    if officer:
        _check_assignee(session, principal, case, officer, staff)
    case.assigned_officer, case.assigned_team = officer, team.strip()
    audit.record(
        session, clock, principal, "case.assigned", case_number,
        {"officer": officer, "team": case.assigned_team},
    )  # fmt: skip
    return case


def _check_assignee(
    session: Session, principal: Principal, case: Case, officer: str, staff: Staff | None
) -> None:
    if staff is None:
        raise InputError(
            f"case {case.case_number}: no staff directory to check officer {officer} against; "
            "a case is assigned only to an officer the directory knows"
        )
    assignee = staff.find(session, officer)
    if assignee is None:
        raise InputError(f"case {case.case_number}: there is no active account {officer!r}")
    if assignee.role is not Role.ICE_OFFICER:
        raise PermissionDeniedError(
            f"{principal} may assign case {case.case_number} only to an ICE officer; "
            f"{officer} is a {assignee.role.value.replace('_', ' ')}",
            rule="assignee_role",
        )
    if assignee.office != case.field_office or assignee.office != principal.office_scope:
        raise PermissionDeniedError(
            f"{principal} assigns work only to officers of field office "
            f"{principal.office_scope or case.field_office}; {officer} works for field office "
            f"{assignee.office}",
            rule="assignee_office",
        )
