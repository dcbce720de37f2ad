"""Reading and writing immigration histories; the file status research reads."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from securecomm.records.criminal import Sex
from securecomm.records.errors import (
    DuplicateRecordError,
    InvalidRecordError,
    UnknownIdentityError,
)
from securecomm.records.immigration import (
    Encounter,
    EncounterKind,
    ImmigrationIdentity,
    ImmigrationStatus,
    Removal,
    StatusRecord,
)
from securecomm.records.provenance import SourceSystem


def new_fin() -> str:
    """A random 10-digit FIN; uniqueness is enforced by the table."""
    return "".join(secrets.choice("0123456789") for _ in range(10))


@dataclass(frozen=True)
class StatusLine:
    status: ImmigrationStatus
    effective_on: date
    document: str | None
    source_system: SourceSystem
    last_updated: datetime


@dataclass(frozen=True)
class ImmigrationFile:
    """Everything DHS holds on one identity, with each fact's provenance."""

    identity: ImmigrationIdentity
    statuses: list[StatusLine]
    encounters: list[Encounter]
    removals: list[Removal]

    @property
    def latest_status(self) -> StatusLine | None:
        return self.statuses[-1] if self.statuses else None

    @property
    def citizenship_indicators(self) -> list[StatusLine]:
        """Every status line that indicates U.S. citizenship, wherever it is in the history."""
        return [s for s in self.statuses if s.status.indicates_us_citizenship]

    @property
    def last_updated(self) -> datetime:
        """The most recent update of any record in the file."""
        stamps = [self.identity.last_updated]
        stamps += [s.last_updated for s in self.statuses]
        stamps += [e.last_updated for e in self.encounters]
        stamps += [r.last_updated for r in self.removals]
        return max(stamps)


class ImmigrationRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def create_identity(
        self,
        *,
        subject_id: str,
        family_name: str,
        given_name: str,
        sex: Sex,
        now: datetime,
        source_system: SourceSystem,
        date_of_birth: date | None = None,
        country_of_birth: str | None = None,
        fin: str | None = None,
        fbi_number: str | None = None,
        synthetic: bool = False,
    ) -> ImmigrationIdentity:
        number = fin or new_fin()
        if self.find(fin=number) is not None:
            raise DuplicateRecordError(f"FIN {number} is already assigned")
        if self.find(subject_id=subject_id) is not None:
            raise DuplicateRecordError(
                f"immigration gallery subject {subject_id} already has an identity"
            )
        identity = ImmigrationIdentity(
            fin=number,
            subject_id=subject_id,
            family_name=family_name,
            given_name=given_name,
            date_of_birth=date_of_birth,
            sex=sex,
            country_of_birth=country_of_birth,
            fbi_number=fbi_number,
            synthetic=synthetic,
            created_at=now,
            source_system=source_system,
            last_updated=now,
        )
        self.session.add(identity)
        self.session.flush()
        return identity

    def find(
        self, *, fin: str | None = None, subject_id: str | None = None
    ) -> ImmigrationIdentity | None:
        query = select(ImmigrationIdentity)
        if fin is not None:
            query = query.where(ImmigrationIdentity.fin == fin)
        elif subject_id is not None:
            query = query.where(ImmigrationIdentity.subject_id == subject_id)
        else:
            raise ValueError("give fin or subject_id")
        return self.session.scalar(query)

    def get(self, *, fin: str | None = None, subject_id: str | None = None) -> ImmigrationIdentity:
        identity = self.find(fin=fin, subject_id=subject_id)
        if identity is None:
            what = f"FIN {fin}" if fin else f"gallery subject {subject_id}"
            raise UnknownIdentityError(f"no immigration identity has {what}")
        return identity

    def add_status(
        self,
        identity: ImmigrationIdentity,
        *,
        status: ImmigrationStatus,
        effective_on: date,
        source_system: SourceSystem,
        last_updated: datetime,
        document: str | None = None,
    ) -> StatusRecord:
        record = StatusRecord(
            identity_id=identity.id,
            status=status,
            effective_on=effective_on,
            document=document,
            source_system=source_system,
            last_updated=last_updated,
        )
        self.session.add(record)
        self.session.flush()
        return record

    def add_encounter(
        self,
        identity: ImmigrationIdentity,
        *,
        kind: EncounterKind,
        occurred_at: datetime,
        location: str,
        source_system: SourceSystem,
        last_updated: datetime,
        agency_ori: str | None = None,
        tcn: str | None = None,
    ) -> Encounter:
        """Record an encounter; a booking encounter (with ORI and TCN) is recorded once."""
        if tcn is not None:
            existing = self.session.scalar(
                select(Encounter).where(
                    Encounter.identity_id == identity.id,
                    Encounter.agency_ori == agency_ori,
                    Encounter.tcn == tcn,
                )
            )
            if existing is not None:
                return existing
        encounter = Encounter(
            identity_id=identity.id,
            kind=kind,
            occurred_at=occurred_at,
            location=location,
            agency_ori=agency_ori,
            tcn=tcn,
            source_system=source_system,
            last_updated=last_updated,
        )
        self.session.add(encounter)
        self.session.flush()
        return encounter

    def add_removal(
        self,
        identity: ImmigrationIdentity,
        *,
        removed_on: date,
        destination: str,
        order_basis: str,
        source_system: SourceSystem,
        last_updated: datetime,
    ) -> Removal:
        if len(destination) != 2 or not destination.isalpha() or not destination.isupper():
            raise InvalidRecordError(
                f"removal of {identity.subject_id}: destination {destination!r} is not an "
                "ISO 3166 alpha-2 country code (two capital letters)"
            )
        removal = Removal(
            identity_id=identity.id,
            removed_on=removed_on,
            destination=destination,
            order_basis=order_basis,
            source_system=source_system,
            last_updated=last_updated,
        )
        self.session.add(removal)
        self.session.flush()
        return removal

    def file(self, identity: ImmigrationIdentity) -> ImmigrationFile:
        """The identity's whole file, each list oldest first."""
        loaded = self.session.scalar(
            select(ImmigrationIdentity)
            .where(ImmigrationIdentity.id == identity.id)
            .options(
                selectinload(ImmigrationIdentity.statuses),
                selectinload(ImmigrationIdentity.encounters),
                selectinload(ImmigrationIdentity.removals),
            )
            .execution_options(populate_existing=True)
        )
        assert loaded is not None
        return ImmigrationFile(
            identity=loaded,
            statuses=[
                StatusLine(s.status, s.effective_on, s.document, s.source_system, s.last_updated)
                for s in loaded.statuses
            ],
            encounters=list(loaded.encounters),
            removals=list(loaded.removals),
        )
