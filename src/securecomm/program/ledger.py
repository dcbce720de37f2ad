"""Where every simulated person is: one place at a time, so people are conserved.

The ledger is the simulation's single source of truth for "who is where"; its invariant — the
counts per place add up to everyone who entered, and equal the histogram of each person's place —
is checked by :meth:`PeopleLedger.check`.
"""

from __future__ import annotations

import enum

import numpy as np


class Place(enum.IntEnum):
    LESC_CHECK = 0  # matched or referred, status being determined
    LOCAL_CUSTODY = 1  # in the jail or prison, with or without a detainer
    DETENTION = 2  # ICE detention bed
    ATD = 3  # released on Alternatives to Detention, case pending
    BOND = 4  # released on bond or recognizance, case pending
    REMOVED = 5
    RELIEF = 6  # case ended with relief or termination; stays lawfully
    RELEASED = 7  # released with no ICE custody (not removable, no action, declined, missed)
    AT_LARGE = 8  # final order not executed


class PeopleLedger:
    def __init__(self) -> None:
        self._place: list[int] = []
        self.counts = np.zeros(len(Place), dtype=np.int64)

    @property
    def entered(self) -> int:
        return len(self._place)

    def enter(self, place: Place) -> int:
        """Register a new person and return their id."""
        self._place.append(int(place))
        self.counts[place] += 1
        return len(self._place) - 1

    def move(self, pid: int, to: Place) -> None:
        self.counts[self._place[pid]] -= 1
        self._place[pid] = int(to)
        self.counts[to] += 1

    def place_of(self, pid: int) -> Place:
        return Place(self._place[pid])

    def check(self) -> None:
        """Raise AssertionError unless every person is in exactly one place."""
        hist = np.bincount(np.asarray(self._place, dtype=np.int64), minlength=len(Place))
        if int(self.counts.sum()) != self.entered or not np.array_equal(hist, self.counts):
            raise AssertionError(
                f"ledger out of balance: entered {self.entered}, counts {self.counts.tolist()}, "
                f"histogram {hist.tolist()}"
            )

    def by_place(self) -> dict[str, int]:
        return {p.name.lower(): int(self.counts[p]) for p in Place}
