"""``securecomm db``: the server and workers never migrate; the operator upgrades, once."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from securecomm.config import Settings
from securecomm.store import migrate

SECURECOMM = Path(sys.executable).parent / "securecomm"


@pytest.fixture()
def env(home: Path) -> dict[str, str]:
    clean = {k: v for k, v in os.environ.items() if "DATABASE_URL" not in k}
    return {**clean, "SECURECOMM_HOME": str(home)}


def run(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    result = subprocess.run([str(SECURECOMM), *args], env=env, capture_output=True, text=True,
                            timeout=300, check=False)  # fmt: skip
    # Rich wraps long lines: compare words, not line breaks.
    result.stdout, result.stderr = " ".join(result.stdout.split()), " ".join(result.stderr.split())
    return result


def test_a_worker_on_a_new_home_refuses_and_creates_nothing(
    env: dict[str, str], home: Path
) -> None:
    result = run(env, "worker", "--until-idle")
    assert result.returncode == 2
    assert "run `securecomm db upgrade`" in result.stderr and "Traceback" not in result.stderr
    assert not (home / "securecomm.db").exists()


def test_upgrade_then_status_then_the_worker_runs(env: dict[str, str]) -> None:
    assert run(env, "db", "status").returncode == 1
    first = run(env, "db", "upgrade")
    assert first.returncode == 0 and f"→ {migrate.head()}" in first.stdout
    again = run(env, "db", "upgrade")
    assert again.returncode == 0 and "already at schema" in again.stdout
    status = run(env, "db", "status")
    assert status.returncode == 0 and migrate.head() in status.stdout
    assert run(env, "worker", "--until-idle").returncode == 0


def test_a_database_at_an_older_schema_is_refused_until_upgraded(env: dict[str, str]) -> None:
    url = Settings.from_env().effective_database_url
    migrate.upgrade(url, "0005")
    result = run(env, "cases", "list")
    assert result.returncode == 2 and "is at schema revision 0005" in result.stderr
    assert migrate.current(url) == "0005"  # refusing changed nothing
    assert run(env, "db", "upgrade").returncode == 0
    assert migrate.current(url) == migrate.head()
