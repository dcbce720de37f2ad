"""The population's ground truth: who each synthetic person really is, and their bookings.

The record systems hold what the government *knows*; these tables hold what is *true* in the
synthetic world (for example a naturalised citizen whose immigration file still says LPR), so
benchmarks and audits can measure how the system treats each kind of person.
"""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import BigInteger, Boolean, Date, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from securecomm.records.criminal import Sex
from securecomm.store.columns import UtcDateTime, enum_column
from securecomm.store.database import Base


class TrueStatus(enum.StrEnum):
    US_BORN_CITIZEN = "us_born_citizen"
    NATURALIZED_CITIZEN = "naturalized_citizen"
    DERIVED_CITIZEN = "derived_citizen"
    LAWFUL_PERMANENT_RESIDENT = "lawful_permanent_resident"
    VISA_HOLDER = "visa_holder"
    NO_STATUS = "no_status"
    PREVIOUSLY_REMOVED = "previously_removed"

    @property
    def is_us_citizen(self) -> bool:
        return self in {
            TrueStatus.US_BORN_CITIZEN,
            TrueStatus.NATURALIZED_CITIZEN,
            TrueStatus.DERIVED_CITIZEN,
        }


class SyntheticPerson(Base):
    __tablename__ = "synthetic_persons"

    id: Mapped[int] = mapped_column(primary_key=True)
    population_seed: Mapped[int] = mapped_column(BigInteger)
    number: Mapped[int] = mapped_column(Integer)
    family_name: Mapped[str] = mapped_column(String(100))
    given_name: Mapped[str] = mapped_column(String(100))
    date_of_birth: Mapped[date] = mapped_column(Date)
    sex: Mapped[Sex] = mapped_column(enum_column(Sex, "sex"))
    country_of_birth: Mapped[str] = mapped_column(String(2))
    true_status: Mapped[TrueStatus] = mapped_column(enum_column(TrueStatus, "true_status"))
    #: False for a citizen whose immigration file was never updated to say so.
    status_recorded: Mapped[bool] = mapped_column(Boolean)
    #: Seed of the person's ten master fingerprints (afis synthesis).
    finger_seed: Mapped[int] = mapped_column(BigInteger)
    fbi_number: Mapped[str | None] = mapped_column(String(9))
    fin: Mapped[str | None] = mapped_column(String(12))
    synthetic: Mapped[bool] = mapped_column(Boolean, default=True)

    bookings: Mapped[list[BookingEvent]] = relationship(
        back_populates="person", order_by="BookingEvent.booked_at, BookingEvent.id"
    )


class BookingEvent(Base):
    """A future booking of a person at a jail: what a booking station will submit."""

    __tablename__ = "booking_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("synthetic_persons.id"), index=True)
    agency_ori: Mapped[str] = mapped_column(String(9))
    booked_at: Mapped[datetime] = mapped_column(UtcDateTime(), index=True)
    ncic_code: Mapped[str] = mapped_column(String(4))
    literal: Mapped[str] = mapped_column(String(200))
    #: The TCN of the submission made for it, once made.
    tcn: Mapped[str | None] = mapped_column(String(40))
    synthetic: Mapped[bool] = mapped_column(Boolean, default=True)

    person: Mapped[SyntheticPerson] = relationship(back_populates="bookings")
