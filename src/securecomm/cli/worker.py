"""``securecomm worker``: run pipeline jobs until stopped (Ctrl-C or SIGTERM)."""

from __future__ import annotations

import signal
from datetime import timedelta
from typing import Annotated

import typer

from securecomm.cli.output import console, user_errors
from securecomm.config import Settings
from securecomm.interop import parameters
from securecomm.interop.service import open_database, pipeline_context
from securecomm.interop.steps import STEPS
from securecomm.interop.worker import run_worker


@user_errors
def worker(
    name: Annotated[str | None, typer.Option(help="Worker name (default host:pid).")] = None,
    until_idle: Annotated[
        bool, typer.Option("--until-idle", help="Stop when no job is runnable.")
    ] = False,
    lease_seconds: Annotated[
        float, typer.Option(help="How long a claimed job is this worker's before others retake it.")
    ] = parameters.JOB_LEASE.total_seconds(),
) -> None:
    """Run the booking pipeline's jobs (features, searches, answers, deliveries)."""
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
        stats = run_worker(
            factory,
            context,
            STEPS,
            worker=name,
            until_idle=until_idle,
            should_stop=lambda: stopping,
            lease=timedelta(seconds=lease_seconds),
        )
    finally:
        context.components.galleries.close()
        engine.dispose()
    console.print(
        f"worker stopped: {stats.done} jobs done, {stats.retried} retried, {stats.failed} failed"
    )
