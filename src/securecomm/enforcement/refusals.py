"""Refusals on the record (DESIGN.md §5.6; issue 15).

Every refused case-work request — an authorisation (the role's permission, its jail, its
field office, its 287(g) agreement), a guard of the transition table (an interview first, the
evidence a transition needs, the state it starts from) or a safeguard (the citizenship gate, an
unverified match, a prohibited basis, an expired detainer …) — is itself evidence: the attempts
are what oversight asks for.  So a refusal appends one audit entry:

* ``action`` ``refused.<rule>`` — the rule that refused, so the log can be searched by rule;
* ``actor`` and ``role`` — the principal; ``subject`` — the case (or what was acted on);
* ``details`` — ``kind`` (authorization, guard, safeguard), ``rule``, the ``action`` tried, the
  principal's ``office`` and ``facility_ori``, the refusal ``error`` class and its ``message``.

The entry is written in a transaction of its own after the refused one rolled back
(``CaseWork.call`` and ``CaseWork.unit``, the one door of case work), so the refusal stays on
the record although nothing of the action does.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from typing import Any

from sqlalchemy.orm import Session

from securecomm.clock import Clock
from securecomm.enforcement import audit
from securecomm.enforcement.errors import (
    EvidenceRequiredError,
    IllegalTransitionError,
    PermissionDeniedError,
    SafeguardError,
)
from securecomm.enforcement.models import AuditEntry
from securecomm.enforcement.roles import Principal

#: The errors that are refusals (a malformed value, an unknown case are not: nothing was
#: refused, the request was wrong).
REFUSALS: tuple[type[Exception], ...] = (
    PermissionDeniedError,
    IllegalTransitionError,
    SafeguardError,
)

#: Audit actions of refusals start with this; the rule follows.
ACTION_PREFIX = "refused."

#: The audit columns are this wide (``AuditEntry.action`` / ``subject``).
_WIDTH = 60


class RefusalKind(enum.StrEnum):
    #: The role may not, or not on this jail's / field office's case.
    AUTHORIZATION = "authorization"
    #: A guard of the transition table: the state, the evidence, a step that must come first.
    GUARD = "guard"
    #: A safeguard of DESIGN.md §5: citizenship gate, human verification, basis, expiry …
    SAFEGUARD = "safeguard"


def is_refusal(exc: BaseException) -> bool:
    return isinstance(exc, REFUSALS)


def kind_of(exc: BaseException) -> RefusalKind:
    if isinstance(exc, PermissionDeniedError):
        return RefusalKind.AUTHORIZATION
    if isinstance(exc, (IllegalTransitionError, EvidenceRequiredError)):
        return RefusalKind.GUARD
    return RefusalKind.SAFEGUARD


def rule_of(exc: BaseException) -> str:
    """The rule that refused: named where it was raised, else the error class's own."""
    return str(getattr(exc, "rule", "") or type(exc).__name__)


def recorded(exc: BaseException) -> bool:
    """Whether this refusal is on the log already (it passed through a door before)."""
    return getattr(exc, "refusal_seq", None) is not None


def record_refusal(
    session: Session,
    clock: Clock,
    principal: Principal,
    tried: str,
    subject: str,
    exc: BaseException,
) -> AuditEntry:
    """Append the refusal's entry in the caller's (own) transaction; marks ``exc`` recorded."""
    rule = rule_of(exc)
    entry = audit.record(
        session,
        clock,
        principal,
        (ACTION_PREFIX + rule)[:_WIDTH],
        (subject or "")[:_WIDTH],
        {
            "kind": kind_of(exc).value,
            "rule": rule,
            "action": tried,
            "office": principal.office,
            "facility_ori": principal.facility_ori,
            "error": type(exc).__name__,
            "message": str(exc),
        },
    )
    exc.refusal_seq = entry.seq  # type: ignore[attr-defined]  # marks the exception as on the record
    return entry


def is_refusal_entry(entry: AuditEntry) -> bool:
    return entry.action.startswith(ACTION_PREFIX)


def rule_of_entry(entry: AuditEntry) -> str:
    return entry.action[len(ACTION_PREFIX) :]


def details(entry: AuditEntry) -> Mapping[str, Any]:
    return audit.details_of(entry)
