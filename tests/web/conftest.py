"""Fixtures of the console tests: a home built once per session from the synthetic world and
its history (``web_support.build_template``; with real FVC prints for two test-only matches),
its database and galleries copied fresh for each test."""

from __future__ import annotations

import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from live_server import LiveServer
from web_support import NOW, WebApp, build_template, open_web

from securecomm.web.prints import FingerPair


@pytest.fixture(scope="session")
def fvc_pairs(shared_data: Path) -> dict[str, FingerPair]:
    from web_support import fvc_pair

    db = shared_data / "fvc" / "fvc2002" / "DB1_B"
    return {finger: fvc_pair(db, finger, position) for finger, position in
            (("102", 2), ("103", 3), ("101", 7))}  # fmt: skip


@pytest.fixture(scope="session")
def seeded_home(
    tmp_path_factory: pytest.TempPathFactory, fvc_pairs, request: pytest.FixtureRequest
) -> Path:
    home = tmp_path_factory.mktemp("web-template") / "home"
    started = time.perf_counter()
    build_template(home, fvc_pairs)
    reporter = request.config.pluginmanager.get_plugin("terminalreporter")
    if reporter is not None:
        reporter.write_line(
            f"web template (world + history) built in {time.perf_counter() - started:.1f} s"
        )
    return home


@pytest.fixture()
def web(tmp_path: Path, seeded_home: Path) -> Iterator[WebApp]:
    home = tmp_path / "home"
    shutil.copytree(seeded_home, home, ignore=shutil.ignore_patterns("*.migrate-lock", "LOCK"))
    app = open_web(home, NOW)
    yield app
    app.close()


@pytest.fixture(scope="session")
def live(tmp_path_factory: pytest.TempPathFactory, seeded_home: Path) -> Iterator[LiveServer]:
    """The console served by uvicorn over its own copy of the template, for browser tests."""
    home = tmp_path_factory.mktemp("web-live") / "home"
    shutil.copytree(seeded_home, home)
    web = open_web(home, NOW)
    with LiveServer(web) as server:
        yield server
    web.close()
