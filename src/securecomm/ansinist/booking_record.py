"""A booking's descriptive part as plain JSON, so it is parsed once, when it is received.

The pipeline reads a CAR/CNA at receipt (``ansinist.read`` + ``read_booking``) and keeps who sent
it, the subject and the arrest in this form beside the raw bytes; every later step takes the
typed :class:`Booking` back with :func:`booking_from_record` instead of parsing the transaction
again. The images stay in the raw transaction (the features step decodes them once); the record
holds no image data.

    record = booking_record(read_booking(tx))      # JSON-safe dict
    booking = booking_from_record(record)           # the same Booking, without its images
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from securecomm.ansinist.ebts_values import Addressing, Arrest, Booking, Offense, Subject
from securecomm.ansinist.errors import ProfileError

#: Bumped when the record's shape changes; a record of another version is refused clearly.
RECORD_VERSION = 1


def booking_record(booking: Booking) -> dict[str, Any]:
    a, s, r = booking.addressing, booking.subject, booking.arrest
    return {
        "version": RECORD_VERSION,
        "tot": booking.tot,
        "addressing": {
            "ori": a.ori, "dai": a.dai, "tcn": a.tcn, "when": a.when.isoformat(),
            "tcr": a.tcr, "priority": a.priority,
        },
        "subject": {
            "name": s.name, "sex": s.sex, "race": s.race,
            "date_of_birth": _day(s.date_of_birth), "place_of_birth": s.place_of_birth,
            "height": s.height, "weight": s.weight, "eye_color": s.eye_color,
            "hair_color": s.hair_color, "citizenship": s.citizenship, "aliases": list(s.aliases),
            "social_security": s.social_security, "fbi_number": s.fbi_number,
            "state_id": s.state_id, "residence": s.residence,
        },
        "arrest": {
            "arrest_date": r.arrest_date.isoformat(),
            "offenses": [
                {"literal": o.literal, "offense_date": _day(o.offense_date),
                 "ncic_code": o.ncic_code}
                for o in r.offenses
            ],
            "controlling_agency": r.controlling_agency, "case_number": r.case_number,
            "retain": r.retain, "attention": r.attention,
        },
    }  # fmt: skip


def booking_from_record(record: dict[str, Any]) -> Booking:
    """The :class:`Booking` a record was made from (no images); ``ProfileError`` if the record
    is not one this version wrote."""
    if record.get("version") != RECORD_VERSION:
        raise ProfileError(
            f"booking record version {record.get('version')!r}, this build reads {RECORD_VERSION}"
        )
    try:
        a, s, r = record["addressing"], record["subject"], record["arrest"]
        addressing = Addressing(
            ori=a["ori"], dai=a["dai"], tcn=a["tcn"], when=datetime.fromisoformat(a["when"]),
            tcr=a["tcr"], priority=a["priority"],
        )  # fmt: skip
        subject = Subject(
            **{k: v for k, v in s.items() if k not in ("date_of_birth", "aliases")},
            date_of_birth=_from_day(s["date_of_birth"]),
            aliases=tuple(s["aliases"]),
        )
        arrest = Arrest(
            arrest_date=date.fromisoformat(r["arrest_date"]),
            offenses=tuple(
                Offense(o["literal"], _from_day(o["offense_date"]), o["ncic_code"])
                for o in r["offenses"]
            ),
            controlling_agency=r["controlling_agency"],
            case_number=r["case_number"],
            retain=r["retain"],
            attention=r["attention"],
        )
        return Booking(record["tot"], addressing, subject, arrest)
    except (KeyError, TypeError, ValueError) as exc:
        raise ProfileError(f"booking record is malformed: {exc!r}") from None


def _day(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None


def _from_day(value: str | None) -> date | None:
    return date.fromisoformat(value) if value is not None else None
