"""The jobs table: leases, reclaim after a worker dies, fenced completion, retries."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.orm import Session, sessionmaker

from securecomm.clock import FixedClock
from securecomm.interop import jobs
from securecomm.store.database import unit_of_work


def _enqueue(factory: sessionmaker[Session], clock: FixedClock, key: str) -> int:
    with unit_of_work(factory) as session:
        return jobs.enqueue(session, "demo", {"key": key}, dedupe_key=key, now=clock.now()).id


def _claim(
    factory: sessionmaker[Session], clock: FixedClock, worker: str
) -> jobs.ClaimedJob | None:
    with unit_of_work(factory) as session:
        return jobs.claim(session, worker=worker, now=clock.now(), lease=timedelta(seconds=30))


def test_enqueue_is_idempotent_on_dedupe_key(
    factory: sessionmaker[Session], clock: FixedClock
) -> None:
    assert _enqueue(factory, clock, "k1") == _enqueue(factory, clock, "k1")
    with factory() as session:
        assert jobs.pending_count(session) == 1


def test_a_leased_job_is_not_claimed_twice_until_its_lease_expires(
    factory: sessionmaker[Session], clock: FixedClock
) -> None:
    _enqueue(factory, clock, "k1")
    first = _claim(factory, clock, "w1")
    assert first is not None and first.attempts == 1
    assert _claim(factory, clock, "w2") is None
    clock.advance(timedelta(seconds=31))
    second = _claim(factory, clock, "w2")
    assert second is not None and second.id == first.id and second.attempts == 2
    assert second.lease_token != first.lease_token
    # The first worker lost its lease: its completion is refused, the second's is accepted.
    with unit_of_work(factory) as session:
        assert not jobs.finish(session, first, now=clock.now())
    with unit_of_work(factory) as session:
        assert jobs.finish(session, second, now=clock.now())
    with factory() as session:
        assert session.get(jobs.Job, first.id).state is jobs.JobState.DONE  # type: ignore[union-attr]
        assert jobs.pending_count(session) == 0


def test_jobs_are_claimed_oldest_first(factory: sessionmaker[Session], clock: FixedClock) -> None:
    ids = [_enqueue(factory, clock, f"k{i}") for i in range(3)]
    claimed = [_claim(factory, clock, "w") for _ in range(3)]
    assert [c.id for c in claimed if c is not None] == ids


def test_retry_backs_off_then_fails_after_max_attempts(
    factory: sessionmaker[Session], clock: FixedClock
) -> None:
    with unit_of_work(factory) as session:
        jobs.enqueue(session, "demo", {}, dedupe_key="k", now=clock.now(), max_attempts=2)
    job = _claim(factory, clock, "w")
    assert job is not None
    with unit_of_work(factory) as session:
        assert jobs.retry_later(session, job, error="boom", now=clock.now()) is jobs.JobState.READY
    assert _claim(factory, clock, "w") is None  # backing off
    clock.advance(timedelta(seconds=2))
    job = _claim(factory, clock, "w")
    assert job is not None and job.attempts == 2
    with unit_of_work(factory) as session:
        assert jobs.retry_later(session, job, error="boom", now=clock.now()) is jobs.JobState.FAILED
    clock.advance(timedelta(hours=1))
    assert _claim(factory, clock, "w") is None
    with factory() as session:
        row = session.get(jobs.Job, job.id)
        assert row is not None and row.last_error == "boom"


def test_a_priority_list_claims_later_stages_first_then_oldest(
    factory: sessionmaker[Session], clock: FixedClock
) -> None:
    with unit_of_work(factory) as session:
        for key, kind in (("a", "first"), ("b", "second"), ("c", "first"), ("d", "third")):
            jobs.enqueue(session, kind, {}, dedupe_key=key, now=clock.now())
    order = []
    while True:
        with unit_of_work(factory) as session:
            job = jobs.claim(session, worker="w", now=clock.now(), priority=("third", "second"))
        if job is None:
            break
        order.append(job.kind)
    # Kinds in the list by rank, then the rest oldest first.
    assert order == ["third", "second", "first", "first"]
