"""``securecomm worker``: run pipeline jobs until stopped (Ctrl-C or SIGTERM)."""

from __future__ import annotations

import json
import signal
from datetime import timedelta
from pathlib import Path
from typing import Annotated

import typer

from securecomm.afis.search import GalleryLockedError
from securecomm.cli.output import console, user_errors
from securecomm.config import Settings
from securecomm.interop import parameters
from securecomm.interop.service import pipeline_context
from securecomm.interop.worker import run_worker
from securecomm.store.migrate import open_database
from securecomm.system import (
    SCHEDULE,
    STAGE_PRIORITY,
    WITHOUT_GALLERIES,
    galleries_for,
    steps_for,
    worker_kinds,
)


@user_errors
def worker(
    name: Annotated[str | None, typer.Option(help="Worker name (default host:pid).")] = None,
    until_idle: Annotated[
        bool, typer.Option("--until-idle", help="Stop when no job is runnable.")
    ] = False,
    lease_seconds: Annotated[
        float, typer.Option(help="How long a claimed job is this worker's before others retake it.")
    ] = parameters.JOB_LEASE.total_seconds(),
    kinds: Annotated[
        str | None,
        typer.Option(
            help="Run only these job kinds (comma-separated). A gallery is written by one "
            "process at a time: on two workers run one without 'immigration_search' and one "
            "without 'criminal_search' (each holds one gallery), and any others with "
            f"'{','.join(WITHOUT_GALLERIES)}'."
        ),
    ] = None,
    stats_file: Annotated[
        Path | None,
        typer.Option(help="On exit, write jobs run and wall/CPU seconds per job kind (JSON)."),
    ] = None,
) -> None:
    """Run the system's jobs: features, searches, answers, deliveries, notices into cases, and
    the detainer-expiry sweep."""
    steps = steps_for(None if kinds is None else [k.strip() for k in kinds.split(",") if k])
    settings = Settings.from_env()
    engine, factory = open_database(settings)
    stopping = False

    def stop(_signum: int, _frame: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    context = pipeline_context(settings)
    try:
        # Open the galleries of this worker's searches now: the first booking does not pay for
        # it, and a gallery another worker holds is reported at once instead of failing every
        # search job.
        for gallery in galleries_for(steps):
            try:
                context.components.galleries.get(gallery)
            except GalleryLockedError as exc:
                raise GalleryLockedError(
                    f"{exc}; one worker per gallery: on two workers run "
                    f"--kinds {','.join(worker_kinds(0, 2) or ())} and "
                    f"--kinds {','.join(worker_kinds(1, 2) or ())}, and any others with "
                    f"--kinds {','.join(WITHOUT_GALLERIES)}"
                ) from exc
        stats = run_worker(
            factory,
            context,
            steps,
            worker=name,
            until_idle=until_idle,
            should_stop=lambda: stopping,
            lease=timedelta(seconds=lease_seconds),
            priority=STAGE_PRIORITY,
            schedule=SCHEDULE,
        )
    finally:
        context.components.galleries.close()
        engine.dispose()
    if stats_file is not None:
        stats_file.write_text(
            json.dumps(
                {
                    kind: {"jobs": int(n), "wall_s": round(wall, 3), "cpu_s": round(cpu, 3)}
                    for kind, (n, wall, cpu) in sorted(stats.by_kind.items())
                },
                indent=2,
            )
            + "\n"
        )
    console.print(
        f"worker stopped: {stats.done} jobs done, {stats.retried} retried, {stats.failed} failed"
    )
