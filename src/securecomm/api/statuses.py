"""The HTTP status of every error, decided here at the edge and not by the libraries.

Library errors (``afis``, ``ansinist``, ``records``, ``interop``, ``enforcement``) say what is
wrong; which HTTP answer that is belongs to the entry points. :func:`status_of` walks the
error's classes, most specific first: a class named in :data:`STATUS_BY_ERROR` gives its status;
an entry point's own error (the API's, the console's) declares ``status_code`` in its class;
any other ``SecurecommError`` is the caller's bad input, 400.

Classes are named by their import path so that answering an error never imports a library
(the search engine's kernels) the request did not use; a test checks every name resolves.
"""

from __future__ import annotations

#: Library error class (module.qualname) → HTTP status.
STATUS_BY_ERROR: dict[str, int] = {
    # afis
    "securecomm.afis.search.errors.GalleryLockedError": 409,
    "securecomm.afis.search.errors.IdentityExistsError": 409,
    "securecomm.afis.search.errors.UnknownIdentityError": 404,
    # records
    "securecomm.records.errors.UnknownAgencyError": 404,
    "securecomm.records.errors.UnknownIdentityError": 404,
    "securecomm.records.errors.DuplicateRecordError": 409,
    # interop
    "securecomm.interop.errors.DuplicateTcnError": 409,
    "securecomm.interop.errors.UnknownSubmissionError": 404,
    "securecomm.interop.errors.ForbiddenSubmissionError": 403,
    "securecomm.interop.errors.ComponentUnavailableError": 503,
    # enforcement
    "securecomm.enforcement.errors.UnknownCaseError": 404,
    "securecomm.enforcement.errors.PermissionDeniedError": 403,
    "securecomm.enforcement.errors.IllegalTransitionError": 409,
    "securecomm.enforcement.errors.SafeguardError": 409,
    "securecomm.enforcement.errors.CapacityError": 409,
}

#: The status of an error nothing more specific is said of: the request was wrong.
DEFAULT_STATUS = 400


def status_of(exc: BaseException) -> int:
    """The HTTP status that answers ``exc``."""
    for cls in type(exc).__mro__:
        named = STATUS_BY_ERROR.get(f"{cls.__module__}.{cls.__qualname__}")
        if named is not None:
            return named
        own = cls.__dict__.get("status_code")
        if isinstance(own, int):
            return own
    return DEFAULT_STATUS
