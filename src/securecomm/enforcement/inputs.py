"""Plain inputs that case work is opened and assessed from.

These dataclasses are the contract with the layers below: ``securecomm.interop`` produces a
match notice for the field office and ``securecomm.records`` holds criminal and immigration
history.  Those layers map their records onto these types (one small adapter each); case work
never reads their tables directly, so it can be used, tested and replayed on plain values.

* ``MatchNotice`` ← interop's notice: booking ORI/TCN, facility, subject identifiers (FIN, FBI
  number), the IDENT data response summary, the candidate score and the reference of the
  examiner's paired-minutiae view.
* ``CriminalHistoryEvent`` ← records' criminal history: NCIC code, disposition, date, sentence.
* ``ImmigrationHistoryEvent`` ← records' immigration history: encounters, removals, and the
  records that indicate U.S. citizenship (naturalisation, derived citizenship, U.S. birth).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import date, datetime

from securecomm.enforcement.errors import InputError


class Disposition(enum.StrEnum):
    """Court disposition of a criminal charge."""

    CONVICTED = "convicted"
    PENDING = "pending"
    DISMISSED = "dismissed"


class Jurisdiction(enum.StrEnum):
    """Which system convicted: Rapid REPAT is for state convictions."""

    STATE = "state"
    FEDERAL = "federal"
    LOCAL = "local"
    #: Not stated by the source record; never assumed to be a state conviction.
    UNKNOWN = "unknown"


class ImmigrationEventKind(enum.StrEnum):
    """Immigration-history events that case work acts on."""

    ENCOUNTER = "encounter"
    ADMISSION = "admission"
    LAWFUL_PERMANENT_RESIDENCE = "lawful_permanent_residence"
    REMOVAL_ORDER = "removal_order"
    REMOVED = "removed"
    VOLUNTARY_RETURN = "voluntary_return"
    NATURALISATION = "naturalisation"
    DERIVED_CITIZENSHIP = "derived_citizenship"
    US_BIRTH_RECORD = "us_birth_record"


#: Immigration-history kinds that indicate U.S. citizenship and open the citizenship gate.
CITIZENSHIP_EVENT_KINDS = frozenset(
    {
        ImmigrationEventKind.NATURALISATION,
        ImmigrationEventKind.DERIVED_CITIZENSHIP,
        ImmigrationEventKind.US_BIRTH_RECORD,
    }
)


@dataclass(frozen=True)
class SubjectIdentifiers:
    """Who the match is about, as the record systems identify them."""

    fin: str
    fbi_number: str = ""
    name: str = ""
    date_of_birth: date | None = None
    #: Preferred language (ISO 639-1) for notices; ``en`` when unknown.
    language: str = "en"

    def __post_init__(self) -> None:
        if not self.fin.strip():
            raise InputError("subject.fin: the FIN (IDENT person identifier) is required")


@dataclass(frozen=True)
class IdentResponse:
    """Summary of the IDENT data response that produced the match."""

    summary: str
    candidate_score: float
    #: Reference to the examiner's side-by-side view with the paired minutiae.
    paired_minutiae_ref: str
    encounter_count: int = 0


@dataclass(frozen=True)
class MatchNotice:
    """A match notice for the field office, as interop's booking pipeline produces it."""

    booking_ori: str
    booking_tcn: str
    facility_ori: str
    field_office: str
    subject: SubjectIdentifiers
    ident: IdentResponse
    booked_at: datetime
    facility_name: str = ""

    def __post_init__(self) -> None:
        for name in ("booking_ori", "booking_tcn", "facility_ori", "field_office"):
            if not str(getattr(self, name)).strip():
                raise InputError(f"match notice.{name} is required")
        if self.booked_at.tzinfo is None:
            raise InputError("match notice.booked_at must be timezone-aware (UTC)")
        if not self.ident.paired_minutiae_ref.strip():
            raise InputError(
                "match notice.ident.paired_minutiae_ref is required: an officer must be able "
                "to verify the match on the examiner's view"
            )


@dataclass(frozen=True)
class CriminalHistoryEvent:
    """One charge of a criminal history with its disposition."""

    ncic_code: str
    disposition: Disposition
    date: date
    sentence_days: int | None = None
    jurisdiction: Jurisdiction = Jurisdiction.UNKNOWN
    description: str = ""

    def __post_init__(self) -> None:
        uncoded_charge = self.ncic_code == "" and self.disposition is not Disposition.CONVICTED
        if not uncoded_charge and (len(self.ncic_code) != 4 or not self.ncic_code.isdigit()):
            raise InputError(
                f"criminal history event.ncic_code {self.ncic_code!r} is not a 4-digit NCIC code"
                " (only a charge that is not a conviction may be uncoded)"
            )
        if self.sentence_days is not None and self.sentence_days < 0:
            raise InputError(
                f"criminal history event {self.ncic_code}.sentence_days must be >= 0, "
                f"not {self.sentence_days}"
            )


@dataclass(frozen=True)
class ImmigrationHistoryEvent:
    """One event of an immigration history."""

    kind: ImmigrationEventKind
    date: date
    reference: str = ""
    details: dict[str, str] = field(default_factory=dict)
