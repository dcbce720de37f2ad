"""Where an occurrence is counted: the state and county of the booking facility.

**The county rule.** A facility's county is the county its agency record names (the
``agencies`` registry, filled when the jail is registered); its state is that record's state.
A facility that is not registered is counted under "unknown county" of the state the ORI's first
two letters name (an ORI always starts with its state). The ORI's characters 3–5 are *not* read
as a county code: that is only the numbering convention of many local agencies, not a rule of
the ORI (state agencies, federal agencies and the population generator's jails, ``TX0001000``
… ``TX0099000``, all share a prefix across counties), so reading it would merge counties and
invent others. The agency record is what the jail itself declared, and it can be checked.
A county is named with its state (``SYNTHETIC COUNTY A, VA``): county names repeat across
states.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from securecomm.program.figures.definition import Database
from securecomm.records.agencies import Agency

UNKNOWN_COUNTY = "unknown county"


@dataclass(frozen=True)
class Place:
    state: str
    county: str  # "<county>, <state>"


class Places:
    """The place of each ORI, from the agency registry read once."""

    def __init__(self, db: Database) -> None:
        self._agencies = {
            ori.strip().upper(): (state, county)
            for ori, state, county in db.execute(select(Agency.ori, Agency.state, Agency.county))
        }

    def of(self, ori: str) -> Place:
        code = ori.strip().upper()
        state, county = self._agencies.get(code, (code[:2], None))
        return Place(state, f"{county or UNKNOWN_COUNTY}, {state}")
