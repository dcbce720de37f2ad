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

import functools
import os
import shutil
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

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
class Jail:
    """A jail of the world, under the ICE field office :data:`FIELD_OFFICE`."""

    ori: str
    name: str
    state: str
    county: str
    #: False: the jurisdiction's policy takes no detainers (the office may ask to be notified).
    accepts_detainers: bool = True
    #: Its deputies work cases under a 287(g) agreement.
    partner_287g: bool = False


#: The world's jails, spelled by ORI: the booking jail (also the 287(g) partner), a second jail,
#: and one whose policy takes no detainers (notify-only).
JAILS: tuple[Jail, ...] = (
    Jail(JAIL, "SYNTHETIC COUNTY JAIL", "VA", "SYNTHETIC COUNTY A", partner_287g=True),
    Jail("VA0030000", "SYNTHETIC COUNTY JAIL B", "VA", "SYNTHETIC COUNTY B"),
    Jail("MD0050000", "SYNTHETIC COUNTY JAIL C", "MD", "SYNTHETIC COUNTY C",
         accepts_detainers=False),
)  # fmt: skip
SECOND_JAIL = JAILS[1].ori
NOTIFY_ONLY_JAIL = JAILS[2].ori


def jail(ori: str) -> Jail:
    return next(j for j in JAILS if j.ori == ori)


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
    #: Where the subject is booked (the ORI of one of :data:`JAILS`).
    jail: str = JAIL
    #: The console's stories only: the stage the history works the case to
    #: (``synthetic.history``), and the language of the interview.
    stage: str = ""
    language: str = "es"


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


_NO_STATUS = (ImmigrationStatus.NO_STATUS,)
_NATURALISED = (ImmigrationStatus.LAWFUL_PERMANENT_RESIDENT, ImmigrationStatus.NATURALIZED)


def _convicted(code: str, literal: str, year: int, days: int) -> PriorOffense:
    return PriorOffense(code, literal, date(year, 5, 2), sentence_days=days)


def _pending(code: str, literal: str, year: int) -> PriorOffense:
    return PriorOffense(code, literal, date(year, 8, 11))


#: The console's cast, numbered after :data:`DEMO_STORIES` (6 on): one subject per stage the
#: console shows, booked at the world's jails and worked to that stage over five months by
#: ``synthetic.history``.
CONSOLE_STORIES: tuple[Story, ...] = (
    Story("no status, aggravated assault (Level 1): carried to a verified removal, the "
          "detainer issued by the 287(g) deputy", _NO_STATUS,
          priors=(_convicted("1315", "AGGRAV ASSLT - WEAPON", 2017, 900),), stage="removed"),
    Story("no status, burglary (Level 2): in proceedings, detained", _NO_STATUS,
          priors=(_convicted("2204", "BURGL - NO FORCED ENTRY-RESID", 2018, 200),),
          jail=SECOND_JAIL, stage="in_proceedings"),
    Story("naturalised citizen, shoplifting: citizenship established by the reviews",
          _NATURALISED, priors=(_convicted("2303", "SHOPLIFTING", 2016, 30),),
          stage="citizen", language="en"),
    Story("no status, drunk driving: the officer rejected the match", _NO_STATUS,
          priors=(_convicted("5404", "DRIVING UNDER INFLUENCE ALCOHOL", 2019, 10),),
          jail=SECOND_JAIL, stage="rejected"),
    Story("no status, larceny, at the notify-only jail: notification requested", _NO_STATUS,
          priors=(_convicted("2399", "LARCENY", 2018, 60),), jail=NOTIFY_ONLY_JAIL,
          stage="declined_policy"),
    Story("no status, a pending assault charge only: closed with no action", _NO_STATUS,
          priors=(_pending("1313", "SIMPLE ASSLT", 2025),), stage="no_action", language="en"),
    Story("no status, robbery (Level 1): the detainer expired in the worker's sweep",
          _NO_STATUS, priors=(_convicted("1201", "ROBBERY - BUSINESS-GUN", 2012, 1500),),
          jail=SECOND_JAIL, stage="expired"),
    Story("no status, shoplifting and a pending assault: the jail declined the detainer",
          _NO_STATUS, priors=(_convicted("2303", "SHOPLIFTING", 2020, 20),
                              _pending("1313", "SIMPLE ASSLT", 2025)), stage="jail_declined"),
    Story("no status, marijuana possession, at the notify-only jail: interview reviewed",
          _NO_STATUS, priors=(_convicted("3562", "MARIJUANA - POSSESS", 2019, 400),),
          jail=NOTIFY_ONLY_JAIL, stage="reviewed"),
    Story("no status, homicide (Level 1): detainer unanswered, hours left", _NO_STATUS,
          priors=(_convicted("0903", "HOMICIDE - WILLFUL KILL-NONFAMILY-GUN", 2005, 3000),),
          stage="detainer_urgent"),
    Story("no status, simple assault and a pending larceny: level assessed", _NO_STATUS,
          priors=(_convicted("1313", "SIMPLE ASSLT", 2019, 30),
                  _pending("2399", "LARCENY", 2025)), stage="assessed"),
    Story("naturalised citizen, no criminal record: held at the citizenship gate",
          _NATURALISED, jail=SECOND_JAIL, stage="gate_open", language="en"),
    Story("no status, burglary (Level 2): match verified", _NO_STATUS,
          priors=(_convicted("2204", "BURGL - NO FORCED ENTRY-RESID", 2021, 90),),
          jail=SECOND_JAIL, stage="verified"),
    Story("no status, aggravated assault (Level 1): a fresh match", _NO_STATUS,
          priors=(_convicted("1315", "AGGRAV ASSLT - WEAPON", 2018, 700),), stage="match"),
    Story("no status, a pending larceny only, at the notify-only jail: a fresh match",
          _NO_STATUS, priors=(_pending("2399", "LARCENY", 2025),), jail=NOTIFY_ONLY_JAIL,
          stage="match", language="en"),
)  # fmt: skip

#: Every subject of the world, numbered: the demo's six, then the console's.
STORIES: tuple[Story, ...] = DEMO_STORIES + CONSOLE_STORIES


def subject_name(number: int) -> str:
    """The name the records and the bookings give subject ``number`` (as IAQ and case show)."""
    return f"SYNTHETIC, SUBJECT{_letters(number)}"


def _letters(number: int) -> str:
    """A, B, … Z, then AA, AB, …: a name of its own for every subject number."""
    letters = ""
    number += 1
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


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
    """The world's ICE field office and its jails (:data:`JAILS`)."""
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
        for each in JAILS:
            agencies.add(
                ori=each.ori,
                name=each.name,
                state=each.state,
                county=each.county,
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
    masters, state = _masters(seed, number, fingers)
    rng = np.random.default_rng()
    rng.bit_generator.state = state
    return Subject(number, story, dict(masters), rng)


@functools.lru_cache(maxsize=64)
def _masters(
    seed: int, number: int, fingers: int
) -> tuple[tuple[tuple[FingerPosition, MasterFingerprint], ...], Mapping[str, Any]]:
    """Growing a master takes about half a second: a process that enrols a subject and then
    books it grows its fingers once (masters are never changed by taking impressions)."""
    rng = np.random.default_rng(seed + number)
    masters = tuple((FingerPosition(p), generate_master(rng)) for p in FINGER_ORDER[:fingers])
    return masters, rng.bit_generator.state


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
        name = ("SYNTHETIC", subject_name(subject.number).split(", ")[1])
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
            agency_ori=subject.story.jail,
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


def booking(subject: Subject, number: int, when: datetime, *, at: str | None = None) -> Booking:
    """A CAR for the subject with fresh impressions of every finger, from the jail its story
    names (or ``at``)."""
    ori = at or subject.story.jail
    images = {
        int(p): make_impression(m, subject.rng, position=p).image
        for p, m in subject.masters.items()
    }
    tcn = f"{ori}-SYN-{subject.number:04d}-{number:02d}"
    code, literal = subject.story.booking_offense
    car = ansinist.build_car(
        ansinist.Addressing(ori=ori, dai=CJIS_DAI, when=when, tcn=tcn),
        ansinist.Subject(
            name=subject_name(subject.number),
            sex="M",
            race="U",
            date_of_birth=date(1980, 1, 1),
            place_of_birth=jail(ori).state,
        ),
        ansinist.Arrest(
            arrest_date=when.date(),
            controlling_agency=ori,
            offenses=(ansinist.Offense(literal, ncic_code=code),),
        ),
        images,
    )
    return Booking(subject, tcn, ansinist.write(car))
