"""Shared fixtures: where the shared data is, a fresh data directory per test, and a migrated
database (a real SQLite file, and PostgreSQL too when DATABASE_URL points at one), a fixed clock
and the real EBTS sample booking."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from securecomm.clock import FixedClock
from securecomm.interop.testing import fresh_database
from securecomm.store.database import make_session_factory

ROOT = Path(__file__).resolve().parent.parent
SHARED_DATA = Path(os.environ.get("SECURECOMM_SHARED_DATA", ROOT.parent / "shared" / "data"))


@pytest.fixture(scope="session")
def shared_data() -> Path:
    if not SHARED_DATA.is_dir():
        pytest.fail(f"shared data not found at {SHARED_DATA} (set SECURECOMM_SHARED_DATA)")
    return SHARED_DATA


@pytest.fixture()
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh ``SECURECOMM_HOME`` for one test."""
    path = tmp_path / "home"
    monkeypatch.setenv("SECURECOMM_HOME", str(path))
    return path


def _postgres_url() -> str | None:
    url = os.environ.get("DATABASE_URL", "")
    return url if url.startswith("postgresql") else None


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "postgres":
        url = _postgres_url()
        if url is None:
            pytest.skip("DATABASE_URL does not point at PostgreSQL")
        return url
    return f"sqlite:///{tmp_path / 'securecomm.db'}"


@pytest.fixture()
def engine(database_url: str) -> Iterator[Engine]:
    engine = fresh_database(database_url)
    yield engine
    engine.dispose()


@pytest.fixture()
def factory(engine: Engine) -> sessionmaker[Session]:
    return make_session_factory(engine)


@pytest.fixture()
def clock() -> FixedClock:
    return FixedClock(datetime(2011, 3, 1, 9, 0, tzinfo=UTC))


@pytest.fixture(scope="session")
def car_template(shared_data: Path) -> bytes:
    return (shared_data / "ansinist" / "ebts" / "NISTFile.ebts").read_bytes()


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """Debian's chromium, headless, driven by Playwright: one per session (Playwright's sync
    API runs one event loop per process, so every browser test shares it)."""
    from playwright.sync_api import sync_playwright

    args = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--no-first-run"]  # fmt: skip
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path="/usr/bin/chromium", args=args)
        yield b
        b.close()
