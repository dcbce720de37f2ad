"""The deployed path through real processes, as the acceptance check drives it: ``world seed``,
``agency key``, ``serve`` and ``worker`` as background processes on one home, bookings written
by ``world booking`` and sent by ``submit --url --api-key --wait``, then ``cases list --json``.

And the notice → case step under SIGKILL: worker processes killed at random moments while
they take the notices, restarted, until every notice is taken — each booking is in exactly one
case, each person has one case, nothing is opened or audited twice.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select

from securecomm.clock import SystemClock
from securecomm.config import Settings
from securecomm.enforcement.models import AuditEntry, Case, CaseBooking, ProsecutionReferral
from securecomm.interop import FieldOfficeNotice, Job, JobState
from securecomm.interop.deliveries import NOTICE_STEP
from securecomm.interop.service import pipeline_context, submit
from securecomm.interop.testing import fresh_database
from securecomm.store.database import make_engine, make_session_factory
from securecomm.synthetic import home as synthetic_home
from securecomm.synthetic.system_run import free_port
from securecomm.system import STEPS

pytestmark = pytest.mark.slow

SECURECOMM = Path(sys.executable).parent / "securecomm"
#: A small background keeps seeding quick; the searches and the path are the same.
BACKGROUND = "300"


class Home:
    def __init__(self, path: Path, database_url: str) -> None:
        self.path = path
        path.mkdir(parents=True, exist_ok=True)
        self.env = dict(os.environ, SECURECOMM_HOME=str(path))
        self.env.pop("DATABASE_URL", None)
        if database_url.startswith("postgresql"):
            fresh_database(database_url).dispose()
            self.env["SECURECOMM_DATABASE_URL"] = database_url
        else:
            self.env.pop("SECURECOMM_DATABASE_URL", None)
        self.url = database_url if database_url.startswith("postgresql") else (
            f"sqlite:///{path / 'securecomm.db'}"
        )  # fmt: skip
        self.processes: list[subprocess.Popen[bytes]] = []

    def run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        result = subprocess.run(
            [str(SECURECOMM), *args], env=self.env, capture_output=True, text=True, timeout=600
        )
        if check:
            assert result.returncode == 0, f"securecomm {' '.join(args)}: {result.stderr}"
        return result

    def start(self, *args: str) -> subprocess.Popen[bytes]:
        with (self.path / f"{args[0]}-{len(self.processes)}.log").open("ab") as log:
            process = subprocess.Popen(
                [str(SECURECOMM), *args], env=self.env, stdout=log, stderr=subprocess.STDOUT
            )
        self.processes.append(process)
        return process

    def stop_all(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in self.processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()

    def cases(self) -> list[dict]:
        return json.loads(self.run("cases", "list", "--json").stdout)

    def booking(self, subject: int) -> tuple[Path, str]:
        out = self.path / f"booking-{subject}-{time.monotonic_ns()}.eft"
        result = self.run("world", "booking", str(subject), "--out", str(out))
        return out, result.stdout.strip().splitlines()[-1]


@pytest.fixture(scope="module")
def seeded_sqlite_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One seeded SQLite home, copied for each test (seeding grows and extracts the cast's
    prints: most of a minute)."""
    path = tmp_path_factory.mktemp("world") / "home"
    Home(path, f"sqlite:///{path / 'securecomm.db'}").run(
        "world", "seed", "--background", BACKGROUND
    )
    return path


@pytest.fixture()
def world_home(tmp_path: Path, database_url: str, seeded_sqlite_home: Path) -> Iterator[Home]:
    path = tmp_path / "home"
    if database_url.startswith("postgresql"):
        home = Home(path, database_url)
        home.run("world", "seed", "--background", BACKGROUND)
    else:
        shutil.copytree(seeded_sqlite_home, path)
        home = Home(path, f"sqlite:///{path / 'securecomm.db'}")
    yield home
    home.stop_all()


def _wait_for_server(base: str, server: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and server.poll() is None:
        try:
            if httpx.get(f"{base}/openapi.json", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise AssertionError("the server did not start")


def test_bookings_over_the_api_reach_their_cases_through_a_worker_process(
    world_home: Home,
) -> None:
    jail = world_home.run("world", "jail").stdout.strip().splitlines()[-1]
    key = world_home.run("agency", "key", jail).stdout.split()[-1]
    port = free_port()
    server = world_home.start("serve", "--port", str(port))
    world_home.start("worker")
    base = f"http://127.0.0.1:{port}"
    _wait_for_server(base, server)

    tcns = {}
    for subject in (0, 1, 4, 5):
        car, tcns[subject] = world_home.booking(subject)
        answer = world_home.run("submit", str(car), "--url", base, "--api-key", key, "--wait")
        assert answer.stdout.splitlines()[0] == "SRE"

    deadline = time.monotonic() + 240
    while time.monotonic() < deadline:
        cases = {tcn: case for case in world_home.cases() for tcn in case["tcn"]}
        if all(tcns[s] in cases for s in (1, 4, 5)):
            break
        time.sleep(1)
    assert all(tcns[s] in cases for s in (1, 4, 5)), cases
    assert tcns[0] not in cases  # U.S.-born, no records: no match, no case
    assert cases[tcns[4]]["state"] == "citizenship_review"  # the gate holds the citizen
    assert cases[tcns[1]]["state"] == "match_received" and cases[tcns[1]]["office"] == "VAICE0000"
    shown = world_home.run("cases", "show", cases[tcns[5]]["case_id"]).stdout
    assert "reentry referral  open" in shown
    assert len({c["case_id"] for c in cases.values()}) == 3


def test_sigkill_during_notice_to_case_loses_and_duplicates_nothing(world_home: Home) -> None:
    # The pipeline up to the notices, without taking them: the notices wait as jobs. (The
    # bookings are written and received in this process: the CLI for them is tested above.)
    settings = Settings(home=world_home.path, database_url=world_home.url)
    engine = make_engine(world_home.url)
    factory = make_session_factory(engine)
    context = pipeline_context(settings)
    for _ in range(2):
        for subject in (1, 2, 3, 4, 5):
            submit(
                factory, synthetic_home.booking(settings, subject, SystemClock().now()).raw, context
            )
    upstream = ",".join(kind for kind in STEPS if kind != NOTICE_STEP)
    world_home.run("worker", "--until-idle", "--kinds", upstream)

    def ready_notices() -> int:
        with factory() as session:
            return int(
                session.scalar(
                    select(func.count())
                    .select_from(Job)
                    .where(Job.kind == NOTICE_STEP, Job.state != JobState.DONE)
                )
                or 0
            )

    assert ready_notices() == 10
    rng = random.Random(13)
    kills = 0
    while ready_notices() and kills < 12:
        worker = world_home.start("worker", "--kinds", NOTICE_STEP, "--lease-seconds", "1")
        time.sleep(rng.uniform(1.5, 5.0))  # start-up is ~2 s: some land mid-step
        worker.send_signal(signal.SIGKILL)
        worker.wait()
        kills += 1
    world_home.run("worker", "--until-idle", "--kinds", NOTICE_STEP)
    assert kills >= 1 and ready_notices() == 0

    with factory() as session:
        count = lambda model, *where: session.scalar(  # noqa: E731
            select(func.count()).select_from(model).where(*where)
        )
        assert count(Job, Job.kind == NOTICE_STEP, Job.state == JobState.FAILED) == 0
        assert count(FieldOfficeNotice, FieldOfficeNotice.taken_at.is_(None)) == 0
        assert count(Case) == 5  # one per person
        assert count(CaseBooking) == 5  # each second booking joined its person's case
        assert count(AuditEntry, AuditEntry.action == "case.opened") == 5
        assert count(ProsecutionReferral) == 1  # subject 5's reentry, once
    engine.dispose()
    assert "intact" in world_home.run("audit", "verify").stdout
