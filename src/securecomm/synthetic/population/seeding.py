"""Write a generated population into the record systems (and its ground truth beside them).

Rows are built as ORM objects with their relationships and flushed in batches (the repositories'
one-at-a-time checks are for live traffic; a generated population is unique by construction).
Criminal identities are enrolled as gallery subjects ``CJIS:<FBI number>``, immigration
identities as ``IDENT:<FIN>``; ``gallery_enrolments`` lists which person's fingers (by finger
seed) belong to which subject, for whoever builds the biometric galleries.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time

from sqlalchemy.orm import Session

from securecomm.records.agencies import Agency, AgencyKind, check_ori
from securecomm.records.criminal import (
    Arrest,
    Charge,
    Conviction,
    CriminalIdentity,
    Disposition,
)
from securecomm.records.immigration import (
    Encounter,
    ImmigrationIdentity,
    Removal,
    StatusRecord,
)
from securecomm.records.provenance import SourceSystem
from securecomm.synthetic.population.generator import GeneratedPerson, Population
from securecomm.synthetic.population.models import BookingEvent, SyntheticPerson

CRIMINAL_SUBJECT_PREFIX = "CJIS:"
IMMIGRATION_SUBJECT_PREFIX = "IDENT:"
BATCH = 500


@dataclass(frozen=True)
class GalleryEnrolment:
    gallery: str  # "criminal" or "immigration"
    subject_id: str
    finger_seed: int


def gallery_enrolments(population: Population) -> list[GalleryEnrolment]:
    rows = []
    for person in population.persons:
        if person.fbi_number:
            subject = CRIMINAL_SUBJECT_PREFIX + person.fbi_number
            rows.append(GalleryEnrolment("criminal", subject, person.finger_seed))
        if person.fin:
            subject = IMMIGRATION_SUBJECT_PREFIX + person.fin
            rows.append(GalleryEnrolment("immigration", subject, person.finger_seed))
    return rows


def seed_population(session: Session, population: Population, *, now: datetime) -> None:
    """Insert agencies, persons, their records and booking events; the caller commits."""
    for agency in population.agencies:
        session.add(
            Agency(
                ori=check_ori(agency.ori),
                name=agency.name,
                state=agency.state,
                county=agency.county,
                kind=AgencyKind.FIELD_OFFICE if agency.is_field_office else AgencyKind.JAIL,
                field_office_ori=agency.field_office_ori,
                synthetic=True,
                created_at=now,
            )
        )
    for index, person in enumerate(population.persons, start=1):
        row = SyntheticPerson(
            population_seed=population.seed,
            number=person.number,
            family_name=person.family_name,
            given_name=person.given_name,
            date_of_birth=person.date_of_birth,
            sex=person.sex,
            country_of_birth=person.country_of_birth,
            true_status=person.true_status,
            status_recorded=person.status_recorded,
            finger_seed=person.finger_seed,
            fbi_number=person.fbi_number,
            fin=person.fin,
            synthetic=True,
        )
        session.add(row)
        if person.fbi_number:
            session.add(_criminal_identity(person, now))
        if person.fin:
            session.add(_immigration_identity(person))
        session.add_all(
            BookingEvent(
                person=row,
                agency_ori=booking.agency_ori,
                booked_at=booking.booked_at,
                ncic_code=booking.offense.code,
                literal=booking.offense.literal,
            )
            for booking in person.bookings
        )
        if index % BATCH == 0:
            session.flush()
    session.flush()


def _criminal_identity(person: GeneratedPerson, now: datetime) -> CriminalIdentity:
    assert person.fbi_number is not None
    identity = CriminalIdentity(
        fbi_number=person.fbi_number,
        subject_id=CRIMINAL_SUBJECT_PREFIX + person.fbi_number,
        family_name=person.family_name,
        given_name=person.given_name,
        date_of_birth=person.date_of_birth,
        sex=person.sex,
        place_of_birth=person.country_of_birth,
        synthetic=True,
        created_at=now,
        source_system=SourceSystem.CJIS,
        last_updated=now,
    )
    for generated in person.arrests:
        arrest = Arrest(
            arrested_at=generated.arrested_at,
            agency_ori=generated.agency_ori,
            synthetic=True,
            source_system=SourceSystem.CJIS,
            last_updated=now,
        )
        identity.arrests.append(arrest)
        for sequence, charge_data in enumerate(generated.charges, start=1):
            charge = Charge(
                sequence=sequence,
                ncic_code=charge_data.offense.code,
                literal=charge_data.offense.literal,
                level=charge_data.level,
            )
            arrest.charges.append(charge)
            if charge_data.outcome is None or charge_data.decided_on is None:
                continue
            disposition = Disposition(
                outcome=charge_data.outcome,
                decided_on=charge_data.decided_on,
                source_system=SourceSystem.CJIS,
                last_updated=now,
            )
            charge.disposition = disposition
            if charge_data.sentence_kind is not None:
                disposition.conviction = Conviction(
                    identity=identity,
                    ncic_code=charge_data.offense.code,
                    literal=charge_data.offense.literal,
                    level=charge_data.level,
                    convicted_on=charge_data.decided_on,
                    sentence_kind=charge_data.sentence_kind,
                    sentence_days=charge_data.sentence_days,
                )
    return identity


def _immigration_identity(person: GeneratedPerson) -> ImmigrationIdentity:
    assert person.fin is not None
    first = person.statuses[0]
    identity = ImmigrationIdentity(
        fin=person.fin,
        subject_id=IMMIGRATION_SUBJECT_PREFIX + person.fin,
        family_name=person.family_name,
        given_name=person.given_name,
        date_of_birth=person.date_of_birth,
        sex=person.sex,
        country_of_birth=person.country_of_birth,
        fbi_number=person.fbi_number,
        synthetic=True,
        created_at=first.last_updated,
        source_system=first.source_system,
        last_updated=max(s.last_updated for s in person.statuses),
    )
    identity.statuses = [
        StatusRecord(
            status=s.status,
            effective_on=s.effective_on,
            source_system=s.source_system,
            last_updated=s.last_updated,
        )
        for s in person.statuses
    ]
    identity.encounters = [
        Encounter(
            kind=e.kind,
            occurred_at=e.occurred_at,
            location=e.location,
            source_system=e.source_system,
            last_updated=e.occurred_at,
        )
        for e in person.encounters
    ]
    identity.removals = [
        Removal(
            removed_on=r.removed_on,
            destination=r.destination,
            order_basis=r.order_basis,
            source_system=SourceSystem.ENFORCE,
            last_updated=datetime.combine(r.removed_on, time(12), tzinfo=first.last_updated.tzinfo),
        )
        for r in person.removals
    ]
    return identity
