"""Workers share the machine well: the heavy part of a step runs with no write transaction
open, a worker can be restricted to some job kinds (a gallery has one writer process), and the
later stages of the pipeline are claimed first."""

from __future__ import annotations

import signal
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from securecomm.afis.extraction import extract
from securecomm.afis.types import FingerImage, Template
from securecomm.clock import FixedClock
from securecomm.interop import Job, JobState, SubmissionTemplate, receive
from securecomm.interop.components import GalleryProvider, PipelineComponents
from securecomm.interop.context import PipelineContext
from securecomm.interop.errors import UnknownStepError
from securecomm.interop.steps import GALLERY_STEPS, STEPS, WITHOUT_GALLERIES, steps_for
from securecomm.interop.testing import booking_variant, fresh_database
from securecomm.interop.worker import WorkerHeartbeat, WorkerStats, run_one, run_worker
from securecomm.store.database import make_session_factory, unit_of_work
from securecomm.system import STEPS as SYSTEM_STEPS
from securecomm.system import galleries_for, worker_kinds

SECURECOMM = Path(sys.executable).parent / "securecomm"
JAIL = "VA0010000"


def _no_gallery(name: str):  # type: ignore[no-untyped-def]
    raise AssertionError(f"gallery {name} opened by a worker that must not open one")


def _submit(factory: sessionmaker[Session], car_template: bytes, clock: FixedClock) -> int:
    with unit_of_work(factory) as session:
        raw = booking_variant(car_template, tcn="PHASES-0001", ori=JAIL)
        return receive(session, raw, now=clock.now()).submission_id


def test_prints_are_extracted_while_the_sqlite_write_lock_is_free(
    tmp_path: Path, car_template: bytes, clock: FixedClock
) -> None:
    path = tmp_path / "securecomm.db"
    engine = fresh_database(f"sqlite:///{path}")
    factory = make_session_factory(engine)
    submission_id = _submit(factory, car_template, clock)
    probes: list[bool] = []

    def extract_while_another_process_writes(image: FingerImage) -> Template:
        # Another connection takes the write lock and lets go: with the step computing inside
        # its write transaction this would find the database locked.
        connection = sqlite3.connect(path, timeout=0.2, isolation_level=None)
        try:
            connection.execute("BEGIN IMMEDIATE")
            connection.execute("ROLLBACK")
            probes.append(True)
        finally:
            connection.close()
        return extract(image)

    components = PipelineComponents(
        galleries=GalleryProvider(_no_gallery), extract=extract_while_another_process_writes
    )
    context = PipelineContext(components=components, clock=clock)
    stats = WorkerStats()
    assert run_one(factory, context, steps_for(["features"]), worker="w", stats=stats)
    assert probes and stats.done == 1 and stats.retried == 0
    assert stats.by_kind["features"][0] == 1
    with factory() as session:
        stored = session.scalars(
            select(SubmissionTemplate).where(SubmissionTemplate.submission_id == submission_id)
        ).all()
        assert len(stored) == len(probes)
        nxt = session.scalars(select(Job).where(Job.kind == "criminal_search")).one()
        assert nxt.state is JobState.READY
    engine.dispose()


def test_a_worker_without_galleries_leaves_the_searches_to_the_gallery_worker(
    factory: sessionmaker[Session], car_template: bytes, clock: FixedClock
) -> None:
    _submit(factory, car_template, clock)
    context = PipelineContext(
        components=PipelineComponents(galleries=GalleryProvider(_no_gallery)), clock=clock
    )
    stats = run_worker(factory, context, steps_for(WITHOUT_GALLERIES), worker="w", until_idle=True)
    assert stats.done == 1 and stats.failed == 0
    with factory() as session:
        ready = session.scalars(select(Job.kind).where(Job.state == JobState.READY)).all()
    assert ready == ["criminal_search"]


def test_job_kinds_are_checked() -> None:
    assert set(WITHOUT_GALLERIES) | GALLERY_STEPS == set(STEPS)
    assert list(steps_for(["outbox.deliver", "features"])) == ["outbox.deliver", "features"]
    with pytest.raises(UnknownStepError, match=r"unknown job kind.*feature.*the kinds are"):
        steps_for(["feature"])
    with pytest.raises(UnknownStepError):
        steps_for([])


def test_the_worker_command_refuses_an_unknown_kind(tmp_path: Path) -> None:
    result = subprocess.run(
        [str(SECURECOMM), "worker", "--kinds", "features,criminal-search"],
        env={"SECURECOMM_HOME": str(tmp_path), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "criminal-search" in result.stdout + result.stderr
    assert "Traceback" not in result.stdout + result.stderr


def test_a_second_gallery_worker_is_told_to_take_the_other_kinds(tmp_path: Path) -> None:
    env = {
        "SECURECOMM_HOME": str(tmp_path),
        "SECURECOMM_DATABASE_URL": f"sqlite:///{tmp_path / 'securecomm.db'}",
        "PATH": "/usr/bin:/bin",
    }
    first = subprocess.Popen(
        [str(SECURECOMM), "worker"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        # The first worker holds both galleries once its heartbeat is written.
        engine = fresh_database(env["SECURECOMM_DATABASE_URL"])
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and first.poll() is None:
            with make_session_factory(engine)() as session:
                if session.scalar(select(WorkerHeartbeat.worker)):
                    break
            time.sleep(0.1)
        engine.dispose()
        assert first.poll() is None, "the first worker did not start"
        second = subprocess.run(
            [str(SECURECOMM), "worker"], env=env, capture_output=True, text=True, timeout=120
        )
        assert second.returncode != 0
        output = second.stdout + second.stderr
        assert "open for writing" in output and f"--kinds {','.join(WITHOUT_GALLERIES)}" in (
            output.replace("\n", "")
        )
        assert "Traceback" not in output
    finally:
        first.send_signal(signal.SIGTERM)
        first.wait(timeout=60)


@pytest.mark.parametrize("workers", [1, 2, 3])
def test_each_gallery_search_has_one_worker_and_every_kind_a_worker(workers: int) -> None:
    """``system.worker_kinds``, as ``securecomm up`` and the benchmark start workers: one
    worker runs everything; of two or more, the first holds the criminal gallery and the
    second the immigration gallery, and the others hold none."""
    kinds = [worker_kinds(slot, workers) or tuple(SYSTEM_STEPS) for slot in range(workers)]
    assert set().union(*kinds) == set(SYSTEM_STEPS)
    for step in GALLERY_STEPS:
        assert sum(step in k for k in kinds) == 1, step
    held = [galleries_for(k) for k in kinds]
    assert held[0] == (("criminal", "immigration") if workers == 1 else ("criminal",))
    if workers > 1:
        assert held[1] == ("immigration",)
        assert all(h == () for h in held[2:])
        assert all(set(WITHOUT_GALLERIES) <= set(k) for k in kinds)


def test_two_workers_each_holding_one_gallery_both_start(tmp_path: Path) -> None:
    env = {
        "SECURECOMM_HOME": str(tmp_path),
        "SECURECOMM_DATABASE_URL": f"sqlite:///{tmp_path / 'securecomm.db'}",
        "PATH": "/usr/bin:/bin",
    }
    engine = fresh_database(env["SECURECOMM_DATABASE_URL"])
    workers = [
        subprocess.Popen(
            [str(SECURECOMM), "worker", "--kinds", ",".join(worker_kinds(slot, 2) or ())],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for slot in range(2)
    ]
    try:
        names = {f"{socket.gethostname()}:{w.pid}" for w in workers}
        deadline = time.monotonic() + 120
        up: set[str] = set()
        while time.monotonic() < deadline and all(w.poll() is None for w in workers):
            with make_session_factory(engine)() as session:
                up = set(session.scalars(select(WorkerHeartbeat.worker)))
            if names <= up:
                break
            time.sleep(0.1)
        assert names <= up, "both gallery workers should be running"
    finally:
        for w in workers:
            w.send_signal(signal.SIGTERM)
        for w in workers:
            w.wait(timeout=60)
        engine.dispose()
    assert [w.returncode for w in workers] == [0, 0]
