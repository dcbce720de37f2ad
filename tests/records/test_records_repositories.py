"""Repositories: agencies and keys, rap sheets, immigration files with provenance."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy.orm import Session, sessionmaker

from securecomm.clock import FixedClock
from securecomm.records import (
    AgencyKind,
    AgencyRepository,
    ChargeInput,
    ChargeLevel,
    ConvictionInput,
    CriminalHistoryRepository,
    DispositionOutcome,
    EncounterKind,
    ImmigrationRepository,
    ImmigrationStatus,
    SentenceKind,
    Sex,
    SourceSystem,
    agency_for_key,
    issue_api_key,
    revoke_api_keys,
)
from securecomm.records.errors import DuplicateRecordError, InvalidOriError, InvalidRecordError


def test_agencies_by_ori_and_hashed_keys(factory: sessionmaker[Session], clock: FixedClock) -> None:
    with factory() as session, session.begin():
        agencies = AgencyRepository(session)
        agencies.add(
            ori="va0010000", name="JAIL", state="va", kind=AgencyKind.JAIL, created_at=clock.now()
        )
        with pytest.raises(DuplicateRecordError):
            agencies.add(
                ori="VA0010000", name="X", state="VA", kind=AgencyKind.JAIL, created_at=clock.now()
            )
        with pytest.raises(InvalidOriError, match="'12345' is not an ORI"):
            agencies.add(
                ori="12345", name="X", state="VA", kind=AgencyKind.JAIL, created_at=clock.now()
            )
        key = issue_api_key(session, "VA0010000", now=clock.now())
    with factory() as session, session.begin():
        found = agency_for_key(session, key)
        assert found is not None and found.ori == "VA0010000"
        from sqlalchemy import select

        from securecomm.records import AgencyApiKey

        stored = session.scalars(select(AgencyApiKey.key_digest)).all()
        assert key not in stored and len(stored[0]) == 64
        assert revoke_api_keys(session, "VA0010000", now=clock.now()) == 1
    with factory() as session:
        assert agency_for_key(session, key) is None


def test_rap_sheet_separates_convictions_from_pending_charges(
    factory: sessionmaker[Session], clock: FixedClock
) -> None:
    now = clock.now()
    with factory() as session, session.begin():
        repo = CriminalHistoryRepository(session)
        person = repo.create_identity(
            subject_id="CJIS:TEST00001",
            family_name="ZORVAN",
            given_name="KEL",
            sex=Sex.MALE,
            now=now,
        )
        first = repo.add_arrest(
            person,
            arrested_at=datetime(2008, 5, 1, tzinfo=UTC),
            agency_ori="VA0010000",
            now=now,
            charges=[
                ChargeInput("2399", "LARCENY", ChargeLevel.MISDEMEANOR),
                ChargeInput("1313", "SIMPLE ASSLT", ChargeLevel.MISDEMEANOR),
            ],
        )
        repo.dispose(
            first.charges[0],
            outcome=DispositionOutcome.CONVICTED,
            decided_on=date(2008, 9, 1),
            now=now,
            conviction=ConvictionInput(
                "2399", "LARCENY", ChargeLevel.MISDEMEANOR, SentenceKind.JAIL, 30
            ),
        )
        with pytest.raises(InvalidRecordError, match="needs the conviction details"):
            repo.dispose(
                first.charges[1],
                outcome=DispositionOutcome.CONVICTED,
                decided_on=date(2008, 9, 1),
                now=now,
            )
        again = repo.add_arrest(
            person,
            arrested_at=now,
            agency_ori="VA0010000",
            tcn="T-1",
            now=now,
            charges=[ChargeInput("3562", "MARIJUANA - POSSESS", ChargeLevel.MISDEMEANOR)],
        )
        retried = repo.add_arrest(
            person,
            arrested_at=now,
            agency_ori="VA0010000",
            tcn="T-1",
            now=now,
            charges=[ChargeInput("3562", "MARIJUANA - POSSESS", ChargeLevel.MISDEMEANOR)],
        )
        assert retried.id == again.id
        sheet = repo.rap_sheet(person)
    assert [c.ncic_code for c in sheet.convictions] == ["2399"]
    assert sorted(c.ncic_code for c in sheet.pending_charges) == ["1313", "3562"]
    assert len(sheet.arrests) == 2


def test_immigration_file_keeps_every_status_with_provenance(
    factory: sessionmaker[Session], clock: FixedClock
) -> None:
    now = clock.now()
    with factory() as session, session.begin():
        repo = ImmigrationRepository(session)
        person = repo.create_identity(
            subject_id="IDENT:0000000001",
            family_name="TRAVEL",
            given_name="OU",
            sex=Sex.FEMALE,
            now=now,
            source_system=SourceSystem.CLAIMS,
        )
        stamp = datetime(2003, 2, 1, tzinfo=UTC)
        repo.add_status(
            person,
            status=ImmigrationStatus.LAWFUL_PERMANENT_RESIDENT,
            effective_on=date(2003, 1, 1),
            source_system=SourceSystem.CLAIMS,
            last_updated=stamp,
        )
        repo.add_status(
            person,
            status=ImmigrationStatus.NATURALIZED,
            effective_on=date(2009, 1, 1),
            source_system=SourceSystem.CLAIMS,
            last_updated=datetime(2009, 2, 1, tzinfo=UTC),
        )
        for _ in range(2):  # a booking encounter is recorded once per (ORI, TCN)
            repo.add_encounter(
                person,
                kind=EncounterKind.JAIL_BOOKING,
                occurred_at=now,
                location="JAIL",
                source_system=SourceSystem.SECURECOMM,
                last_updated=now,
                agency_ori="VA0010000",
                tcn="T-1",
            )
        file = repo.file(person)
    assert [s.status for s in file.statuses] == [
        ImmigrationStatus.LAWFUL_PERMANENT_RESIDENT,
        ImmigrationStatus.NATURALIZED,
    ]
    assert [s.status for s in file.citizenship_indicators] == [ImmigrationStatus.NATURALIZED]
    assert len(file.encounters) == 1
    assert file.last_updated == now
    assert all(s.source_system is SourceSystem.CLAIMS for s in file.statuses)


@pytest.mark.parametrize("destination", ["SYNTHETIC COUNTRY", "mx", "M", "M1"])
def test_a_removal_needs_an_iso_country_code_on_every_database(
    factory: sessionmaker[Session], clock: FixedClock, destination: str
) -> None:
    """SQLite would store any text in the two-letter column; PostgreSQL refuses it with a
    driver error. The repository says what is wrong on both, before anything is written."""
    with factory() as session, session.begin():
        repo = ImmigrationRepository(session)
        person = repo.create_identity(
            subject_id="IDENT:0000000002", family_name="TRAVEL", given_name="OU",
            sex=Sex.FEMALE, now=clock.now(), source_system=SourceSystem.ENFORCE,
        )  # fmt: skip
        with pytest.raises(InvalidRecordError, match="ISO 3166 alpha-2"):
            repo.add_removal(person, removed_on=date(2009, 6, 30), destination=destination,
                             order_basis="final order", source_system=SourceSystem.ENFORCE,
                             last_updated=clock.now())  # fmt: skip
        removal = repo.add_removal(person, removed_on=date(2009, 6, 30), destination="MX",
                                   order_basis="final order", source_system=SourceSystem.ENFORCE,
                                   last_updated=clock.now())  # fmt: skip
        assert removal.destination == "MX"
