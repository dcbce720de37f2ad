"""The criminal-history record system (the FBI's, in the real world): identities and rap sheets.

An identity is known by its FBI number (UCN) and linked to one subject in the criminal
biometric gallery. Its history is arrests, each with charges; a charge gets a disposition; a
disposition that is a conviction carries the offense (NCIC uniform offense code) and the
sentence. Pending charges are charges without a disposition: they are shown, never counted as
convictions.
"""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from securecomm.records.provenance import ProvenanceMixin
from securecomm.store.columns import UtcDateTime, enum_column
from securecomm.store.database import Base


class Sex(enum.StrEnum):
    """EBTS SEX codes."""

    MALE = "M"
    FEMALE = "F"
    UNKNOWN = "X"


class ChargeLevel(enum.StrEnum):
    FELONY = "felony"
    MISDEMEANOR = "misdemeanor"
    #: A booking charge whose grade the submission did not say (EBTS has no field for it).
    UNKNOWN = "unknown"


class DispositionOutcome(enum.StrEnum):
    CONVICTED = "convicted"
    DISMISSED = "dismissed"
    ACQUITTED = "acquitted"
    NOLLE_PROSEQUI = "nolle_prosequi"
    DEFERRED = "deferred"


class SentenceKind(enum.StrEnum):
    PRISON = "prison"
    JAIL = "jail"
    PROBATION = "probation"
    FINE = "fine"
    SUSPENDED = "suspended"
    TIME_SERVED = "time_served"


class CriminalIdentity(ProvenanceMixin, Base):
    __tablename__ = "criminal_identities"

    id: Mapped[int] = mapped_column(primary_key=True)
    fbi_number: Mapped[str] = mapped_column(String(9), unique=True)
    #: The subject this identity is enrolled as in the criminal biometric gallery.
    subject_id: Mapped[str] = mapped_column(String(64), unique=True)
    family_name: Mapped[str] = mapped_column(String(100))
    given_name: Mapped[str] = mapped_column(String(100))
    date_of_birth: Mapped[date | None] = mapped_column(Date)
    sex: Mapped[Sex] = mapped_column(enum_column(Sex, "sex"))
    #: Place of birth as recorded (NCIC state/country code); never a basis for any action.
    place_of_birth: Mapped[str | None] = mapped_column(String(2))
    synthetic: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())

    arrests: Mapped[list[Arrest]] = relationship(
        back_populates="identity", order_by="Arrest.arrested_at, Arrest.id"
    )


class Arrest(ProvenanceMixin, Base):
    __tablename__ = "arrests"

    id: Mapped[int] = mapped_column(primary_key=True)
    identity_id: Mapped[int] = mapped_column(ForeignKey("criminal_identities.id"), index=True)
    arrested_at: Mapped[datetime] = mapped_column(UtcDateTime())
    agency_ori: Mapped[str] = mapped_column(String(9))
    #: The booking submission (its TCN) that reported this arrest, when there was one.
    tcn: Mapped[str | None] = mapped_column(String(40))
    synthetic: Mapped[bool] = mapped_column(Boolean, default=False)

    identity: Mapped[CriminalIdentity] = relationship(back_populates="arrests")
    charges: Mapped[list[Charge]] = relationship(
        back_populates="arrest", order_by="Charge.sequence"
    )


class Charge(Base):
    __tablename__ = "charges"

    id: Mapped[int] = mapped_column(primary_key=True)
    arrest_id: Mapped[int] = mapped_column(ForeignKey("arrests.id"), index=True)
    sequence: Mapped[int] = mapped_column(Integer)
    #: None when the booking gave only the literal (EBTS carries no offense code).
    ncic_code: Mapped[str | None] = mapped_column(String(4))
    literal: Mapped[str] = mapped_column(String(200))
    level: Mapped[ChargeLevel] = mapped_column(enum_column(ChargeLevel, "charge_level"))

    arrest: Mapped[Arrest] = relationship(back_populates="charges")
    disposition: Mapped[Disposition | None] = relationship(back_populates="charge")


class Disposition(ProvenanceMixin, Base):
    __tablename__ = "dispositions"

    id: Mapped[int] = mapped_column(primary_key=True)
    charge_id: Mapped[int] = mapped_column(ForeignKey("charges.id"), unique=True)
    outcome: Mapped[DispositionOutcome] = mapped_column(
        enum_column(DispositionOutcome, "disposition_outcome")
    )
    decided_on: Mapped[date] = mapped_column(Date)
    court: Mapped[str | None] = mapped_column(String(200))

    charge: Mapped[Charge] = relationship(back_populates="disposition")
    conviction: Mapped[Conviction | None] = relationship(back_populates="disposition")


class Conviction(Base):
    """A conviction: the offense the person was convicted of and the sentence."""

    __tablename__ = "convictions"

    id: Mapped[int] = mapped_column(primary_key=True)
    disposition_id: Mapped[int] = mapped_column(ForeignKey("dispositions.id"), unique=True)
    identity_id: Mapped[int] = mapped_column(ForeignKey("criminal_identities.id"), index=True)
    #: The offense of conviction (may differ from the charge after a plea).
    ncic_code: Mapped[str] = mapped_column(String(4))
    literal: Mapped[str] = mapped_column(String(200))
    level: Mapped[ChargeLevel] = mapped_column(enum_column(ChargeLevel, "charge_level"))
    convicted_on: Mapped[date] = mapped_column(Date)
    sentence_kind: Mapped[SentenceKind] = mapped_column(enum_column(SentenceKind, "sentence_kind"))
    #: Length of custody or probation in days (0 for a fine alone).
    sentence_days: Mapped[int] = mapped_column(Integer)

    disposition: Mapped[Disposition] = relationship(back_populates="conviction")
    identity: Mapped[CriminalIdentity] = relationship()
