"""The whole pipeline on real prints (FVC 2002 DB1): booking → features → criminal search →
SRE → immigration search → IDR → IAQ → status research → IAR → field-office notice."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from securecomm import ansinist
from securecomm.afis.extraction import extract
from securecomm.afis.image import load_image
from securecomm.afis.types import FingerPosition
from securecomm.clock import FixedClock
from securecomm.config import Settings
from securecomm.interop import (
    FieldOfficeNotice,
    MailboxEntry,
    OutboxMessage,
    PipelineContext,
    Submission,
    SubmissionState,
    receive,
)
from securecomm.interop.components import IMMIGRATION_GALLERY, available_components
from securecomm.interop.outbox import MessageKind
from securecomm.interop.research import StatusResearch
from securecomm.interop.steps import STEPS
from securecomm.interop.worker import run_worker
from securecomm.records import (
    AgencyKind,
    AgencyRepository,
    CriminalHistoryRepository,
    ImmigrationRepository,
    ImmigrationStatus,
    Sex,
    SourceSystem,
)
from securecomm.store.database import unit_of_work

JAIL = "VA0010000"
FIELD_OFFICE = "VAICE0000"
FIN = "1234567890"
POSITIONS = (FingerPosition.RIGHT_INDEX, FingerPosition.LEFT_INDEX)


def _fvc(shared_data: Path, finger: int, impression: int):
    return load_image(shared_data / "fvc" / "fvc2002" / "DB1_B" / f"{finger}_{impression}.png")


def _booking(shared_data: Path, fingers: tuple[int, int], impression: int, tcn: str) -> bytes:
    car = ansinist.build_car(
        ansinist.Addressing(
            ori=JAIL, dai="WVIAFIS0Z", tcn=tcn, when=datetime(2011, 3, 1, tzinfo=UTC)
        ),
        ansinist.Subject(
            name="QUENDAR, VOLIX", sex="M", race="U", date_of_birth=date(1979, 4, 5),
            place_of_birth="MX",
        ),
        ansinist.Arrest(
            arrest_date=date(2011, 3, 1),
            offenses=(ansinist.Offense("BURGLARY", ncic_code="2299"),),
            controlling_agency=JAIL,
        ),
        {int(p): _fvc(shared_data, f, impression) for p, f in zip(POSITIONS, fingers, strict=True)},
    )  # fmt: skip
    return ansinist.write(car)


@pytest.fixture()
def context(
    factory: sessionmaker[Session], clock: FixedClock, tmp_path: Path, shared_data: Path
) -> PipelineContext:
    components = available_components(Settings(home=tmp_path / "home"))
    now = clock.now()
    with unit_of_work(factory) as session:
        agencies = AgencyRepository(session)
        agencies.add(ori=FIELD_OFFICE, name="FIELD OFFICE", state="VA",
                     kind=AgencyKind.FIELD_OFFICE, created_at=now, synthetic=True)  # fmt: skip
        agencies.add(ori=JAIL, name="COUNTY JAIL", state="VA", kind=AgencyKind.JAIL,
                     field_office_ori=FIELD_OFFICE, created_at=now, synthetic=True)  # fmt: skip
        immigration = ImmigrationRepository(session)
        person = immigration.create_identity(
            subject_id=f"IDENT:{FIN}", fin=FIN, family_name="QUENDAR", given_name="VOLIX",
            sex=Sex.MALE, date_of_birth=date(1979, 4, 5), now=now,
            source_system=SourceSystem.CLAIMS, synthetic=True,
        )  # fmt: skip
        immigration.add_status(
            person, status=ImmigrationStatus.LAWFUL_PERMANENT_RESIDENT,
            effective_on=date(2001, 6, 1), source_system=SourceSystem.CLAIMS,
            last_updated=datetime(2001, 7, 1, tzinfo=UTC),
        )  # fmt: skip
    gallery = components.galleries.get(IMMIGRATION_GALLERY)
    gallery.enrol(
        f"IDENT:{FIN}",
        {p: extract(_fvc(shared_data, f, 1)) for p, f in zip(POSITIONS, (103, 104), strict=True)},
    )
    yield PipelineContext(components=components, clock=clock)
    components.galleries.close()


def _run(factory: sessionmaker[Session], context: PipelineContext, raw: bytes) -> int:
    with unit_of_work(factory) as session:
        receipt = receive(session, raw, now=context.clock.now(), submitter_ori=JAIL)
    stats = run_worker(factory, context, STEPS, worker="test", until_idle=True)
    assert stats.failed == 0 and stats.retried == 0
    return receipt.submission_id


def _kinds(session: Session, submission_id: int) -> list[str]:
    rows = session.scalars(
        select(OutboxMessage.kind).where(OutboxMessage.submission_id == submission_id)
    )
    return sorted(k.value for k in rows)


@pytest.mark.slow
def test_matched_booking_reaches_the_field_office_and_rebooking_is_recognised(
    factory: sessionmaker[Session], context: PipelineContext, shared_data: Path
) -> None:
    first = _run(factory, context, _booking(shared_data, (103, 104), 2, "VA0010000-0000001"))
    with factory() as session:
        submission = session.get(Submission, first)
        assert submission is not None and submission.state is SubmissionState.COMPLETED
        assert submission.response_tot == "SRE"
        assert _kinds(session, first) == ["FIELD_OFFICE_NOTICE", "IAQ", "IAR", "IDR", "SRE"]
        mailbox = session.scalars(
            select(OutboxMessage.kind)
            .join(MailboxEntry, MailboxEntry.message_id == OutboxMessage.id)
            .where(MailboxEntry.recipient_ori == JAIL)
        ).all()
        assert sorted(k.value for k in mailbox) == ["IAR", "IDR", "SRE"]
        sre = session.scalars(
            select(OutboxMessage).where(OutboxMessage.kind == MessageKind.SRE)
        ).one()
        answer = ansinist.summarize_response(ansinist.read(sre.body))
        assert answer.identified is False and answer.tcr == "VA0010000-0000001"
        idr = ansinist.parse_idr(
            session.scalars(
                select(OutboxMessage.body).where(OutboxMessage.kind == MessageKind.IDR)
            ).one()
        )
        assert idr.match is True and idr.fin == FIN and idr.best is not None
        iar = ansinist.parse_iar(
            session.scalars(select(OutboxMessage.body).where(OutboxMessage.kind == MessageKind.IAR))
            .one()
            .decode()
        )
        assert iar.status.startswith("LAWFUL_PERMANENT_RESIDENT PER CLAIMS EFF 2001-06-01")
        assert "PERSON MAY HAVE NATURALISED" in (iar.remarks or "")
        notice = session.scalars(select(FieldOfficeNotice)).one()
        assert (notice.field_office_ori, notice.fin, notice.tcn) == (
            FIELD_OFFICE,
            FIN,
            submission.tcn,
        )
        assert StatusResearch.from_json(notice.research).status_may_be_outdated is True
        fbi_number = notice.fbi_number
        assert fbi_number
    second = _run(factory, context, _booking(shared_data, (103, 104), 3, "VA0010000-0000002"))
    with factory() as session:
        sre = session.scalars(
            select(OutboxMessage).where(
                OutboxMessage.kind == MessageKind.SRE, OutboxMessage.submission_id == second
            )
        ).one()
        answer = ansinist.summarize_response(ansinist.read(sre.body))
        assert answer.identified is True and answer.fbi_number == fbi_number
        identity = CriminalHistoryRepository(session).get(fbi_number=fbi_number)
        sheet = CriminalHistoryRepository(session).rap_sheet(identity)
        assert [a.tcn for a in sheet.arrests] == ["VA0010000-0000001", "VA0010000-0000002"]
        assert session.scalar(select(func.count()).select_from(FieldOfficeNotice)) == 2
        file = ImmigrationRepository(session).file(ImmigrationRepository(session).get(fin=FIN))
        assert sorted(e.tcn for e in file.encounters if e.tcn) == [
            "VA0010000-0000001",
            "VA0010000-0000002",
        ]


@pytest.mark.slow
def test_unmatched_booking_ends_after_the_idr(
    factory: sessionmaker[Session], context: PipelineContext, shared_data: Path
) -> None:
    submission_id = _run(
        factory, context, _booking(shared_data, (101, 102), 2, "VA0010000-0000003")
    )
    with factory() as session:
        assert _kinds(session, submission_id) == ["IDR", "SRE"]
        submission = session.get(Submission, submission_id)
        assert submission is not None and submission.state is SubmissionState.COMPLETED
        idr = ansinist.parse_idr(
            session.scalars(
                select(OutboxMessage.body).where(OutboxMessage.kind == MessageKind.IDR)
            ).one()
        )
        assert idr.match is False and idr.fin is None
        assert session.scalar(select(func.count()).select_from(FieldOfficeNotice)) == 0
