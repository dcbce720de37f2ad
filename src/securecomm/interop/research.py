"""Status research: what the LESC tells ICE about a matched person, from the immigration file
and the criminal history, every fact with its source system and date.

Rules it follows (DESIGN §5): any indicator of U.S. citizenship anywhere in the history puts
the determination on hold for supervisor and counsel review; a status older than the five
years after which an LPR may naturalise is flagged as possibly outdated; convictions and
pending charges are listed apart; nothing is inferred from birthplace or name.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

from securecomm.records.criminal_repository import RapSheet
from securecomm.records.immigration import ImmigrationStatus
from securecomm.records.immigration_repository import ImmigrationFile

#: An LPR may apply to naturalise after five years (INA §316); older LPR lines may be stale.
NATURALISATION_ELIGIBILITY_YEARS = 5
STATUS_TEXT_LIMIT = 120


@dataclass(frozen=True)
class StatusEntry:
    status: str  # records' ``ImmigrationStatus`` value
    effective_on: str  # ISO date
    source_system: str
    last_updated: str  # ISO date


@dataclass(frozen=True)
class RemovalEntry:
    removed_on: str
    destination: str
    source_system: str


@dataclass(frozen=True)
class ConvictionEntry:
    ncic_code: str
    literal: str
    level: str  # records' ``ChargeLevel`` value (felony, misdemeanor, …)
    convicted_on: str | None
    sentence_kind: str
    sentence_days: int | None


@dataclass(frozen=True)
class PendingChargeEntry:
    ncic_code: str | None
    literal: str
    arrested_on: str


@dataclass(frozen=True)
class StatusResearch:
    """What the LESC found; published with the field-office notice (``interop.notices``)."""

    fin: str
    fbi_number: str | None
    determination: str
    citizenship_review_required: bool
    status_may_be_outdated: bool
    file_last_updated: str
    statuses: tuple[StatusEntry, ...] = ()
    citizenship_indicators: tuple[str, ...] = ()
    removals: tuple[RemovalEntry, ...] = ()
    convictions: tuple[ConvictionEntry, ...] = ()
    pending_charges: tuple[PendingChargeEntry, ...] = ()
    synthetic: bool = False

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, document: dict[str, Any]) -> StatusResearch:
        """The value ``to_json`` wrote; ``ValueError`` naming the part that does not fit."""
        try:
            lines: dict[str, Any] = {
                name: tuple(line(**item) for item in document.get(name, ()))
                for name, line in _LINES.items()
            }
            plain: dict[str, Any] = {
                k: v for k, v in document.items() if k not in lines and k != _INDICATORS
            }
            return cls(
                **plain, citizenship_indicators=tuple(document.get(_INDICATORS, ())), **lines
            )
        except TypeError as exc:  # a missing or unknown key
            raise ValueError(f"status research does not have the published shape: {exc}") from None

    def remarks(self) -> str:
        """The IAR's REM narrative."""
        parts = ["BIOMETRIC MATCH - HUMAN VERIFICATION REQUIRED BEFORE ANY ACTION"]
        if self.synthetic:
            parts.append("SYNTHETIC RECORD - NOT A REAL PERSON")
        if self.citizenship_review_required:
            parts.append(
                "US CITIZENSHIP INDICATOR: " + "; ".join(self.citizenship_indicators)
                + " - NO ACTION UNTIL SUPERVISOR AND COUNSEL REVIEW"
            )  # fmt: skip
        if self.status_may_be_outdated:
            parts.append("STATUS RECORD OLDER THAN 5 YEARS - PERSON MAY HAVE NATURALISED - VERIFY")
        for line in self.statuses:
            parts.append(
                f"STATUS {line.status} EFF {line.effective_on} SRC {line.source_system} "
                f"UPD {line.last_updated}"
            )
        for removal in self.removals:
            parts.append(f"REMOVED {removal.removed_on} SRC {removal.source_system}")
        for conviction in self.convictions:
            parts.append(
                f"CONVICTION NCIC {conviction.ncic_code} {conviction.literal} "
                f"{conviction.convicted_on}"
            )
        for charge in self.pending_charges:
            parts.append(f"PENDING NCIC {charge.ncic_code or '----'} {charge.literal}")
        parts.append(f"FILE LAST UPDATED {self.file_last_updated}")
        return "; ".join(parts)


_INDICATORS = "citizenship_indicators"
_LINES: dict[str, type] = {
    "statuses": StatusEntry,
    "removals": RemovalEntry,
    "convictions": ConvictionEntry,
    "pending_charges": PendingChargeEntry,
}


def research_status(
    file: ImmigrationFile, sheet: RapSheet | None, *, today: date
) -> StatusResearch:
    statuses = tuple(
        StatusEntry(
            status=s.status.value,
            effective_on=s.effective_on.isoformat(),
            source_system=s.source_system.value,
            last_updated=s.last_updated.date().isoformat(),
        )
        for s in file.statuses
    )
    indicators = tuple(
        f"{s.status.value.upper()} {s.effective_on.isoformat()} ({s.source_system.value.upper()})"
        for s in file.citizenship_indicators
    )
    latest = file.latest_status
    outdated = bool(
        latest is not None
        and latest.status is ImmigrationStatus.LAWFUL_PERMANENT_RESIDENT
        and (today - latest.effective_on).days > NATURALISATION_ELIGIBILITY_YEARS * 365
    )
    if indicators:
        determination = "US CITIZENSHIP INDICATOR - HOLD FOR REVIEW: " + indicators[-1]
    elif latest is None:
        determination = "NO STATUS RECORD ON FILE"
    else:
        determination = (
            f"{latest.status.value.upper()} PER {latest.source_system.value.upper()} "
            f"EFF {latest.effective_on.isoformat()} UPD {latest.last_updated.date().isoformat()}"
        )
    if file.removals and not indicators:
        determination += " - PREVIOUSLY REMOVED"
    convictions: list[ConvictionEntry] = []
    pending: list[PendingChargeEntry] = []
    if sheet is not None:
        for arrest in sheet.arrests:
            for charge in arrest.charges:
                if charge.conviction is not None:
                    convictions.append(
                        ConvictionEntry(
                            ncic_code=charge.conviction.ncic_code,
                            literal=charge.conviction.literal,
                            level=charge.conviction.level.value,
                            convicted_on=charge.decided_on.isoformat()
                            if charge.decided_on
                            else None,
                            sentence_kind=charge.conviction.sentence_kind.value,
                            sentence_days=charge.conviction.sentence_days,
                        )
                    )
                elif charge.outcome is None:
                    pending.append(
                        PendingChargeEntry(
                            ncic_code=charge.ncic_code,
                            literal=charge.literal,
                            arrested_on=arrest.arrested_at.date().isoformat(),
                        )
                    )
    return StatusResearch(
        fin=file.identity.fin,
        fbi_number=sheet.fbi_number if sheet is not None else file.identity.fbi_number,
        determination=determination[:STATUS_TEXT_LIMIT],
        citizenship_review_required=bool(indicators),
        status_may_be_outdated=outdated,
        file_last_updated=file.last_updated.date().isoformat(),
        statuses=statuses,
        citizenship_indicators=indicators,
        removals=tuple(
            RemovalEntry(
                removed_on=r.removed_on.isoformat(),
                destination=r.destination,
                source_system=r.source_system.value,
            )
            for r in file.removals
        ),
        convictions=tuple(convictions),
        pending_charges=tuple(pending),
        synthetic=file.identity.synthetic,
    )
