"""Every tuning constant of the console, in one place."""

from __future__ import annotations

from datetime import timedelta

# When a review is overdue and a detainer urgent is case-work policy, which the worker's
# reminders share: the console re-exports it.
from securecomm.enforcement import DETAINER_URGENT_WITHIN as DETAINER_URGENT_WITHIN
from securecomm.enforcement import REVIEW_OVERDUE_AFTER as REVIEW_OVERDUE_AFTER

#: Where the console is mounted on the FastAPI application.
PREFIX = "/console"

#: A session ends this long after sign-in, whatever the activity (re-authenticate each shift).
SESSION_LIFETIME = timedelta(hours=8)
#: A session ends after this long without a request (an unattended screen).
SESSION_IDLE_TIMEOUT = timedelta(minutes=30)

#: Cookie names; both are HttpOnly and SameSite=Strict.
SESSION_COOKIE = "sc_session"
SIGNIN_COOKIE = "sc_signin"

#: Consecutive failed sign-ins after which an account is locked: its password, even the right
#: one, is refused until a supervisor of its field office (or a program manager) unlocks it.
LOCKOUT_AFTER = 10
#: Failed sign-ins allowed without waiting, per account name and per client address; each
#: failure after these doubles the wait before the next attempt is checked (from BACKOFF_BASE,
#: at most BACKOFF_MAX).
ACCOUNT_FREE_FAILURES = 3
ADDRESS_FREE_FAILURES = 10
BACKOFF_BASE = timedelta(seconds=1)
BACKOFF_MAX = timedelta(minutes=15)
#: An address's failures are forgotten after this long without one (an account's are not:
#: they count until a sign-in succeeds or a supervisor unlocks it).
ADDRESS_FAILURE_WINDOW = timedelta(hours=1)

#: scrypt work factors (RFC 7914): n=2**14, r=8, p=1 costs about 16 MiB and ~50 ms per check.
SCRYPT_N = 2**14
SCRYPT_R = 8
SCRYPT_P = 1
SCRYPT_DKLEN = 32
SALT_BYTES = 16
MIN_PASSWORD_LENGTH = 12


#: Rows shown on the work queue and on an audit search page.
QUEUE_LIMIT = 200
AUDIT_PAGE_SIZE = 100

#: Months shown on the dashboard's funnel by month.
DASHBOARD_MONTHS = 12
