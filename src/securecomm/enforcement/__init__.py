"""securecomm.enforcement — cases and safeguards: levels, case lifecycle, detainers,
custody, audit, roles.

The public surface is re-exported here; ``CaseWork`` is the entry point (one transaction per
call), the domain modules (``verification``, ``citizenship``, ``status``, ``interviews``,
``decisions``, ``detainers``, ``charging``, ``custody``, ``court``, ``removal``, ``queue``,
``documents``, ``partners``, ``policies``) hold the functions it runs.
"""

from securecomm.enforcement.audit import ChainReport, verify_chain
from securecomm.enforcement.automatic import AutomaticReport, carry_matches_into_cases
from securecomm.enforcement.cases import CaseView, CaseWork, read_case
from securecomm.enforcement.errors import (
    AuditIntegrityError,
    CapacityError,
    CitizenshipGateError,
    DetainerExpiredError,
    DetainersDeclinedError,
    DocumentError,
    EnforcementError,
    EvidenceRequiredError,
    IllegalTransitionError,
    InputError,
    LevelTableError,
    PermissionDeniedError,
    ProhibitedBasisError,
    SafeguardError,
    UnknownCaseError,
    VerificationRequiredError,
)
from securecomm.enforcement.inputs import (
    CriminalHistoryEvent,
    Disposition,
    IdentResponse,
    ImmigrationEventKind,
    ImmigrationHistoryEvent,
    Jurisdiction,
    MatchNotice,
    SubjectIdentifiers,
)
from securecomm.enforcement.levels import Level, LevelAssessment, assess_level, load_level_table
from securecomm.enforcement.lifecycle import TRANSITIONS, apply_transition
from securecomm.enforcement.roles import PERMISSION_MATRIX, Permission, Principal, Role
from securecomm.enforcement.vocabulary import Action, CaseState

__all__ = [
    "PERMISSION_MATRIX",
    "TRANSITIONS",
    "Action",
    "AuditIntegrityError",
    "AutomaticReport",
    "CapacityError",
    "CaseState",
    "CaseView",
    "CaseWork",
    "ChainReport",
    "CitizenshipGateError",
    "CriminalHistoryEvent",
    "DetainerExpiredError",
    "DetainersDeclinedError",
    "Disposition",
    "DocumentError",
    "EnforcementError",
    "EvidenceRequiredError",
    "IdentResponse",
    "IllegalTransitionError",
    "ImmigrationEventKind",
    "ImmigrationHistoryEvent",
    "InputError",
    "Jurisdiction",
    "Level",
    "LevelAssessment",
    "LevelTableError",
    "MatchNotice",
    "Permission",
    "PermissionDeniedError",
    "Principal",
    "ProhibitedBasisError",
    "Role",
    "SafeguardError",
    "SubjectIdentifiers",
    "UnknownCaseError",
    "VerificationRequiredError",
    "apply_transition",
    "assess_level",
    "carry_matches_into_cases",
    "load_level_table",
    "read_case",
    "verify_chain",
]
