"""Real ``securecomm worker`` processes (one, or two sharing the work) killed with SIGKILL at
random points, restarted: every
acknowledged submission completes, and no effect happens twice — no duplicated outbox message,
delivery, arrest or gallery enrolment — while real bookings go through the whole pipeline."""

from __future__ import annotations

import os
import random
import signal
import socket
import subprocess
import sys
import time
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from securecomm import ansinist
from securecomm.afis.extraction import extract
from securecomm.afis.image import load_image
from securecomm.afis.search import open_search_engine
from securecomm.afis.types import FingerImage
from securecomm.clock import SystemClock
from securecomm.config import Settings
from securecomm.interop import (
    FieldOfficeNotice,
    Job,
    JobState,
    MailboxEntry,
    OutboxMessage,
    Submission,
    SubmissionState,
    receive,
)
from securecomm.interop.outbox import MessageKind
from securecomm.interop.testing import booking_variant
from securecomm.interop.worker import WorkerHeartbeat
from securecomm.records import (
    AgencyKind,
    AgencyRepository,
    Arrest,
    CriminalIdentity,
    ImmigrationRepository,
    ImmigrationStatus,
    Sex,
    SourceSystem,
)
from securecomm.store.database import unit_of_work
from securecomm.system import worker_kinds

SECURECOMM = Path(sys.executable).parent / "securecomm"
JAIL = "VA0010000"
FIN = "5550001111"
#: Two people (pairs of FVC fingers); the first has an immigration record.
PEOPLE = ((103, 104), (101, 102))
ROUNDS = 4
DAMAGED_PER_ROUND = 3


def _fvc(shared_data: Path, finger: int, impression: int) -> FingerImage:
    return load_image(shared_data / "fvc" / "fvc2002" / "DB1_B" / f"{finger}_{impression}.png")


def _booking(shared_data: Path, person: int, impression: int, tcn: str) -> bytes:
    fingers = PEOPLE[person]
    car = ansinist.build_car(
        ansinist.Addressing(ori=JAIL, dai="WVIAFIS0Z", tcn=tcn, when=SystemClock().now()),
        ansinist.Subject(
            name=f"PERSON, NUMBER{'AB'[person]}", sex="M", race="U",
            date_of_birth=date(1980, 1, 1 + person), place_of_birth="VA",
        ),
        ansinist.Arrest(
            arrest_date=date(2011, 3, 1),
            offenses=(ansinist.Offense("LARCENY", ncic_code="2399"),),
            controlling_agency=JAIL,
        ),
        {2: _fvc(shared_data, fingers[0], impression),
         7: _fvc(shared_data, fingers[1], impression)},
    )  # fmt: skip
    return ansinist.write(car)


def _seed(factory: sessionmaker[Session], home: Path, shared_data: Path) -> None:
    now = SystemClock().now()
    with unit_of_work(factory) as session:
        agencies = AgencyRepository(session)
        agencies.add(ori="VAICE0000", name="FIELD OFFICE", state="VA",
                     kind=AgencyKind.FIELD_OFFICE, created_at=now, synthetic=True)  # fmt: skip
        agencies.add(ori=JAIL, name="JAIL", state="VA", kind=AgencyKind.JAIL,
                     field_office_ori="VAICE0000", created_at=now, synthetic=True)  # fmt: skip
        repository = ImmigrationRepository(session)
        person = repository.create_identity(
            subject_id=f"IDENT:{FIN}", fin=FIN, family_name="PERSON", given_name="NUMBERA",
            sex=Sex.MALE, now=now, source_system=SourceSystem.ADIS, synthetic=True,
        )  # fmt: skip
        repository.add_status(person, status=ImmigrationStatus.NONIMMIGRANT_VISA,
                              effective_on=date(2008, 1, 1), source_system=SourceSystem.ADIS,
                              last_updated=datetime(2008, 1, 2, tzinfo=UTC))  # fmt: skip
    with open_search_engine(Settings(home=home), "immigration") as gallery:
        gallery.enrol(
            f"IDENT:{FIN}",
            {2: extract(_fvc(shared_data, 103, 1)), 7: extract(_fvc(shared_data, 104, 1))},  # type: ignore[dict-item]
        )


def _start_worker(
    database_url: str, home: Path, log: Path, *, slot: int = 0, workers: int = 1
) -> subprocess.Popen[bytes]:
    """Worker ``slot`` of ``workers``, with the kinds ``securecomm up`` gives it (a gallery has
    one writer process: of two, the first holds the criminal gallery, the second the
    immigration gallery)."""
    env = dict(os.environ, SECURECOMM_DATABASE_URL=database_url, SECURECOMM_HOME=str(home))
    chosen = worker_kinds(slot, workers)
    kinds = [] if chosen is None else ["--kinds", ",".join(chosen)]
    with log.open("ab") as out:
        return subprocess.Popen(
            [str(SECURECOMM), "worker", "--lease-seconds", "2", *kinds],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )


def _wait_until_working(factory: sessionmaker[Session], worker: subprocess.Popen[bytes]) -> None:
    """Until the worker's loop has started (its heartbeat row exists)."""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and worker.poll() is None:
        with factory() as session:
            if session.get(WorkerHeartbeat, f"{socket.gethostname()}:{worker.pid}"):
                return
        time.sleep(0.05)
    raise AssertionError("the worker did not start")


def _count(session: Session, model: type, *where: object) -> int:
    return int(session.scalar(select(func.count()).select_from(model).where(*where)) or 0)  # type: ignore[arg-type]


def _unfinished(factory: sessionmaker[Session]) -> int:
    with factory() as session:
        return _count(session, Job, Job.state.in_([JobState.READY, JobState.RUNNING]))


@pytest.mark.slow
@pytest.mark.parametrize("workers", [1, 2], ids=["one-worker", "two-workers"])
def test_worker_killed_at_random_points_loses_and_duplicates_nothing(
    factory: sessionmaker[Session],
    database_url: str,
    car_template: bytes,
    shared_data: Path,
    tmp_path: Path,
    workers: int,
) -> None:
    """With two workers (each holding one gallery, as ``securecomm up`` starts them), a random
    one is killed each round while the other keeps working."""
    rng = random.Random(20110301 + workers)
    home = tmp_path / "home"
    log = tmp_path / "worker.log"
    _seed(factory, home, shared_data)
    damaged, real = [], []
    running: list[subprocess.Popen[bytes] | None] = [None] * workers
    for round_number in range(ROUNDS):
        with unit_of_work(factory) as session:
            for k in range(DAMAGED_PER_ROUND):
                tcn = f"KILL-{round_number:02d}-{k:04d}"
                raw = booking_variant(car_template, tcn=tcn, ori=JAIL, damage_images=True)
                damaged.append(receive(session, raw, now=SystemClock().now()).submission_id)
            person = round_number % len(PEOPLE)
            raw = _booking(shared_data, person, 2 + round_number, f"REAL-{round_number:02d}-0000")
            real.append((person, receive(session, raw, now=SystemClock().now()).submission_id))
        for slot in range(workers):
            if running[slot] is None:
                running[slot] = _start_worker(database_url, home, log, slot=slot, workers=workers)
                _wait_until_working(factory, running[slot])
        time.sleep(rng.uniform(0.0, 3.0))
        victim = rng.randrange(workers)
        worker = running[victim]
        assert worker is not None
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=30)
        assert worker.returncode == -signal.SIGKILL, f"round {round_number}: worker had exited"
        running[victim] = None
    with factory() as session:
        assert _count(session, Job, Job.state == JobState.DONE) > 0, "no job ran before a kill"
    for slot in range(workers):
        if running[slot] is None:
            running[slot] = _start_worker(database_url, home, log, slot=slot, workers=workers)
    try:
        deadline = time.monotonic() + 400
        while _unfinished(factory) and time.monotonic() < deadline:
            time.sleep(0.25)
    finally:
        for worker in running:
            if worker is not None:
                worker.send_signal(signal.SIGTERM)
        for worker in running:
            if worker is not None:
                worker.wait(timeout=60)
    assert _unfinished(factory) == 0, log.read_text(errors="replace")[-3000:]
    with factory() as session:
        assert _count(session, Job, Job.state == JobState.FAILED) == 0
        for submission_id in damaged:
            submission = session.get(Submission, submission_id)
            assert submission is not None and submission.response_tot == "ERRT"
        for person, submission_id in real:
            submission = session.get(Submission, submission_id)
            assert submission is not None and submission.response_tot == "SRE"
            assert submission.state is SubmissionState.COMPLETED
            kinds = sorted(
                k.value
                for k in session.scalars(
                    select(OutboxMessage.kind).where(OutboxMessage.submission_id == submission_id)
                )
            )
            expected = ["IDR", "SRE"] + (
                ["FIELD_OFFICE_NOTICE", "IAQ", "IAR"] if person == 0 else []
            )
            assert kinds == sorted(expected), (person, kinds)
        messages = session.scalars(select(OutboxMessage)).all()
        assert all(m.delivered_at is not None for m in messages)
        to_jail = sorted(m.id for m in messages if m.recipient == JAIL)
        assert sorted(session.scalars(select(MailboxEntry.message_id))) == to_jail
        assert _count(session, FieldOfficeNotice) == ROUNDS // len(PEOPLE)
        # One identity per person, one arrest per booking, and re-bookings were recognised.
        assert _count(session, CriminalIdentity) == len(PEOPLE)
        assert _count(session, Arrest) == ROUNDS
        for _, submission_id in real[len(PEOPLE) :]:
            sre = session.scalars(
                select(OutboxMessage).where(
                    OutboxMessage.submission_id == submission_id,
                    OutboxMessage.kind == MessageKind.SRE,
                )
            ).one()
            assert ansinist.summarize_response(ansinist.read(sre.body)).identified is True
    with open_search_engine(Settings(home=home), "criminal") as gallery:
        assert len(gallery) == len(PEOPLE)
