"""The world's history for the console (``synthetic.history``, ``securecomm world seed
--history``): when each console subject is booked, and what is refused before anything is
written. The history played through the pipeline is tested on the console's own template
(``tests/web/test_web_seed.py``)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from securecomm.cli.main import app
from securecomm.clock import FixedClock
from securecomm.config import Settings
from securecomm.records import AgencyKind, AgencyRepository
from securecomm.store.database import unit_of_work
from securecomm.store.migrate import upgrade_database
from securecomm.synthetic import casework, history, world
from securecomm.synthetic import home as world_home

runner = CliRunner()
NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _embedded_database(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SECURECOMM_DATABASE_URL", raising=False)


def _state(home: Path, history_mark: str) -> Settings:
    settings = Settings(home=home)
    home.mkdir(parents=True, exist_ok=True)
    state = world_home.WorldState(
        seed=world_home.DEFAULT_SEED, background=0, fingers=2, history=history_mark
    )
    world_home.state_path(settings).write_text(state.to_json())
    return settings


def _words(text: str) -> str:
    return " ".join(text.split())  # Rich wraps long lines


def test_each_console_subject_is_booked_once_over_five_months() -> None:
    events = history.timeline(NOW)
    first = len(world.DEMO_STORIES)
    assert sorted(n for _, n in events) == list(range(first, len(world.STORIES)))
    assert [t for t, _ in events] == sorted(t for t, _ in events)
    assert all(NOW - history.HISTORY < t < NOW for t, _ in events)
    months = {(t.year, t.month) for t, _ in events}
    assert len(months) >= 5
    for when, number in events:
        stage = world.STORIES[number].stage
        assert stage in casework.STAGES
        late = stage in history.LATE_STAGES
        # the late stages open within the last days, so their deadlines are live at "now"
        assert (NOW - when <= timedelta(days=4)) == late, stage


def test_console_subjects_have_names_of_their_own() -> None:
    names = [world.subject_name(n) for n in range(len(world.STORIES))]
    assert len(set(names)) == len(names)
    assert names[0] == "SYNTHETIC, SUBJECTA" and world.subject_name(26) == "SYNTHETIC, SUBJECTAA"
    assert all(n.startswith("SYNTHETIC, ") for n in names)


def test_a_console_subject_is_booked_only_in_a_home_with_the_history(home: Path) -> None:
    out = home / "b.eft"
    number = len(world.DEMO_STORIES)  # the first console subject
    _state(home, "")
    refused = runner.invoke(app, ["world", "booking", str(number), "--out", str(out)])
    assert refused.exit_code == 2 and f"no world subject {number}" in _words(refused.output)
    _state(home, "done")
    result = runner.invoke(app, ["world", "booking", str(number), "--out", str(out)])
    assert result.exit_code == 0, result.output
    story = world.STORIES[number]
    assert result.output.strip().splitlines()[-1] == f"{story.jail}-SYN-{number:04d}-00"
    assert out.read_bytes()[:4] == b"1.00"


def test_seed_history_refuses_a_home_with_real_data_and_writes_nothing(home: Path) -> None:
    engine, factory = upgrade_database(Settings(home=home))
    with unit_of_work(factory) as session:
        AgencyRepository(session).add(ori="VA0020000", name="A real jail", state="VA",
                                      kind=AgencyKind.JAIL, created_at=NOW)  # fmt: skip
    engine.dispose()
    result = runner.invoke(app, ["world", "seed", "--history", "--background", "0"])
    assert result.exit_code == 2
    assert "agency VA0020000 is not synthetic" in _words(result.output)
    assert not world_home.state_path(Settings(home=home)).exists()
    assert not (home / "galleries").exists()


def test_seed_history_on_a_world_seeded_without_it_is_refused(home: Path) -> None:
    _state(home, "")
    result = runner.invoke(app, ["world", "seed", "--history", "--background", "0"])
    assert result.exit_code == 2
    assert "it was seeded without history" in _words(result.output)
    assert "into an empty home" in _words(result.output)


def test_seed_history_again_does_nothing(home: Path) -> None:
    settings = _state(home, "done")
    before = world_home.state_path(settings).read_text()
    result = runner.invoke(app, ["world", "seed", "--history"])
    assert result.exit_code == 0, result.output
    assert "is already in" in _words(result.output)
    assert world_home.state_path(settings).read_text() == before


def test_an_unfinished_history_is_refused(home: Path) -> None:
    settings = _state(home, "started")
    engine, factory = upgrade_database(settings)
    try:
        with pytest.raises(world_home.WorldError, match="its history did not finish"):
            history.seed_with_history(settings, factory, NOW)
    finally:
        engine.dispose()


def test_work_to_stage_names_the_stages_it_knows() -> None:
    story = world.Story("x", stage="somewhere")
    with pytest.raises(ValueError, match="no such console stage 'somewhere'"):
        casework.work_to_stage(
            None, FixedClock(NOW), "SC-1", story, world_home.USERS, len,  # type: ignore[arg-type]
            now=NOW, run_worker=lambda: None,
        )  # fmt: skip
