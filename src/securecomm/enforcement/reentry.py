"""Reentry after removal: a match to a person previously removed opens a prosecution referral.

Reentering after removal is a federal crime (8 U.S.C. 1326).  When the immigration history of
a new match shows a removal before this booking, the case gets one referral for the U.S.
Attorney's review; the referral is a recommendation, recorded and audited, not a charge.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from securecomm.clock import Clock
from securecomm.enforcement import audit
from securecomm.enforcement.inputs import ImmigrationEventKind, ImmigrationHistoryEvent
from securecomm.enforcement.models import Case, ProsecutionReferral
from securecomm.enforcement.parameters import REENTRY_STATUTE
from securecomm.enforcement.roles import Principal


def prior_removal(
    history: Iterable[ImmigrationHistoryEvent], case: Case
) -> ImmigrationHistoryEvent | None:
    """The latest removal before the booking, if any."""
    removals = [
        e
        for e in history
        if e.kind is ImmigrationEventKind.REMOVED and e.date <= case.booked_at.date()
    ]
    return max(removals, key=lambda e: e.date, default=None)


def refer_reentry(
    session: Session,
    clock: Clock,
    principal: Principal,
    case: Case,
    history: Iterable[ImmigrationHistoryEvent],
) -> ProsecutionReferral | None:
    """Open the referral if the person was removed before (idempotent per case)."""
    removal = prior_removal(history, case)
    if removal is None:
        return None
    existing = session.execute(
        select(ProsecutionReferral).where(ProsecutionReferral.case_id == case.id)
    ).scalar_one_or_none()
    if existing is not None:
        return existing
    referral = ProsecutionReferral(
        case_id=case.id,
        prior_removal_on=removal.date,
        prior_removal_reference=removal.reference,
        statute=REENTRY_STATUTE,
        created_at=clock.now(),
    )
    session.add(referral)
    session.flush()
    audit.record(
        session,
        clock,
        principal,
        "referral.reentry_opened",
        case.case_number,
        {"prior_removal_on": removal.date, "reference": removal.reference,
         "statute": REENTRY_STATUTE},
    )  # fmt: skip
    return referral
