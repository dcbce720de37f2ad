"""Roles, permissions and who may act on which case (DESIGN.md §5.6).

The permission matrix is data: ``PERMISSION_MATRIX`` maps each role to the permissions it
holds, and ``render_permission_matrix`` prints it as the table in ``docs/enforcement.md`` (a
test keeps the two equal).  Two roles are bound to one jail: a **287(g) officer** acts with
delegated rights only on cases booked at their own jail, and a **booking officer** sees and
answers only for their own jail.  Three roles are bound to one ICE field office
(``OFFICE_BOUND_ROLES``): an **ICE officer**, a **supervisor** and **counsel** see and act only
on cases of their field office (``Case.field_office``), as an ERO officer works the cases of
their area of responsibility and an OPLA attorney those of the Office of the Chief Counsel that
serves it.  The office is required, as the jail is for jail-bound roles, so a missing office
never silently widens access.  The LESC, program managers and auditors work nationally.
``SYSTEM`` is the pipeline's automatic steps (opening a case from a match notice, expiring
detainers); it holds no discretionary power and no office binding.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass

from securecomm.enforcement.errors import InputError, PermissionDeniedError


class Role(enum.StrEnum):
    BOOKING_OFFICER = "booking_officer"
    LESC_SPECIALIST = "lesc_specialist"
    ICE_OFFICER = "ice_officer"
    SUPERVISOR = "supervisor"
    COUNSEL = "counsel"
    PROGRAM_MANAGER = "program_manager"
    AUDITOR = "auditor"
    PARTNER_287G_OFFICER = "partner_287g_officer"
    SYSTEM = "system"


class Permission(enum.StrEnum):
    OPEN_CASE = "open_case"
    READ_CASE = "read_case"  # personal data: audited on every read
    READ_STATISTICS = "read_statistics"  # aggregates without personal data
    VERIFY_IDENTITY = "verify_identity"
    RESEARCH_STATUS = "research_status"
    RAISE_CITIZENSHIP_INDICATOR = "raise_citizenship_indicator"
    REVIEW_CITIZENSHIP_SUPERVISOR = "review_citizenship_supervisor"
    REVIEW_CITIZENSHIP_COUNSEL = "review_citizenship_counsel"
    ASSESS_PRIORITY = "assess_priority"
    INTERVIEW = "interview"
    DECIDE = "decide"  # no action, discretion, wait for conviction, request notification
    ISSUE_DETAINER = "issue_detainer"
    RECORD_JAIL_RESPONSE = "record_jail_response"
    RECORD_RELEASE_TIME = "record_release_time"
    LIFT_DETAINER = "lift_detainer"
    EXPIRE_DETAINER = "expire_detainer"
    TRANSFER_CUSTODY = "transfer_custody"
    CHARGE = "charge"
    DECIDE_CUSTODY = "decide_custody"
    RECORD_COURT = "record_court"
    REMOVE = "remove"  # travel documents, removal verification, supervision, absconding
    ASSIGN_WORK = "assign_work"
    ADMINISTER = "administer"  # jurisdiction policies, facilities, 287(g) agreements
    VERIFY_AUDIT = "verify_audit"


#: What each permission lets a role do (completes "may not …").
PERMISSION_WORDS: dict[Permission, str] = {
    Permission.OPEN_CASE: "open cases",
    Permission.READ_CASE: "read case records",
    Permission.READ_STATISTICS: "read the program's statistics",
    Permission.VERIFY_IDENTITY: "verify or reject a biometric match",
    Permission.RESEARCH_STATUS: "record immigration status research",
    Permission.RAISE_CITIZENSHIP_INDICATOR: "raise a citizenship indicator",
    Permission.REVIEW_CITIZENSHIP_SUPERVISOR: "record the supervisor's citizenship finding",
    Permission.REVIEW_CITIZENSHIP_COUNSEL: "record counsel's citizenship finding",
    Permission.ASSESS_PRIORITY: "assess a priority level",
    Permission.INTERVIEW: "schedule or record interviews",
    Permission.DECIDE: "decide a case (no action, discretion, waiting, notification)",
    Permission.ISSUE_DETAINER: "issue detainers",
    Permission.RECORD_JAIL_RESPONSE: "record a jail's answer to a detainer",
    Permission.RECORD_RELEASE_TIME: "record a release-eligible time",
    Permission.LIFT_DETAINER: "lift detainers",
    Permission.EXPIRE_DETAINER: "expire detainers",
    Permission.TRANSFER_CUSTODY: "take custody",
    Permission.CHARGE: "serve charging documents",
    Permission.DECIDE_CUSTODY: "decide custody",
    Permission.RECORD_COURT: "record court events",
    Permission.REMOVE: "carry out removals",
    Permission.ASSIGN_WORK: "assign cases",
    Permission.ADMINISTER: "administer policies, facilities, agreements and accounts",
    Permission.VERIFY_AUDIT: "verify or search the audit log",
}

ROLE_WORDS: dict[Role, str] = {
    Role.BOOKING_OFFICER: "booking officer",
    Role.LESC_SPECIALIST: "LESC specialist",
    Role.ICE_OFFICER: "ICE officer",
    Role.SUPERVISOR: "supervisor",
    Role.COUNSEL: "counsel",
    Role.PROGRAM_MANAGER: "program manager",
    Role.AUDITOR: "auditor",
    Role.PARTNER_287G_OFFICER: "287(g) officer",
    Role.SYSTEM: "the system",
}

P = Permission
_CASE_WORK = frozenset(
    {
        P.READ_CASE,
        P.VERIFY_IDENTITY,
        P.RAISE_CITIZENSHIP_INDICATOR,
        P.ASSESS_PRIORITY,
        P.INTERVIEW,
        P.DECIDE,
        P.ISSUE_DETAINER,
        P.RECORD_JAIL_RESPONSE,
        P.RECORD_RELEASE_TIME,
        P.LIFT_DETAINER,
        P.EXPIRE_DETAINER,
        P.TRANSFER_CUSTODY,
        P.CHARGE,
        P.DECIDE_CUSTODY,
        P.RECORD_COURT,
        P.REMOVE,
    }
)

PERMISSION_MATRIX: Mapping[Role, frozenset[Permission]] = {
    Role.BOOKING_OFFICER: frozenset(
        {P.READ_CASE, P.RAISE_CITIZENSHIP_INDICATOR, P.RECORD_JAIL_RESPONSE, P.RECORD_RELEASE_TIME}
    ),
    Role.LESC_SPECIALIST: frozenset(
        {P.READ_CASE, P.RESEARCH_STATUS, P.RAISE_CITIZENSHIP_INDICATOR, P.ASSESS_PRIORITY}
    ),
    Role.ICE_OFFICER: _CASE_WORK,
    Role.SUPERVISOR: _CASE_WORK
    | {P.REVIEW_CITIZENSHIP_SUPERVISOR, P.ASSIGN_WORK, P.ADMINISTER, P.READ_STATISTICS},
    Role.COUNSEL: frozenset(
        {P.READ_CASE, P.RAISE_CITIZENSHIP_INDICATOR, P.REVIEW_CITIZENSHIP_COUNSEL}
    ),
    # Managers plan (facilities, teams, statistics); they do not touch cases: only a
    # supervisor assigns work, within the office it supervises.
    Role.PROGRAM_MANAGER: frozenset({P.READ_STATISTICS, P.ADMINISTER}),
    Role.AUDITOR: frozenset({P.VERIFY_AUDIT, P.READ_STATISTICS, P.READ_CASE}),
    Role.PARTNER_287G_OFFICER: frozenset(
        {
            P.READ_CASE,
            P.RAISE_CITIZENSHIP_INDICATOR,
            P.INTERVIEW,
            P.ISSUE_DETAINER,
            P.RECORD_JAIL_RESPONSE,
            P.RECORD_RELEASE_TIME,
            P.CHARGE,
        }
    ),
    Role.SYSTEM: frozenset({P.OPEN_CASE, P.EXPIRE_DETAINER, P.RAISE_CITIZENSHIP_INDICATOR}),
}

#: Roles that act only on cases booked at their own jail (``Principal.facility_ori``).
JAIL_BOUND_ROLES = frozenset({Role.PARTNER_287G_OFFICER, Role.BOOKING_OFFICER})

#: Roles that see and act only on cases of their own ICE field office (``Principal.office``).
#: The office is required: an officer with no office would otherwise see every office's cases.
OFFICE_BOUND_ROLES = frozenset({Role.ICE_OFFICER, Role.SUPERVISOR, Role.COUNSEL})


@dataclass(frozen=True)
class Principal:
    """Who is acting: a user id, a role, for office-bound roles their field office, and for
    jail-bound roles the jail's ORI."""

    user_id: str
    role: Role
    office: str = ""
    facility_ori: str = ""
    team: str = ""

    def __post_init__(self) -> None:
        if not self.user_id.strip():
            raise InputError("principal.user_id is required")
        if self.role in JAIL_BOUND_ROLES and not self.facility_ori:
            raise InputError(
                f"principal {self.user_id}: role {self.role} needs the facility_ori of its jail"
            )
        if self.role in OFFICE_BOUND_ROLES and not self.office.strip():
            raise InputError(
                f"principal {self.user_id}: role {self.role} needs the field office it works for"
            )

    @property
    def office_scope(self) -> str | None:
        """The field office this principal is limited to, or ``None`` if it works nationally."""
        return self.office if self.role in OFFICE_BOUND_ROLES else None

    def __str__(self) -> str:
        at = self.facility_ori or (self.office if self.role in OFFICE_BOUND_ROLES else "")
        where = f" of {at}" if at else ""
        return f"{self.user_id} ({ROLE_WORDS[self.role]}{where})"


SYSTEM_PRINCIPAL = Principal("system", Role.SYSTEM)


def has_permission(principal: Principal, permission: Permission) -> bool:
    return permission in PERMISSION_MATRIX[principal.role]


def require(
    principal: Principal,
    permission: Permission,
    *,
    case_number: str = "",
    case_facility_ori: str | None = None,
    case_field_office: str | None = None,
    partner_active: bool | None = None,
) -> None:
    """Refuse unless the role holds ``permission``, for jail-bound roles it is their jail, and
    for office-bound roles it is their field office's case.

    A 287(g) officer additionally needs an active agreement for the jail (``partner_active``).
    """
    on = f" on case {case_number}" if case_number else ""
    if not has_permission(principal, permission):
        raise PermissionDeniedError(
            f"{principal} may not {PERMISSION_WORDS[permission]}{on}",
            rule="permission",
        )
    if principal.role in JAIL_BOUND_ROLES and case_facility_ori is not None:
        if principal.facility_ori != case_facility_ori:
            raise PermissionDeniedError(
                f"{principal} acts only on cases of jail {principal.facility_ori}; "
                f"case {case_number} was booked at {case_facility_ori}",
                rule="jail_scope",
            )
        if principal.role is Role.PARTNER_287G_OFFICER and partner_active is False:
            raise PermissionDeniedError(
                f"{principal}: jail {principal.facility_ori} has no active 287(g) agreement",
                rule="partner_agreement",
            )
    office = principal.office_scope
    if office is not None and case_field_office is not None and case_field_office != office:
        raise PermissionDeniedError(
            f"{principal} acts only on cases of field office {office}; "
            f"case {case_number} belongs to field office {case_field_office}",
            rule="office_scope",
        )


def render_permission_matrix() -> str:
    """The matrix as a Markdown table (roles as columns), for docs/enforcement.md."""
    roles = list(Role)
    lines = [
        "| permission | " + " | ".join(r.value for r in roles) + " |",
        "|---|" + "---|" * len(roles),
    ]
    for perm in Permission:
        marks = ["x" if perm in PERMISSION_MATRIX[r] else "" for r in roles]
        lines.append(f"| {perm.value} | " + " | ".join(marks) + " |")
    return "\n".join(lines) + "\n"
