"""Charging: a notice to appear (NTA), reinstatement of a prior order, stipulated removal
(also the Rapid REPAT pathway), or voluntary return.  Each needs its document's content: an
NTA its allegations and charges; the others the reference of the order, stipulation or request
they rest on."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy.orm import Session

from securecomm.clock import Clock
from securecomm.enforcement.errors import InputError
from securecomm.enforcement.lifecycle import apply_transition
from securecomm.enforcement.lookup import load_case
from securecomm.enforcement.models import ChargingDocument
from securecomm.enforcement.roles import Principal
from securecomm.enforcement.vocabulary import Action, ChargingKind


def charge(
    session: Session,
    clock: Clock,
    principal: Principal,
    case_number: str,
    *,
    kind: ChargingKind | str,
    allegations: Sequence[str] = (),
    charges: Sequence[str] = (),
    reference: str = "",
    court: str = "",
    hearing_at: datetime | None = None,
    rapid_repat: bool = False,
) -> ChargingDocument:
    case = load_case(session, case_number)
    kind = ChargingKind(kind)
    if hearing_at is not None and hearing_at.tzinfo is None:
        raise InputError("charging document.hearing_at must be timezone-aware (UTC)")
    if rapid_repat and kind is not ChargingKind.STIPULATED_REMOVAL:
        raise InputError(f"case {case_number}: Rapid REPAT uses a stipulated removal order")
    apply_transition(
        session,
        case,
        Action.CHARGE,
        principal,
        clock,
        evidence={
            "kind": kind.value,
            "allegations": list(allegations),
            "charges": list(charges),
            "reference": reference,
            "rapid_repat": rapid_repat,
        },
    )
    case.charging_kind = kind
    case.rapid_repat = rapid_repat
    document = ChargingDocument(
        case_id=case.id,
        kind=kind,
        allegations=list(allegations),
        charges=list(charges),
        reference=reference,
        court=court,
        hearing_at=hearing_at,
        served_by=principal.user_id,
        served_at=clock.now(),
    )
    session.add(document)
    session.flush()
    return document
