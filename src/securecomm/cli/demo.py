"""``securecomm demo``: the main job on the embedded default, end to end.

1. The fingerprint engine on real FVC prints: extraction, quality, genuine and impostor scores
   against the calibrated thresholds.
2. A synthetic world (``synthetic.world``): background identities in the criminal and
   immigration galleries, and a cast of subjects whose records tell different stories.
3. Each subject is booked as an EBTS CAR through the real pipeline (validation, durable intake,
   criminal 1:N → SRE, immigration 1:N → IDR, IAQ → LESC research → IAR → field-office notice).
4. The worker's ``field_office.notice`` steps open cases from the notices; the work queue is
   shown, and the hash-chained audit log is verified.

Everything happens in a fresh data directory ``$SECURECOMM_HOME/demo`` (recreated each run),
on SQLite, with the embedded search engine. All people and prints are synthetic.
"""

from __future__ import annotations

import shutil
import time
from dataclasses import replace
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from securecomm.afis.extraction import extract
from securecomm.afis.image import load_image
from securecomm.afis.matching import compare
from securecomm.afis.matching.calibration import THRESHOLD_FMR_1E3, THRESHOLD_FMR_1E4
from securecomm.cli.output import console, user_errors
from securecomm.clock import SystemClock
from securecomm.config import Settings
from securecomm.enforcement.cases import CaseWork
from securecomm.enforcement.roles import Principal, Role
from securecomm.errors import SecurecommError
from securecomm.interop.service import (
    Answer,
    finish_pending_jobs,
    open_database,
    pipeline_context,
    submit,
    wait_for_answer,
)
from securecomm.synthetic import world
from securecomm.system import STAGE_PRIORITY, STEPS


@user_errors
def demo(
    shared_data: Annotated[
        Path | None,
        typer.Option(
            help="The shared data folder (default: ../shared/data, SECURECOMM_SHARED_DATA)."
        ),
    ] = None,
    background: Annotated[
        int, typer.Option(help="Background identities enrolled in each gallery.")
    ] = 2_000,
    fingers: Annotated[int, typer.Option(min=1, max=10, help="Fingers per booking.")] = 10,
) -> None:
    """Run the system end to end on the embedded default and print what it found."""
    base = Settings.from_env()
    data = shared_data or base.shared_data
    home = base.home / "demo"
    if home.exists():
        shutil.rmtree(home)
    settings = replace(base, home=home, database_url="", search_engine="embedded")
    console.rule("securecomm demo — all people and prints are synthetic")
    console.print(f"data directory: {home.resolve()} (recreated each run)")
    _fingerprint_engine(data)
    _pipeline_and_cases(settings, background, fingers)


def _fingerprint_engine(data: Path) -> None:
    console.rule("1 · fingerprint engine on real FVC2002 DB1 prints")
    folder = data / "fvc" / "fvc2002" / "DB1_B"
    if not folder.is_dir():
        raise SecurecommError(f"FVC images not found in {folder} (set --shared-data)")
    names = ["101_1", "101_2", "102_1"]
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


def _pipeline_and_cases(settings: Settings, background: int, fingers: int) -> None:
    clock = SystemClock()
    engine, factory = open_database(settings)
    try:
        console.rule("2 · synthetic world")
        world.add_agencies(factory, clock.now())
        with console.status(f"enrolling {background:,} background identities per gallery …"):
            world.add_background(factory, settings, background, clock.now())
        with console.status("growing synthetic prints and records for the cast …"):
            subjects = world.make_subjects(world.DEMO_STORIES, fingers=fingers)
            world.enrol_subjects(factory, settings, subjects, clock.now())
        for subject in subjects:
            where = [n for n, v in (("IDENT", subject.fin), ("CJIS", subject.fbi_number)) if v]
            console.print(
                f"subject {subject.number}: {subject.story.label}"
                f" — enrolled in {', '.join(where) or 'no gallery'}"
            )

        console.rule("3 · bookings through the pipeline (CAR → SRE, IDR, IAQ/IAR, notice)")
        context = pipeline_context(settings)
        bookings = [world.booking(s, 0, clock.now()) for s in subjects]
        bookings.append(world.booking(subjects[1], 1, clock.now()))  # booked again: recognised
        table = Table("TCN", "subject", "answer", "first line")
        for booked in bookings:
            receipt = submit(factory, booked.raw, context)
            answer = wait_for_answer(
                factory, context, receipt, steps=STEPS, priority=STAGE_PRIORITY
            )
            if isinstance(answer, Answer):
                first = answer.content.strip().splitlines()[0] if answer.content.strip() else ""
                table.add_row(booked.tcn, str(booked.subject.number), answer.tot, first[:60])
            else:
                table.add_row(booked.tcn, str(booked.subject.number), "FAULT", answer.message)
        # the immigration side after each SRE, then the worker's notice → case steps
        finish_pending_jobs(factory, context, steps=STEPS, priority=STAGE_PRIORITY)
        console.print(table)

        console.rule("4 · field office: cases the worker opened from the notices")
        work = CaseWork.from_settings(settings)
        supervisor = Principal("demo-supervisor", Role.SUPERVISOR, office=world.FIELD_OFFICE)
        queue = Table("case", "state", "level (once assessed)", "subject", "next deadline")
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
        chain = work.verify_audit()
        if not chain.intact:
            raise SecurecommError(f"audit log broken at entry {chain.broken_seq}: {chain.problem}")
        console.print(f"audit log: hash chain intact, {chain.checked} entries checked")
    finally:
        engine.dispose()
