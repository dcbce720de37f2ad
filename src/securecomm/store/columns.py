"""Column types shared by every table of every layer: timezone-aware UTC and checked enums.

SQLite stores datetimes without a zone; ``UtcDateTime`` makes every value that enters or leaves
the database an aware UTC ``datetime`` on both SQLite and PostgreSQL, and refuses naive ones
(the mistake STYLE.md warns about). ``enum_column`` stores an ``enum.Enum`` by value in a
VARCHAR with a named CHECK constraint, portable across both databases; ``mapped_enum_column``
is the same by value in a VARCHAR(40) without the constraint, as a mapped column (the case-work
and console tables).
"""

from __future__ import annotations

import enum
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import DateTime, Dialect, Enum
from sqlalchemy.orm import mapped_column
from sqlalchemy.types import TypeDecorator


class UtcDateTime(TypeDecorator[datetime]):
    """A ``TIMESTAMP WITH TIME ZONE`` that always round-trips as aware UTC."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value.isoformat()} given; use timezone-aware UTC")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def enum_column(enum_type: type[enum.Enum], name: str) -> Enum:
    """A VARCHAR enum column holding the members' values, checked by a named constraint."""
    length = max(len(str(m.value)) for m in enum_type)
    return Enum(
        enum_type,
        name=name,
        native_enum=False,
        create_constraint=True,
        validate_strings=True,
        length=max(length, 16),
        values_callable=lambda members: [str(m.value) for m in members],
    )


def mapped_enum_column(kind: type[enum.Enum], **kwargs: Any) -> Any:
    """A mapped enum column storing the member values (portable: no native PostgreSQL type)."""
    return mapped_column(
        Enum(
            kind,
            native_enum=False,
            length=40,
            values_callable=lambda members: [str(m.value) for m in members],
            validate_strings=True,
        ),
        **kwargs,
    )


def utc(value: Any) -> datetime:
    """``value`` as an aware UTC datetime; refuses naive datetimes."""
    if not isinstance(value, datetime) or value.tzinfo is None:
        raise ValueError(f"expected a timezone-aware datetime, got {value!r}")
    return value.astimezone(UTC)
