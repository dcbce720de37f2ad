"""``securecomm serve`` serves the home as it is: it never migrates and never seeds. A home with
no database is refused; on an empty one it says how to seed the synthetic world, and adds
nothing (the console's demo data comes from ``securecomm world seed --history``)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select

from securecomm.config import Settings
from securecomm.enforcement.models import Case
from securecomm.records.agencies import Agency
from securecomm.store.migrate import open_database, upgrade_database
from securecomm.synthetic.system_run import free_port
from securecomm.web.models import ConsoleUser

SECURECOMM = Path(sys.executable).parent / "securecomm"


@pytest.fixture()
def env(home: Path) -> dict[str, str]:
    clean = {k: v for k, v in os.environ.items() if "DATABASE_URL" not in k}
    return {**clean, "SECURECOMM_HOME": str(home)}


def test_serve_on_a_new_home_refuses_and_creates_nothing(env: dict[str, str], home: Path) -> None:
    result = subprocess.run([str(SECURECOMM), "serve", "--port", str(free_port())], env=env,
                            capture_output=True, text=True, timeout=120, check=False)  # fmt: skip
    stderr = " ".join(result.stderr.split())
    assert result.returncode == 2
    assert "run `securecomm db upgrade`" in stderr and "Traceback" not in stderr
    assert not (home / "securecomm.db").exists()


def test_serve_on_an_empty_home_seeds_nothing(
    env: dict[str, str], home: Path, tmp_path: Path
) -> None:
    engine, _ = upgrade_database(Settings(home=home))
    engine.dispose()
    port = free_port()
    log = tmp_path / "serve.log"
    with log.open("wb") as out:
        server = subprocess.Popen([str(SECURECOMM), "serve", "--port", str(port)], env=env,
                                  stdout=out, stderr=subprocess.STDOUT)  # fmt: skip
    try:
        deadline = time.monotonic() + 120
        while True:
            assert server.poll() is None, log.read_text()
            assert time.monotonic() < deadline, log.read_text()
            try:
                if httpx.get(f"http://127.0.0.1:{port}/console/sign-in", timeout=2).is_success:
                    break
            except httpx.HTTPError:
                time.sleep(0.2)
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
    output = " ".join(log.read_text().split())
    assert "`securecomm world seed --history` seeds the synthetic world" in output
    engine, factory = open_database(Settings(home=home))
    try:
        with factory() as session:
            for model in (ConsoleUser, Agency, Case):
                assert session.scalar(select(func.count()).select_from(model)) == 0, model
    finally:
        engine.dispose()
    assert not (home / "world.json").exists()
