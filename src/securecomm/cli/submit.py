"""``securecomm submit FILE [--wait] [--url URL]``: submit a booking as a jail would.

With ``--wait`` it prints the answer's TOT (``SRE`` or ``ERRT``) on the first line, then its
content (the rap sheet, or the error), and exits 0 for SRE, 3 for ERRT, 4 when the system
itself failed. Bad input is answered as an ERRT with the exact error. Without ``--url`` it
works on the embedded database, running the jobs itself when no worker is running.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path
from typing import Annotated

import httpx
import typer

from securecomm.cli.output import user_errors
from securecomm.config import Settings
from securecomm.errors import SecurecommError
from securecomm.interop.service import (
    Answer,
    SystemFault,
    finish_pending_jobs,
    pipeline_context,
    submit,
    wait_for_answer,
)
from securecomm.store.migrate import upgrade_database
from securecomm.system import STAGE_PRIORITY, STEPS

EXIT_SRE = 0
EXIT_ERRT = 3
EXIT_SYSTEM_FAULT = 4


def _print(answer: Answer | SystemFault) -> int:
    if isinstance(answer, SystemFault):
        typer.echo(f"system failure: {answer.message}", err=True)
        return EXIT_SYSTEM_FAULT
    typer.echo(answer.tot)
    if answer.content:
        typer.echo(answer.content)
    sys.stdout.flush()
    return EXIT_SRE if answer.tot == "SRE" else EXIT_ERRT


def _finish(answer: Answer | SystemFault) -> None:
    raise typer.Exit(_print(answer))


@user_errors
def submit_command(
    file: Annotated[Path, typer.Argument(help="An ANSI/NIST-ITL transaction (EBTS CAR/CNA).")],
    wait: Annotated[bool, typer.Option("--wait", help="Wait for the SRE or ERRT.")] = False,
    url: Annotated[
        str | None, typer.Option(help="A running securecomm server (default: embedded).")
    ] = None,
    api_key: Annotated[
        str | None, typer.Option(help="The agency's API key (default: SECURECOMM_API_KEY).")
    ] = None,
    timeout: Annotated[float, typer.Option(help="Seconds to wait for the answer.")] = 600.0,
) -> None:
    """Submit a booking; with --wait print its answer (SRE: exit 0, ERRT: exit 3)."""
    try:
        raw = file.read_bytes()
    except OSError as exc:
        typer.echo(f"error: cannot read {file}: {exc.strerror}", err=True)
        raise typer.Exit(2) from exc
    if url:
        _submit_remote(raw, url, api_key or os.environ.get("SECURECOMM_API_KEY", ""), wait, timeout)
        return
    settings = Settings.from_env()
    # The embedded all-in-one path: a new home is set up here (a deployment runs db upgrade).
    engine, factory = upgrade_database(settings)
    context = pipeline_context(settings)
    try:
        try:
            receipt = submit(factory, raw, context)
        except SecurecommError as exc:
            _finish(Answer("ERRT", str(exc)))
            return
        if not wait:
            typer.echo(receipt.tcn)
            return
        code = _print(
            wait_for_answer(
                factory,
                context,
                receipt,
                steps=STEPS,
                priority=STAGE_PRIORITY,
                timeout_seconds=timeout,
            )
        )
        # The immigration search, IAQ/IAR, notices and cases follow the answer; with no worker
        # running, this process does them before it exits (they are durable jobs either way).
        finish_pending_jobs(factory, context, steps=STEPS, priority=STAGE_PRIORITY)
        raise typer.Exit(code)
    finally:
        context.components.galleries.close()
        engine.dispose()


def _submit_remote(raw: bytes, url: str, api_key: str, wait: bool, timeout: float) -> None:
    headers = {"Authorization": f"Bearer {api_key}", "Content-Type": "application/octet-stream"}
    base = url.rstrip("/")
    try:
        with httpx.Client(base_url=base, headers=headers, timeout=30.0) as client:
            response = client.post("/submissions", content=raw)
            if 400 <= response.status_code < 500:
                _finish(Answer("ERRT", response.json().get("detail", response.text)))
            if response.status_code >= 500:
                _finish(SystemFault(f"server answered {response.status_code}: {response.text}"))
            tcn = response.json()["tcn"]
            if not wait:
                typer.echo(tcn)
                return
            deadline = time.monotonic() + timeout
            while time.monotonic() < deadline:
                status = client.get(f"/submissions/{tcn}")
                status.raise_for_status()
                body = status.json()
                if body.get("answer"):
                    _finish(Answer(body["answer"]["tot"], body["answer"]["content"]))
                if body.get("fault"):
                    _finish(SystemFault(body["fault"]))
                time.sleep(0.2)
            _finish(SystemFault(f"no answer within {timeout:.0f} s"))
    except httpx.HTTPError as exc:
        _finish(SystemFault(f"cannot reach {base}: {exc}"))
