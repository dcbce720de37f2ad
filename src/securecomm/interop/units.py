"""Units of work: one transaction per pipeline step, single-writer on SQLite.

SQLite allows one writer at a time. A transaction that reads first and writes later can fail at
its first write with "database is locked" when another connection committed in between (WAL
snapshot upgrade). ``unit_of_work`` therefore starts SQLite transactions with ``BEGIN
IMMEDIATE``, taking the write lock up front (waiting up to the busy timeout); on PostgreSQL it
is an ordinary transaction, and row locks (``FOR UPDATE SKIP LOCKED``) order the writers.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.orm import Session, sessionmaker


@contextmanager
def unit_of_work(factory: sessionmaker[Session]) -> Iterator[Session]:
    """A session in one transaction, committed on success, rolled back on any error."""
    with factory() as session:
        connection = session.connection()
        if connection.dialect.name == "sqlite":
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        try:
            yield session
        except BaseException:
            session.rollback()
            raise
        session.commit()
