"""Errors of the console.

SecurecommError
 └── ConsoleError                 something about the console request itself
      ├── SignInRequiredError     no valid session (redirects to the sign-in page)
      ├── SignInFailedError       wrong user name or password (one message for both)
      ├── SignInThrottledError    too many failed sign-ins: wait before the next (429)
      ├── AccountLockedError      locked after too many failures: a supervisor unlocks (403)
      ├── CsrfError               a form came without the token of this session (403)
      └── FormError               a form field is missing or malformed (names the field)

Refusals of case work are the enforcement layer's own errors (``PermissionDeniedError``,
``SafeguardError`` …); the console shows their messages unchanged.
"""

from __future__ import annotations

from securecomm.errors import SecurecommError


class ConsoleError(SecurecommError):
    """Something about a console request is wrong."""


class SignInRequiredError(ConsoleError):
    """The request has no valid session: sign in (again)."""

    status_code = 401


class SignInFailedError(ConsoleError):
    """The user name or password is wrong, or the account is disabled."""

    status_code = 401


class SignInThrottledError(ConsoleError):
    """Too many failed sign-ins for this account or from this address: wait, then try again."""

    status_code = 429

    def __init__(self, message: str, *, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class AccountLockedError(ConsoleError):
    """The account is locked after too many failed sign-ins; a supervisor unlocks it."""

    status_code = 403


class CsrfError(ConsoleError):
    """The form did not carry this session's anti-forgery token."""

    status_code = 403


class FormError(ConsoleError):
    """A form field is missing or malformed; the message names the field."""

    status_code = 422
