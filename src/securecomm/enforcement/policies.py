"""Jurisdictions' registered policies on detainers.

Some jurisdictions decline detainers by law or policy.  Registering that policy makes
``issue_detainer`` refuse with a clear message pointing to a notification request instead.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from securecomm.clock import Clock
from securecomm.enforcement import audit
from securecomm.enforcement.errors import InputError
from securecomm.enforcement.models import JurisdictionPolicy
from securecomm.enforcement.roles import Permission, Principal, require


def register_policy(
    session: Session,
    clock: Clock,
    principal: Principal,
    facility_ori: str,
    *,
    accepts_detainers: bool,
    name: str = "",
    source: str = "",
) -> JurisdictionPolicy:
    require(principal, Permission.ADMINISTER)
    if not facility_ori.strip():
        raise InputError("jurisdiction policy.facility_ori is required")
    policy = session.get(JurisdictionPolicy, facility_ori) or JurisdictionPolicy(
        facility_ori=facility_ori
    )
    policy.name, policy.source, policy.accepts_detainers = name, source, accepts_detainers
    policy.registered_by, policy.registered_at = principal.user_id, clock.now()
    session.add(policy)
    audit.record(
        session,
        clock,
        principal,
        "policy.registered",
        facility_ori,
        {"accepts_detainers": accepts_detainers, "name": name, "source": source},
    )
    return policy


def declining_policy(session: Session, facility_ori: str) -> JurisdictionPolicy | None:
    """The jurisdiction's registered policy if it takes no detainers (else None): what the
    console tells an officer instead of offering a detainer that would be refused."""
    policy = session.get(JurisdictionPolicy, facility_ori)
    return policy if policy is not None and not policy.accepts_detainers else None
