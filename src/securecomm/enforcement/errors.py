"""Errors of case work: every refusal says what was refused, on which case, and why.

SecurecommError
 └── EnforcementError                 anything wrong with a case-work request
      ├── InputError                  a value given to a service is malformed (names the field)
      ├── LevelTableError             the level table or a history is unusable (names line/code)
      ├── UnknownCaseError            no such case / detainer / facility
      ├── PermissionDeniedError       the role may not do this, or not on this jail's case
      ├── IllegalTransitionError      the action does not exist from the case's state
      ├── SafeguardError              a safeguard refuses the action
      │    ├── VerificationRequiredError    no human has verified the biometric match
      │    ├── CitizenshipGateError         a citizenship indicator is under review
      │    ├── ProhibitedBasisError         foreign birth / missing record offered as the basis
      │    ├── DetainerExpiredError         the 48-hour window after release eligibility is over
      │    ├── DetainersDeclinedError       the jurisdiction's policy takes no detainers
      │    └── EvidenceRequiredError        a guard needs evidence that was not given
      ├── CapacityError               no free detention bed at the facility
      ├── DocumentError               a document cannot be produced (e.g. no notice translation)
      └── AuditIntegrityError         the audit log is broken (names the first broken entry)

A refusal (``PermissionDeniedError``, ``IllegalTransitionError``, ``SafeguardError``) names the
rule that refused it in ``rule``: given where it is raised (``require``: permission, jail_scope,
office_scope …; a guard: the guard's name), else its class's own (``citizenship_gate`` …).
``enforcement.refusals`` puts every refusal on the audit log under that rule. Which HTTP status
answers each error is the entry points' business (``api.statuses``).
"""

from __future__ import annotations

from securecomm.errors import SecurecommError


class EnforcementError(SecurecommError):
    """Something is wrong with a case-work request."""

    #: The rule that refused the request (refusals only; see ``enforcement.refusals``).
    rule: str = ""

    def __init__(self, message: str = "", *, rule: str = "") -> None:
        super().__init__(message)
        if rule:
            self.rule = rule


class InputError(EnforcementError):
    """A value given to a case-work service is malformed; the message names the field."""


class LevelTableError(EnforcementError):
    """The NCIC→level table or an offense in a history cannot be used."""


class UnknownCaseError(EnforcementError):
    """No case, detainer, facility or policy with that identifier."""


class PermissionDeniedError(EnforcementError):
    """The principal's role may not do this, or not on a case of another jail."""

    rule = "permission"


class IllegalTransitionError(EnforcementError):
    """The requested action is not a transition out of the case's current state."""

    rule = "transition_table"


class SafeguardError(EnforcementError):
    """A safeguard of DESIGN.md §5 refuses the action."""

    rule = "safeguard"


class VerificationRequiredError(SafeguardError):
    """No officer has confirmed the biometric match on the examiner's view."""

    rule = "identity_verified"


class CitizenshipGateError(SafeguardError):
    """A citizenship indicator is open: nothing proceeds until supervisor and counsel review."""

    rule = "citizenship_gate"


class ProhibitedBasisError(SafeguardError):
    """Foreign birth or a missing record was offered as the basis for action; it never is."""

    rule = "prohibited_basis"


class DetainerExpiredError(SafeguardError):
    """The detainer's 48 hours after the release-eligible time have passed."""

    rule = "detainer_expiry"


class DetainersDeclinedError(SafeguardError):
    """The jurisdiction's registered policy takes no detainers: request notification instead."""

    rule = "jurisdiction_policy"


class EvidenceRequiredError(SafeguardError):
    """A guard needs evidence (a reason, a reference, a review) that was not given."""

    rule = "evidence_required"


class CapacityError(EnforcementError):
    """The detention facility has no free bed."""


class DocumentError(EnforcementError):
    """A document cannot be produced as asked."""


class AuditIntegrityError(EnforcementError):
    """The audit log does not verify; the message names the first broken entry."""

    def __init__(self, message: str, *, seq: int | None = None) -> None:
        self.seq = seq
        super().__init__(message)
