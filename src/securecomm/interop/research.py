"""Status research: what the LESC tells ICE about a matched person, from the immigration file
and the criminal history, every fact with its source system and date.

Rules it follows (DESIGN §5): any indicator of U.S. citizenship anywhere in the history puts
the determination on hold for supervisor and counsel review; a status older than the five
years after which an LPR may naturalise is flagged as possibly outdated; convictions and
pending charges are listed apart; nothing is inferred from birthplace or name.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

from securecomm.records.criminal_repository import RapSheet
from securecomm.records.immigration import ImmigrationStatus
from securecomm.records.immigration_repository import ImmigrationFile

#: An LPR may apply to naturalise after five years (INA §316); older LPR lines may be stale.
NATURALISATION_ELIGIBILITY_YEARS = 5
STATUS_TEXT_LIMIT = 120


@dataclass(frozen=True)
class StatusResearch:
    fin: str
    fbi_number: str | None
    determination: str
    citizenship_review_required: bool
    status_may_be_outdated: bool
    file_last_updated: str
    statuses: list[dict[str, str]] = field(default_factory=list)
    citizenship_indicators: list[str] = field(default_factory=list)
    removals: list[dict[str, str]] = field(default_factory=list)
    convictions: list[dict[str, Any]] = field(default_factory=list)
    pending_charges: list[dict[str, Any]] = field(default_factory=list)
    synthetic: bool = False

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

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
                f"STATUS {line['status']} EFF {line['effective_on']} SRC {line['source_system']} "
                f"UPD {line['last_updated']}"
            )
        for removal in self.removals:
            parts.append(f"REMOVED {removal['removed_on']} SRC {removal['source_system']}")
        for conviction in self.convictions:
            parts.append(
                f"CONVICTION NCIC {conviction['ncic_code']} {conviction['literal']} "
                f"{conviction['convicted_on']}"
            )
        for charge in self.pending_charges:
            parts.append(f"PENDING NCIC {charge['ncic_code'] or '----'} {charge['literal']}")
        parts.append(f"FILE LAST UPDATED {self.file_last_updated}")
        return "; ".join(parts)


def research_status(
    file: ImmigrationFile, sheet: RapSheet | None, *, today: date
) -> StatusResearch:
    statuses = [
        {
            "status": s.status.value,
            "effective_on": s.effective_on.isoformat(),
            "source_system": s.source_system.value,
            "last_updated": s.last_updated.date().isoformat(),
        }
        for s in file.statuses
    ]
    indicators = [
        f"{s.status.value.upper()} {s.effective_on.isoformat()} ({s.source_system.value.upper()})"
        for s in file.citizenship_indicators
    ]
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
    convictions = []
    pending = []
    if sheet is not None:
        for arrest in sheet.arrests:
            for charge in arrest.charges:
                if charge.conviction is not None:
                    convictions.append(
                        {
                            "ncic_code": charge.conviction.ncic_code,
                            "literal": charge.conviction.literal,
                            "level": charge.conviction.level.value,
                            "convicted_on": charge.decided_on.isoformat()
                            if charge.decided_on
                            else None,
                            "sentence_kind": charge.conviction.sentence_kind.value,
                            "sentence_days": charge.conviction.sentence_days,
                        }
                    )
                elif charge.outcome is None:
                    pending.append(
                        {
                            "ncic_code": charge.ncic_code,
                            "literal": charge.literal,
                            "arrested_on": arrest.arrested_at.date().isoformat(),
                        }
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
        removals=[
            {
                "removed_on": r.removed_on.isoformat(),
                "destination": r.destination,
                "source_system": r.source_system.value,
            }
            for r in file.removals
        ],
        convictions=convictions,
        pending_charges=pending,
        synthetic=file.identity.synthetic,
    )
