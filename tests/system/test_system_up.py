"""``securecomm up``: API and workers as processes of their own on one home, all stopped by
one Ctrl-C."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select

from securecomm.interop.worker import WorkerHeartbeat
from securecomm.store.database import make_engine, make_session_factory
from securecomm.synthetic.system_run import free_port

pytestmark = pytest.mark.slow

SECURECOMM = Path(sys.executable).parent / "securecomm"


def _children(pid: int) -> list[int]:
    """The processes whose parent is ``pid`` (from /proc: no ``ps`` needed)."""
    children = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue  # gone meanwhile
        if int(fields[1]) == pid:
            children.append(int(stat.parent.name))
    return children


def test_up_starts_api_and_workers_and_ctrl_c_stops_them_all(tmp_path: Path) -> None:
    home = tmp_path / "home"
    env = dict(os.environ, SECURECOMM_HOME=str(home))
    env.pop("SECURECOMM_DATABASE_URL", None)
    port = free_port()
    with (tmp_path / "up.log").open("wb") as log:
        up = subprocess.Popen(
            [str(SECURECOMM), "up", "--port", str(port), "--workers", "2"],
            env=env, stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
    try:
        deadline = time.monotonic() + 120
        workers: list[str] = []
        while time.monotonic() < deadline and len(workers) < 2:
            assert up.poll() is None, (tmp_path / "up.log").read_text()
            try:
                ok = httpx.get(f"http://127.0.0.1:{port}/openapi.json", timeout=2).is_success
            except httpx.HTTPError:
                ok = False
            if ok and (home / "securecomm.db").exists():
                engine = make_engine(f"sqlite:///{home / 'securecomm.db'}")
                with make_session_factory(engine)() as session:
                    workers = list(session.scalars(select(WorkerHeartbeat.worker)))
                engine.dispose()
            time.sleep(0.5)
        assert len(workers) == 2, (tmp_path / "up.log").read_text()
        children = _children(up.pid)
        assert len(children) == 3  # serve and two workers, each a process of its own
        up.send_signal(signal.SIGINT)
        assert up.wait(timeout=60) == 0
        output = (tmp_path / "up.log").read_text()
        assert "stopped" in output
        for pid in children:
            assert (
                not Path(f"/proc/{pid}").exists()
                or "zombie" in Path(f"/proc/{pid}/status").read_text()
            )
    finally:
        if up.poll() is None:
            up.kill()
