"""The synthetic world in a home: refused where real data lives, booked from any process with
fresh impressions and a new TCN each time."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from securecomm.cli.main import app
from securecomm.clock import FixedClock
from securecomm.config import Settings
from securecomm.records import AgencyKind, AgencyRepository
from securecomm.store.database import unit_of_work
from securecomm.store.migrate import upgrade_database
from securecomm.synthetic import home as world_home
from securecomm.synthetic import world

runner = CliRunner()


@pytest.fixture(autouse=True)
def _embedded_database(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SECURECOMM_DATABASE_URL", raising=False)


def _state(home: Path, seed: int = 7) -> Settings:
    settings = Settings(home=home)
    home.mkdir(parents=True, exist_ok=True)
    state = world_home.WorldState(seed=seed, background=0, fingers=2)
    world_home.state_path(settings).write_text(state.to_json())
    return settings


def test_seed_refuses_a_home_with_real_data_and_writes_nothing(home: Path, clock: FixedClock):
    settings = Settings(home=home)
    engine, factory = upgrade_database(settings)
    with unit_of_work(factory) as session:
        AgencyRepository(session).add(ori="VA0020000", name="A real jail", state="VA",
                                      kind=AgencyKind.JAIL, created_at=clock.now())  # fmt: skip
    with pytest.raises(world_home.WorldError, match="agency VA0020000 is not synthetic"):
        world_home.seed(settings, factory, clock)
    engine.dispose()
    assert not world_home.state_path(settings).exists()
    assert not (home / "galleries").exists()


def test_a_home_of_another_seed_is_refused(home: Path, clock: FixedClock) -> None:
    settings = _state(home, seed=7)
    engine, factory = upgrade_database(settings)
    with pytest.raises(world_home.WorldError, match="already holds the world of seed 7"):
        world_home.seed(settings, factory, clock, seed=8)
    state, created = world_home.seed(settings, factory, clock, seed=7)
    engine.dispose()
    assert (state.seed, created) == (7, False)


def test_each_booking_has_fresh_impressions_and_a_new_tcn(home: Path, clock: FixedClock) -> None:
    settings = _state(home)
    first = world_home.booking(settings, 1, clock.now())
    second = world_home.booking(settings, 1, clock.now())
    other = world_home.booking(settings, 4, clock.now())
    assert (first.tcn, second.tcn) == (f"{world.JAIL}-SYN-0001-00", f"{world.JAIL}-SYN-0001-01")
    assert other.tcn == f"{world.JAIL}-SYN-0004-00"
    assert first.raw != second.raw
    assert world_home.load_state(settings).bookings == {1: 2, 4: 1}


def test_booking_cli_prints_the_tcn_last_and_names_the_subjects_on_error(home: Path) -> None:
    out = home / "b.eft"
    assert runner.invoke(app, ["world", "booking", "0", "--out", str(out)]).exit_code == 2
    _state(home)
    result = runner.invoke(app, ["world", "booking", "0", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert result.output.strip().splitlines()[-1] == f"{world.JAIL}-SYN-0000-00"
    assert out.read_bytes()[:4] == b"1.00"  # an ANSI/NIST-ITL transaction, Type-1 first
    wrong = runner.invoke(app, ["world", "booking", "9", "--out", str(out)])
    assert wrong.exit_code == 2 and "the subjects are 0 U.S.-born" in wrong.output
    assert runner.invoke(app, ["world", "jail"]).output.strip() == world.JAIL
