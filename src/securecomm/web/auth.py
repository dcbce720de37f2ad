"""Console users and sessions: sign-in (throttled, with lockout: ``web.throttle``), session
expiry (absolute and idle), sign-out.

A user holds one role of the permission matrix (``enforcement.roles``); what they may see and
do is decided there, never here.  The session cookie carries a random id signed with
``Settings.secret_key``; the server keeps the session (digest of the id, expiry, last activity)
so that expiry and sign-out are immediate.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from securecomm.clock import Clock
from securecomm.enforcement import (
    JAIL_BOUND_ROLES,
    OFFICE_BOUND_ROLES,
    Permission,
    Principal,
    Role,
    has_permission,
)
from securecomm.web import throttle
from securecomm.web.errors import (
    ConsoleError,
    FormError,
    SignInRequiredError,
    SignInThrottledError,
)
from securecomm.web.models import ConsoleSession, ConsoleUser
from securecomm.web.parameters import SESSION_IDLE_TIMEOUT, SESSION_LIFETIME
from securecomm.web.passwords import hash_password, verify_password

#: A hash no password matches, checked when the user is unknown (same time as a real check).
_UNKNOWN_USER_HASH = hash_password("unknown-user-placeholder")


@dataclass(frozen=True)
class SignedInUser:
    """The user behind a request, with the enforcement principal they act as."""

    username: str
    display_name: str
    role: Role
    office: str
    facility_ori: str
    session_id: int
    synthetic: bool

    @property
    def principal(self) -> Principal:
        return Principal(
            self.username, self.role, office=self.office, facility_ori=self.facility_ori
        )

    def can(self, permission: Permission) -> bool:
        return has_permission(self.principal, permission)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("ascii")).hexdigest()


def create_user(
    session: Session,
    clock: Clock,
    *,
    username: str,
    display_name: str,
    role: Role | str,
    password: str,
    office: str = "",
    facility_ori: str = "",
    synthetic: bool = False,
) -> ConsoleUser:
    """Add a console user; jail-bound roles need their jail's ORI, office-bound roles (ICE
    officer, supervisor, counsel) the field office whose cases they work."""
    username = username.strip().lower()
    if not username:
        raise FormError("username is required")
    try:
        role = Role(role)
    except ValueError:
        raise FormError(
            f"role {role!r} is not a role (one of {', '.join(r.value for r in Role)})"
        ) from None
    if role is Role.SYSTEM:
        raise FormError("role system is the pipeline's own; no person signs in as it")
    if role in JAIL_BOUND_ROLES and not facility_ori.strip():
        raise FormError(f"user {username}: role {role.value} needs the ORI of its jail")
    if role in OFFICE_BOUND_ROLES and not office.strip():
        raise FormError(f"user {username}: role {role.value} needs the field office it works for")
    if session.execute(select(ConsoleUser.id).where(ConsoleUser.username == username)).first():
        raise FormError(f"user {username} already exists")
    user = ConsoleUser(
        username=username,
        display_name=display_name or username,
        role=role,
        office=office.strip(),
        facility_ori=facility_ori.strip().upper(),
        password_hash=hash_password(password),
        active=True,
        synthetic=synthetic,
        created_at=clock.now(),
    )
    session.add(user)
    session.flush()
    return user


@dataclass(frozen=True)
class SignInOutcome:
    """A sign-in attempt's answer: the session token, or the refusal to show.  Returned, not
    raised, so that the attempt's transaction commits what it counted (``web.throttle``)."""

    token: str = ""
    refusal: ConsoleError | None = None

    def token_or_raise(self) -> str:
        if self.refusal is not None:
            raise self.refusal
        return self.token


def sign_in(
    session: Session, clock: Clock, username: str, password: str, *, address: str = ""
) -> SignInOutcome:
    """Check the password and open a session — unless the account or the client ``address``
    is throttled or the account is locked (``web.throttle``); every failure is counted and
    audited in this same transaction."""
    now = clock.now()
    early = throttle.before_check(session, now, username, address)
    user = session.execute(
        select(ConsoleUser).where(ConsoleUser.username == username.strip().lower())
    ).scalar_one_or_none()
    if isinstance(early, SignInThrottledError):
        return SignInOutcome(refusal=early)  # nothing checked, nothing counted
    if early is not None:  # locked: refused whatever the password, and on the record
        refusal = throttle.failed(session, clock, username, address, reason="account locked",
                                  account_exists=user is not None)  # fmt: skip
        return SignInOutcome(refusal=refusal)
    ok = verify_password(password, user.password_hash if user else _UNKNOWN_USER_HASH)
    if user is None or not ok or not user.active:
        reason = (
            "no such account"
            if user is None
            else "wrong password"
            if not ok
            else "account disabled"
        )
        refusal = throttle.failed(session, clock, username, address, reason=reason,
                                  account_exists=user is not None)  # fmt: skip
        return SignInOutcome(refusal=refusal)
    throttle.succeeded(session, username)
    token = secrets.token_urlsafe(32)
    session.add(
        ConsoleSession(
            token_digest=_digest(token),
            user_id=user.id,
            created_at=now,
            last_seen_at=now,
            expires_at=now + SESSION_LIFETIME,
        )
    )
    session.flush()
    return SignInOutcome(token=token)


def _expired(record: ConsoleSession, now: datetime) -> str:
    if record.ended_at is not None:
        return "you signed out"
    if now >= record.expires_at:
        return "your session reached its time limit"
    if now - record.last_seen_at >= SESSION_IDLE_TIMEOUT:
        return "your session expired after a period without activity"
    return ""


def resume(session: Session, clock: Clock, token: str | None) -> SignedInUser:
    """The user of a live session (and note the activity), or ``SignInRequiredError``."""
    if not token:
        raise SignInRequiredError("please sign in")
    record = session.execute(
        select(ConsoleSession).where(ConsoleSession.token_digest == _digest(token))
    ).scalar_one_or_none()
    if record is None:
        raise SignInRequiredError("please sign in")
    now = clock.now()
    why = _expired(record, now)
    if why:
        if record.ended_at is None:
            record.ended_at = now
        raise SignInRequiredError(f"{why}; please sign in again")
    user = session.get(ConsoleUser, record.user_id)
    if user is None or not user.active:
        record.ended_at = now
        raise SignInRequiredError("the account is disabled")
    record.last_seen_at = now
    return SignedInUser(
        username=user.username,
        display_name=user.display_name,
        role=user.role,
        office=user.office,
        facility_ori=user.facility_ori,
        session_id=record.id,
        synthetic=user.synthetic,
    )


def sign_out(session: Session, clock: Clock, token: str | None) -> None:
    if not token:
        return
    record = session.execute(
        select(ConsoleSession).where(ConsoleSession.token_digest == _digest(token))
    ).scalar_one_or_none()
    if record is not None and record.ended_at is None:
        record.ended_at = clock.now()
