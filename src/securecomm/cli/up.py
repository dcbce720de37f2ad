"""``securecomm up``: the system on one machine — the API server and its workers, each its own
process on the same home — until Ctrl-C (or SIGTERM), which stops them all cleanly.

It migrates the home's database first (the server and workers never do). One worker runs every
job kind; with two or more, the first holds the criminal gallery and the second the immigration
gallery (each runs every kind but the other's search), any further worker the kinds that need no
gallery (``system.worker_kinds``). If any process exits by itself, the others are stopped and
``up`` exits with its code.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from typing import Annotated

import typer

from securecomm.cli.output import console, user_errors
from securecomm.config import Settings
from securecomm.store.migrate import upgrade
from securecomm.system import worker_kinds

STOP_GRACE_SECONDS = 30.0


def _command(*args: str) -> list[str]:
    return [sys.executable, "-m", "securecomm", *args]


@user_errors
def up(
    host: Annotated[str, typer.Option(help="Address the API listens on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port the API listens on.")] = 8000,
    workers: Annotated[int, typer.Option(min=1, help="Worker processes.")] = 1,
) -> None:
    """Start the API server and the workers on this home (its database brought to this build's
    schema first, once); Ctrl-C stops them all."""
    settings = Settings.from_env()
    upgrade(settings.effective_database_url)  # before the children, which never migrate
    commands = {"serve": _command("serve", "--host", host, "--port", str(port))}
    for n in range(1, workers + 1):
        kinds = worker_kinds(n - 1, workers)
        commands[f"worker {n}"] = _command(
            "worker", *(["--kinds", ",".join(kinds)] if kinds else [])
        )
    stopping = False

    def stop(_signum: int, _frame: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    # Children get their own process group: Ctrl-C reaches only ``up``, which stops them in order.
    processes = {name: subprocess.Popen(cmd, process_group=0) for name, cmd in commands.items()}
    for name, process in processes.items():
        console.print(f"started {name} (pid {process.pid})")
    console.print(f"API and console on http://{host}:{port}/ — Ctrl-C stops everything")
    exited: tuple[str, int] | None = None
    while not stopping and exited is None:
        for name, process in processes.items():
            if process.poll() is not None:
                exited = (name, process.returncode)
                break
        time.sleep(0.2)
    if exited is not None:
        console.print(f"{exited[0]} exited with code {exited[1]}: stopping the others")
    for process in processes.values():
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + STOP_GRACE_SECONDS
    for name, process in processes.items():
        try:
            process.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            console.print(f"{name} did not stop within {STOP_GRACE_SECONDS:.0f} s: killed")
            process.kill()
            process.wait()
    console.print("stopped")
    if exited is not None and exited[1] != 0:
        raise typer.Exit(exited[1])
