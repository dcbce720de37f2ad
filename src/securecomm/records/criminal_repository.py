"""Reading and writing criminal histories; the rap sheet an SRE and status research show."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from securecomm.records.criminal import (
    Arrest,
    Charge,
    ChargeLevel,
    Conviction,
    CriminalIdentity,
    Disposition,
    DispositionOutcome,
    SentenceKind,
    Sex,
)
from securecomm.records.errors import DuplicateRecordError, InvalidRecordError, UnknownIdentityError
from securecomm.records.provenance import SourceSystem

FBI_NUMBER_ALPHABET = "0123456789ABCDEFGHJKLMNPRTUVWXY"


def new_fbi_number() -> str:
    """A random 9-character FBI number (UCN); uniqueness is enforced by the table."""
    return "".join(secrets.choice(FBI_NUMBER_ALPHABET) for _ in range(9))


@dataclass(frozen=True)
class ChargeInput:
    ncic_code: str | None
    literal: str
    level: ChargeLevel


@dataclass(frozen=True)
class ConvictionInput:
    ncic_code: str
    literal: str
    level: ChargeLevel
    sentence_kind: SentenceKind
    sentence_days: int


@dataclass(frozen=True)
class RapSheetCharge:
    ncic_code: str | None
    literal: str
    level: ChargeLevel
    outcome: DispositionOutcome | None  # None: pending
    decided_on: date | None
    conviction: ConvictionInput | None


@dataclass(frozen=True)
class RapSheetArrest:
    arrested_at: datetime
    agency_ori: str
    tcn: str | None
    charges: list[RapSheetCharge]


@dataclass(frozen=True)
class RapSheet:
    """An identity's criminal history, oldest arrest first."""

    fbi_number: str
    family_name: str
    given_name: str
    date_of_birth: date | None
    sex: Sex
    arrests: list[RapSheetArrest] = field(default_factory=list)
    synthetic: bool = False

    @property
    def convictions(self) -> list[ConvictionInput]:
        return [c.conviction for a in self.arrests for c in a.charges if c.conviction is not None]

    @property
    def pending_charges(self) -> list[RapSheetCharge]:
        return [c for a in self.arrests for c in a.charges if c.outcome is None]


class CriminalHistoryRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def create_identity(
        self,
        *,
        subject_id: str,
        family_name: str,
        given_name: str,
        sex: Sex,
        now: datetime,
        date_of_birth: date | None = None,
        place_of_birth: str | None = None,
        fbi_number: str | None = None,
        source_system: SourceSystem = SourceSystem.CJIS,
        synthetic: bool = False,
    ) -> CriminalIdentity:
        number = fbi_number or new_fbi_number()
        if self.find(fbi_number=number) is not None:
            raise DuplicateRecordError(f"FBI number {number} is already assigned")
        if self.find(subject_id=subject_id) is not None:
            raise DuplicateRecordError(
                f"criminal gallery subject {subject_id} already has an identity"
            )
        identity = CriminalIdentity(
            fbi_number=number,
            subject_id=subject_id,
            family_name=family_name,
            given_name=given_name,
            date_of_birth=date_of_birth,
            sex=sex,
            place_of_birth=place_of_birth,
            synthetic=synthetic,
            created_at=now,
            source_system=source_system,
            last_updated=now,
        )
        self.session.add(identity)
        self.session.flush()
        return identity

    def find(
        self, *, fbi_number: str | None = None, subject_id: str | None = None
    ) -> CriminalIdentity | None:
        query = select(CriminalIdentity)
        if fbi_number is not None:
            query = query.where(CriminalIdentity.fbi_number == fbi_number)
        elif subject_id is not None:
            query = query.where(CriminalIdentity.subject_id == subject_id)
        else:
            raise ValueError("give fbi_number or subject_id")
        return self.session.scalar(query)

    def get(
        self, *, fbi_number: str | None = None, subject_id: str | None = None
    ) -> CriminalIdentity:
        identity = self.find(fbi_number=fbi_number, subject_id=subject_id)
        if identity is None:
            what = f"FBI number {fbi_number}" if fbi_number else f"gallery subject {subject_id}"
            raise UnknownIdentityError(f"no criminal-history identity has {what}")
        return identity

    def add_arrest(
        self,
        identity: CriminalIdentity,
        *,
        arrested_at: datetime,
        agency_ori: str,
        charges: list[ChargeInput],
        now: datetime,
        tcn: str | None = None,
        source_system: SourceSystem = SourceSystem.CJIS,
        synthetic: bool = False,
    ) -> Arrest:
        """Record an arrest; with a TCN this is idempotent (a retried booking adds nothing)."""
        if tcn is not None:
            existing = self.session.scalar(
                select(Arrest).where(
                    Arrest.identity_id == identity.id,
                    Arrest.tcn == tcn,
                    Arrest.agency_ori == agency_ori,
                )
            )
            if existing is not None:
                return existing
        if not charges:
            raise InvalidRecordError("an arrest needs at least one charge")
        arrest = Arrest(
            identity_id=identity.id,
            arrested_at=arrested_at,
            agency_ori=agency_ori,
            tcn=tcn,
            synthetic=synthetic,
            source_system=source_system,
            last_updated=now,
        )
        self.session.add(arrest)
        self.session.flush()
        for sequence, charge in enumerate(charges, start=1):
            self.session.add(
                Charge(
                    arrest_id=arrest.id,
                    sequence=sequence,
                    ncic_code=charge.ncic_code,
                    literal=charge.literal,
                    level=charge.level,
                )
            )
        identity.last_updated = now
        self.session.flush()
        return arrest

    def dispose(
        self,
        charge: Charge,
        *,
        outcome: DispositionOutcome,
        decided_on: date,
        now: datetime,
        conviction: ConvictionInput | None = None,
        court: str | None = None,
        source_system: SourceSystem = SourceSystem.CJIS,
    ) -> Disposition:
        """Record the disposition of a charge; a conviction must come with its sentence."""
        if (outcome is DispositionOutcome.CONVICTED) != (conviction is not None):
            raise InvalidRecordError(
                f"charge {charge.ncic_code}: a conviction disposition needs the conviction "
                "details, and only a conviction may have them"
            )
        if charge.disposition is not None:
            raise DuplicateRecordError(f"charge {charge.id} already has a disposition")
        if conviction is not None and conviction.sentence_days < 0:
            raise InvalidRecordError("sentence_days must not be negative")
        disposition = Disposition(
            charge=charge,
            outcome=outcome,
            decided_on=decided_on,
            court=court,
            source_system=source_system,
            last_updated=now,
        )
        self.session.add(disposition)
        self.session.flush()
        if conviction is not None:
            self.session.add(
                Conviction(
                    disposition=disposition,
                    identity_id=charge.arrest.identity_id,
                    ncic_code=conviction.ncic_code,
                    literal=conviction.literal,
                    level=conviction.level,
                    convicted_on=decided_on,
                    sentence_kind=conviction.sentence_kind,
                    sentence_days=conviction.sentence_days,
                )
            )
            self.session.flush()
        return disposition

    def convictions(self, identity: CriminalIdentity) -> list[Conviction]:
        return list(
            self.session.scalars(
                select(Conviction)
                .where(Conviction.identity_id == identity.id)
                .order_by(Conviction.convicted_on, Conviction.id)
            )
        )

    def rap_sheet(self, identity: CriminalIdentity) -> RapSheet:
        arrests = self.session.scalars(
            select(Arrest)
            .where(Arrest.identity_id == identity.id)
            .order_by(Arrest.arrested_at, Arrest.id)
            .options(
                selectinload(Arrest.charges)
                .selectinload(Charge.disposition)
                .selectinload(Disposition.conviction)
            )
            .execution_options(populate_existing=True)
        ).all()
        return RapSheet(
            fbi_number=identity.fbi_number,
            family_name=identity.family_name,
            given_name=identity.given_name,
            date_of_birth=identity.date_of_birth,
            sex=identity.sex,
            synthetic=identity.synthetic,
            arrests=[
                RapSheetArrest(
                    arrested_at=a.arrested_at,
                    agency_ori=a.agency_ori,
                    tcn=a.tcn,
                    charges=[_charge_view(c) for c in a.charges],
                )
                for a in arrests
            ],
        )


def _charge_view(charge: Charge) -> RapSheetCharge:
    disposition = charge.disposition
    conviction = disposition.conviction if disposition is not None else None
    return RapSheetCharge(
        ncic_code=charge.ncic_code,
        literal=charge.literal,
        level=charge.level,
        outcome=disposition.outcome if disposition is not None else None,
        decided_on=disposition.decided_on if disposition is not None else None,
        conviction=ConvictionInput(
            ncic_code=conviction.ncic_code,
            literal=conviction.literal,
            level=conviction.level,
            sentence_kind=conviction.sentence_kind,
            sentence_days=conviction.sentence_days,
        )
        if conviction is not None
        else None,
    )
