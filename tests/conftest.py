"""Shared fixtures: where the shared data is, and a fresh data directory per test."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

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
