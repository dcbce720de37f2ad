"""287(g) partners: jails whose officers act with delegated immigration rights, for that jail only.

The jail binding itself is enforced for every action in ``roles.require`` (a 287(g) officer's
``facility_ori`` must be the case's); this module registers agreements and says whether one is
in force, which ``lifecycle`` checks before a 287(g) officer acts.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from securecomm.clock import Clock
from securecomm.enforcement import audit
from securecomm.enforcement.errors import InputError
from securecomm.enforcement.models import PartnerAgreement
from securecomm.enforcement.roles import Permission, Principal, require


def agreement_active(session: Session, facility_ori: str, today: date) -> bool:
    agreement = session.get(PartnerAgreement, facility_ori)
    return bool(
        agreement
        and agreement.active
        and agreement.signed_on <= today
        and (agreement.expires_on is None or today <= agreement.expires_on)
    )


def register_partner(
    session: Session,
    clock: Clock,
    principal: Principal,
    facility_ori: str,
    *,
    name: str,
    signed_on: date,
    expires_on: date | None = None,
    active: bool = True,
) -> PartnerAgreement:
    """Record (or update) a jail's 287(g) agreement."""
    require(principal, Permission.ADMINISTER)
    if not facility_ori.strip():
        raise InputError("partner agreement.facility_ori is required")
    if expires_on is not None and expires_on < signed_on:
        raise InputError(f"partner agreement {facility_ori}: expires_on is before signed_on")
    agreement = session.get(PartnerAgreement, facility_ori) or PartnerAgreement(
        facility_ori=facility_ori
    )
    agreement.name, agreement.signed_on = name, signed_on
    agreement.expires_on, agreement.active = expires_on, active
    session.add(agreement)
    audit.record(
        session,
        clock,
        principal,
        "partner.registered",
        facility_ori,
        {"name": name, "signed_on": signed_on, "expires_on": expires_on, "active": active},
    )
    return agreement
