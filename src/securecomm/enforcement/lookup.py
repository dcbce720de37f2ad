"""Finding a case and authorising an action on it that is not a state transition."""

from __future__ import annotations

from typing import TypeVarTuple

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from securecomm.clock import Clock
from securecomm.enforcement.errors import UnknownCaseError
from securecomm.enforcement.models import Case
from securecomm.enforcement.partners import agreement_active
from securecomm.enforcement.roles import (
    JAIL_BOUND_ROLES,
    Permission,
    Principal,
    Role,
    require,
)


def load_case(session: Session, case_number: str) -> Case:
    case = session.execute(select(Case).where(Case.case_number == case_number)).scalar_one_or_none()
    if case is None:
        raise UnknownCaseError(f"no case {case_number!r}")
    return case


_Row = TypeVarTuple("_Row")


def visible_cases(query: Select[*_Row], principal: Principal) -> Select[*_Row]:
    """``query`` (over :class:`Case`) limited to the cases the principal may see: their jail's
    (jail-bound roles) and their field office's (office-bound roles); the listing form of the
    check :func:`authorize` makes for one case."""
    if principal.role in JAIL_BOUND_ROLES:
        query = query.where(Case.facility_ori == principal.facility_ori)
    if principal.office_scope is not None:
        query = query.where(Case.field_office == principal.office_scope)
    return query


def authorize(
    session: Session, clock: Clock, principal: Principal, permission: Permission, case: Case
) -> None:
    """The role holds ``permission`` and the case is its jail's (jail-bound roles) or its field
    office's (office-bound roles)."""
    require(
        principal,
        permission,
        case_number=case.case_number,
        case_facility_ori=case.facility_ori,
        case_field_office=case.field_office,
        partner_active=partner_agreement(session, clock, principal, case),
    )


def partner_agreement(
    session: Session, clock: Clock, principal: Principal, case: Case
) -> bool | None:
    """For a 287(g) officer, whether the case's jail has an agreement in force today (the
    delegated rights depend on it); ``None`` for every other role."""
    if principal.role is not Role.PARTNER_287G_OFFICER:
        return None
    return agreement_active(session, case.facility_ori, clock.now().date())
