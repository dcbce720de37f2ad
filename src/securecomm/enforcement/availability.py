"""What a principal may do on a case now, and if not, why — asked of every case command.

The answer comes from the same rules ``CaseWork.handle`` enforces: the role's permissions and
scope (``roles.require``), the transition table's source states (``lifecycle.TRANSITIONS``),
the citizenship gate (``lifecycle.GATE_ACTIONS``), human verification first, and each
command's own ``obstacle`` (an interview to schedule first, a jail that takes no detainers).

Work the role or the state rules out entirely is ``out_of_reach``: a console does not show it.
Work that is in reach but cannot succeed yet carries ``why_not`` in words, to show beside it.
The handler still checks everything when the command is run: this is advice, not a permit.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from securecomm.clock import Clock
from securecomm.enforcement.commands import CASE_COMMANDS, CaseCommand
from securecomm.enforcement.errors import PermissionDeniedError
from securecomm.enforcement.lifecycle import GATE_ACTIONS, OPEN_STATES, TRANSITIONS
from securecomm.enforcement.lookup import load_case, partner_agreement
from securecomm.enforcement.models import Case
from securecomm.enforcement.roles import Permission, Principal, require


@dataclass(frozen=True)
class Availability:
    """One command on one case for one principal."""

    command: type[CaseCommand[object]]
    #: "" when it may succeed now; else what has to happen first, in words.
    why_not: str = ""
    #: The role or the case's state rules it out: nothing to explain, nothing to show.
    out_of_reach: bool = False

    @property
    def possible(self) -> bool:
        return not self.out_of_reach and not self.why_not


def _permissions(command: type[CaseCommand[object]]) -> tuple[Permission, ...]:
    if command.action is not None:
        return TRANSITIONS[command.action].permissions
    assert command.permission is not None, f"{command.__name__} names no permission"
    return (command.permission,)


def _permitted(
    session: Session,
    clock: Clock,
    principal: Principal,
    case: Case,
    command: type[CaseCommand[object]],
) -> bool:
    partner = partner_agreement(session, clock, principal, case)
    for permission in _permissions(command):
        try:
            require(
                principal, permission, case_number=case.case_number,
                case_facility_ori=case.facility_ori, case_field_office=case.field_office,
                partner_active=partner,
            )  # fmt: skip
            return True
        except PermissionDeniedError:
            continue
    return False


def _in_state(case: Case, command: type[CaseCommand[object]]) -> bool:
    if command.action is not None:
        if case.citizenship_gate_open and command.action not in GATE_ACTIONS:
            return False
        return case.state in TRANSITIONS[command.action].sources
    return case.state in OPEN_STATES and not case.citizenship_gate_open


def availability_of(
    session: Session,
    clock: Clock,
    principal: Principal,
    case: Case,
    command: type[CaseCommand[object]],
) -> Availability:
    """May ``principal`` run ``command`` on ``case`` now, and if not, why."""
    if not _permitted(session, clock, principal, case, command) or not _in_state(case, command):
        return Availability(command, out_of_reach=True)
    if command.after_verification and case.identity_verified_at is None:
        return Availability(command, "verify the biometric match first")
    return Availability(command, command.obstacle(session, case))


def case_availability(
    session: Session, clock: Clock, principal: Principal, case_number: str
) -> list[Availability]:
    """Every case command's availability on the case, in the order the console offers them."""
    case = load_case(session, case_number)
    return [availability_of(session, clock, principal, case, c) for c in CASE_COMMANDS]
