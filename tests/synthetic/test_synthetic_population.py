"""The synthetic population: calibrated proportions, determinism, synthetic markings."""

from __future__ import annotations

import csv
from collections import Counter
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from securecomm.records import (
    Conviction,
    CriminalIdentity,
    Encounter,
    ImmigrationIdentity,
    NcicCodes,
    Removal,
    StatusRecord,
)
from securecomm.records.errors import PopulationConfigError
from securecomm.records.immigration import ImmigrationStatus
from securecomm.synthetic.population import (
    PopulationParameters,
    StatusMix,
    generate_population,
    seed_population,
)
from securecomm.synthetic.population.models import SyntheticPerson, TrueStatus
from securecomm.synthetic.population.names import ONSETS


@pytest.fixture(scope="module")
def ncic(shared_data: Path) -> NcicCodes:
    return NcicCodes.load(shared_data)


def _figure(shared_data: Path, name: str) -> float:
    with (shared_data / "reference" / "program_figures.csv").open() as handle:
        for row in csv.DictReader(handle):
            if row["id"] == name:
                return float(row["value"])
    raise AssertionError(f"{name} not in program_figures.csv")


def test_status_mix_implies_the_measured_match_rate(shared_data: Path) -> None:
    measured = _figure(shared_data, "sc_matches_mid2011") / _figure(
        shared_data, "sc_submissions_mid2011"
    )
    assert 0.06 < measured < 0.07
    assert PopulationParameters().expected_match_share() == pytest.approx(measured, abs=0.002)


def test_generated_proportions_are_within_tolerance(ncic: NcicCodes) -> None:
    parameters = PopulationParameters(persons=20000)
    population = generate_population(parameters, ncic, seed=11)
    n = len(population.persons)
    counts = Counter(p.true_status for p in population.persons)
    for status, share in parameters.mix.as_dict().items():
        observed = counts[TrueStatus(status)] / n
        tolerance = 4 * (share * (1 - share) / n) ** 0.5 + 1e-4  # four standard errors
        assert abs(observed - share) <= tolerance, status
    in_gallery = sum(p.in_immigration_gallery for p in population.persons) / n
    assert in_gallery == pytest.approx(parameters.expected_match_share(), abs=0.006)
    with_priors = sum(p.fbi_number is not None for p in population.persons) / n
    assert with_priors == pytest.approx(parameters.prior_arrest_share, abs=0.015)
    naturalised = [p for p in population.persons if p.true_status is TrueStatus.NATURALIZED_CITIZEN]
    stale = sum(not p.status_recorded for p in naturalised) / len(naturalised)
    assert stale == pytest.approx(parameters.stale_naturalization_share, abs=0.08)
    # A stale naturalised citizen's file ends at LPR: the case the citizenship gate exists for.
    for person in naturalised:
        last = person.statuses[-1].status
        expected = ImmigrationStatus.NATURALIZED if person.status_recorded else (
            ImmigrationStatus.LAWFUL_PERMANENT_RESIDENT
        )  # fmt: skip
        assert last is expected


def test_same_seed_same_population_other_seed_other_population(ncic: NcicCodes) -> None:
    parameters = PopulationParameters(persons=300)
    a = generate_population(parameters, ncic, seed=5)
    b = generate_population(parameters, ncic, seed=5)
    c = generate_population(parameters, ncic, seed=6)
    assert a.persons == b.persons and a.agencies == b.agencies
    assert [p.family_name for p in a.persons] != [p.family_name for p in c.persons]


def test_every_charge_uses_a_real_ncic_code_and_convictions_have_sentences(
    ncic: NcicCodes,
) -> None:
    population = generate_population(PopulationParameters(persons=2000), ncic, seed=3)
    charges = [c for p in population.persons for a in p.arrests for c in a.charges]
    assert len(charges) > 1000
    assert all(c.offense.code in ncic for c in charges)
    convictions = [c for c in charges if c.sentence_kind is not None]
    assert 0.35 < len(convictions) / len(charges) < 0.6
    assert all(c.sentence_days >= 0 and c.decided_on is not None for c in convictions)
    bookings = [b for p in population.persons for b in p.bookings]
    assert all(b.offense.code in ncic for b in bookings)
    assert len(bookings) >= len(population.persons)


def test_names_are_built_from_syllables(ncic: NcicCodes) -> None:
    population = generate_population(PopulationParameters(persons=200), ncic, seed=1)
    onsets = tuple(o.upper() for o in ONSETS)
    for person in population.persons:
        assert person.family_name.isalpha() and person.family_name.isupper()
        assert person.family_name.startswith(onsets)


def test_mix_that_does_not_add_up_is_refused(ncic: NcicCodes) -> None:
    bad = PopulationParameters(mix=replace(StatusMix(), us_born_citizen=0.5))
    with pytest.raises(PopulationConfigError, match="add up to"):
        generate_population(bad, ncic, seed=1)


def test_seeded_records_carry_provenance_and_synthetic_marks(
    factory: sessionmaker[Session], ncic: NcicCodes
) -> None:
    population = generate_population(PopulationParameters(persons=400), ncic, seed=9)
    with factory() as session, session.begin():
        seed_population(session, population, now=datetime(2011, 7, 1, tzinfo=UTC))
    with factory() as session:
        persons = session.scalars(select(SyntheticPerson)).all()
        assert len(persons) == 400 and all(p.synthetic for p in persons)
        identities = session.scalars(select(ImmigrationIdentity)).all()
        assert len(identities) == sum(p.fin is not None for p in population.persons) > 0
        assert all(i.synthetic for i in identities)
        for model in (ImmigrationIdentity, StatusRecord, Encounter, Removal):
            rows = session.scalars(select(model)).all()
            assert all(r.source_system is not None and r.last_updated is not None for r in rows)
            assert all(r.last_updated.tzinfo is not None for r in rows)
        criminal = session.scalar(select(func.count()).select_from(CriminalIdentity))
        assert criminal == sum(p.fbi_number is not None for p in population.persons)
        convictions = session.scalar(select(func.count()).select_from(Conviction))
        expected = sum(
            c.sentence_kind is not None
            for p in population.persons
            for a in p.arrests
            for c in a.charges
        )
        assert convictions == expected > 0
