"""The facility registry: state and local prisons and jails, and the federal prisons screened
remotely by the DEPORT centre, each with its screening coverage.

Names and places are synthetic (``Synthetic County Jail 0042``, ``Synthetic Place 0042``) and
every record carries ``synthetic=True``: the registry reproduces the plan's counts and a realistic
spread of volumes, never a real facility or a real person. Volumes come from a seeded generator
(:func:`securecomm.program.registry.generate_registry`); tiers come from the risk assessment
(:mod:`securecomm.program.tiers`), not from this module.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass


class FacilityKind(enum.StrEnum):
    STATE = "state"  # state prison or reception centre
    COUNTY_CITY = "county_city"  # county or city jail
    FEDERAL = "federal"  # Bureau of Prisons facility, screened remotely by the DEPORT centre


class Tier(enum.IntEnum):
    """The plan's risk tiers: I holds the most serious criminal aliens, IV the fewest."""

    I = 1  # noqa: E741 - the plan's own name
    II = 2
    III = 3
    IV = 4


#: The levels of a matched person's most serious conviction (``NONE``: no conviction).
LEVELS = ("L1", "L2", "L3", "NONE")


@dataclass(frozen=True)
class Coverage:
    """How a facility's bookings reach ICE (at the start of a scenario)."""

    #: IDENT/IAFIS interoperability active: every booking's prints are also searched in IDENT.
    interoperability: bool = False
    #: A CAP team works on site (in-person interviews, jail lists).
    cap_team_on_site: bool = False
    #: A video-teleconference link for remote interviews.
    video: bool = False
    #: A 287(g) jail agreement: delegated officers screen and always honour detainers.
    agreement_287g: bool = False
    #: Screened remotely by the DEPORT centre (federal prisons).
    deport_remote: bool = False


@dataclass(frozen=True)
class Facility:
    """One facility. Shares are of the facility's bookings; ``level_mix`` is the share of its
    matched persons by level of most serious conviction (L1, L2, L3, none)."""

    id: int
    name: str
    place: str
    kind: FacilityKind
    annual_bookings: float
    foreign_born_share: float
    level_mix: tuple[float, float, float, float]
    coverage: Coverage
    tier: Tier | None = None
    synthetic: bool = True

    @property
    def criminality(self) -> float:
        """Share of matched persons with a Level 1 or Level 2 conviction."""
        return self.level_mix[0] + self.level_mix[1]
