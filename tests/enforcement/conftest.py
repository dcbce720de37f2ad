"""Fixtures for case-work tests: a real SQLite file, a fixed clock, a flow helper."""

from __future__ import annotations

from pathlib import Path

import pytest
from enforcement_support import START, Flow

from securecomm.clock import FixedClock
from securecomm.enforcement.cases import CaseWork
from securecomm.store.database import Base, make_engine


@pytest.fixture()
def clock() -> FixedClock:
    return FixedClock(START)


@pytest.fixture()
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "cases.db"


@pytest.fixture()
def work(db_path: Path, clock: FixedClock) -> CaseWork:
    engine = make_engine(f"sqlite:///{db_path}")
    Base.metadata.create_all(engine)
    return CaseWork.from_engine(engine, clock)


@pytest.fixture()
def flow(work: CaseWork, clock: FixedClock) -> Flow:
    return Flow(work, clock)
