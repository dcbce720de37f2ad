"""The permission matrix encodes the separation of duties of DESIGN.md §5.6."""

from __future__ import annotations

import pytest

from securecomm.enforcement.errors import InputError, PermissionDeniedError
from securecomm.enforcement.roles import (
    PERMISSION_MATRIX,
    Permission,
    Principal,
    Role,
    has_permission,
    require,
)

P = Permission


def holders(permission: Permission) -> set[Role]:
    return {role for role, perms in PERMISSION_MATRIX.items() if permission in perms}


def test_every_role_has_a_row() -> None:
    assert set(PERMISSION_MATRIX) == set(Role)


def test_separation_of_duties() -> None:
    assert holders(P.VERIFY_IDENTITY) == {Role.ICE_OFFICER, Role.SUPERVISOR}
    assert holders(P.REVIEW_CITIZENSHIP_SUPERVISOR) == {Role.SUPERVISOR}
    assert holders(P.REVIEW_CITIZENSHIP_COUNSEL) == {Role.COUNSEL}
    assert holders(P.VERIFY_AUDIT) == {Role.AUDITOR}
    assert holders(P.RESEARCH_STATUS) == {Role.LESC_SPECIALIST}
    assert Role.COUNSEL not in holders(P.ISSUE_DETAINER)
    assert Role.AUDITOR not in holders(P.ISSUE_DETAINER)
    assert PERMISSION_MATRIX[Role.SYSTEM] == {
        P.OPEN_CASE, P.EXPIRE_DETAINER, P.RAISE_CITIZENSHIP_INDICATOR,
    }  # fmt: skip
    assert Role.PROGRAM_MANAGER not in holders(P.READ_CASE)  # aggregates only


def test_anyone_working_a_case_can_raise_a_citizenship_indicator() -> None:
    readers = holders(P.READ_CASE) - {Role.AUDITOR}
    assert readers <= holders(P.RAISE_CITIZENSHIP_INDICATOR)


def test_partner_delegation_is_limited() -> None:
    partner = PERMISSION_MATRIX[Role.PARTNER_287G_OFFICER]
    assert P.ISSUE_DETAINER in partner and P.INTERVIEW in partner
    for withheld in (P.VERIFY_IDENTITY, P.DECIDE, P.LIFT_DETAINER, P.DECIDE_CUSTODY, P.REMOVE):
        assert withheld not in partner


def test_jail_bound_principal_needs_its_jail() -> None:
    with pytest.raises(InputError, match="needs the facility_ori"):
        Principal("dep.x", Role.PARTNER_287G_OFFICER)
    dep = Principal("dep.x", Role.PARTNER_287G_OFFICER, facility_ori="TX0570000")
    require(dep, P.INTERVIEW, case_number="c", case_facility_ori="TX0570000", partner_active=True)
    with pytest.raises(PermissionDeniedError, match="acts only on cases of jail"):
        require(dep, P.INTERVIEW, case_number="c", case_facility_ori="CA0190000")
    with pytest.raises(PermissionDeniedError, match="no active 287"):
        require(dep, P.INTERVIEW, case_facility_ori="TX0570000", partner_active=False)
    assert not has_permission(dep, P.VERIFY_IDENTITY)
