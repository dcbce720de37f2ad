"""Bookings end to end through the real pipeline (BENCHMARKS.md §3).

    python benchmarks/pipeline.py [--gallery N] [--persons P] [--bookings-per-person B]
                                  [--fingers F] [--workers W] [--database-url URL] [--json FILE]

Set-up (not timed): both galleries get N background identities from the template-level
generator (criminal: seed 11, immigration: seed 12), each with its record (FBI number / FIN);
P foreground persons get image-level synthetic masters (F fingers each, ``afis.synthesis``),
every other one an immigration record and an enrolment in the immigration gallery (status LPR).
Each person is booked B times with fresh impressions, as EBTS CARs (WSQ Type-4).

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
import platform
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path

import numpy as np
from sqlalchemy import func, insert, select

from securecomm import ansinist
from securecomm.afis.extraction import extract
from securecomm.afis.search import open_search_engine
from securecomm.afis.search.gallery import Gallery, append_packed
from securecomm.afis.synthesis import generate_master, make_impression
from securecomm.afis.template_synthesis import TenPrintGenerator
from securecomm.afis.types import FingerPosition
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
from securecomm.interop.outbox import MessageKind
from securecomm.interop.testing import fresh_database
from securecomm.interop.units import unit_of_work
from securecomm.records import (
    AgencyKind,
    AgencyRepository,
    CriminalIdentity,
    ImmigrationIdentity,
    ImmigrationRepository,
    ImmigrationStatus,
    Sex,
    SourceSystem,
)
from securecomm.store.database import make_session_factory

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results"
SECURECOMM = Path(sys.executable).parent / "securecomm"
JAIL = "VA0010000"
FIELD_OFFICE = "VAICE0000"
BATCH = 20_000
FINGER_ORDER = (2, 7, 1, 6, 3, 8, 4, 9, 5, 10)  # index fingers first, as on flats


def machine() -> dict[str, object]:
    model = "unknown"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            model = line.split(":", 1)[1].strip()
            break
    return {"cores": os.cpu_count(), "cpu": model, "python": platform.python_version()}


def background(factory, home: Path, n: int) -> float:
    """N identities with records in each gallery; returns seconds taken."""
    t0 = time.perf_counter()
    settings = Settings(home=home)
    now = SystemClock().now()
    for gallery_name, seed in (("criminal", 11), ("immigration", 12)):
        generator = TenPrintGenerator(seed)
        prefix = "CJIS:BG" if gallery_name == "criminal" else "IDENT:BG"
        with Gallery.open(settings.gallery_dir / gallery_name) as gallery:
            for start in range(0, n, BATCH):
                ids = np.arange(start, min(n, start + BATCH), dtype=np.int64)
                names = [f"{prefix}{int(i):08d}" for i in ids]
                append_packed(gallery, names, generator.impressions(ids, 0))
                rows = [
                    {
                        "subject_id": name,
                        "family_name": "BACKGROUND",
                        "given_name": f"N{int(i)}",
                        "sex": Sex.UNKNOWN,
                        "synthetic": True,
                        "created_at": now,
                        "source_system": SourceSystem.CJIS
                        if gallery_name == "criminal"
                        else SourceSystem.IDENT,
                        "last_updated": now,
                        **(
                            {"fbi_number": f"B{int(i):08d}"}
                            if gallery_name == "criminal"
                            else {"fin": f"9{int(i):09d}"}
                        ),
                    }
                    for i, name in zip(ids, names, strict=True)
                ]
                model = CriminalIdentity if gallery_name == "criminal" else ImmigrationIdentity
                with unit_of_work(factory) as session:
                    session.execute(insert(model), rows)
    return time.perf_counter() - t0


def foreground(factory, home: Path, persons: int, per_person: int, fingers: int) -> list:
    """Masters, immigration records/enrolments, and the CARs to submit (with ground truth)."""
    positions = [FingerPosition(p) for p in FINGER_ORDER[:fingers]]
    now = SystemClock().now()
    with unit_of_work(factory) as session:
        agencies = AgencyRepository(session)
        agencies.add(
            ori=FIELD_OFFICE,
            name="BENCH FIELD OFFICE",
            state="VA",
            kind=AgencyKind.FIELD_OFFICE,
            created_at=now,
            synthetic=True,
        )
        agencies.add(
            ori=JAIL,
            name="BENCH JAIL",
            state="VA",
            kind=AgencyKind.JAIL,
            field_office_ori=FIELD_OFFICE,
            created_at=now,
            synthetic=True,
        )
    cars = []
    with open_search_engine(Settings(home=home), "immigration") as gallery:
        for person in range(persons):
            rng = np.random.default_rng(1000 + person)
            masters = {p: generate_master(rng) for p in positions}
            in_ident = person % 2 == 0
            if in_ident:
                fin = f"7{person:09d}"
                templates = {
                    p: extract(make_impression(m, rng, position=p).image)
                    for p, m in masters.items()
                }
                gallery.enrol(f"IDENT:{fin}", templates)
                with unit_of_work(factory) as session:
                    repository = ImmigrationRepository(session)
                    identity = repository.create_identity(
                        subject_id=f"IDENT:{fin}",
                        fin=fin,
                        family_name="BENCH",
                        given_name=f"PERSON{person}",
                        sex=Sex.MALE,
                        now=now,
                        source_system=SourceSystem.CLAIMS,
                        synthetic=True,
                    )
                    repository.add_status(
                        identity,
                        status=ImmigrationStatus.LAWFUL_PERMANENT_RESIDENT,
                        effective_on=date(2004, 1, 1),
                        source_system=SourceSystem.CLAIMS,
                        last_updated=datetime(2004, 2, 1, tzinfo=UTC),
                    )
            for booking in range(per_person):
                images = {
                    int(p): make_impression(m, rng, position=p).image for p, m in masters.items()
                }
                car = ansinist.build_car(
                    ansinist.Addressing(
                        ori=JAIL,
                        dai="WVIAFIS0Z",
                        when=now,
                        tcn=f"{JAIL}-BENCH-{person:04d}-{booking:02d}",
                    ),
                    ansinist.Subject(
                        name=f"BENCH, PERSON{chr(65 + person % 26)}",
                        sex="M",
                        race="U",
                        date_of_birth=date(1980, 1, 1),
                        place_of_birth="VA",
                    ),
                    ansinist.Arrest(
                        arrest_date=date(2011, 3, 1),
                        controlling_agency=JAIL,
                        offenses=(ansinist.Offense("LARCENY", ncic_code="2399"),),
                    ),
                    images,
                )
                cars.append((person, booking, in_ident, ansinist.write(car)))
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
    print(f"background galleries of {args.gallery:,} …", file=sys.stderr, flush=True)
    background_s = background(factory, home, args.gallery)
    print("foreground persons and bookings …", file=sys.stderr, flush=True)
    t0 = time.perf_counter()
    cars = foreground(factory, home, args.persons, args.bookings_per_person, args.fingers)
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
