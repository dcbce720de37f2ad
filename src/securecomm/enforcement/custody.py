"""Custody decisions with a recorded risk assessment, and detention beds per facility.

A decision to detain takes one bed at a registered facility and is refused when the facility is
full; a new decision (a bond redetermination, a move to alternatives to detention) ends the
previous one and frees its bed, as does leaving ICE custody for good (see ``lifecycle``).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from securecomm.clock import Clock
from securecomm.enforcement import audit
from securecomm.enforcement.errors import CapacityError, InputError, UnknownCaseError
from securecomm.enforcement.lifecycle import apply_transition
from securecomm.enforcement.lookup import load_case
from securecomm.enforcement.models import CustodyDecision, DetentionFacility
from securecomm.enforcement.roles import Permission, Principal, require
from securecomm.enforcement.vocabulary import Action, CustodyKind

RISK_LEVELS = ("low", "medium", "high")


def register_facility(
    session: Session,
    clock: Clock,
    principal: Principal,
    *,
    code: str,
    name: str,
    field_office: str,
    capacity: int,
) -> DetentionFacility:
    require(principal, Permission.ADMINISTER)
    if capacity < 0:
        raise InputError(f"facility {code}: capacity must be >= 0, not {capacity}")
    facility = session.execute(
        select(DetentionFacility).where(DetentionFacility.code == code)
    ).scalar_one_or_none() or DetentionFacility(code=code)
    facility.name, facility.field_office, facility.capacity = name, field_office, capacity
    session.add(facility)
    session.flush()
    audit.record(
        session,
        clock,
        principal,
        "facility.registered",
        code,
        {"name": name, "field_office": field_office, "capacity": capacity},
    )
    return facility


def beds_in_use(session: Session, facility: DetentionFacility) -> int:
    return session.execute(
        select(func.count(CustodyDecision.id)).where(
            CustodyDecision.facility_id == facility.id,
            CustodyDecision.kind == CustodyKind.DETAIN,
            CustodyDecision.ended_at.is_(None),
        )
    ).scalar_one()


@dataclass(frozen=True)
class Occupancy:
    code: str
    capacity: int
    in_use: int

    @property
    def free(self) -> int:
        return max(self.capacity - self.in_use, 0)


def occupancy(session: Session) -> list[Occupancy]:
    facilities = session.execute(select(DetentionFacility).order_by(DetentionFacility.code))
    return [Occupancy(f.code, f.capacity, beds_in_use(session, f)) for f in facilities.scalars()]


def decide_custody(
    session: Session,
    clock: Clock,
    principal: Principal,
    case_number: str,
    *,
    kind: CustodyKind | str,
    flight_risk: str,
    public_safety_risk: str,
    risk_rationale: str,
    bond_amount: int | None = None,
    facility_code: str = "",
    atd_program: str = "",
) -> CustodyDecision:
    case = load_case(session, case_number)
    kind = CustodyKind(kind)
    for name, value in (("flight_risk", flight_risk), ("public_safety_risk", public_safety_risk)):
        if value not in RISK_LEVELS:
            raise InputError(f"custody decision.{name} must be one of {RISK_LEVELS}, not {value!r}")
    if bond_amount is not None and bond_amount <= 0:
        raise InputError(f"custody decision.bond_amount must be positive, not {bond_amount}")
    evidence = {
        "kind": kind.value,
        "flight_risk": flight_risk,
        "public_safety_risk": public_safety_risk,
        "risk_rationale": risk_rationale,
        "bond_amount": bond_amount,
        "facility_code": facility_code,
        "atd_program": atd_program,
    }
    facility = None
    if kind is CustodyKind.DETAIN and facility_code:
        facility = session.execute(
            select(DetentionFacility).where(DetentionFacility.code == facility_code)
        ).scalar_one_or_none()
        if facility is None:
            raise UnknownCaseError(f"no detention facility {facility_code!r}")
    previous = session.execute(
        select(CustodyDecision).where(
            CustodyDecision.case_id == case.id, CustodyDecision.ended_at.is_(None)
        )
    ).scalar_one_or_none()
    if facility is not None:
        held_here = previous is not None and previous.facility_id == facility.id
        if not held_here and beds_in_use(session, facility) >= facility.capacity:
            raise CapacityError(
                f"case {case_number}: facility {facility.code} has no free bed "
                f"({facility.capacity} of {facility.capacity} in use)"
            )
    apply_transition(session, case, Action.DECIDE_CUSTODY, principal, clock, evidence=evidence)
    now = clock.now()
    if previous is not None:
        previous.ended_at = now
    decision = CustodyDecision(
        case_id=case.id,
        kind=kind,
        flight_risk=flight_risk,
        public_safety_risk=public_safety_risk,
        risk_rationale=risk_rationale,
        bond_amount=bond_amount,
        facility_id=facility.id if facility else None,
        atd_program=atd_program,
        decided_by=principal.user_id,
        decided_at=now,
    )
    session.add(decision)
    case.custody_kind = kind
    session.flush()
    return decision
