"""A published figure: what is counted, in what unit, out of which other figure, and the query.

A figure counts *occurrences*: each is a time (the figure's definition names the timestamp) and
the ORI of the booking facility it is placed at (``None``: the occurrence has no facility and is
counted nationally only). The report and the dashboard group the same occurrences by month and
by place (:mod:`securecomm.program.figures.places`), so they cannot count a figure two ways.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

#: What a query reads from: an ORM session or a plain connection (the CLI's report).
Database = Session | Connection
#: (when, booking facility ORI or None).
Occurrence = tuple[datetime | None, str | None]
Query = Callable[[Database], Iterable[Occurrence]]

GEOGRAPHIES = ("national", "state", "county")
NATIONAL_ONLY = ("national",)


@dataclass(frozen=True)
class Figure:
    """One published figure, defined once: the report's rows and the dashboard's tiles read it."""

    key: str
    label: str
    definition: str
    unit: str
    query: Query
    #: The key of the figure it is a share of (same month and place), if any.
    denominator: str | None = None
    #: The geographies it is published for (a figure without a facility is national only).
    geographies: tuple[str, ...] = GEOGRAPHIES
