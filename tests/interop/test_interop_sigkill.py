"""A real ``securecomm worker`` killed with SIGKILL at random points, restarted: every
acknowledged submission is answered, and no outbox message or delivery happens twice."""

from __future__ import annotations

import os
import random
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from securecomm.clock import SystemClock
from securecomm.interop import Job, JobState, MailboxEntry, OutboxMessage, Submission, receive
from securecomm.interop.testing import booking_variant
from securecomm.interop.units import unit_of_work
from securecomm.interop.worker import WorkerHeartbeat

SECURECOMM = Path(sys.executable).parent / "securecomm"


def _start_worker(database_url: str, home: Path, log: Path) -> subprocess.Popen[bytes]:
    env = dict(os.environ, SECURECOMM_DATABASE_URL=database_url, SECURECOMM_HOME=str(home))
    with log.open("ab") as out:
        return subprocess.Popen(
            [str(SECURECOMM), "worker", "--lease-seconds", "1"],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )


def _submit(factory: sessionmaker[Session], template: bytes, numbers: range) -> None:
    for n in numbers:
        raw = booking_variant(template, tcn=f"KILL-{n:06d}", ori="VA0010000", damage_images=True)
        with unit_of_work(factory) as session:
            receive(session, raw, now=SystemClock().now())


def _wait_until_working(factory: sessionmaker[Session], worker: subprocess.Popen[bytes]) -> None:
    """Until the worker's loop has started (its heartbeat row exists)."""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and worker.poll() is None:
        with factory() as session:
            if session.get(WorkerHeartbeat, f"{socket.gethostname()}:{worker.pid}"):
                return
        time.sleep(0.05)
    raise AssertionError("the worker did not start")


def _unfinished(factory: sessionmaker[Session]) -> int:
    with factory() as session:
        return int(
            session.scalar(
                select(func.count())
                .select_from(Job)
                .where(Job.state.in_([JobState.READY, JobState.RUNNING]))
            )
            or 0
        )


@pytest.mark.slow
def test_worker_killed_at_random_points_loses_and_duplicates_nothing(
    factory: sessionmaker[Session], database_url: str, car_template: bytes, tmp_path: Path
) -> None:
    rng = random.Random(20110301)
    log = tmp_path / "worker.log"
    total = 0
    kills = 0
    for round_number in range(6):
        _submit(factory, car_template, range(total, total + 10))
        total += 10
        worker = _start_worker(database_url, tmp_path / "home", log)
        _wait_until_working(factory, worker)
        time.sleep(rng.uniform(0.0, 0.8))
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=30)
        kills += 1
        assert worker.returncode == -signal.SIGKILL, f"round {round_number}: worker had exited"
    with factory() as session:
        done_before_last = session.scalar(
            select(func.count()).select_from(Job).where(Job.state == JobState.DONE)
        )
    assert done_before_last, "the killed workers never got to run a job"
    worker = _start_worker(database_url, tmp_path / "home", log)
    try:
        deadline = time.monotonic() + 120
        while _unfinished(factory) and time.monotonic() < deadline:
            time.sleep(0.25)
    finally:
        worker.send_signal(signal.SIGTERM)
        worker.wait(timeout=30)
    assert _unfinished(factory) == 0, log.read_text(errors="replace")[-3000:]
    with factory() as session:
        submissions = session.scalars(select(Submission)).all()
        assert len(submissions) == total and kills == 6
        assert all(s.response_tot == "ERRT" for s in submissions)
        messages = session.scalars(select(OutboxMessage)).all()
        assert len(messages) == total
        assert sorted(m.submission_id for m in messages) == sorted(s.id for s in submissions)
        assert all(m.delivered_at is not None for m in messages)
        entries = session.scalars(select(MailboxEntry)).all()
        assert sorted(e.message_id for e in entries) == sorted(m.id for m in messages)
        failed = session.scalar(
            select(func.count()).select_from(Job).where(Job.state == JobState.FAILED)
        )
        assert failed == 0
