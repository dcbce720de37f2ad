"""Tables of the console: its users (with a role of the permission matrix) and their sessions.

Sessions are stored server-side: the cookie carries only a random id (signed), so signing out
or expiring a session takes effect at once, and the id is kept as a SHA-256 digest so a copy of
the database does not hand out live sessions.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from securecomm.enforcement.models import enum_column
from securecomm.enforcement.roles import Role
from securecomm.store.columns import UtcDateTime
from securecomm.store.database import Base


class ConsoleUser(Base):
    __tablename__ = "console_users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(60), unique=True)
    display_name: Mapped[str] = mapped_column(String(120))
    role: Mapped[Role] = enum_column(Role)
    #: The ICE field office the user works for (queue default filter).
    office: Mapped[str] = mapped_column(String(40), default="")
    #: The jail of a jail-bound role (booking officer, 287(g) officer).
    facility_ori: Mapped[str] = mapped_column(String(9), default="")
    password_hash: Mapped[str] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    #: Demo accounts are marked so nobody mistakes them for real ones.
    synthetic: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)


class ConsoleSession(Base):
    __tablename__ = "console_sessions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    #: SHA-256 of the random session id the cookie carries.
    token_digest: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("console_users.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    last_seen_at: Mapped[datetime] = mapped_column(UtcDateTime)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
