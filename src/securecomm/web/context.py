"""What every console request needs: the database, the clock, case work, prints, signing."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from sqlalchemy.orm import Session, sessionmaker

from securecomm.clock import Clock
from securecomm.config import Settings
from securecomm.enforcement import CaseWork
from securecomm.store.database import unit_of_work
from securecomm.web.examiner_views import ExaminerViews
from securecomm.web.signing import Signer


@dataclass
class Console:
    settings: Settings
    factory: sessionmaker[Session]
    clock: Clock
    work: CaseWork
    prints: ExaminerViews
    signer: Signer

    @contextmanager
    def unit(self) -> Iterator[Session]:
        """One transaction: committed on success, rolled back on any error."""
        with unit_of_work(self.factory) as session:
            yield session
