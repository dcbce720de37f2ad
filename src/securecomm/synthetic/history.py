"""Five months of the world's cases, for the console: ``securecomm world seed --history``.

The world is seeded with its clock set back five months (:data:`HISTORY`), the console's cast
(``world.CONSOLE_STORIES``) enrolled with the demo's. Then each console subject is booked
**through the real pipeline** — its jail's EBTS CAR received (``interop.submissions.receive``)
and the system's worker run in this process on that clock (``securecomm.system``'s steps: the
1:N searches, the answers, the LESC research, the field-office notice, and the notice becoming
a case) — and the officers work the case to its stage through the case-work API
(``synthetic.casework.work_to_stage``), each as the console account of its role. The clock
moves forward between bookings and actions, so the dashboard has months to show; the late
stages (an urgent detainer, the citizenship gate, a fresh match …) open within the last
three and a half days, so their deadlines are live at "now". A few bookings of subject 0 (no
records anywhere) find no one, as most bookings do. No case row is written directly.

The history is seeded with the world, into a home that holds nothing yet: its past cannot be
added after a world seeded at the present.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from securecomm import system
from securecomm.clock import FixedClock
from securecomm.config import Settings
from securecomm.enforcement.cases import CaseWork
from securecomm.enforcement.models import Case
from securecomm.interop.components import available_components
from securecomm.interop.context import PipelineContext
from securecomm.interop.submissions import Submission, receive
from securecomm.interop.worker import WorkerStats, run_worker
from securecomm.store.database import unit_of_work
from securecomm.synthetic import casework, world
from securecomm.synthetic import home as world_home
from securecomm.synthetic.home import WorldError, WorldState
from securecomm.web.examiner_views import ExaminerViews
from securecomm.web.pipeline_prints import PipelinePrints
from securecomm.web.prints import PrintStore

#: The history begins this long before "now".
HISTORY = timedelta(days=150)
#: The early stories are booked evenly over the history, up to this long before "now".
EARLY_UNTIL = timedelta(days=10)
#: The late stages, booked this long before "now" (their deadlines are live at "now"), one
#: after the other: the declined detainer's expiry passes after the worker last ran (the sweep
#: has not seen it), the urgent detainer has hours left, the gate's reviews are not yet due.
LATE_STAGES: dict[str, timedelta] = {
    "jail_declined": timedelta(hours=80),
    "detainer_urgent": timedelta(hours=46),
    "assessed": timedelta(hours=16),
    "gate_open": timedelta(hours=8),
    "verified": timedelta(hours=7),
    "match": timedelta(hours=5),
}
#: Subject 0 (no records anywhere) is booked this many times along the history, at each jail
#: in turn: bookings that find no one.
NO_MATCH_BOOKINGS = 6
WORKER_NAME = "synthetic-history"


@dataclass(frozen=True)
class Played:
    #: Console subject number → its case number.
    cases: dict[int, str]
    bookings: int


def seed_with_history(
    settings: Settings,
    factory: sessionmaker[Session],
    now: datetime,
    *,
    seed: int = world_home.DEFAULT_SEED,
    background: int = world_home.DEFAULT_BACKGROUND,
    fingers: int = 10,
    say: Callable[[str], None] = lambda _line: None,
) -> tuple[WorldState, bool]:
    """Seed the world and play its history up to ``now``; (state, False) when the home holds
    this world with its history already. A home holding the world without its history (or a
    history that did not finish) is refused."""
    state = world_home.load_state(settings)
    if state is not None:
        if state.seed != seed:
            raise WorldError(
                f"{settings.home.resolve()} already holds the world of seed {state.seed}; "
                f"seed {seed} needs a home of its own"
            )
        if state.history == "done":
            return state, False
        why = "its history did not finish" if state.history else "it was seeded without history"
        raise WorldError(
            f"{settings.home.resolve()} holds the synthetic world, but {why}: the history "
            "starts five months back and is seeded only with the world, into an empty home "
            "(remove the home, or point SECURECOMM_HOME at a new folder)"
        )
    world_home.refuse_foreign_data(settings, factory)
    refuse_bookings(settings, factory)
    clock = FixedClock(now - HISTORY)
    state, _ = world_home.seed(
        settings, factory, clock, seed=seed, background=background, fingers=fingers, history=True
    )
    say(f"world seeded at {clock.now():%Y-%m-%d} (five months back)")
    play(settings, factory, clock, now, say=say)
    world_home.mark_history_done(settings)
    return world_home.require_state(settings), True


def refuse_bookings(settings: Settings, factory: sessionmaker[Session]) -> None:
    """The history's past is seeded into a home with no bookings and no cases yet (the world's
    seed refuses agencies and accounts of another run, and any data that is not synthetic)."""
    with factory() as session:
        bookings = session.scalar(select(func.count(Submission.id))) or 0
        cases = session.scalar(select(func.count(Case.id))) or 0
    if bookings or cases:
        raise WorldError(
            f"{settings.home.resolve()} already holds {bookings:,} booking(s) and {cases:,} "
            "case(s): the world's history is seeded only into an empty home (point "
            "SECURECOMM_HOME at a new folder)"
        )


def timeline(now: datetime) -> list[tuple[datetime, int]]:
    """When each console subject is booked: (time, subject number), in time order."""
    first = len(world.DEMO_STORIES)
    early = [n for n, s in enumerate(world.CONSOLE_STORIES, first) if s.stage not in LATE_STAGES]
    step = (HISTORY - EARLY_UNTIL) / len(early)
    times = {n: now - HISTORY + timedelta(hours=1) + i * step for i, n in enumerate(early)}
    seen: dict[str, int] = {}
    for n, story in enumerate(world.CONSOLE_STORIES, first):
        if story.stage in LATE_STAGES:
            again = seen[story.stage] = seen.get(story.stage, -1) + 1
            times[n] = now - LATE_STAGES[story.stage] + timedelta(minutes=10 * again)
    return sorted((t, n) for n, t in times.items())


def play(
    settings: Settings,
    factory: sessionmaker[Session],
    clock: FixedClock,
    now: datetime,
    *,
    say: Callable[[str], None] = lambda _line: None,
) -> Played:
    """Book each console subject through the pipeline at its time and work its case."""
    context = PipelineContext(available_components(settings), clock=clock)
    work = CaseWork(factory, clock)
    auditor = next(u.principal for u in world_home.USERS if u.username == "auditor")
    views = ExaminerViews(
        PrintStore(settings.home / "examiner"), {"idr:": PipelinePrints(factory, settings)}
    )
    pairs = casework.comparator_pairs(views)

    def run() -> WorkerStats:
        stats = run_worker(factory, context, system.STEPS, worker=WORKER_NAME, until_idle=True,
                           priority=system.STAGE_PRIORITY, schedule=system.SCHEDULE)  # fmt: skip
        if stats.failed:
            raise WorldError(f"the worker failed {stats.failed} job(s) of the history: {stats}")
        return stats

    def book(number: int, at: str | None = None) -> str:
        booked = world_home.booking(settings, number, clock.now(), at=at)
        with unit_of_work(factory) as session:
            receive(session, booked.raw, now=clock.now())
        run()
        return booked.tcn

    events = timeline(now)
    no_match_every = max(1, len(events) // NO_MATCH_BOOKINGS)
    cases: dict[int, str] = {}
    bookings = no_match = 0
    try:
        for i, (when, number) in enumerate(events):
            clock.set(max(clock.now(), when))
            if i % no_match_every == 0 and no_match < NO_MATCH_BOOKINGS:
                book(0, at=world.JAILS[no_match % len(world.JAILS)].ori)
                no_match += 1
                bookings += 1
                clock.advance(timedelta(minutes=10))
            tcn = book(number)
            bookings += 1
            by_tcn = {t: c.case_id for c in work.list_cases(auditor) for t in c.tcn}
            if tcn not in by_tcn:
                raise WorldError(f"the worker opened no case for booking {tcn} (subject {number})")
            cases[number] = by_tcn[tcn]
            story = world.STORIES[number]
            clock.advance(timedelta(minutes=20))
            casework.work_to_stage(work, clock, cases[number], story, world_home.USERS, pairs,
                                   now=now, run_worker=run)  # fmt: skip
            say(f"{clock.now():%Y-%m-%d %H:%M} subject {number} · {cases[number]}: {story.stage}")
            if clock.now() > now:
                raise WorldError(f"the history of subject {number} ran past now ({clock.now()})")
    finally:
        context.components.galleries.close()
    return Played(cases, bookings)
