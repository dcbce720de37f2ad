"""Generate a synthetic booking population from a seed: pure data, no database.

One ``random.Random(seed)`` drives every draw, in a fixed order, so the same seed and parameters
give the same population on every machine. Each person gets a true status (from the mix), the
immigration file DHS would hold for that status (or none), a rap sheet of prior arrests, and
booking events at synthetic jails.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from securecomm.records.criminal import ChargeLevel, DispositionOutcome, SentenceKind, Sex
from securecomm.records.immigration import EncounterKind, ImmigrationStatus
from securecomm.records.ncic import NcicCodes, NcicOffense
from securecomm.records.provenance import SourceSystem
from securecomm.synthetic.population.models import TrueStatus
from securecomm.synthetic.population.names import (
    synthetic_family_name,
    synthetic_given_name,
    synthetic_name,
)
from securecomm.synthetic.population.parameters import PopulationParameters

#: Countries of birth for foreign-born persons (ISO 3166 alpha-2). Drawn uniformly; no decision
#: anywhere in the system may use a birthplace (DESIGN §5.1).
FOREIGN_COUNTRIES = ("MX", "GT", "SV", "HN", "IN", "CN", "PH", "VN", "DO", "CU", "CO", "HT",
                     "NG", "JM", "PL", "KR", "BR", "EC", "PE", "CA")  # fmt: skip


@dataclass(frozen=True)
class GeneratedAgency:
    ori: str
    name: str
    state: str
    county: str | None
    is_field_office: bool
    field_office_ori: str | None


@dataclass(frozen=True)
class GeneratedCharge:
    offense: NcicOffense
    level: ChargeLevel
    outcome: DispositionOutcome | None  # None: pending
    decided_on: date | None
    sentence_kind: SentenceKind | None
    sentence_days: int


@dataclass(frozen=True)
class GeneratedArrest:
    arrested_at: datetime
    agency_ori: str
    charges: tuple[GeneratedCharge, ...]


@dataclass(frozen=True)
class GeneratedStatus:
    status: ImmigrationStatus
    effective_on: date
    source_system: SourceSystem
    last_updated: datetime


@dataclass(frozen=True)
class GeneratedEncounter:
    kind: EncounterKind
    occurred_at: datetime
    location: str
    source_system: SourceSystem


@dataclass(frozen=True)
class GeneratedRemoval:
    removed_on: date
    destination: str
    order_basis: str


@dataclass(frozen=True)
class GeneratedBooking:
    agency_ori: str
    booked_at: datetime
    offense: NcicOffense


@dataclass
class GeneratedPerson:
    number: int
    family_name: str
    given_name: str
    date_of_birth: date
    sex: Sex
    country_of_birth: str
    true_status: TrueStatus
    status_recorded: bool
    finger_seed: int
    in_immigration_gallery: bool
    fbi_number: str | None = None
    fin: str | None = None
    statuses: list[GeneratedStatus] = field(default_factory=list)
    encounters: list[GeneratedEncounter] = field(default_factory=list)
    removals: list[GeneratedRemoval] = field(default_factory=list)
    arrests: list[GeneratedArrest] = field(default_factory=list)
    bookings: list[GeneratedBooking] = field(default_factory=list)


@dataclass
class Population:
    seed: int
    parameters: PopulationParameters
    agencies: list[GeneratedAgency]
    persons: list[GeneratedPerson]

    @property
    def jails(self) -> list[GeneratedAgency]:
        return [a for a in self.agencies if not a.is_field_office]


def generate_population(
    parameters: PopulationParameters, ncic: NcicCodes, *, seed: int
) -> Population:
    parameters.validate()
    rng = random.Random(seed)
    agencies = _agencies(rng, parameters)
    jails = [a for a in agencies if not a.is_field_office]
    offenses = {c: ncic.in_categories([c]) for c in parameters.offense_weights}
    empty = [c for c, found in offenses.items() if not found]
    if empty:
        from securecomm.records.errors import PopulationConfigError

        raise PopulationConfigError(f"no NCIC codes in offense categories {empty}")
    statuses = list(TrueStatus)
    weights = [parameters.mix.as_dict()[s.value] for s in statuses]
    used_fbi: set[str] = set()
    used_fin: set[str] = set()
    persons = []
    for number in range(1, parameters.persons + 1):
        status = rng.choices(statuses, weights)[0]
        person = _person(rng, number, status, parameters)
        _immigration_history(rng, person, parameters, used_fin)
        _criminal_history(rng, person, parameters, jails, offenses, used_fbi)
        _bookings(rng, person, parameters, jails, offenses)
        persons.append(person)
    return Population(seed=seed, parameters=parameters, agencies=agencies, persons=persons)


def _at(day: date, rng: random.Random) -> datetime:
    return datetime.combine(day, time(rng.randrange(24), rng.randrange(60)), tzinfo=UTC)


def _day_between(rng: random.Random, start: date, end: date) -> date:
    span = (end - start).days
    return start + timedelta(days=rng.randrange(max(span, 1)))


def _poisson(rng: random.Random, mean: float) -> int:
    """Knuth's method; means here are small."""
    limit, k, p = math.exp(-mean), 0, 1.0
    while True:
        p *= rng.random()
        if p <= limit:
            return k
        k += 1


def _agencies(rng: random.Random, parameters: PopulationParameters) -> list[GeneratedAgency]:
    agencies = []
    for state in parameters.states:
        agencies.append(
            GeneratedAgency(
                ori=f"{state}ICE0000",
                name=f"SYNTHETIC ICE FIELD OFFICE {state}",
                state=state,
                county=None,
                is_field_office=True,
                field_office_ori=None,
            )
        )
    for index in range(parameters.jails):
        state = parameters.states[index % len(parameters.states)]
        county = synthetic_name(rng, 2).title() + " County"
        agencies.append(
            GeneratedAgency(
                ori=f"{state}{index + 1:04d}000",
                name=f"SYNTHETIC {county.upper()} JAIL",
                state=state,
                county=county,
                is_field_office=False,
                field_office_ori=f"{state}ICE0000",
            )
        )
    return agencies


def _person(
    rng: random.Random, number: int, status: TrueStatus, parameters: PopulationParameters
) -> GeneratedPerson:
    born = _day_between(rng, date(1950, 1, 1), date(1991, 1, 1))
    foreign = status is not TrueStatus.US_BORN_CITIZEN
    stale = False
    if status is TrueStatus.NATURALIZED_CITIZEN:
        stale = rng.random() < parameters.stale_naturalization_share
    elif status is TrueStatus.DERIVED_CITIZEN:
        stale = rng.random() < 0.5  # derived citizenship is often never filed (no N-600)
    in_gallery = {
        TrueStatus.US_BORN_CITIZEN: rng.random() < parameters.us_born_in_ident_share,
        TrueStatus.NO_STATUS: rng.random() < parameters.no_status_encountered_share,
    }.get(status, True)
    return GeneratedPerson(
        number=number,
        family_name=synthetic_family_name(rng),
        given_name=synthetic_given_name(rng),
        date_of_birth=born,
        sex=Sex.MALE if rng.random() < 0.8 else Sex.FEMALE,
        country_of_birth=rng.choice(FOREIGN_COUNTRIES) if foreign else "US",
        true_status=status,
        status_recorded=not stale,
        finger_seed=rng.getrandbits(48),
        in_immigration_gallery=in_gallery,
    )


def _immigration_history(
    rng: random.Random,
    person: GeneratedPerson,
    parameters: PopulationParameters,
    used_fin: set[str],
) -> None:
    if not person.in_immigration_gallery:
        return
    fin = "".join(rng.choice("0123456789") for _ in range(10))
    while fin in used_fin:
        fin = "".join(rng.choice("0123456789") for _ in range(10))
    used_fin.add(fin)
    person.fin = fin
    adult = person.date_of_birth + timedelta(days=18 * 365)
    horizon = parameters.bookings_start
    status = person.true_status

    def add_status(kind: ImmigrationStatus, day: date, source: SourceSystem) -> None:
        lag = timedelta(days=rng.randrange(1, 90))
        person.statuses.append(GeneratedStatus(kind, day, source, _at(day + lag, rng)))

    def encounter(kind: EncounterKind, day: date, source: SourceSystem, where: str) -> None:
        person.encounters.append(GeneratedEncounter(kind, _at(day, rng), where, source))

    if status is TrueStatus.US_BORN_CITIZEN:
        # The GAO-21-487 case: a citizen whose prints were taken and recorded as foreign.
        day = _day_between(rng, adult, horizon)
        encounter(EncounterKind.INTERIOR_ARREST, day, SourceSystem.ENFORCE, "SYNTHETIC AOR")
        add_status(ImmigrationStatus.NO_STATUS, day, SourceSystem.ENFORCE)
        return
    arrival = _day_between(
        rng, person.date_of_birth + timedelta(days=365), horizon - timedelta(days=800)
    )
    port = "SYNTHETIC PORT " + synthetic_name(rng, 1)
    if status in (TrueStatus.NATURALIZED_CITIZEN, TrueStatus.LAWFUL_PERMANENT_RESIDENT,
                  TrueStatus.DERIVED_CITIZEN):  # fmt: skip
        encounter(EncounterKind.PORT_OF_ENTRY, arrival, SourceSystem.ADIS, port)
        lpr_day = arrival + timedelta(days=rng.randrange(0, 400))
        encounter(EncounterKind.BENEFIT_APPLICATION, lpr_day, SourceSystem.CLAIMS, "USCIS ASC")
        add_status(ImmigrationStatus.LAWFUL_PERMANENT_RESIDENT, lpr_day, SourceSystem.CLAIMS)
        if status is TrueStatus.NATURALIZED_CITIZEN and person.status_recorded:
            day = min(lpr_day + timedelta(days=5 * 365 + rng.randrange(0, 1500)), horizon)
            add_status(ImmigrationStatus.NATURALIZED, day, SourceSystem.CLAIMS)
        if status is TrueStatus.DERIVED_CITIZEN and person.status_recorded:
            day = _day_between(rng, lpr_day, horizon)
            add_status(ImmigrationStatus.DERIVED_CITIZEN, day, SourceSystem.CLAIMS)
    elif status is TrueStatus.VISA_HOLDER:
        day = max(arrival, adult)
        encounter(EncounterKind.VISA_APPLICATION, day - timedelta(days=60), SourceSystem.IDENT,
                  "SYNTHETIC CONSULATE")  # fmt: skip
        encounter(EncounterKind.PORT_OF_ENTRY, day, SourceSystem.ADIS, port)
        add_status(ImmigrationStatus.NONIMMIGRANT_VISA, day, SourceSystem.ADIS)
    elif status is TrueStatus.NO_STATUS:
        day = max(arrival, adult)
        encounter(EncounterKind.BORDER_APPREHENSION, day, SourceSystem.ENFORCE, port)
        add_status(ImmigrationStatus.NO_STATUS, day, SourceSystem.ENFORCE)
    elif status is TrueStatus.PREVIOUSLY_REMOVED:
        day = max(arrival, adult)
        encounter(EncounterKind.BORDER_APPREHENSION, day, SourceSystem.ENFORCE, port)
        add_status(ImmigrationStatus.NO_STATUS, day, SourceSystem.ENFORCE)
        removed = min(day + timedelta(days=rng.randrange(30, 700)), horizon)
        encounter(EncounterKind.REMOVAL, removed, SourceSystem.ENFORCE, port)
        add_status(ImmigrationStatus.REMOVED, removed, SourceSystem.EOIR)
        person.removals.append(
            GeneratedRemoval(removed, person.country_of_birth, "SYNTHETIC FINAL ORDER OF REMOVAL")
        )


def _charge(
    rng: random.Random,
    parameters: PopulationParameters,
    offenses: dict[str, list[NcicOffense]],
    arrested: date,
    pending: bool,
) -> GeneratedCharge:
    categories = list(parameters.offense_weights)
    category = rng.choices(categories, [parameters.offense_weights[c] for c in categories])[0]
    offense = rng.choice(offenses[category])
    felony = rng.random() < parameters.felony_probability.get(category, 0.3)
    level = ChargeLevel.FELONY if felony else ChargeLevel.MISDEMEANOR
    if pending:
        return GeneratedCharge(offense, level, None, None, None, 0)
    decided = arrested + timedelta(days=rng.randrange(20, 400))
    if rng.random() >= parameters.conviction_probability:
        outcome = rng.choice(
            (DispositionOutcome.DISMISSED, DispositionOutcome.NOLLE_PROSEQUI,
             DispositionOutcome.ACQUITTED, DispositionOutcome.DEFERRED)
        )  # fmt: skip
        return GeneratedCharge(offense, level, outcome, decided, None, 0)
    table = parameters.felony_sentences if felony else parameters.misdemeanor_sentences
    kinds = list(table)
    kind = rng.choices(kinds, [table[k][0] for k in kinds])[0]
    low, high = table[kind][1], table[kind][2]
    days = rng.randint(low, high)
    return GeneratedCharge(offense, level, DispositionOutcome.CONVICTED, decided, kind, days)


def _criminal_history(
    rng: random.Random,
    person: GeneratedPerson,
    parameters: PopulationParameters,
    jails: list[GeneratedAgency],
    offenses: dict[str, list[NcicOffense]],
    used_fbi: set[str],
) -> None:
    if rng.random() >= parameters.prior_arrest_share:
        return
    alphabet = "0123456789ABCDEFGHJKLMNPRTUVWXY"
    number = "".join(rng.choice(alphabet) for _ in range(9))
    while number in used_fbi:
        number = "".join(rng.choice(alphabet) for _ in range(9))
    used_fbi.add(number)
    person.fbi_number = number
    adult = person.date_of_birth + timedelta(days=18 * 365)
    count = 1 + _poisson(rng, parameters.mean_extra_prior_arrests)
    days = sorted(_day_between(rng, adult, parameters.bookings_start) for _ in range(count))
    for index, day in enumerate(days):
        pending = index == len(days) - 1 and rng.random() < parameters.pending_share
        charges = tuple(
            _charge(rng, parameters, offenses, day, pending) for _ in range(rng.choice((1, 1, 2)))
        )
        person.arrests.append(GeneratedArrest(_at(day, rng), rng.choice(jails).ori, charges))


def _bookings(
    rng: random.Random,
    person: GeneratedPerson,
    parameters: PopulationParameters,
    jails: list[GeneratedAgency],
    offenses: dict[str, list[NcicOffense]],
) -> None:
    count = 1 + _poisson(rng, parameters.mean_extra_bookings)
    categories = list(parameters.offense_weights)
    weights = [parameters.offense_weights[c] for c in categories]
    for _ in range(count):
        day = _day_between(rng, parameters.bookings_start, parameters.bookings_end)
        offense = rng.choice(offenses[rng.choices(categories, weights)[0]])
        person.bookings.append(GeneratedBooking(rng.choice(jails).ori, _at(day, rng), offense))
    person.bookings.sort(key=lambda b: b.booked_at)
