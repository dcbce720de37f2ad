"""A small synthetic world to run the pipeline on: galleries with records, people with prints
and histories, and the EBTS bookings a jail would send for them.

Used by ``securecomm world`` (``synthetic.home``), ``securecomm demo`` and
``benchmarks/pipeline.py``. Everything is synthetic and marked
so (``synthetic=True`` on every row; names are invented placeholders, never real people's):

- *background* identities: template-level ten-prints (``afis.template_synthesis``) enrolled in
  the criminal and the immigration gallery, each with a minimal record, so that every 1:N
  search runs against a gallery of realistic size;
- *subjects*: image-level prints (``afis.synthesis``: SFinGe-style masters and impressions),
  each with a story — a status in the immigration files (or none) and prior convictions or
  pending charges in the criminal files — and enrolled where those records say;
- *bookings*: fresh impressions of a subject's fingers as an EBTS CAR (WSQ Type-4).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

import numpy as np
from sqlalchemy import insert
from sqlalchemy.orm import Session, sessionmaker

from securecomm import ansinist
from securecomm.afis.extraction import extract
from securecomm.afis.search import open_search_engine
from securecomm.afis.search.gallery import Gallery, append_packed
from securecomm.afis.search.parameters import CODE_LAYOUT_VERSION
from securecomm.afis.synthesis import generate_master, make_impression
from securecomm.afis.synthesis.master import MasterFingerprint
from securecomm.afis.template_synthesis import TenPrintGenerator
from securecomm.afis.types import FingerPosition, Template
from securecomm.config import Settings
from securecomm.records import (
    AgencyKind,
    AgencyRepository,
    CriminalIdentity,
    ImmigrationIdentity,
    ImmigrationRepository,
    ImmigrationStatus,
    Sex,
    SourceSystem,
)
from securecomm.records.criminal import ChargeLevel, DispositionOutcome, SentenceKind
from securecomm.records.criminal_repository import (
    ChargeInput,
    ConvictionInput,
    CriminalHistoryRepository,
)
from securecomm.store.database import unit_of_work

JAIL = "VA0010000"
FIELD_OFFICE = "VAICE0000"
CJIS_DAI = "WVIAFIS0Z"
#: Index fingers first, as on flats: a booking with fewer fingers keeps the most useful ones.
FINGER_ORDER = (2, 7, 1, 6, 3, 8, 4, 9, 5, 10)
_BATCH = 20_000


@dataclass(frozen=True)
class PriorOffense:
    ncic_code: str
    literal: str
    on: date
    #: None: the charge is still pending (no disposition).
    sentence_days: int | None = None


@dataclass(frozen=True)
class Story:
    """Who a synthetic subject is in the record systems before the booking."""

    label: str
    immigration: tuple[ImmigrationStatus, ...] = ()
    removed_on: date | None = None
    priors: tuple[PriorOffense, ...] = ()
    booking_offense: tuple[str, str] = ("2399", "LARCENY")


#: The demo's cast: one subject per situation the system must handle.
DEMO_STORIES: tuple[Story, ...] = (
    Story("U.S.-born, no records anywhere"),
    Story(
        "permanent resident, prior robbery conviction (Level 1)",
        immigration=(ImmigrationStatus.LAWFUL_PERMANENT_RESIDENT,),
        priors=(PriorOffense("1299", "ROBBERY", date(2006, 5, 2), sentence_days=900),),
        booking_offense=("1313", "SIMPLE ASSLT"),
    ),
    Story(
        "no status, prior burglary conviction (Level 2)",
        immigration=(ImmigrationStatus.NO_STATUS,),
        priors=(PriorOffense("2299", "BURGLARY", date(2008, 9, 14), sentence_days=180),),
    ),
    Story(
        "visa holder, a pending charge only (no level)",
        immigration=(ImmigrationStatus.NONIMMIGRANT_VISA,),
        priors=(PriorOffense("3599", "DANGEROUS DRUGS", date(2010, 11, 3)),),
    ),
    Story(
        "naturalised citizen (citizenship gate)",
        immigration=(ImmigrationStatus.LAWFUL_PERMANENT_RESIDENT, ImmigrationStatus.NATURALIZED),
        priors=(PriorOffense("2404", "VEHICLE THEFT", date(2003, 2, 20), sentence_days=365),),
    ),
    Story(
        "previously removed (reentry referral)",
        immigration=(ImmigrationStatus.NO_STATUS, ImmigrationStatus.REMOVED),
        removed_on=date(2009, 6, 30),
    ),
)


@dataclass
class Subject:
    number: int
    story: Story
    masters: dict[FingerPosition, MasterFingerprint] = field(repr=False)
    rng: np.random.Generator = field(repr=False)
    fin: str | None = None
    fbi_number: str | None = None


@dataclass(frozen=True)
class Booking:
    subject: Subject
    tcn: str
    raw: bytes


def add_agencies(factory: sessionmaker[Session], now: datetime) -> None:
    """The synthetic jail and its ICE field office."""
    with unit_of_work(factory) as session:
        agencies = AgencyRepository(session)
        agencies.add(
            ori=FIELD_OFFICE,
            name="SYNTHETIC FIELD OFFICE",
            state="VA",
            kind=AgencyKind.FIELD_OFFICE,
            created_at=now,
            synthetic=True,
        )
        agencies.add(
            ori=JAIL,
            name="SYNTHETIC COUNTY JAIL",
            state="VA",
            kind=AgencyKind.JAIL,
            field_office_ori=FIELD_OFFICE,
            created_at=now,
            synthetic=True,
        )


#: The background galleries: (gallery name, generator seed, subject-id prefix).
BACKGROUND_GALLERIES = (("criminal", 11, "CJIS:BG"), ("immigration", 12, "IDENT:BG"))


def background_gallery_files(
    directory: Path, gallery_name: str, identities: int, *, cache_dir: Path | None = None
) -> None:
    """Write the background gallery ``gallery_name`` (``identities`` template-level ten-prints)
    to ``directory``, which must not exist yet.

    With ``cache_dir``, the files are built once under it (keyed by size, seed and the code
    layout, so a changed layout builds anew) and copied from there afterwards: the galleries
    are append-only, so each run needs its own copy.
    """
    seed, prefix = {name: (s, p) for name, s, p in BACKGROUND_GALLERIES}[gallery_name]
    if cache_dir is None:
        _build_background(directory, seed, prefix, identities)
        return
    cached = cache_dir / f"pipeline-{gallery_name}-n{identities}-s{seed}-c{CODE_LAYOUT_VERSION}"
    if not (cached / "MANIFEST.json").exists():
        building = cached.with_name(cached.name + f".building-{os.getpid()}")
        shutil.rmtree(building, ignore_errors=True)
        _build_background(building, seed, prefix, identities)
        shutil.rmtree(cached, ignore_errors=True)
        building.rename(cached)
    directory.parent.mkdir(parents=True, exist_ok=True)
    shutil.copytree(cached, directory, ignore=shutil.ignore_patterns("LOCK"))


def _build_background(directory: Path, seed: int, prefix: str, identities: int) -> None:
    generator = TenPrintGenerator(seed)
    with Gallery.open(directory) as gallery:
        for start in range(0, identities, _BATCH):
            ids = np.arange(start, min(identities, start + _BATCH), dtype=np.int64)
            names = [f"{prefix}{int(i):08d}" for i in ids]
            append_packed(gallery, names, generator.impressions(ids, 0))


def add_background(
    factory: sessionmaker[Session],
    settings: Settings,
    identities: int,
    now: datetime,
    *,
    cache_dir: Path | None = None,
) -> None:
    """``identities`` template-level ten-prints with records in each gallery (the gallery files
    built once under ``cache_dir`` when given, see :func:`background_gallery_files`)."""
    for gallery_name, _seed, prefix in BACKGROUND_GALLERIES:
        criminal = gallery_name == "criminal"
        model = CriminalIdentity if criminal else ImmigrationIdentity
        background_gallery_files(
            settings.gallery_dir / gallery_name, gallery_name, identities, cache_dir=cache_dir
        )
        for start in range(0, identities, _BATCH):
            ids = range(start, min(identities, start + _BATCH))
            rows = [
                {
                    "subject_id": f"{prefix}{i:08d}",
                    "family_name": "SYNTHETIC",
                    "given_name": f"BACKGROUND{i}",
                    "sex": Sex.UNKNOWN,
                    "synthetic": True,
                    "created_at": now,
                    "source_system": SourceSystem.CJIS if criminal else SourceSystem.IDENT,
                    "last_updated": now,
                    **({"fbi_number": f"B{i:08d}"} if criminal else {"fin": f"9{i:09d}"}),
                }
                for i in ids
            ]
            with unit_of_work(factory) as session:
                session.execute(insert(model), rows)


def make_subject(story: Story, number: int, *, fingers: int = 10, seed: int = 1000) -> Subject:
    """Subject ``number`` with ``fingers`` image-level master prints; the same seed and number
    always grow the same fingers (its ``rng`` then goes on to the enrolment impressions)."""
    rng = np.random.default_rng(seed + number)
    masters = {FingerPosition(p): generate_master(rng) for p in FINGER_ORDER[:fingers]}
    return Subject(number, story, masters, rng)


def make_subjects(
    stories: Sequence[Story], *, fingers: int = 10, seed: int = 1000
) -> list[Subject]:
    """One subject per story (:func:`make_subject`)."""
    return [
        make_subject(story, number, fingers=fingers, seed=seed)
        for number, story in enumerate(stories)
    ]


def enrolment_templates(subject: Subject) -> dict[str, dict[FingerPosition, Template]]:
    """The templates each gallery holds for the subject, as its story says (a fresh impression
    of every finger per gallery, extracted like any print)."""
    galleries = []
    if subject.story.immigration:
        galleries.append("immigration")
    if subject.story.priors:
        galleries.append("criminal")
    return {
        gallery: {
            p: extract(make_impression(m, subject.rng, position=p).image)
            for p, m in subject.masters.items()
        }
        for gallery in galleries
    }


def enrol_subjects(
    factory: sessionmaker[Session],
    settings: Settings,
    subjects: Sequence[Subject],
    now: datetime,
    *,
    templates: Mapping[int, Mapping[str, Mapping[FingerPosition, Template]]] | None = None,
) -> None:
    """Give each subject the records (and gallery enrolments) its story says; ``templates``
    (subject number → gallery → fingers, as :func:`enrolment_templates` makes them) saves
    extracting them again."""
    for subject in subjects:
        story = subject.story
        name = ("SYNTHETIC", f"SUBJECT{chr(65 + subject.number % 26)}")
        enrolled = (
            templates[subject.number] if templates is not None else enrolment_templates(subject)
        )
        if story.immigration:
            subject.fin = f"7{subject.number:09d}"
            _enrol(settings, "immigration", f"IDENT:{subject.fin}", enrolled["immigration"])
            with unit_of_work(factory) as session:
                _immigration_file(ImmigrationRepository(session), subject, name, now)
        if story.priors:
            subject.fbi_number = f"S{subject.number:08d}"
            _enrol(settings, "criminal", f"CJIS:{subject.fbi_number}", enrolled["criminal"])
            with unit_of_work(factory) as session:
                _rap_sheet(CriminalHistoryRepository(session), subject, name, now)


def _enrol(
    settings: Settings, gallery: str, subject_id: str, fingers: Mapping[FingerPosition, Template]
) -> None:
    with open_search_engine(settings, gallery) as engine:
        engine.enrol(subject_id, dict(fingers))


def _immigration_file(
    repository: ImmigrationRepository, subject: Subject, name: tuple[str, str], now: datetime
) -> None:
    assert subject.fin is not None
    identity = repository.create_identity(
        subject_id=f"IDENT:{subject.fin}",
        fin=subject.fin,
        family_name=name[0],
        given_name=name[1],
        sex=Sex.MALE,
        now=now,
        source_system=SourceSystem.CLAIMS,
        synthetic=True,
    )
    for year, status in enumerate(subject.story.immigration, start=2001):
        repository.add_status(
            identity,
            status=status,
            effective_on=date(year, 1, 1),
            source_system=SourceSystem.CLAIMS,
            last_updated=datetime(year, 2, 1, tzinfo=UTC),
        )
    if subject.story.removed_on is not None:
        repository.add_removal(
            identity,
            removed_on=subject.story.removed_on,
            destination="ZZ",  # ISO 3166 user-assigned: no real country
            order_basis="final order of removal",
            source_system=SourceSystem.ENFORCE,
            last_updated=datetime.combine(subject.story.removed_on, datetime.min.time(), UTC),
        )


def _rap_sheet(
    repository: CriminalHistoryRepository,
    subject: Subject,
    name: tuple[str, str],
    now: datetime,
) -> None:
    assert subject.fbi_number is not None
    identity = repository.create_identity(
        subject_id=f"CJIS:{subject.fbi_number}",
        family_name=name[0],
        given_name=name[1],
        sex=Sex.MALE,
        now=now,
        fbi_number=subject.fbi_number,
        synthetic=True,
    )
    for prior in subject.story.priors:
        arrest = repository.add_arrest(
            identity,
            arrested_at=datetime.combine(prior.on, datetime.min.time(), UTC),
            agency_ori=JAIL,
            charges=[ChargeInput(prior.ncic_code, prior.literal, ChargeLevel.FELONY)],
            now=now,
            synthetic=True,
        )
        if prior.sentence_days is None:
            continue
        repository.dispose(
            arrest.charges[0],
            outcome=DispositionOutcome.CONVICTED,
            decided_on=prior.on,
            now=now,
            conviction=ConvictionInput(
                prior.ncic_code,
                prior.literal,
                ChargeLevel.FELONY,
                SentenceKind.PRISON if prior.sentence_days > 365 else SentenceKind.JAIL,
                prior.sentence_days,
            ),
        )


def booking(subject: Subject, number: int, when: datetime) -> Booking:
    """A CAR for the subject with fresh impressions of every finger."""
    images = {
        int(p): make_impression(m, subject.rng, position=p).image
        for p, m in subject.masters.items()
    }
    tcn = f"{JAIL}-SYN-{subject.number:04d}-{number:02d}"
    code, literal = subject.story.booking_offense
    car = ansinist.build_car(
        ansinist.Addressing(ori=JAIL, dai=CJIS_DAI, when=when, tcn=tcn),
        ansinist.Subject(
            name=f"SYNTHETIC, SUBJECT{chr(65 + subject.number % 26)}",
            sex="M",
            race="U",
            date_of_birth=date(1980, 1, 1),
            place_of_birth="VA",
        ),
        ansinist.Arrest(
            arrest_date=when.date(),
            controlling_agency=JAIL,
            offenses=(ansinist.Offense(literal, ncic_code=code),),
        ),
        images,
    )
    return Booking(subject, tcn, ansinist.write(car))
