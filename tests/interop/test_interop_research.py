"""Status research: citizenship indicators hold everything, stale LPR lines are flagged,
convictions and pending charges stay apart, every fact keeps its provenance."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

import pytest

from securecomm.errors import ConfigError
from securecomm.interop.research import StatusEntry, StatusResearch, research_status
from securecomm.interop.timing import ResponseTimeTargets
from securecomm.records import (
    ChargeLevel,
    ConvictionInput,
    DispositionOutcome,
    ImmigrationIdentity,
    ImmigrationStatus,
    RapSheet,
    Removal,
    SentenceKind,
    Sex,
    SourceSystem,
)
from securecomm.records.criminal_repository import RapSheetArrest, RapSheetCharge
from securecomm.records.immigration_repository import ImmigrationFile, StatusLine

TODAY = date(2011, 3, 1)
STAMP = datetime(2004, 2, 1, tzinfo=UTC)


def _file(
    *statuses: tuple[ImmigrationStatus, date], removals: list[Removal] | None = None
) -> ImmigrationFile:
    identity = ImmigrationIdentity(
        fin="1234567890", subject_id="IDENT:1234567890", family_name="X", given_name="Y",
        sex=Sex.MALE, synthetic=True, source_system=SourceSystem.CLAIMS, last_updated=STAMP,
    )  # fmt: skip
    lines = [StatusLine(s, d, None, SourceSystem.CLAIMS, STAMP) for s, d in statuses]
    return ImmigrationFile(identity, lines, [], removals or [])


def test_a_naturalisation_anywhere_in_the_history_holds_the_determination() -> None:
    file = _file(
        (ImmigrationStatus.LAWFUL_PERMANENT_RESIDENT, date(1998, 1, 1)),
        (ImmigrationStatus.NATURALIZED, date(2004, 1, 1)),
        (ImmigrationStatus.NO_STATUS, date(2009, 1, 1)),  # a later, contradicting entry
    )
    research = research_status(file, None, today=TODAY)
    assert research.citizenship_review_required
    assert research.determination.startswith("US CITIZENSHIP INDICATOR - HOLD FOR REVIEW")
    assert "NO ACTION UNTIL SUPERVISOR AND COUNSEL REVIEW" in research.remarks()


def test_an_old_lpr_line_is_flagged_as_possibly_outdated() -> None:
    research = research_status(
        _file((ImmigrationStatus.LAWFUL_PERMANENT_RESIDENT, date(2001, 6, 1))), None, today=TODAY
    )
    assert not research.citizenship_review_required
    assert research.status_may_be_outdated
    assert research.determination == (
        "LAWFUL_PERMANENT_RESIDENT PER CLAIMS EFF 2001-06-01 UPD 2004-02-01"
    )
    recent = research_status(
        _file((ImmigrationStatus.LAWFUL_PERMANENT_RESIDENT, date(2009, 6, 1))), None, today=TODAY
    )
    assert not recent.status_may_be_outdated


def test_removals_convictions_and_pending_charges_are_reported_apart() -> None:
    removal = Removal(removed_on=date(2006, 5, 1), destination="MX", order_basis="ORDER",
                      source_system=SourceSystem.ENFORCE, last_updated=STAMP)  # fmt: skip
    file = _file((ImmigrationStatus.REMOVED, date(2006, 5, 1)), removals=[removal])
    conviction = ConvictionInput("1313", "SIMPLE ASSLT", ChargeLevel.MISDEMEANOR,
                                 SentenceKind.JAIL, 30)  # fmt: skip
    sheet = RapSheet(
        fbi_number="123456AB1", family_name="X", given_name="Y", date_of_birth=None,
        sex=Sex.MALE,
        arrests=[RapSheetArrest(datetime(2005, 1, 1, tzinfo=UTC), "VA0010000", None, [
            RapSheetCharge("1313", "SIMPLE ASSLT", ChargeLevel.MISDEMEANOR,
                           DispositionOutcome.CONVICTED, date(2005, 3, 1), conviction),
            RapSheetCharge(None, "TRESPASS", ChargeLevel.UNKNOWN, None, None, None),
        ])],
    )  # fmt: skip
    research = research_status(file, sheet, today=TODAY)
    assert research.determination.endswith("- PREVIOUSLY REMOVED")
    assert [c.ncic_code for c in research.convictions] == ["1313"]
    assert [c.literal for c in research.pending_charges] == ["TRESPASS"]
    assert research.statuses == (StatusEntry("removed", "2006-05-01", "claims", "2004-02-01"),)
    # What the notice publishes reads back as the same value.
    assert StatusResearch.from_json(json.loads(json.dumps(research.to_json()))) == research


def test_response_time_targets_come_from_the_environment() -> None:
    targets = ResponseTimeTargets.from_env({"SECURECOMM_TARGET_SRE_SECONDS": "600"})
    assert targets.target("sre") == 600.0 and targets.target("iar") == 4 * 3600.0
    with pytest.raises(ConfigError, match="SECURECOMM_TARGET_IDR_SECONDS must be a number"):
        ResponseTimeTargets.from_env({"SECURECOMM_TARGET_IDR_SECONDS": "soon"})
