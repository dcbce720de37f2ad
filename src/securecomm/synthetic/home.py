"""The synthetic world in a ``SECURECOMM_HOME``: seeded once, then booked from.

``seed`` writes, through the system's own repositories and search engine, the world's agencies
(its ICE field office and jails, spelled by ORI; through the case-work API the office's
detention facility, the booking jail's 287(g) agreement and the notify-only jail's policy),
both galleries' background, the cast of :data:`world.DEMO_STORIES` with their
records and enrolments, and a console account per role.  ``world.json`` in the home remembers
the seed and how many bookings each subject has had, so ``booking`` grows the same fingers
again, with fresh impressions and a new TCN each time, from any process.

A home that holds data which is not the world's (an agency or a console account not marked
synthetic) is refused: the world is never mixed into a working database.
"""

from __future__ import annotations

import fcntl
import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from securecomm.clock import Clock
from securecomm.config import Settings
from securecomm.enforcement.cases import CaseWork
from securecomm.errors import ConfigError
from securecomm.records.agencies import Agency
from securecomm.store.database import unit_of_work
from securecomm.synthetic import casework, world
from securecomm.synthetic.accounts import add_accounts, demo_users
from securecomm.web.models import ConsoleUser

STATE_FILE = "world.json"
DEFAULT_SEED = 1000
DEFAULT_BACKGROUND = 2_000

#: The world's console accounts (its field office and its jail).
USERS = demo_users(world.FIELD_OFFICE, world.JAIL)


class WorldError(ConfigError):
    """The home has no world, another one, or data of its own."""


@dataclass
class WorldState:
    seed: int
    background: int
    fingers: int
    #: Subject number → bookings made so far.
    bookings: dict[int, int] = field(default_factory=dict)
    #: The console's history (``synthetic.history``): "" none, "started", "done".
    history: str = ""

    def to_json(self) -> str:
        return json.dumps(
            {
                "synthetic": True,
                "seed": self.seed,
                "background": self.background,
                "fingers": self.fingers,
                "bookings": {str(k): v for k, v in sorted(self.bookings.items())},
                "history": self.history,
            },
            indent=2,
        )

    @classmethod
    def from_json(cls, text: str) -> WorldState:
        data = json.loads(text)
        return cls(
            seed=int(data["seed"]),
            background=int(data["background"]),
            fingers=int(data["fingers"]),
            bookings={int(k): int(v) for k, v in data.get("bookings", {}).items()},
            history=str(data.get("history", "")),
        )


def state_path(settings: Settings) -> Path:
    return settings.home / STATE_FILE


def load_state(settings: Settings) -> WorldState | None:
    path = state_path(settings)
    if not path.exists():
        return None
    try:
        return WorldState.from_json(path.read_text())
    except (ValueError, KeyError, TypeError) as exc:
        raise WorldError(f"{path}: not a world state file ({exc})") from None


def require_state(settings: Settings) -> WorldState:
    state = load_state(settings)
    if state is None:
        raise WorldError(
            f"no synthetic world in {settings.home.resolve()}: run `securecomm world seed` first"
        )
    return state


def foreign_data(session: Session) -> str | None:
    """What in the database is not synthetic (None when all of it is, or it is empty)."""
    agency = session.scalar(select(Agency.ori).where(Agency.synthetic.is_(False)).limit(1))
    if agency is not None:
        return f"agency {agency} is not synthetic"
    user = session.scalar(
        select(ConsoleUser.username).where(ConsoleUser.synthetic.is_(False)).limit(1)
    )
    if user is not None:
        return f"console account {user} is not synthetic"
    return None


def refuse_foreign_data(settings: Settings, factory: sessionmaker[Session]) -> None:
    with factory() as session:
        found = foreign_data(session)
    if found is not None:
        raise WorldError(
            f"{settings.home.resolve()} holds data that is not synthetic ({found}): the "
            "synthetic world is never mixed into it; point SECURECOMM_HOME at another folder"
        )


def seed(
    settings: Settings,
    factory: sessionmaker[Session],
    clock: Clock,
    *,
    seed: int = DEFAULT_SEED,
    background: int = DEFAULT_BACKGROUND,
    fingers: int = 10,
    history: bool = False,
) -> tuple[WorldState, bool]:
    """Seed the world into the home; (state, False) when this world is there already.

    With ``history``, the console's cast (``world.CONSOLE_STORIES``) is enrolled too and the
    state says the history has started (``synthetic.history`` plays it, then marks it done)."""
    state = load_state(settings)
    if state is not None:
        if state.seed != seed:
            raise WorldError(
                f"{settings.home.resolve()} already holds the world of seed {state.seed}; "
                f"seed {seed} needs a home of its own"
            )
        return state, False
    refuse_foreign_data(settings, factory)
    with factory() as session:
        if session.scalar(select(Agency.ori).limit(1)) is not None:
            raise WorldError(
                f"{settings.home.resolve()} already holds synthetic data of another run "
                "(no world.json): point SECURECOMM_HOME at an empty folder"
            )
    now = clock.now()
    world.add_agencies(factory, now)
    with unit_of_work(factory) as session:
        add_accounts(session, clock, USERS)
    supervisor = next(u.principal for u in USERS if u.username == "supervisor")
    casework.administer(CaseWork(factory, clock), supervisor)
    world.add_background(factory, settings, background, now)
    cast = world.STORIES if history else world.DEMO_STORIES
    subjects = world.make_subjects(cast, fingers=fingers, seed=seed)
    world.enrol_subjects(factory, settings, subjects, now)
    state = WorldState(
        seed=seed, background=background, fingers=fingers, history="started" if history else ""
    )
    settings.home.mkdir(parents=True, exist_ok=True)
    state_path(settings).write_text(state.to_json() + "\n")
    return state, True


@contextmanager
def _locked_state(settings: Settings) -> Iterator[WorldState]:
    """The state, locked against other processes booking at the same moment, saved after."""
    require_state(settings)
    with open(state_path(settings), "r+") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        state = WorldState.from_json(handle.read())
        yield state
        handle.seek(0)
        handle.truncate()
        handle.write(state.to_json() + "\n")


def mark_history_done(settings: Settings) -> None:
    with _locked_state(settings) as state:
        state.history = "done"


def booking(
    settings: Settings, number: int, when: datetime, *, at: str | None = None
) -> world.Booking:
    """A fresh booking of world subject ``number`` (from its story's jail, or ``at``): the same
    fingers, new impressions, a new TCN (the subject's booking count goes up by one). The
    console's cast (6 on) is there only in a home seeded with the history."""
    with _locked_state(settings) as state:
        cast = world.STORIES if state.history else world.DEMO_STORIES
        if not 0 <= number < len(cast):
            stories = "; ".join(f"{i} {s.label}" for i, s in enumerate(world.DEMO_STORIES))
            raise WorldError(f"no world subject {number}: the subjects are {stories}")
        count = state.bookings.get(number, 0)
        state.bookings[number] = count + 1
    subject = world.make_subject(cast[number], number, fingers=state.fingers, seed=state.seed)
    # Impressions of their own: seeded by (seed, subject, booking), never the enrolment's.
    subject.rng = np.random.default_rng([state.seed, number, count])
    return world.booking(subject, count, when, at=at)
