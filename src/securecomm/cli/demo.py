"""``securecomm demo``: the main job on the embedded default, end to end, on the deployed path.

1. The fingerprint engine on real FVC prints: extraction (the first call's JIT compilation is
   timed apart, not as an image's extraction), quality, genuine and impostor scores against the
   calibrated thresholds.
2. The synthetic world seeded into ``SECURECOMM_HOME`` (``securecomm world seed``).
3. ``securecomm serve`` and ``securecomm worker`` started as processes of their own on that
   home; each subject booked as an EBTS CAR over the REST API with the jail's key, answered
   (SRE) by the worker; the worker turns each field-office notice into a case.
4. The officers work the cases through the case-work API (``synthetic.casework``): match
   verified, level assessed, interview, detainer with its notice in Spanish, the jail's answer,
   the worker's expiry sweep, NTA, custody, one case carried to a verified removal; the
   citizenship gate holding the naturalised citizen; the reentry referral. Then the prioritised
   work queue, and the audit chain verified.

Afterwards ``securecomm serve`` on the same home shows the same cases to the demo's officer.
The demo refuses a home that holds data that is not synthetic; a home holding an earlier run
of the world (SQLite) is recreated. All people and prints are synthetic.
"""

from __future__ import annotations

import shutil
import time
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table
from sqlalchemy import select

from securecomm.afis.extraction import extract
from securecomm.afis.image import load_image
from securecomm.afis.matching import compare
from securecomm.afis.matching.calibration import THRESHOLD_FMR_1E3, THRESHOLD_FMR_1E4
from securecomm.cli.output import console, user_errors
from securecomm.clock import SystemClock
from securecomm.config import Settings
from securecomm.enforcement.cases import CaseWork
from securecomm.enforcement.models import Case, Detainer
from securecomm.enforcement.vocabulary import DetainerStatus
from securecomm.errors import SecurecommError
from securecomm.records.credentials import issue_api_key
from securecomm.store.database import unit_of_work
from securecomm.store.migrate import upgrade_database
from securecomm.synthetic import casework, world
from securecomm.synthetic import home as world_home
from securecomm.synthetic.accounts import DEMO_PASSWORD
from securecomm.synthetic.system_run import RunningSystem
from securecomm.web.examiner_views import ExaminerViews
from securecomm.web.pipeline_prints import PipelinePrints
from securecomm.web.prints import PrintStore

CASES_TIMEOUT_SECONDS = 240.0
EXPIRY_TIMEOUT_SECONDS = 180.0


@user_errors
def demo(
    shared_data: Annotated[
        Path | None,
        typer.Option(
            help="The shared data folder (default: ../shared/data, SECURECOMM_SHARED_DATA)."
        ),
    ] = None,
    background: Annotated[
        int, typer.Option(min=0, help="Background identities enrolled in each gallery.")
    ] = world_home.DEFAULT_BACKGROUND,
) -> None:
    """Run the system end to end on its home, as deployed, and print what it found."""
    settings = Settings.from_env()
    data = shared_data or settings.shared_data
    console.rule("securecomm demo — all people and prints are synthetic")
    _fingerprint_engine(data)
    _prepare_home(settings)
    _deployed_path(settings, background)


def _fingerprint_engine(data: Path) -> None:
    console.rule("1 · fingerprint engine on real FVC2002 DB1 prints")
    folder = data / "fvc" / "fvc2002" / "DB1_B"
    if not folder.is_dir():
        raise SecurecommError(f"FVC images not found in {folder} (set --shared-data)")
    names = ["101_1", "101_2", "102_1"]
    started = time.perf_counter()
    extract(load_image(folder / "103_1.png"))  # compiles the numba kernels once
    console.print(f"first extraction, with JIT compilation: {time.perf_counter() - started:.1f} s"
                  " (not an image's extraction time)")  # fmt: skip
    templates = {}
    table = Table("image", "minutiae", "quality", "extraction ms")
    for name in names:
        image = load_image(folder / f"{name}.png")
        started = time.perf_counter()
        templates[name] = extract(image)
        ms = (time.perf_counter() - started) * 1000
        table.add_row(name, str(templates[name].count), str(templates[name].quality), f"{ms:.0f}")
    console.print(table)
    scores = Table("pair", "kind", "score (−log10 FMR)", "paired minutiae", "decision")
    for a, b, kind in (("101_1", "101_2", "same finger"), ("101_1", "102_1", "different")):
        result = compare(templates[a], templates[b])
        decision = (
            "match at FMR 1e-4"
            if result.score >= THRESHOLD_FMR_1E4
            else "match at FMR 1e-3"
            if result.score >= THRESHOLD_FMR_1E3
            else "no match"
        )
        scores.add_row(f"{a} · {b}", kind, f"{result.score:.2f}", str(len(result.pairs)), decision)
    console.print(scores)


#: What an earlier run of the world leaves in a SQLite home (removed before a new run).
WORLD_FILES = ("securecomm.db", "securecomm.db-wal", "securecomm.db-shm", "world.json")
WORLD_DIRS = ("galleries", "logs", "prints")


def _prepare_home(settings: Settings) -> None:
    """Refuse a home with data that is not synthetic; clear an earlier run of the world."""
    home = settings.home.resolve()
    if not settings.database_url and not (home / "securecomm.db").exists():
        return
    engine, factory = upgrade_database(settings)
    try:
        world_home.refuse_foreign_data(settings, factory)
        with factory() as session:
            used = session.scalar(select(Case.id).limit(1)) is not None or (
                world_home.load_state(settings) is not None
            )
    finally:
        engine.dispose()
    if not used:
        return
    if settings.database_url:
        raise SecurecommError(
            "the demo runs on an empty database, and SECURECOMM_DATABASE_URL holds an earlier "
            "run: point it at an empty database"
        )
    for name in WORLD_FILES:
        (home / name).unlink(missing_ok=True)
    for name in WORLD_DIRS:
        shutil.rmtree(home / name, ignore_errors=True)
    console.print(f"{home}: held only an earlier synthetic run of the world — recreated")


def _deployed_path(settings: Settings, background: int) -> None:
    clock = SystemClock()
    engine, factory = upgrade_database(settings)
    try:
        console.rule(f"2 · the synthetic world, seeded into {settings.home.resolve()}")
        with console.status(f"seeding: {background:,} background identities per gallery, "
                            "the cast's prints and records …"):  # fmt: skip
            world_home.seed(settings, factory, clock, background=background)
        for number, story in enumerate(world.DEMO_STORIES):
            console.print(f"subject {number}: {story.label}")
        with unit_of_work(factory) as session:
            key = issue_api_key(session, world.JAIL, now=clock.now())

        console.rule("3 · bookings over the REST API to a worker process (CAR → SRE, IDR, "
                     "IAQ/IAR, notice → case)")  # fmt: skip
        with RunningSystem(settings) as system:
            pids = ", ".join(str(p.pid) for p in system.processes.values())
            console.print(f"securecomm serve on {system.base_url} and securecomm worker: {pids}")
            tcns = _book(settings, system, key, clock)
            work = CaseWork(factory, clock)
            auditor = next(u.principal for u in world_home.USERS if u.username == "auditor")
            cases = _wait_for_cases(work, auditor, tcns)

            console.rule("4 · the officers work the cases (case-work API, as in the console)")
            views = ExaminerViews(PrintStore(settings.home / "examiner"),
                                  {"idr:": PipelinePrints(factory, settings)})  # fmt: skip
            pairs = casework.comparator_pairs(views)
            casework.assess_cases(work, cases, world_home.USERS, pairs, console.print)
            _queue(work)
            casework.act_on_cases(work, cases, world_home.USERS, console.print)
            _wait_for_expiry(factory, cases[1])
        _final_states(work, auditor)
    finally:
        engine.dispose()
    console.rule("next")
    console.print(
        f"securecomm serve (same SECURECOMM_HOME) → http://127.0.0.1:8000/console/ — sign in "
        f"as ice.officer, password {DEMO_PASSWORD!r}: the queue shows these cases"
    )


def _book(settings: Settings, system: RunningSystem, key: str, clock: SystemClock) -> dict:
    """Each subject booked once, subject 1 twice (the re-booking joins the open case)."""
    table = Table("TCN", "subject", "answer", "first line")
    tcns: dict[int, list[str]] = {}
    for number in (*range(len(world.DEMO_STORIES)), 1):
        booked = world_home.booking(settings, number, clock.now())
        answer = system.submit(booked.raw, key)
        tcns.setdefault(number, []).append(answer.tcn)
        first = answer.content.strip().splitlines()[0] if answer.content.strip() else ""
        table.add_row(answer.tcn, str(number), answer.tot, first[:60])
    console.print(table)
    return tcns


def _wait_for_cases(work: CaseWork, auditor, tcns: dict[int, list[str]]) -> dict[int, str]:
    """Until the worker has taken every matched booking into a case; subject → case number."""
    expected = {n: t for n, t in tcns.items() if world.DEMO_STORIES[n].immigration}
    deadline = time.monotonic() + CASES_TIMEOUT_SECONDS
    with console.status("the worker takes the field-office notices into cases …"):
        while True:
            by_tcn = {t: c for c in work.list_cases(auditor) for t in c.tcn}
            if all(t in by_tcn for ts in expected.values() for t in ts):
                break
            if time.monotonic() > deadline:
                raise SecurecommError(
                    f"the worker did not open the cases within {CASES_TIMEOUT_SECONDS:.0f} s"
                )
            time.sleep(0.5)
    table = Table("subject", "booking TCN(s)", "case", "state")
    table.columns[1].no_wrap = table.columns[2].no_wrap = True
    for number, story in enumerate(world.DEMO_STORIES):
        case = by_tcn.get(tcns[number][0])
        table.add_row(
            f"{number} {story.label}", "\n".join(tcns[number]),
            case.case_id if case else "— (no match)",
            case.state if case else "",
        )  # fmt: skip
    console.print(table)
    return {n: by_tcn[ts[0]].case_id for n, ts in expected.items()}


def _wait_for_expiry(factory, case_number: str) -> None:
    deadline = time.monotonic() + EXPIRY_TIMEOUT_SECONDS
    with console.status("waiting for the worker's detainer-expiry sweep …"):
        while time.monotonic() < deadline:
            with factory() as session:
                status = session.scalar(
                    select(Detainer.status)
                    .join(Case, Case.id == Detainer.case_id)
                    .where(Case.case_number == case_number)
                    .order_by(Detainer.id.desc())
                )
            if status is DetainerStatus.EXPIRED:
                console.print(f"  {case_number}: the worker's sweep recorded the detainer's "
                              "expiry, 48 hours after release eligibility")  # fmt: skip
                return
            time.sleep(1)
    raise SecurecommError(f"the detainer of {case_number} was not expired by the worker's sweep")


def _queue(work: CaseWork) -> None:
    supervisor = next(u.principal for u in world_home.USERS if u.username == "supervisor")
    console.print(f"the work queue of {world.FIELD_OFFICE}, prioritised:")
    queue = Table("case", "state", "level", "subject", "next deadline")
    queue.columns[0].no_wrap = queue.columns[1].no_wrap = True
    for item in work.work_queue(supervisor):
        queue.add_row(
            item.case_number,
            str(item.state),
            f"Level {item.level}" if item.level else "—",
            item.subject_name or "",
            item.deadline.strftime("%Y-%m-%d %H:%M") if item.deadline else "—",
        )
    console.print(queue)


def _final_states(work: CaseWork, auditor) -> None:
    console.rule("5 · where each case stands")
    table = Table("case", "booking TCN(s)", "state", "level")
    for case in work.list_cases(auditor):
        level = f"Level {case.level}" if case.level else "—"
        table.add_row(case.case_id, "\n".join(case.tcn), case.state, level)
    console.print(table)
    chain = work.verify_audit()
    if chain.checked == 0:
        raise SecurecommError("the audit log is empty: the demo's case work left no entries")
    if not chain.intact:
        raise SecurecommError(f"audit log broken at entry {chain.broken_seq}: {chain.problem}")
    console.print(f"audit log: hash chain intact, {chain.checked} entries checked")
