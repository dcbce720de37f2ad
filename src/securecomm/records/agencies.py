"""Agencies: who sends bookings and who receives answers, each known by its ORI.

An ORI (originating agency identifier) is nine letters or digits, the first two the state
(``VA0010000``). Jails submit bookings; each jail reports to an ICE field office, whose queue
receives the notices about its jails' matches. Synthetic agencies (from the population
generator) are marked ``synthetic`` so no one mistakes them for real ones.
"""

from __future__ import annotations

import enum
import re
from datetime import datetime

from sqlalchemy import Boolean, String, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from securecomm.records.errors import DuplicateRecordError, InvalidOriError, UnknownAgencyError
from securecomm.store.columns import UtcDateTime, enum_column
from securecomm.store.database import Base

ORI_PATTERN = re.compile(r"^[A-Z]{2}[A-Z0-9]{7}$")


class AgencyKind(enum.StrEnum):
    JAIL = "jail"
    STATE_BUREAU = "state_bureau"
    FIELD_OFFICE = "field_office"
    LESC = "lesc"


class Agency(Base):
    __tablename__ = "agencies"

    id: Mapped[int] = mapped_column(primary_key=True)
    ori: Mapped[str] = mapped_column(String(9), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    state: Mapped[str] = mapped_column(String(2))
    county: Mapped[str | None] = mapped_column(String(100))
    kind: Mapped[AgencyKind] = mapped_column(enum_column(AgencyKind, "agency_kind"))
    #: The ICE field office whose queue receives this jail's notices.
    field_office_ori: Mapped[str | None] = mapped_column(String(9))
    synthetic: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())


def check_ori(ori: str, *, where: str = "ORI") -> str:
    """``ori`` upper-cased if it is nine letters/digits starting with a state code."""
    value = ori.strip().upper()
    if not ORI_PATTERN.match(value):
        raise InvalidOriError(
            f"{where}: {ori!r} is not an ORI (nine letters or digits, the first two letters)"
        )
    return value


class AgencyRepository:
    """Agencies by ORI."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def add(
        self,
        *,
        ori: str,
        name: str,
        state: str,
        kind: AgencyKind,
        created_at: datetime,
        county: str | None = None,
        field_office_ori: str | None = None,
        synthetic: bool = False,
    ) -> Agency:
        ori = check_ori(ori)
        if self.find(ori) is not None:
            raise DuplicateRecordError(f"an agency with ORI {ori} already exists")
        agency = Agency(
            ori=ori,
            name=name,
            state=state.upper(),
            county=county,
            kind=kind,
            field_office_ori=check_ori(field_office_ori, where="field office ORI")
            if field_office_ori
            else None,
            synthetic=synthetic,
            created_at=created_at,
        )
        self.session.add(agency)
        self.session.flush()
        return agency

    def find(self, ori: str) -> Agency | None:
        return self.session.scalar(select(Agency).where(Agency.ori == ori.strip().upper()))

    def get(self, ori: str) -> Agency:
        agency = self.find(ori)
        if agency is None:
            raise UnknownAgencyError(f"no agency has ORI {ori!r}")
        return agency

    def of_kind(self, kind: AgencyKind) -> list[Agency]:
        return list(
            self.session.scalars(select(Agency).where(Agency.kind == kind).order_by(Agency.ori))
        )
