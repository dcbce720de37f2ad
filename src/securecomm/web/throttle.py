"""Sign-in throttling and lockout: failed sign-ins per account name and per client address.

* **Backoff.** After ``ACCOUNT_FREE_FAILURES`` failures of one account name (or
  ``ADDRESS_FREE_FAILURES`` from one address), each further failure doubles the wait before the
  next attempt is even checked (``BACKOFF_BASE`` … ``BACKOFF_MAX``).  An attempt during the wait
  is answered 429 without looking at the password, and changes nothing.
* **Lockout.** ``LOCKOUT_AFTER`` consecutive failures lock the account name: every password,
  the right one too, is refused with a message saying who unlocks it — a supervisor of the
  account's field office, or a program manager (``unlock``, from the console's Accounts page).
* **The same for every name.** A name with no account is throttled and locked like one with,
  so the answers do not tell which names exist.
* **On the record.** Each failure (``console.sign_in_failed``: the name, the address, why, the
  counts — never anything of the password), each lockout (``console.account_locked``) and each
  unlock (``console.account_unlocked``, with the supervisor's reason) is an audit entry.

The state is in the database (``SignInThrottle``), read with row locks in the sign-in's own
transaction, so it holds across server processes and concurrent attempts; time is the
injected clock, so tests move it instead of waiting.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from securecomm.clock import Clock
from securecomm.enforcement import (
    Permission,
    PermissionDeniedError,
    Principal,
    Role,
    audit,
    require,
)
from securecomm.web.errors import (
    AccountLockedError,
    ConsoleError,
    FormError,
    SignInFailedError,
    SignInThrottledError,
)
from securecomm.web.models import ConsoleUser, SignInThrottle
from securecomm.web.parameters import (
    ACCOUNT_FREE_FAILURES,
    ADDRESS_FAILURE_WINDOW,
    ADDRESS_FREE_FAILURES,
    BACKOFF_BASE,
    BACKOFF_MAX,
    LOCKOUT_AFTER,
)

ACCOUNT = "account"
ADDRESS = "address"
#: Who writes the sign-in entries: the console itself (the person trying is not known).
CONSOLE_PRINCIPAL = Principal("console", Role.SYSTEM)

WRONG = "the user name or password is wrong, or the account is disabled"
LOCKED = (
    f"this account is locked after {LOCKOUT_AFTER} failed sign-ins in a row; a supervisor of "
    "its field office or a program manager can unlock it (console: Accounts)"
)

_KEY_WIDTH = 80  # SignInThrottle.key
_SUBJECT_WIDTH = 60  # AuditEntry.subject


def account_key(username: str) -> str:
    return username.strip().lower()[:_KEY_WIDTH]


def _wait(failures: int, free: int) -> timedelta | None:
    if failures <= free:
        return None
    return min(BACKOFF_BASE * 2 ** min(failures - free - 1, 30), BACKOFF_MAX)


def _seconds(delta: timedelta) -> int:
    return max(1, math.ceil(delta.total_seconds()))


def _row(session: Session, scope: str, key: str, *, create: bool) -> SignInThrottle | None:
    """The row of (scope, key), locked for this transaction; created (race-free) if asked."""
    query = (
        select(SignInThrottle)
        .where(SignInThrottle.scope == scope, SignInThrottle.key == key)
        .with_for_update()
    )
    row = session.execute(query).scalar_one_or_none()
    if row is None and create:
        dialect = session.get_bind().dialect.name
        insert = pg_insert if dialect == "postgresql" else sqlite_insert
        session.execute(
            insert(SignInThrottle)
            .values(scope=scope, key=key, failures=0)
            .on_conflict_do_nothing(index_elements=["scope", "key"])
        )
        row = session.execute(query).scalar_one()
    return row


def before_check(
    session: Session, now: datetime, username: str, address: str
) -> ConsoleError | None:
    """Why this attempt is refused before its password is looked at, if it is: the address or
    the account is waiting out its backoff (429), or the account is locked (403)."""
    key = account_key(username)
    from_address = _row(session, ADDRESS, address, create=False) if address else None
    account = _row(session, ACCOUNT, key, create=False) if key else None
    if from_address is not None and from_address.blocked_until and from_address.blocked_until > now:
        return _throttled(from_address.blocked_until - now, "from this address")
    if account is not None and account.locked_at is not None:
        return AccountLockedError(LOCKED)
    if account is not None and account.blocked_until and account.blocked_until > now:
        return _throttled(account.blocked_until - now, "for this account")
    return None


def _throttled(left: timedelta, where: str) -> SignInThrottledError:
    seconds = _seconds(left)
    return SignInThrottledError(
        f"too many failed sign-ins {where}: try again in {seconds} s", retry_after=seconds
    )


def failed(
    session: Session,
    clock: Clock,
    username: str,
    address: str,
    *,
    reason: str,
    account_exists: bool,
) -> ConsoleError:
    """Count one failed attempt for the account name and the address, lock the account at
    ``LOCKOUT_AFTER``, audit it; returns what to answer."""
    now = clock.now()
    key = account_key(username)
    account_failures = address_failures = 0
    wait: timedelta | None = None
    locked_now = already_locked = False
    if address:
        row = _row(session, ADDRESS, address[:_KEY_WIDTH], create=True)
        assert row is not None
        if row.last_failure_at is not None and now - row.last_failure_at > ADDRESS_FAILURE_WINDOW:
            row.failures = 0
        row.failures += 1
        row.last_failure_at = now
        address_wait = _wait(row.failures, ADDRESS_FREE_FAILURES)
        row.blocked_until = now + address_wait if address_wait else None
        address_failures, wait = row.failures, address_wait
    if key:
        row = _row(session, ACCOUNT, key, create=True)
        assert row is not None
        already_locked = row.locked_at is not None
        if not already_locked:
            row.failures += 1
            row.last_failure_at = now
            if row.failures >= LOCKOUT_AFTER:
                row.locked_at, row.blocked_until, locked_now = now, None, True
            else:
                account_wait = _wait(row.failures, ACCOUNT_FREE_FAILURES)
                row.blocked_until = now + account_wait if account_wait else None
                if account_wait and (wait is None or account_wait > wait):
                    wait = account_wait
        account_failures = row.failures
    subject = key[:_SUBJECT_WIDTH]
    audit.record(
        session, clock, CONSOLE_PRINCIPAL, "console.sign_in_failed", subject,
        {"address": address, "reason": reason, "account_exists": account_exists,
         "account_failures": account_failures, "address_failures": address_failures,
         "wait_seconds": _seconds(wait) if wait else 0},
    )  # fmt: skip
    if locked_now:
        audit.record(
            session, clock, CONSOLE_PRINCIPAL, "console.account_locked", subject,
            {"address": address, "failures": account_failures, "account_exists": account_exists},
        )  # fmt: skip
    if locked_now or already_locked:
        return AccountLockedError(LOCKED)
    if wait:
        return SignInFailedError(f"{WRONG} (wait {_seconds(wait)} s before the next attempt)")
    return SignInFailedError(WRONG)


def succeeded(session: Session, username: str) -> None:
    """A right password on an account not locked: its failures start again from zero (an
    address's are not forgiven by one success — they fade after ADDRESS_FAILURE_WINDOW)."""
    row = _row(session, ACCOUNT, account_key(username), create=False)
    if row is not None:
        row.failures, row.blocked_until, row.last_failure_at = 0, None, None


@dataclass(frozen=True)
class LockedAccount:
    username: str
    display_name: str
    role: str
    office: str
    facility_ori: str
    exists: bool
    failures: int
    locked_at: datetime


def _may_unlock(principal: Principal, user: ConsoleUser | None) -> bool:
    office = principal.office_scope
    return office is None or (user is not None and user.office == office)


def locked_accounts(session: Session, principal: Principal) -> list[LockedAccount]:
    """The locked account names this principal may unlock (a supervisor: its office's)."""
    require(principal, Permission.ADMINISTER)
    rows = session.execute(
        select(SignInThrottle, ConsoleUser)
        .outerjoin(ConsoleUser, ConsoleUser.username == SignInThrottle.key)
        .where(SignInThrottle.scope == ACCOUNT, SignInThrottle.locked_at.is_not(None))
        .order_by(SignInThrottle.locked_at.desc())
    ).all()
    return [
        LockedAccount(
            row.key,
            user.display_name if user else "",
            user.role.value if user else "",
            user.office if user else "",
            user.facility_ori if user else "",
            user is not None,
            row.failures,
            row.locked_at,
        )
        for row, user in rows
        if row.locked_at is not None and _may_unlock(principal, user)
    ]


def unlock(
    session: Session, clock: Clock, principal: Principal, username: str, *, reason: str
) -> None:
    """Unlock an account: a supervisor of its field office or a program manager (the
    ``administer`` permission), never the account's own holder; with a reason, audited."""
    require(principal, Permission.ADMINISTER)
    key = account_key(username)
    row = _row(session, ACCOUNT, key, create=False)
    if row is None or row.locked_at is None:
        raise FormError(f"account {key!r} is not locked")
    user = session.execute(
        select(ConsoleUser).where(ConsoleUser.username == key)
    ).scalar_one_or_none()
    if key == principal.user_id:
        raise PermissionDeniedError(
            f"{principal} may not unlock its own account: another supervisor or a program "
            "manager does",
            rule="unlock_own_account",
        )
    if not _may_unlock(principal, user):
        where = (
            f"works for field office {user.office}"
            if user is not None and user.office
            else "belongs to no field office (a program manager unlocks it)"
        )
        raise PermissionDeniedError(
            f"{principal} unlocks only accounts of field office {principal.office_scope}; "
            f"{key} {where}",
            rule="unlock_office",
        )
    if not reason.strip():
        raise FormError("reason: say why the account is unlocked (recorded in the audit log)")
    audit.record(
        session, clock, principal, "console.account_unlocked", key[:_SUBJECT_WIDTH],
        {"reason": reason.strip(), "failures": row.failures, "locked_at": row.locked_at,
         "account_exists": user is not None},
    )  # fmt: skip
    row.failures, row.locked_at, row.blocked_until, row.last_failure_at = 0, None, None, None
