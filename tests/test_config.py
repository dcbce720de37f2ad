from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from securecomm.clock import FixedClock
from securecomm.config import Settings
from securecomm.errors import ConfigError


def test_defaults_are_embedded() -> None:
    s = Settings.from_env({})
    assert s.home == Path(".securecomm")
    assert s.effective_database_url.startswith("sqlite:///")
    assert s.search_engine == "embedded"


def test_environment_overrides() -> None:
    s = Settings.from_env(
        {
            "SECURECOMM_HOME": "/tmp/x",
            "SECURECOMM_SEARCH_ENGINE": "ray",
            "SECURECOMM_DATABASE_URL": "pg://",
        }
    )
    assert s.home == Path("/tmp/x")
    assert s.search_engine == "ray"
    assert s.effective_database_url == "pg://"


def test_plain_database_url_is_not_ours() -> None:
    # DATABASE_URL names the test PostgreSQL server in CI; only SECURECOMM_* configures us.
    assert Settings.from_env({"DATABASE_URL": "pg://"}).effective_database_url.startswith("sqlite")


def test_bad_engine_is_refused_with_its_name() -> None:
    with pytest.raises(ConfigError, match="SECURECOMM_SEARCH_ENGINE"):
        Settings.from_env({"SECURECOMM_SEARCH_ENGINE": "hadoop"})


def test_default_secret_refused_outside_development() -> None:
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        Settings.from_env({"SECURECOMM_ENVIRONMENT": "production"})
    s = Settings.from_env({"SECURECOMM_ENVIRONMENT": "production", "SECURECOMM_SECRET_KEY": "k"})
    assert s.secret_key == "k"


def test_fixed_clock_moves_only_when_told() -> None:
    start = datetime(2026, 1, 1, tzinfo=UTC)
    clock = FixedClock(start)
    assert clock.now() == start
    clock.advance(timedelta(hours=48))
    assert clock.now() == start + timedelta(hours=48)
    with pytest.raises(ValueError):
        FixedClock(datetime(2026, 1, 1))
