"""The plain values a booking is made of: who sends it, the subject, the arrest, the offenses.

Field names follow EBTS mnemonics in their docstrings so that readers of the standard find
them: ``Subject.name`` is 2.018 NAM (``SURNAME, GIVEN MIDDLE``), ``height`` 2.027 HGT (feet
and inches, ``510`` = 5 ft 10 in), ``weight`` 2.029 WGT (pounds), codes are NCIC codes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from securecomm.ansinist.images import ImageInfo


@dataclass(frozen=True)
class Addressing:
    """Type-1 routing: 1.008 ORI (sender), 1.007 DAI (destination), 1.009 TCN, 1.005/1.014
    date and time, 1.010 TCR (responses: the TCN answered), 1.006 PRY (1 = most urgent)."""

    ori: str
    dai: str
    tcn: str
    when: datetime
    tcr: str | None = None
    priority: int | None = None


@dataclass(frozen=True)
class Offense:
    """One arrest offense: 2.047 ASL = DOO (date of offense, optional) + AOL (literal).

    ``ncic_code`` (4-digit NCIC uniform offense code) is carried for the record systems; EBTS
    has no field for it, so the builder appends it to the literal as ``"<literal> (NCIC
    <code>)"`` and ``read_booking`` takes it back out.
    """

    literal: str
    offense_date: date | None = None
    ncic_code: str | None = None


@dataclass(frozen=True)
class Subject:
    """The person fingerprinted (Type-2 descriptors)."""

    name: str  # 2.018 NAM "SURNAME, GIVEN"
    sex: str  # 2.024 SEX: M, F, X ...
    race: str  # 2.025 RAC: A, B, I, U, W
    date_of_birth: date | None  # 2.022 DOB; None → 00000000 (unknown)
    place_of_birth: str  # 2.020 POB: NCIC state/country code
    height: str = "000"  # 2.027 HGT
    weight: int = 0  # 2.029 WGT
    eye_color: str = "XXX"  # 2.031 EYE
    hair_color: str = "XXX"  # 2.032 HAI
    citizenship: str | None = None  # 2.021 CTZ
    aliases: tuple[str, ...] = ()  # 2.019 AKA
    social_security: str | None = None  # 2.016 SOC
    fbi_number: str | None = None  # 2.014 FBI
    state_id: str | None = None  # 2.015 SID
    residence: str | None = None  # 2.041 RES


@dataclass(frozen=True)
class Arrest:
    """The arrest segment: 2.045 DOA, 2.047 ASL offenses, 2.009 OCA, 2.073 CRI, 2.005 RET."""

    arrest_date: date
    offenses: tuple[Offense, ...]
    controlling_agency: str  # 2.073 CRI: the booking station's ORI
    case_number: str | None = None  # 2.009 OCA
    retain: bool = True  # 2.005 RET
    attention: str | None = None  # 2.006 ATN


@dataclass(frozen=True)
class Booking:
    """What a CAR/CNA carries, read back from a transaction (``ebts.read_booking``)."""

    tot: str
    addressing: Addressing
    subject: Subject
    arrest: Arrest
    fingers: tuple[ImageInfo, ...] = field(default=())
    photos: tuple[ImageInfo, ...] = field(default=())


@dataclass(frozen=True)
class ResponseSummary:
    """The content of an SRE or ERRT (``ebts_responses.summarize_response``)."""

    tot: str
    tcn: str
    tcr: str
    ori: str
    dai: str
    identified: bool | None  # SRE 2.059 SRF I/N; None for ERRT
    fbi_number: str | None
    name: str | None
    rap_sheet: str | None
    messages: tuple[str, ...]

    def text(self) -> str:
        """Human-readable content: the rap sheet for an SRE, the messages for an ERRT."""
        if self.tot == "ERRT":
            return "\n".join(self.messages)
        lines = [
            f"SRF: {'I (identification)' if self.identified else 'N (no identification)'}",
        ]
        if self.fbi_number:
            lines.append(f"FBI: {self.fbi_number}")
        if self.name:
            lines.append(f"NAM: {self.name}")
        if self.rap_sheet:
            lines.append(self.rap_sheet.replace("\r\n", "\n"))
        return "\n".join(lines)
