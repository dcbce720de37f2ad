"""Bookings end to end through the real pipeline (BENCHMARKS.md §3).

    python benchmarks/pipeline.py [--gallery N] [--persons P] [--bookings-per-person B]
                                  [--fingers F] [--workers W] [--database-url URL] [--json FILE]

Set-up (not timed, ``interop.synthetic_world``): both galleries get N background identities from
the template-level generator, each with its record (FBI number / FIN); P foreground subjects get
image-level synthetic masters (F fingers each), every other one an immigration record and an
enrolment in the immigration gallery (status LPR). Each subject is booked B times with fresh
impressions, as EBTS CARs (WSQ Type-4).

Timed: all bookings are submitted at once (``interop.receive``: stored before acknowledged),
then W ``securecomm worker`` processes run the pipeline until every job is done. Reported:
sustained bookings per second (bookings / (last completion − first receipt)), p50/p95 time from
receipt to SRE, IDR, IAR and field-office notice (queueing included, since all arrive at once),
the median duration of each step, and the correctness checks (each booking answered once,
re-bookings identified, matches = persons with immigration records, no failed job).
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from sqlalchemy import func, select

from securecomm import ansinist
from securecomm.clock import SystemClock
from securecomm.config import Settings
from securecomm.interop import (
    FieldOfficeNotice,
    Job,
    JobState,
    OutboxMessage,
    StepTiming,
    Submission,
    receive,
)
from securecomm.interop import synthetic_world as world
from securecomm.interop.outbox import MessageKind
from securecomm.interop.testing import fresh_database
from securecomm.interop.units import unit_of_work
from securecomm.machine import machine
from securecomm.records import ImmigrationStatus
from securecomm.store.database import make_session_factory

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results"
SECURECOMM = Path(sys.executable).parent / "securecomm"


def foreground(factory, settings: Settings, persons: int, per_person: int, fingers: int) -> list:
    """Subjects (every other one with an immigration record) and the CARs to submit."""
    with_record = world.Story(
        "benchmark subject, LPR", immigration=(ImmigrationStatus.LAWFUL_PERMANENT_RESIDENT,)
    )
    without = world.Story("benchmark subject, no record")
    stories = [with_record if p % 2 == 0 else without for p in range(persons)]
    subjects = world.make_subjects(stories, fingers=fingers)
    world.enrol_subjects(factory, settings, subjects, SystemClock().now())
    cars = []
    for subject in subjects:
        for number in range(per_person):
            booked = world.booking(subject, number, SystemClock().now())
            cars.append((subject.number, number, bool(subject.fin), booked.raw))
    return cars


def percentile(values: list[float], q: float) -> float | None:
    if not values:
        return None
    return float(np.percentile(np.array(values), q))


def run(args: argparse.Namespace) -> dict:
    workdir = Path(tempfile.mkdtemp(prefix="sc-bench-"))
    home = workdir / "home"
    url = args.database_url or f"sqlite:///{workdir / 'securecomm.db'}"
    engine = fresh_database(url)
    factory = make_session_factory(engine)
    settings = Settings(home=home)
    print(f"background galleries of {args.gallery:,} …", file=sys.stderr, flush=True)
    t0 = time.perf_counter()
    world.add_agencies(factory, SystemClock().now())
    world.add_background(factory, settings, args.gallery, SystemClock().now())
    background_s = time.perf_counter() - t0
    print("foreground persons and bookings …", file=sys.stderr, flush=True)
    t0 = time.perf_counter()
    cars = foreground(factory, settings, args.persons, args.bookings_per_person, args.fingers)
    setup_s = time.perf_counter() - t0
    env = dict(os.environ, SECURECOMM_HOME=str(home), SECURECOMM_DATABASE_URL=url)
    submissions = {}
    with unit_of_work(factory) as session:
        for person, booking, in_ident, raw in cars:
            receipt = receive(session, raw, now=SystemClock().now())
            submissions[receipt.submission_id] = (person, booking, in_ident)
    started = time.perf_counter()
    workers = [
        subprocess.Popen(
            [str(SECURECOMM), "worker"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for _ in range(args.workers)
    ]
    try:
        while True:
            with factory() as session:
                left = session.scalar(
                    select(func.count())
                    .select_from(Job)
                    .where(Job.state.in_([JobState.READY, JobState.RUNNING]))
                )
            if not left or time.perf_counter() - started > args.timeout:
                break
            time.sleep(0.5)
    finally:
        for w in workers:
            w.send_signal(signal.SIGTERM)
            w.wait(timeout=60)
    with factory() as session:
        rows = session.scalars(select(Submission)).all()
        first = min(s.received_at for s in rows)
        last = max(s.completed_at for s in rows if s.completed_at) if rows else first
        milestones: dict[str, list[float]] = {}
        for t in session.scalars(select(StepTiming).where(StepTiming.kind == "milestone")):
            milestones.setdefault(t.name, []).append(t.seconds)
        steps: dict[str, list[float]] = {}
        for t in session.scalars(select(StepTiming).where(StepTiming.kind == "step")):
            steps.setdefault(t.name, []).append(t.seconds)
        answered = sum(1 for s in rows if s.response_tot == "SRE")
        notices = session.scalar(select(func.count()).select_from(FieldOfficeNotice))
        failed = session.scalar(
            select(func.count()).select_from(Job).where(Job.state == JobState.FAILED)
        )
        identified = 0
        for message in session.scalars(
            select(OutboxMessage).where(OutboxMessage.kind == MessageKind.SRE)
        ):
            summary = ansinist.summarize_response(ansinist.read(message.body))
            identified += bool(summary.identified)
    engine.dispose()
    wall = (last - first).total_seconds()
    expected_matches = sum(1 for v in submissions.values() if v[2])
    expected_identified = sum(1 for v in submissions.values() if v[1] > 0)
    return {
        "machine": machine(),
        "database": "postgresql" if url.startswith("postgresql") else "sqlite",
        "gallery_identities": args.gallery,
        "persons": args.persons,
        "bookings": len(submissions),
        "fingers_per_booking": args.fingers,
        "workers": args.workers,
        "background_build_s": round(background_s, 1),
        "foreground_setup_s": round(setup_s, 1),
        "processing_wall_s": round(wall, 1),
        "bookings_per_s": round(len(submissions) / wall, 3) if wall > 0 else None,
        "latency_s": {
            name: {"p50": percentile(v, 50), "p95": percentile(v, 95), "n": len(v)}
            for name, v in sorted(milestones.items())
        },
        "step_median_s": {name: statistics.median(v) for name, v in sorted(steps.items())},
        "checks": {
            "answered_sre": answered,
            "identified": identified,
            "expected_identified": expected_identified,
            "notices": notices,
            "expected_matches": expected_matches,
            "failed_jobs": failed,
        },
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gallery", type=int, default=10_000)
    parser.add_argument("--persons", type=int, default=6)
    parser.add_argument("--bookings-per-person", type=int, default=2)
    parser.add_argument("--fingers", type=int, default=4, choices=range(1, 11))
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--timeout", type=float, default=3600)
    parser.add_argument("--json", type=Path, default=RESULTS / "pipeline.json")
    args = parser.parse_args()
    result = run(args)
    print(f"\nmachine: {result['machine']}")
    print(
        f"{result['database']}, gallery {result['gallery_identities']:,} per gallery, "
        f"{result['bookings']} bookings of {result['fingers_per_booking']} fingers, "
        f"{result['workers']} worker(s)"
    )
    print(
        f"sustained: {result['bookings_per_s']} bookings/s "
        f"({result['processing_wall_s']} s for all)"
    )
    print(f"{'milestone':<10} {'p50 s':>8} {'p95 s':>8} {'n':>4}")
    for name, v in result["latency_s"].items():
        print(f"{name:<10} {v['p50']:>8.1f} {v['p95']:>8.1f} {v['n']:>4}")
    print(f"{'step':<20} {'median s':>9}")
    for name, v in result["step_median_s"].items():
        print(f"{name:<20} {v:>9.3f}")
    print(f"checks: {result['checks']}")
    args.json.parent.mkdir(parents=True, exist_ok=True)
    existing = json.loads(args.json.read_text()) if args.json.exists() else {}
    key = f"{result['database']}-g{result['gallery_identities']}-f{result['fingers_per_booking']}"
    existing[key] = result
    args.json.write_text(json.dumps(existing, indent=2, default=str) + "\n")


if __name__ == "__main__":
    main()
