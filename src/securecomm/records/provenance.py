"""Provenance: which source system a record came from and when that system last updated it.

Every immigration record carries both, because the documented failures of the real program
(citizens held after naturalisation was never recorded) come from stale records whose age and
origin nobody could see. Status research shows them next to every fact.
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy.orm import Mapped, mapped_column

from securecomm.store.columns import UtcDateTime, enum_column


class SourceSystem(enum.StrEnum):
    """The systems of record an immigration or criminal fact is copied from."""

    IDENT = "ident"  # DHS biometric repository (encounters with prints)
    ENFORCE = "enforce"  # ICE/CBP enforcement case system (apprehensions, removals)
    CLAIMS = "claims"  # USCIS benefits (LPR cards, naturalisation)
    EOIR = "eoir"  # immigration courts (orders)
    ADIS = "adis"  # arrival/departure records (visas, admissions)
    VITAL_RECORDS = "vital_records"  # state birth records
    CJIS = "cjis"  # FBI criminal history
    SECURECOMM = "securecomm"  # written by this system (bookings it processed)


class ProvenanceMixin:
    """``source_system`` and ``last_updated`` columns, both mandatory."""

    source_system: Mapped[SourceSystem] = mapped_column(enum_column(SourceSystem, "source_system"))
    last_updated: Mapped[datetime] = mapped_column(UtcDateTime())
