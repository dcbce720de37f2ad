"""Bookings end to end through the real pipeline (BENCHMARKS.md §3).

    python benchmarks/pipeline.py [--gallery N] [--persons P] [--bookings-per-person B]
                                  [--fingers F] [--workers W] [--numba-threads T]
                                  [--arrival-rate R] [--kills K] [--database-url URL]
                                  [--json FILE]

Set-up (not timed, ``synthetic.world``): both galleries get N background identities from
the template-level generator, each with its record (FBI number / FIN); the gallery files are
built once under ``--cache-dir`` and copied for each run. P foreground subjects get image-level
synthetic masters (F fingers each) and one of four stories in turn: no record anywhere; an
immigration record (LPR) and an enrolment in the immigration gallery; a criminal history (a
prior conviction) and an enrolment in the criminal gallery; both (no status, prior
conviction). Each subject is booked B times with fresh impressions, as EBTS CARs (WSQ Type-4).
The subjects' enrolment templates and CARs are cached too (per persons, bookings, fingers).

Timed: W ``securecomm worker`` processes are started with the kinds ``securecomm up`` gives them
(``system.worker_kinds``; a gallery has one writer process, so with two workers the first holds
the criminal gallery and runs every kind but the immigration search, the second holds the
immigration gallery and runs every kind but the criminal search); when their loops are up,
every booking is submitted through the REST API (in-process ASGI client: authentication, intake,
durable receipt) — everyone's first booking, then the re-bookings — as fast as it answers (the
capacity run) or ``--arrival-rate`` per second (latency at a given load), and the workers run
until every job is done. Reported:
sustained bookings per second **to the case** (bookings / (last milestone, the last case
opened or joined − first receipt)), p50/p95 time from receipt to SRE, IDR, IAR, field-office
notice and case (queueing included: with all arriving at once, the p50 is about half the
run), each step's median duration, each job kind's wall and CPU seconds per booking as the
workers measured them, the CPU of all the worker processes with their WSQ decoder helpers
(which the workers' own figures miss), the share of the run each worker spent in jobs (a core
idling while work waits for another worker), the load average, and the exactly-once checks
(below).

``--kills K``: K times during the run, at random moments, a random worker is killed with SIGKILL
and restarted (leases of 10 s, so a dead worker's job is retaken soon). The checks must still
hold: every booking answered with one SRE and one IDR, and on a match one IAQ, one IAR and one
notice, taken into exactly one case (one case per person, re-bookings joined); every message
delivered once; one arrest per booking; one new criminal identity and one
gallery enrolment per person without a criminal record; re-bookings identified; no failed job.
"""

from __future__ import annotations

import argparse
import json
import os
import pickle
import random
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from datetime import date
from pathlib import Path

import numpy as np
from sqlalchemy import func, select

from securecomm import ansinist
from securecomm.afis.search.gallery import Gallery
from securecomm.clock import SystemClock
from securecomm.config import Settings
from securecomm.enforcement.models import Case, CaseBooking
from securecomm.interop import (
    FieldOfficeNotice,
    Job,
    JobState,
    MailboxEntry,
    OutboxMessage,
    StepTiming,
    Submission,
    SubmissionState,
)
from securecomm.interop.outbox import MessageKind
from securecomm.interop.testing import fresh_database
from securecomm.interop.worker import WorkerHeartbeat
from securecomm.machine import machine
from securecomm.records import Arrest, CriminalIdentity, ImmigrationStatus
from securecomm.records.credentials import issue_api_key
from securecomm.store.database import make_session_factory, unit_of_work
from securecomm.synthetic import world
from securecomm.system import worker_kinds

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results"
SECURECOMM = Path(sys.executable).parent / "securecomm"
DEFAULT_CACHE = Path.home() / ".cache" / "securecomm" / "pipeline"
#: Leases while workers are being killed: a dead worker's job is retaken after this long.
KILL_LEASE_SECONDS = 10

STORIES = (
    world.Story("benchmark subject, no record"),
    world.Story(
        "benchmark subject, LPR", immigration=(ImmigrationStatus.LAWFUL_PERMANENT_RESIDENT,)
    ),
    world.Story(
        "benchmark subject, prior conviction",
        priors=(world.PriorOffense("2299", "BURGLARY", date(2008, 9, 14), 180),),
    ),
    world.Story(
        "benchmark subject, no status, prior conviction",
        immigration=(ImmigrationStatus.NO_STATUS,),
        priors=(world.PriorOffense("1299", "ROBBERY", date(2006, 5, 2), 900),),
    ),
)


def foreground_material(
    persons: int, per_person: int, fingers: int, cache: Path
) -> tuple[list[world.Subject], dict, list[tuple[int, int, bytes]]]:
    """The subjects, their enrolment templates and their CARs (subject, number, bytes), made
    once and cached: the enrolled templates stay as they were extracted then (like a real
    gallery's), the CARs' prints are extracted by the pipeline under test."""
    stories = [STORIES[p % len(STORIES)] for p in range(persons)]
    path = cache / f"foreground-v1-p{persons}-b{per_person}-f{fingers}.pickle"
    if path.exists():
        templates, cars = pickle.loads(path.read_bytes())
        subjects = [
            world.Subject(n, story, {}, np.random.default_rng(n)) for n, story in enumerate(stories)
        ]
        return subjects, templates, cars
    subjects = world.make_subjects(stories, fingers=fingers)
    templates = {s.number: world.enrolment_templates(s) for s in subjects}
    cars = [
        (s.number, n, world.booking(s, n, SystemClock().now()).raw)
        for s in subjects
        for n in range(per_person)
    ]
    cache.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(f".{os.getpid()}")
    partial.write_bytes(pickle.dumps((templates, cars)))
    partial.rename(path)
    return subjects, templates, cars


def foreground(
    factory, settings: Settings, persons: int, per_person: int, fingers: int, cache: Path
) -> tuple[list[world.Subject], list[tuple[int, int, bytes]]]:
    """The subjects (enrolled as their stories say) and their CARs."""
    subjects, templates, cars = foreground_material(persons, per_person, fingers, cache)
    world.enrol_subjects(factory, settings, subjects, SystemClock().now(), templates=templates)
    return subjects, cars


def percentile(values: list[float], q: float) -> float | None:
    if not values:
        return None
    return round(float(np.percentile(np.array(values), q)), 2)


class Workers:
    """The worker processes, with the kinds ``securecomm up`` gives them
    (``system.worker_kinds``): one runs every step; of two, the first holds the criminal
    gallery and the second the immigration gallery; any others run the steps that need none."""

    def __init__(self, count: int, env: dict[str, str], workdir: Path, lease: float | None):
        self.env, self.workdir, self.lease = env, workdir, lease
        self.procs: list[subprocess.Popen[bytes]] = []
        self.kills = 0
        self.count = count
        for slot in range(count):
            self.procs.append(self._start(slot))

    def _start(self, slot: int) -> subprocess.Popen[bytes]:
        cmd = [str(SECURECOMM), "worker", "--stats-file", str(self.workdir / f"w{slot}.json")]
        kinds = worker_kinds(slot, self.count)
        if kinds is not None:
            cmd += ["--kinds", ",".join(kinds)]
        if self.lease is not None:
            cmd += ["--lease-seconds", str(self.lease)]
        log = (self.workdir / f"w{slot}.log").open("ab")
        return subprocess.Popen(cmd, env=self.env, stdout=log, stderr=log)

    def kill_and_restart(self, rng: random.Random) -> None:
        slot = rng.randrange(len(self.procs))
        self.procs[slot].send_signal(signal.SIGKILL)
        self.procs[slot].wait(timeout=30)
        self.kills += 1
        self.procs[slot] = self._start(slot)

    def wait_until_up(self, factory, timeout: float = 120.0) -> None:
        names = {f"{socket.gethostname()}:{p.pid}" for p in self.procs}
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with factory() as session:
                up = set(session.scalars(select(WorkerHeartbeat.worker)))
            if names <= up:
                return
            time.sleep(0.2)
        raise RuntimeError("the workers did not start (see their logs in the work directory)")

    def cpu_seconds(self) -> float:
        """CPU seconds the worker processes and their children (the WSQ decoder helpers, whose
        time the workers' own per-kind figures do not include) have used so far."""
        return sum(tree_cpu_seconds(p.pid) for p in self.procs)

    def stop(self) -> list[dict]:
        for p in self.procs:
            p.send_signal(signal.SIGTERM)
        for p in self.procs:
            p.wait(timeout=120)
        stats = []
        for slot in range(len(self.procs)):
            f = self.workdir / f"w{slot}.json"
            stats.append(json.loads(f.read_text()) if f.exists() else {})
        return stats


def tree_cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of process ``pid`` and its live descendants (Linux /proc)."""
    tick = os.sysconf("SC_CLK_TCK")
    total, todo = 0.0, [pid]
    while todo:
        p = todo.pop()
        try:
            fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / tick
            for task in Path(f"/proc/{p}/task").iterdir():
                todo += [int(c) for c in (task / "children").read_text().split()]
        except (FileNotFoundError, ProcessLookupError):
            continue
    return total


def submit_all(
    settings: Settings, factory, cars: list[tuple[int, int, bytes]], rate: float = 0.0
) -> tuple[dict, float]:
    """POST every CAR to the REST API as the jail (``rate`` per second, or as fast as it
    answers): submission id → (subject, booking number), and the CPU seconds per booking this
    process spent (client, API, intake and validation)."""
    from fastapi.testclient import TestClient

    from securecomm.api import create_app

    with unit_of_work(factory) as session:
        key = issue_api_key(session, world.JAIL, now=SystemClock().now())
    submitted = {}
    cpu0 = time.process_time()
    with TestClient(create_app(settings)) as client:
        t0 = time.perf_counter()
        for i, (person, number, raw) in enumerate(cars):
            if rate > 0:
                time.sleep(max(0.0, t0 + i / rate - time.perf_counter()))
            response = client.post(
                "/submissions",
                content=raw,
                headers={
                    "Authorization": f"Bearer {key}",
                    "Content-Type": "application/octet-stream",
                },
            )
            if response.status_code != 202:
                raise RuntimeError(f"submission refused: {response.status_code} {response.text}")
            tcn = response.json()["tcn"]
            with factory() as session:
                sid = session.scalar(
                    select(Submission.id).where(Submission.ori == world.JAIL, Submission.tcn == tcn)
                )
            submitted[sid] = (person, number)
    return submitted, (time.process_time() - cpu0) / len(cars)


def checks(factory, settings: Settings, subjects, submitted: dict, gallery: int) -> dict:
    """The exactly-once checks (see the module docstring); ``problems`` lists what failed."""
    problems: list[str] = []
    by_number = {s.number: s for s in subjects}
    with factory() as session:
        failed = session.scalar(
            select(func.count()).select_from(Job).where(Job.state == JobState.FAILED)
        )
        if failed:
            problems.append(f"{failed} failed job(s)")
        identified = matched = 0
        unidentified: Counter[int] = Counter()
        for sid, (person, _number) in submitted.items():
            story = by_number[person].story
            s = session.get(Submission, sid)
            if s.state is not SubmissionState.COMPLETED or s.response_tot != "SRE":
                problems.append(f"submission {sid}: {s.state} {s.response_tot}")
            kinds = Counter(
                k.value
                for k in session.scalars(
                    select(OutboxMessage.kind).where(OutboxMessage.submission_id == sid)
                )
            )
            want = Counter(["SRE", "IDR"])
            if story.immigration:
                want.update(["IAQ", "IAR", "FIELD_OFFICE_NOTICE"])
            if kinds != want:
                problems.append(f"submission {sid}: messages {dict(kinds)}, want {dict(want)}")
            sre = session.scalars(
                select(OutboxMessage).where(
                    OutboxMessage.submission_id == sid, OutboxMessage.kind == MessageKind.SRE
                )
            ).first()
            if sre is not None:
                hit = bool(ansinist.summarize_response(ansinist.read(sre.body)).identified)
                identified += hit
                unidentified[person] += not hit
            idr = session.scalars(
                select(OutboxMessage).where(
                    OutboxMessage.submission_id == sid, OutboxMessage.kind == MessageKind.IDR
                )
            ).first()
            if idr is not None:
                match = bool(json.loads(idr.body)["match"])
                matched += match
                if match != bool(story.immigration):
                    problems.append(f"submission {sid}: IDR match={match}")
        # A person with a record is identified every time; one without, on every booking
        # after the first one processed (which created the identity).
        for subject in subjects:
            want_new = 0 if subject.story.priors else 1
            if unidentified[subject.number] != want_new:
                problems.append(
                    f"subject {subject.number}: {unidentified[subject.number]} bookings not "
                    f"identified, expected {want_new}"
                )
        undelivered = session.scalar(
            select(func.count())
            .select_from(OutboxMessage)
            .where(OutboxMessage.delivered_at.is_(None))
        )
        if undelivered:
            problems.append(f"{undelivered} undelivered message(s)")
        mailbox = list(session.scalars(select(MailboxEntry.message_id)))
        to_jail = list(
            session.scalars(select(OutboxMessage.id).where(OutboxMessage.recipient == world.JAIL))
        )
        if sorted(mailbox) != sorted(to_jail):
            problems.append(f"mailbox has {len(mailbox)} entries for {len(to_jail)} messages")
        notices = session.scalar(select(func.count()).select_from(FieldOfficeNotice))
        expected_matches = sum(1 for p, _ in submitted.values() if by_number[p].story.immigration)
        if notices != expected_matches:
            problems.append(f"{notices} notices, expected {expected_matches}")
        # Every notice reaches its case exactly once: one case per person, re-bookings joined.
        cases = session.scalar(select(func.count()).select_from(Case))
        joined = session.scalar(select(func.count()).select_from(CaseBooking))
        matched_persons = len({p for p, _ in submitted.values() if by_number[p].story.immigration})
        if cases != matched_persons or cases + joined != expected_matches:
            problems.append(
                f"{cases} cases and {joined} joined bookings for {matched_persons} persons "
                f"and {expected_matches} notices"
            )
        untaken = session.scalar(
            select(func.count())
            .select_from(FieldOfficeNotice)
            .where(FieldOfficeNotice.taken_at.is_(None))
        )
        if untaken:
            problems.append(f"{untaken} notice(s) not taken into a case")
        arrests = session.scalar(
            select(func.count()).select_from(Arrest).where(Arrest.tcn.is_not(None))
        )
        if arrests != len(submitted):
            problems.append(f"{arrests} booking arrests for {len(submitted)} bookings")
        new_identities = session.scalar(
            select(func.count())
            .select_from(CriminalIdentity)
            .where(CriminalIdentity.subject_id.like("CJIS:SUB%"))
        )
        without_priors = sum(1 for s in subjects if not s.story.priors)
        if new_identities != without_priors:
            problems.append(f"{new_identities} new identities, expected {without_priors}")
    with Gallery.open(settings.gallery_dir / "criminal", writable=False) as g:
        enrolled = len(g)
    expected_gallery = gallery + len(subjects)
    if enrolled != expected_gallery:
        problems.append(f"criminal gallery holds {enrolled}, expected {expected_gallery}")
    expected_identified = len(submitted) - sum(1 for s in subjects if not s.story.priors)
    return {
        "answered": len(submitted),
        "identified": identified,
        "expected_identified": expected_identified,
        "immigration_matches": matched,
        "notices": notices,
        "cases": cases,
        "bookings_joined_to_open_cases": joined,
        "expected_matches": expected_matches,
        "criminal_gallery": enrolled,
        "expected_criminal_gallery": expected_gallery,
        "failed_jobs": failed,
        "problems": problems,
    }


def run(args: argparse.Namespace) -> dict:
    workdir = Path(tempfile.mkdtemp(prefix="sc-bench-", dir=args.workdir))
    home = workdir / "home"
    url = args.database_url or f"sqlite:///{workdir / 'securecomm.db'}"
    engine = fresh_database(url)
    factory = make_session_factory(engine)
    settings = Settings(home=home, database_url=url)
    print(f"background galleries of {args.gallery:,} …", file=sys.stderr, flush=True)
    t0 = time.perf_counter()
    world.add_agencies(factory, SystemClock().now())
    world.add_background(
        factory, settings, args.gallery, SystemClock().now(), cache_dir=args.cache_dir
    )
    background_s = time.perf_counter() - t0
    print("foreground persons and bookings …", file=sys.stderr, flush=True)
    t0 = time.perf_counter()
    subjects, cars = foreground(
        factory, settings, args.persons, args.bookings_per_person, args.fingers, args.cache_dir
    )
    setup_s = time.perf_counter() - t0
    env = dict(os.environ, SECURECOMM_HOME=str(home), SECURECOMM_DATABASE_URL=url)
    threads = args.numba_threads or (1 if args.workers > 1 else 0)
    if threads:
        env["NUMBA_NUM_THREADS"] = str(threads)
    lease = KILL_LEASE_SECONDS if args.kills else None
    load_before = os.getloadavg()
    workers = Workers(args.workers, env, workdir, lease)
    rng = random.Random(args.seed)
    try:
        workers.wait_until_up(factory)
        workers_cpu0 = workers.cpu_seconds()
        print(f"submitting {len(cars)} bookings …", file=sys.stderr, flush=True)
        # First bookings of everyone, then the re-bookings (a person is booked again later).
        ordered = sorted(cars, key=lambda c: (c[1], c[0]))
        intake: dict = {}
        submitter = threading.Thread(
            target=lambda: intake.update(
                result=submit_all(settings, factory, ordered, args.arrival_rate)
            ),
            daemon=True,
        )
        started = time.perf_counter()
        submitter.start()
        kill_at = sorted(rng.uniform(3, args.kill_window) for _ in range(args.kills))
        while True:
            with factory() as session:
                left = session.scalar(
                    select(func.count())
                    .select_from(Job)
                    .where(Job.state.in_([JobState.READY, JobState.RUNNING]))
                )
            elapsed = time.perf_counter() - started
            if (not left and not submitter.is_alive()) or elapsed > args.timeout:
                break
            if kill_at and elapsed >= kill_at[0]:
                kill_at.pop(0)
                workers.kill_and_restart(rng)
                print(f"  killed a worker at {elapsed:.0f} s", file=sys.stderr, flush=True)
            time.sleep(0.25)
        load_during = os.getloadavg()
        workers_cpu = workers.cpu_seconds() - workers_cpu0
        submitter.join()
        if "result" not in intake:
            raise RuntimeError("the submissions failed (see above)")
        submitted, intake_cpu = intake["result"]
    finally:
        worker_stats = workers.stop()
    with factory() as session:
        rows = session.scalars(select(Submission)).all()
        first = min(s.received_at for s in rows)
        last = max((s.completed_at for s in rows if s.completed_at), default=first)
        milestones: dict[str, list[float]] = {}
        for t in session.scalars(select(StepTiming).where(StepTiming.kind == "milestone")):
            milestones.setdefault(t.name, []).append(t.seconds)
            last = max(last, t.finished_at)  # to the case, not to the answer
        steps: dict[str, list[float]] = {}
        for t in session.scalars(select(StepTiming).where(StepTiming.kind == "step")):
            steps.setdefault(t.name, []).append(t.seconds)
    result_checks = checks(factory, settings, subjects, submitted, args.gallery)
    engine.dispose()
    wall = (last - first).total_seconds()
    per_kind: dict[str, dict[str, float]] = {}
    for stats in worker_stats:
        for kind, v in stats.items():
            row = per_kind.setdefault(kind, {"jobs": 0, "wall_s": 0.0, "cpu_s": 0.0})
            for k in row:
                row[k] += v[k]
    n = len(submitted)
    # A killed worker's figures die with it: per-kind figures only for runs without kills.
    counted = not workers.kills
    if not args.keep:
        shutil.rmtree(workdir, ignore_errors=True)
    return {
        "machine": machine(),
        "database": "postgresql" if url.startswith("postgresql") else "sqlite",
        "gallery_identities": args.gallery,
        "persons": args.persons,
        "bookings": n,
        "fingers_per_booking": args.fingers,
        "workers": args.workers,
        "numba_threads_per_worker": threads or "default",
        "arrival_rate_per_s": args.arrival_rate or "all at once",
        "kills": workers.kills,
        "load_average_before": [round(x, 2) for x in load_before],
        "load_average_after": [round(x, 2) for x in load_during],
        "background_setup_s": round(background_s, 1),
        "foreground_setup_s": round(setup_s, 1),
        "processing_wall_s": round(wall, 1),
        "bookings_per_s": round(n / wall, 3) if wall > 0 else None,
        "latency_s": {
            name: {"p50": percentile(v, 50), "p95": percentile(v, 95), "n": len(v)}
            for name, v in sorted(milestones.items())
        },
        "step_median_s": {
            name: round(statistics.median(v), 3) for name, v in sorted(steps.items())
        },
        "per_booking_s": {
            kind: {"wall": round(v["wall_s"] / n, 3), "cpu": round(v["cpu_s"] / n, 3)}
            for kind, v in sorted(per_kind.items())
        }
        if counted
        else None,
        # Per worker, the share of the run it spent in jobs (a core idling while work waits
        # for another worker shows here as a low share).
        "worker_busy_share": [
            round(sum(v["wall_s"] for v in stats.values()) / wall, 2) if wall > 0 else None
            for stats in worker_stats
        ]
        if counted
        else None,
        "intake_cpu_per_booking_s": round(intake_cpu, 3),
        # Everything the worker processes and their WSQ helpers used from the moment their
        # loops were up to the last job (polling and housekeeping included), plus intake.
        "process_cpu_per_booking_s": round(intake_cpu + workers_cpu / n, 3) if counted else None,
        "cpu_per_booking_s": round(intake_cpu + sum(v["cpu_s"] for v in per_kind.values()) / n, 3)
        if counted
        else None,
        "checks": result_checks,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gallery", type=int, default=100_000)
    parser.add_argument("--persons", type=int, default=32)
    parser.add_argument("--bookings-per-person", type=int, default=2)
    parser.add_argument("--fingers", type=int, default=10, choices=range(1, 11))
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument(
        "--numba-threads",
        type=int,
        default=0,
        help="NUMBA_NUM_THREADS per worker (default: 1 with several workers, else numba's)",
    )
    parser.add_argument(
        "--arrival-rate",
        type=float,
        default=0.0,
        help="bookings submitted per second (default 0: all at once, the capacity run)",
    )
    parser.add_argument("--kills", type=int, default=0, help="random SIGKILLs during the run")
    parser.add_argument("--kill-window", type=float, default=120.0, help="seconds to kill in")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--cache-dir", type=Path, default=DEFAULT_CACHE)
    parser.add_argument("--workdir", type=Path, default=None)
    parser.add_argument("--keep", action="store_true", help="keep the work directory")
    parser.add_argument("--timeout", type=float, default=3600)
    parser.add_argument("--json", type=Path, default=RESULTS / "pipeline.json")
    parser.add_argument("--label", default="", help="suffix of the result's key in the JSON")
    args = parser.parse_args()
    result = run(args)
    print(f"\nmachine: {result['machine']}")
    print(
        f"{result['database']}, gallery {result['gallery_identities']:,} per gallery, "
        f"{result['bookings']} bookings of {result['fingers_per_booking']} fingers, "
        f"{result['workers']} worker(s), NUMBA_NUM_THREADS {result['numba_threads_per_worker']}, "
        f"{result['kills']} kill(s); load {result['load_average_before']} → "
        f"{result['load_average_after']}"
    )
    print(
        f"sustained: {result['bookings_per_s']} bookings/s "
        f"({result['processing_wall_s']} s for all)"
    )
    print(f"{'milestone':<10} {'p50 s':>8} {'p95 s':>8} {'n':>4}")
    for name, v in result["latency_s"].items():
        print(f"{name:<10} {v['p50']:>8.1f} {v['p95']:>8.1f} {v['n']:>4}")
    print(f"{'step':<20} {'median s':>9} {'wall/booking':>13} {'cpu/booking':>12}")
    for name, v in result["step_median_s"].items():
        pb = (result["per_booking_s"] or {}).get(name, {})
        print(f"{name:<20} {v:>9.3f} {pb.get('wall', 0):>13.3f} {pb.get('cpu', 0):>12.3f}")
    cpu = result["cpu_per_booking_s"]
    if cpu:
        print(
            f"CPU per booking: {cpu} s (intake {result['intake_cpu_per_booking_s']} s): "
            f"{2 / cpu:.2f} bookings/s on 2 dedicated cores"
        )
    if result["worker_busy_share"]:
        print(f"share of the run each worker spent in jobs: {result['worker_busy_share']}")
    if result["process_cpu_per_booking_s"]:
        print(
            f"CPU per booking of the worker processes and their WSQ helpers, with intake: "
            f"{result['process_cpu_per_booking_s']} s"
        )
    print(f"checks: {result['checks']}")
    args.json.parent.mkdir(parents=True, exist_ok=True)
    existing = json.loads(args.json.read_text()) if args.json.exists() else {}
    key = (
        f"{result['database']}-g{result['gallery_identities']}-f{result['fingers_per_booking']}"
        f"-w{result['workers']}"
        + (f"-r{args.arrival_rate:g}" if args.arrival_rate else "")
        + ("-kill" if result["kills"] else "")
        + args.label
    )
    existing[key] = result
    args.json.write_text(json.dumps(existing, indent=2, default=str) + "\n")
    if result["checks"]["problems"]:
        sys.exit(1)


if __name__ == "__main__":
    main()
