"""The immigration record system (DHS's, in the real world): identities, encounters, status
history and removals.

An identity is known by its FIN (fingerprint identification number) and linked to one subject
in the immigration biometric gallery. Every record carries its provenance (source system) and
last-updated date, because a status is only as good as the record that states it: a person
naturalised years ago whose file was never updated still reads "LPR" here. Status research
therefore reads the whole history, never just the latest line.
"""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from securecomm.records.criminal import Sex
from securecomm.records.provenance import ProvenanceMixin
from securecomm.store.columns import UtcDateTime, enum_column
from securecomm.store.database import Base


class ImmigrationStatus(enum.StrEnum):
    CITIZEN_BY_BIRTH = "citizen_by_birth"
    NATURALIZED = "naturalized"
    DERIVED_CITIZEN = "derived_citizen"
    LAWFUL_PERMANENT_RESIDENT = "lawful_permanent_resident"
    NONIMMIGRANT_VISA = "nonimmigrant_visa"
    REFUGEE_OR_ASYLEE = "refugee_or_asylee"
    PAROLEE = "parolee"
    NO_STATUS = "no_status"
    REMOVED = "removed"

    @property
    def indicates_us_citizenship(self) -> bool:
        """Any of these stops all action until a supervisor and counsel review (DESIGN §5.3)."""
        return self in CITIZENSHIP_STATUSES


CITIZENSHIP_STATUSES = frozenset(
    {
        ImmigrationStatus.CITIZEN_BY_BIRTH,
        ImmigrationStatus.NATURALIZED,
        ImmigrationStatus.DERIVED_CITIZEN,
    }
)


class EncounterKind(enum.StrEnum):
    PORT_OF_ENTRY = "port_of_entry"
    VISA_APPLICATION = "visa_application"
    BENEFIT_APPLICATION = "benefit_application"
    BORDER_APPREHENSION = "border_apprehension"
    INTERIOR_ARREST = "interior_arrest"
    JAIL_BOOKING = "jail_booking"
    REMOVAL = "removal"


class ImmigrationIdentity(ProvenanceMixin, Base):
    __tablename__ = "immigration_identities"

    id: Mapped[int] = mapped_column(primary_key=True)
    fin: Mapped[str] = mapped_column(String(12), unique=True)
    #: The subject this identity is enrolled as in the immigration biometric gallery.
    subject_id: Mapped[str] = mapped_column(String(64), unique=True)
    family_name: Mapped[str] = mapped_column(String(100))
    given_name: Mapped[str] = mapped_column(String(100))
    date_of_birth: Mapped[date | None] = mapped_column(Date)
    sex: Mapped[Sex] = mapped_column(enum_column(Sex, "sex"))
    country_of_birth: Mapped[str | None] = mapped_column(String(2))
    #: The FBI number, where DHS has recorded one (cross-reference only).
    fbi_number: Mapped[str | None] = mapped_column(String(9))
    synthetic: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())

    encounters: Mapped[list[Encounter]] = relationship(
        back_populates="identity", order_by="Encounter.occurred_at, Encounter.id"
    )
    statuses: Mapped[list[StatusRecord]] = relationship(
        back_populates="identity", order_by="StatusRecord.effective_on, StatusRecord.id"
    )
    removals: Mapped[list[Removal]] = relationship(
        back_populates="identity", order_by="Removal.removed_on, Removal.id"
    )


class Encounter(ProvenanceMixin, Base):
    __tablename__ = "immigration_encounters"

    id: Mapped[int] = mapped_column(primary_key=True)
    identity_id: Mapped[int] = mapped_column(ForeignKey("immigration_identities.id"), index=True)
    kind: Mapped[EncounterKind] = mapped_column(enum_column(EncounterKind, "encounter_kind"))
    occurred_at: Mapped[datetime] = mapped_column(UtcDateTime())
    location: Mapped[str] = mapped_column(String(200))
    #: For a jail booking: the submitting agency and TCN, so a retried step adds nothing.
    agency_ori: Mapped[str | None] = mapped_column(String(9))
    tcn: Mapped[str | None] = mapped_column(String(40))

    identity: Mapped[ImmigrationIdentity] = relationship(back_populates="encounters")


class StatusRecord(ProvenanceMixin, Base):
    """One line of status history: a status that took effect on a date, per a source system."""

    __tablename__ = "immigration_statuses"

    id: Mapped[int] = mapped_column(primary_key=True)
    identity_id: Mapped[int] = mapped_column(ForeignKey("immigration_identities.id"), index=True)
    status: Mapped[ImmigrationStatus] = mapped_column(
        enum_column(ImmigrationStatus, "immigration_status")
    )
    effective_on: Mapped[date] = mapped_column(Date)
    #: The document that evidences it (A-number, certificate or visa number), where known.
    document: Mapped[str | None] = mapped_column(String(40))

    identity: Mapped[ImmigrationIdentity] = relationship(back_populates="statuses")


class Removal(ProvenanceMixin, Base):
    __tablename__ = "immigration_removals"

    id: Mapped[int] = mapped_column(primary_key=True)
    identity_id: Mapped[int] = mapped_column(ForeignKey("immigration_identities.id"), index=True)
    removed_on: Mapped[date] = mapped_column(Date)
    #: Country removed to (ISO 3166 alpha-2).
    destination: Mapped[str] = mapped_column(String(2))
    order_basis: Mapped[str] = mapped_column(String(200))

    identity: Mapped[ImmigrationIdentity] = relationship(back_populates="removals")
