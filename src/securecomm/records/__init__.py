"""securecomm.records — the record systems: agencies, criminal history, immigration history
(the synthetic population that fills them is ``securecomm.synthetic.population``).

Importing this package registers every record table on ``securecomm.store.database.Base``.
"""

from securecomm.records.agencies import Agency, AgencyKind, AgencyRepository, check_ori
from securecomm.records.credentials import (
    AgencyApiKey,
    agency_for_key,
    issue_api_key,
    revoke_api_keys,
)
from securecomm.records.criminal import (
    Arrest,
    Charge,
    ChargeLevel,
    Conviction,
    CriminalIdentity,
    Disposition,
    DispositionOutcome,
    SentenceKind,
    Sex,
)
from securecomm.records.criminal_repository import (
    ChargeInput,
    ConvictionInput,
    CriminalHistoryRepository,
    RapSheet,
)
from securecomm.records.immigration import (
    Encounter,
    EncounterKind,
    ImmigrationIdentity,
    ImmigrationStatus,
    Removal,
    StatusRecord,
)
from securecomm.records.immigration_repository import ImmigrationFile, ImmigrationRepository
from securecomm.records.ncic import NcicCodes, NcicOffense
from securecomm.records.provenance import SourceSystem

__all__ = [
    "Agency",
    "AgencyApiKey",
    "AgencyKind",
    "AgencyRepository",
    "Arrest",
    "Charge",
    "ChargeInput",
    "ChargeLevel",
    "Conviction",
    "ConvictionInput",
    "CriminalHistoryRepository",
    "CriminalIdentity",
    "Disposition",
    "DispositionOutcome",
    "Encounter",
    "EncounterKind",
    "ImmigrationFile",
    "ImmigrationIdentity",
    "ImmigrationRepository",
    "ImmigrationStatus",
    "NcicCodes",
    "NcicOffense",
    "RapSheet",
    "Removal",
    "SentenceKind",
    "Sex",
    "SourceSystem",
    "StatusRecord",
    "agency_for_key",
    "check_ori",
    "issue_api_key",
    "revoke_api_keys",
]
