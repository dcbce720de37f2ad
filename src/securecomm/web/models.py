"""Tables of the console: its users (with a role of the permission matrix), their sessions, and
the failed sign-ins per account and per address (throttling and lockout, ``web.throttle``).

Sessions are stored server-side: the cookie carries only a random id (signed), so signing out
or expiring a session takes effect at once, and the id is kept as a SHA-256 digest so a copy of
the database does not hand out live sessions.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from securecomm.enforcement import Role
from securecomm.store.columns import UtcDateTime, mapped_enum_column
from securecomm.store.database import Base


class ConsoleUser(Base):
    __tablename__ = "console_users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(60), unique=True)
    display_name: Mapped[str] = mapped_column(String(120))
    role: Mapped[Role] = mapped_enum_column(Role)
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


class SignInThrottle(Base):
    """Consecutive failed sign-ins of one account name or one client address: the wait before
    the next attempt (backoff) and, for an account, its lockout.  Kept in the database so every
    server process sees the same state."""

    __tablename__ = "console_sign_in_throttles"
    __table_args__ = (UniqueConstraint("scope", "key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    #: ``account`` (the user name tried, whether or not it exists) or ``address``.
    scope: Mapped[str] = mapped_column(String(10))
    key: Mapped[str] = mapped_column(String(80))
    failures: Mapped[int] = mapped_column(Integer, default=0)
    last_failure_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    #: No attempt is checked before this time (the backoff).
    blocked_until: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    #: An account locked after too many failures, until a supervisor unlocks it.
    locked_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
