"""Agency API keys: one or more per ORI, stored only as SHA-256 digests.

A key is 32 random bytes (``secrets.token_urlsafe``) prefixed with the ORI for the operator's
benefit (``VA0010000.k3Jx…``). Because keys are long random strings, an unsalted SHA-256 digest
is enough to make a stolen table useless (the practice of GitHub and Stripe tokens); lookup is
by digest, so no key is ever compared in Python.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime

from sqlalchemy import ForeignKey, String, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from securecomm.records.agencies import Agency, AgencyRepository
from securecomm.store.columns import UtcDateTime
from securecomm.store.database import Base


class AgencyApiKey(Base):
    __tablename__ = "agency_api_keys"

    id: Mapped[int] = mapped_column(primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"), index=True)
    key_digest: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


def key_digest(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def issue_api_key(session: Session, ori: str, *, now: datetime) -> str:
    """A new key for the agency ``ori``; the plain key is returned once and never stored."""
    agency = AgencyRepository(session).get(ori)
    key = f"{agency.ori}.{secrets.token_urlsafe(32)}"
    session.add(AgencyApiKey(agency_id=agency.id, key_digest=key_digest(key), created_at=now))
    session.flush()
    return key


def revoke_api_keys(session: Session, ori: str, *, now: datetime) -> int:
    """Revoke every live key of ``ori``; returns how many were revoked."""
    agency = AgencyRepository(session).get(ori)
    keys = session.scalars(
        select(AgencyApiKey).where(
            AgencyApiKey.agency_id == agency.id, AgencyApiKey.revoked_at.is_(None)
        )
    ).all()
    for row in keys:
        row.revoked_at = now
    return len(keys)


def agency_for_key(session: Session, key: str) -> Agency | None:
    """The agency a live key belongs to, or ``None``."""
    return session.scalar(
        select(Agency)
        .join(AgencyApiKey, AgencyApiKey.agency_id == Agency.id)
        .where(AgencyApiKey.key_digest == key_digest(key), AgencyApiKey.revoked_at.is_(None))
    )
