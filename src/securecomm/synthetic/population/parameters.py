"""Every tuning number of the synthetic population, with where it comes from.

The status mix is the mix among *people booked into local jails*, not the national population.
It is calibrated so that the share of bookings whose prints match an immigration record equals
the program's measured rate: 597,527 IDENT matches out of 9,108,703 submissions to mid-2011,
6.56 % (``sc_matches_mid2011`` / ``sc_submissions_mid2011`` in program_figures.csv). Who has
prints in the immigration gallery: every naturalised or derived citizen (from their LPR
application), every LPR, visa holder and previously removed person, the share of people without
status who were ever encountered, and a few U.S.-born citizens with an erroneous record (the
GAO-21-487 cases). ``expected_match_share`` computes the rate the mix implies; a test holds it
to the figure.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from securecomm.records.criminal import SentenceKind
from securecomm.records.errors import PopulationConfigError


@dataclass(frozen=True)
class StatusMix:
    """Share of booked persons by true status (sums to 1)."""

    us_born_citizen: float = 0.905
    naturalized_citizen: float = 0.020
    derived_citizen: float = 0.002
    lawful_permanent_resident: float = 0.022
    visa_holder: float = 0.006
    no_status: float = 0.038
    previously_removed: float = 0.007

    def as_dict(self) -> dict[str, float]:
        return {
            "us_born_citizen": self.us_born_citizen,
            "naturalized_citizen": self.naturalized_citizen,
            "derived_citizen": self.derived_citizen,
            "lawful_permanent_resident": self.lawful_permanent_resident,
            "visa_holder": self.visa_holder,
            "no_status": self.no_status,
            "previously_removed": self.previously_removed,
        }


#: Offense categories (first two NCIC digits) of arrest charges, with weights roughly following
#: the mix of jail bookings: drugs, assault, larceny, traffic first; homicide rare.
OFFENSE_CATEGORY_WEIGHTS: dict[str, float] = {
    "35": 0.22,  # dangerous drugs
    "13": 0.15,  # assault
    "23": 0.14,  # larceny
    "54": 0.12,  # traffic offenses
    "22": 0.06,  # burglary
    "26": 0.05,  # fraud
    "48": 0.05,  # obstructing police
    "73": 0.04,  # public order
    "52": 0.04,  # weapon offenses
    "29": 0.03,  # damage property
    "12": 0.03,  # robbery
    "24": 0.02,  # stolen vehicle
    "50": 0.02,  # obstructing judiciary
    "11": 0.01,  # sexual assault
    "10": 0.005,  # kidnapping
    "09": 0.005,  # homicide
}

#: Probability that a charge in a category is a felony.
FELONY_PROBABILITY: dict[str, float] = {
    "09": 1.0, "10": 1.0, "11": 1.0, "12": 1.0, "22": 0.9, "24": 0.7, "35": 0.45,
    "13": 0.35, "26": 0.4, "52": 0.5, "23": 0.25, "29": 0.2, "50": 0.2, "54": 0.1,
    "48": 0.1, "73": 0.05,
}  # fmt: skip


#: Sentences on conviction: kind → (probability, shortest days, longest days).
FELONY_SENTENCES: dict[SentenceKind, tuple[float, int, int]] = {
    SentenceKind.PRISON: (0.5, 365, 3650),
    SentenceKind.JAIL: (0.3, 30, 365),
    SentenceKind.PROBATION: (0.2, 365, 1825),
}
MISDEMEANOR_SENTENCES: dict[SentenceKind, tuple[float, int, int]] = {
    SentenceKind.JAIL: (0.3, 1, 180),
    SentenceKind.PROBATION: (0.3, 180, 730),
    SentenceKind.FINE: (0.25, 0, 0),
    SentenceKind.TIME_SERVED: (0.15, 1, 10),
}


@dataclass(frozen=True)
class PopulationParameters:
    persons: int = 1000
    mix: StatusMix = field(default_factory=StatusMix)
    #: Naturalised citizens whose immigration file still ends at "LPR" (never updated).
    stale_naturalization_share: float = 0.25
    #: People without status whose prints were ever taken by DHS (the rest are not in IDENT).
    no_status_encountered_share: float = 0.22
    #: U.S.-born citizens with an (erroneous) immigration record and prints in IDENT.
    us_born_in_ident_share: float = 0.001
    #: Share of booked persons with at least one prior arrest on their rap sheet.
    prior_arrest_share: float = 0.55
    #: Mean number of prior arrests of those who have any (1 + Poisson).
    mean_extra_prior_arrests: float = 1.2
    #: Probability that a charge ends in a conviction (otherwise dismissed, acquitted, ...).
    conviction_probability: float = 0.55
    #: Probability that the latest prior arrest's charges are still pending.
    pending_share: float = 0.15
    #: Booking events per person: 1 + Poisson(mean_extra_bookings).
    mean_extra_bookings: float = 0.3
    jails: int = 24
    states: tuple[str, ...] = ("VA", "TX", "AZ", "CA", "FL", "NC")
    bookings_start: date = date(2009, 1, 1)
    bookings_end: date = date(2011, 6, 30)
    #: Offense mix of charges (NCIC categories) and felony probability per category.
    offense_weights: dict[str, float] = field(
        default_factory=lambda: dict(OFFENSE_CATEGORY_WEIGHTS)
    )
    felony_probability: dict[str, float] = field(default_factory=lambda: dict(FELONY_PROBABILITY))
    felony_sentences: dict[SentenceKind, tuple[float, int, int]] = field(
        default_factory=lambda: dict(FELONY_SENTENCES)
    )
    misdemeanor_sentences: dict[SentenceKind, tuple[float, int, int]] = field(
        default_factory=lambda: dict(MISDEMEANOR_SENTENCES)
    )

    def validate(self) -> None:
        shares = self.mix.as_dict()
        for name, value in shares.items():
            if not 0.0 <= value <= 1.0:
                raise PopulationConfigError(f"status mix {name} = {value} is outside [0, 1]")
        total = sum(shares.values())
        if abs(total - 1.0) > 1e-6:
            raise PopulationConfigError(f"status mix shares add up to {total:.6f}, not 1")
        for name in (
            "stale_naturalization_share",
            "no_status_encountered_share",
            "us_born_in_ident_share",
            "prior_arrest_share",
            "conviction_probability",
            "pending_share",
        ):
            value = getattr(self, name)
            if not 0.0 <= value <= 1.0:
                raise PopulationConfigError(f"{name} = {value} is outside [0, 1]")
        if self.persons < 1:
            raise PopulationConfigError(f"persons = {self.persons}: need at least one")
        if self.jails < 1 or not self.states:
            raise PopulationConfigError("need at least one jail and one state")
        if self.bookings_end <= self.bookings_start:
            raise PopulationConfigError("bookings_end must be after bookings_start")

    def expected_match_share(self) -> float:
        """Share of persons whose prints are in the immigration gallery (see module docstring)."""
        m = self.mix
        return (
            m.naturalized_citizen
            + m.derived_citizen
            + m.lawful_permanent_resident
            + m.visa_holder
            + m.previously_removed
            + m.no_status * self.no_status_encountered_share
            + m.us_born_citizen * self.us_born_in_ident_share
        )
