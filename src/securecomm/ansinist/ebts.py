"""Criminal ten-print submissions (EBTS CAR / CNA): build them, and read them back.

``build_car`` makes a version-0500 transaction (ANSI/NIST-ITL 1-2011, EBTS field rules):

- Type-1: VER 0500, TOT, DAT, PRY, DAI, ORI, TCN, NSR/NTR 19.69 (500 ppi), GMT;
- Type-2 (IDC 0): RET, ATN, OCA, FBI, SID, SOC, NAM, AKA, POB, CTZ, DOB, SEX, RAC, HGT, WGT,
  EYE, HAI, RES, DOA, ASL (date of offense + literal per offense), CRI;
- one finger image record per finger (IDC 1…n), Type-4 (binary, rolled impression, WSQ) by
  default or Type-14 (tagged) with ``finger_record_type=14``; the images are WSQ-encoded with
  the ``wsq`` Pillow plugin (FBI WSQ 3.1) at 500 ppi, resampled first if needed;
- optionally one Type-10 face photo (JPEG bytes);
- 2.084 AMP for fingers that are amputated (``XX``) or cannot be printed (``UP``): those
  positions carry no image, and ``amputated_fingers`` reads them back so the search treats
  them as absent, not as errors.

The result is validated against the EBTS profile and a ``ProfileError`` lists the violations,
so a builder never hands out a transaction that the FBI rules would reject.

``read_booking`` turns a received CAR/CNA into ``Booking`` values (subject, arrest, finger
image descriptions) for the record systems and the biometric pipeline.
"""

from __future__ import annotations

import io
import re
from collections.abc import Mapping
from datetime import UTC, date, datetime

import numpy as np
import wsq  # noqa: F401  (registers the WSQ encoder with Pillow)
from PIL import Image

from securecomm.afis.image import resample_to_working_ppi
from securecomm.afis.types import WORKING_PPI, FingerImage
from securecomm.ansinist import codestream, images, numeric
from securecomm.ansinist.ebts_values import Addressing, Arrest, Booking, Offense, Subject
from securecomm.ansinist.errors import ProfileError
from securecomm.ansinist.transaction import Field, Record, Transaction

VERSION = "0500"
#: 19.69 pixels per mm = 500 ppi, the EBTS transmitting resolution for finger images.
RESOLUTION_PPMM = "19.69"
NO_IMAGES_RESOLUTION = "00.00"
#: Impression type of booking prints (ANSI/NIST-ITL Table 7): 1 = live-scan rolled.
ROLLED_LIVE_SCAN = 1
SUBMISSION_TOTS = ("CAR", "CNA")
MAX_FINGER_RECORDS = 14
_NCIC_SUFFIX = re.compile(r"\s*\(NCIC (\d{4})\)$")

FingerInput = FingerImage | bytes


def build_car(
    addressing: Addressing,
    subject: Subject,
    arrest: Arrest,
    fingers: Mapping[int, FingerInput],
    *,
    tot: str = "CAR",
    finger_record_type: int = 4,
    photo_jpeg: bytes | None = None,
    amputated: Mapping[int, str] | None = None,
    check: bool = True,
) -> Transaction:
    """A criminal ten-print submission (``tot`` CAR or CNA) from the booking's values.

    ``fingers`` maps finger positions (1 right thumb … 10 left little) to images: a
    ``FingerImage`` (encoded here as WSQ) or bytes that already are WSQ. ``amputated`` maps
    positions without a print to their 2.084 AMPCD (``XX`` amputated, ``UP`` unable to print).
    """
    if tot not in SUBMISSION_TOTS:
        raise ProfileError(f"TOT {tot!r} is not a criminal ten-print submission (CAR or CNA)")
    if finger_record_type not in (4, 14):
        raise ProfileError("finger images go in Type-4 or Type-14 records")
    if not 1 <= len(fingers) <= MAX_FINGER_RECORDS:
        raise ProfileError(
            f"a {tot} carries 1 to {MAX_FINGER_RECORDS} finger images, got {len(fingers)}"
        )
    amp = _amputations(amputated or {}, fingers)
    records = [type1_record(addressing, tot, has_images=True), _type2(subject, arrest, amp)]
    for idc, (position, image) in enumerate(sorted(fingers.items()), start=1):
        if not 1 <= int(position) <= 10:
            raise ProfileError(
                f"finger position {position} is not 1 (right thumb) … 10 (left little)"
            )
        data, width, height = _wsq(image, int(position))
        if finger_record_type == 4:
            records.append(_type4(idc, int(position), data, width, height))
        else:
            records.append(_type14(idc, int(position), data, width, height, addressing))
    if photo_jpeg is not None:
        records.append(_type10(len(records) - 1, photo_jpeg, addressing))
    tx = Transaction.of(records)
    if check:
        raise_on_violations(tx)
    return tx


def build_cna(
    addressing: Addressing,
    subject: Subject,
    arrest: Arrest,
    fingers: Mapping[int, FingerInput],
    *,
    finger_record_type: int = 4,
    photo_jpeg: bytes | None = None,
    amputated: Mapping[int, str] | None = None,
    check: bool = True,
) -> Transaction:
    """Like ``build_car`` with TOT CNA (no answer necessary)."""
    return build_car(
        addressing,
        subject,
        arrest,
        fingers,
        tot="CNA",
        finger_record_type=finger_record_type,
        photo_jpeg=photo_jpeg,
        amputated=amputated,
        check=check,
    )


def raise_on_violations(tx: Transaction) -> None:
    """Raise ``ProfileError`` listing every EBTS violation of ``tx`` (none: return)."""
    from securecomm.ansinist.validation import validate

    violations = validate(tx, "ebts")
    if violations:
        listed = "; ".join(str(v) for v in violations[:10])
        more = f" (and {len(violations) - 10} more)" if len(violations) > 10 else ""
        raise ProfileError(f"the {tx.tot} would violate EBTS: {listed}{more}")


# --- records -------------------------------------------------------------------------------


def type1_record(addressing: Addressing, tot: str, *, has_images: bool) -> Record:
    """The Type-1 header (CNT is added by the writer)."""
    when = addressing.when
    if when.tzinfo is None:
        raise ProfileError("the transaction time must be timezone-aware (use the injected clock)")
    resolution = RESOLUTION_PPMM if has_images else NO_IMAGES_RESOLUTION
    fields = [
        Field.text(2, VERSION),
        Field.text(4, tot),
        Field.text(5, when.strftime("%Y%m%d")),
    ]
    if addressing.priority is not None:
        fields.append(Field.text(6, str(addressing.priority)))
    fields += [
        Field.text(7, addressing.dai),
        Field.text(8, addressing.ori),
        Field.text(9, addressing.tcn),
    ]
    if addressing.tcr is not None:
        fields.append(Field.text(10, addressing.tcr))
    fields += [
        Field.text(11, resolution),
        Field.text(12, resolution),
        Field.text(14, when.astimezone(UTC).strftime("%Y%m%d%H%M%SZ")),
    ]
    return Record.of(1, fields)


#: 2.084 AMPCD values (EBTS Table: amputation, unable to print).
AMPUTATION_CODES = {"XX": "amputated", "UP": "unable to print"}


def _amputations(
    amputated: Mapping[int, str], fingers: Mapping[int, FingerInput]
) -> tuple[tuple[str, str], ...]:
    """The 2.084 subfields (FGP, AMPCD) of ``amputated``, checked against the images."""
    out = []
    for position, code in sorted(amputated.items()):
        if not 1 <= int(position) <= 10:
            raise ProfileError(f"2.084 AMP: finger position {position} is not 1 … 10")
        if code not in AMPUTATION_CODES:
            raise ProfileError(f"2.084 AMP: finger {position}: code {code!r} is not XX or UP")
        if position in fingers:
            raise ProfileError(f"2.084 AMP: finger {position} is listed as {code} but has an image")
        out.append((f"{int(position):02d}", code))
    return tuple(out)


def amputated_fingers(tx: Transaction) -> dict[int, str]:
    """Finger position → 2.084 AMPCD of the first Type-2 record (empty when absent)."""
    twos = tx.of_type(2)
    amp = twos[0].get(84) if twos else None
    if amp is None:
        return {}
    out: dict[int, str] = {}
    for k, sub in enumerate(amp.subfields, start=1):
        fgp, code = (*sub, "", "")[:2]
        if not fgp.strip().isdigit() or not 1 <= int(fgp) <= 10:
            raise ProfileError(f"2.084 AMP subfield {k}: finger position {fgp!r} is not 01 … 10")
        if code not in AMPUTATION_CODES:
            raise ProfileError(f"2.084 AMP subfield {k}: code {code!r} is not XX or UP")
        out[int(fgp)] = code
    return out


def _type2(subject: Subject, arrest: Arrest, amp: tuple[tuple[str, str], ...] = ()) -> Record:
    f: list[Field] = [Field.text(2, "00"), Field.text(5, "Y" if arrest.retain else "N")]
    if arrest.attention:
        f.append(Field.text(6, arrest.attention))
    if arrest.case_number:
        f.append(Field.text(9, arrest.case_number))
    if subject.fbi_number:
        f.append(Field.text(14, subject.fbi_number))
    if subject.state_id:
        f.append(Field.text(15, subject.state_id))
    if subject.social_security:
        f.append(Field.text(16, subject.social_security))
    f.append(Field.text(18, subject.name))
    if subject.aliases:
        f.append(Field(19, tuple((a,) for a in subject.aliases)))
    f.append(Field.text(20, subject.place_of_birth))
    if subject.citizenship:
        f.append(Field.text(21, subject.citizenship))
    dob = subject.date_of_birth.strftime("%Y%m%d") if subject.date_of_birth else "00000000"
    f += [
        Field.text(22, dob),
        Field.text(24, subject.sex),
        Field.text(25, subject.race),
        Field.text(27, subject.height),
        Field.text(29, f"{subject.weight:03d}"),
        Field.text(31, subject.eye_color),
        Field.text(32, subject.hair_color),
    ]
    if subject.residence:
        f.append(Field.text(41, subject.residence))
    f.append(Field.text(45, arrest.arrest_date.strftime("%Y%m%d")))
    if not arrest.offenses:
        raise ProfileError("an arrest needs at least one offense (2.047 ASL)")
    f.append(Field(47, tuple(_asl(o) for o in arrest.offenses)))
    f.append(Field.text(73, arrest.controlling_agency))
    if amp:
        f.append(Field(84, amp))
    return Record.of(2, f)


def _asl(offense: Offense) -> tuple[str, str]:
    doo = offense.offense_date.strftime("%Y%m%d") if offense.offense_date else ""
    literal = offense.literal
    if offense.ncic_code:
        literal = f"{literal} (NCIC {offense.ncic_code})"
    return doo, literal


def _type4(idc: int, position: int, data: bytes, width: int, height: int) -> Record:
    return Record.of(
        4,
        [
            Field.text(2, str(idc)),
            Field.text(3, str(ROLLED_LIVE_SCAN)),
            Field.text(4, [str(position), "255", "255", "255", "255", "255"]),
            Field.text(5, "0"),  # ISR 0: scanned at the nominal transmitting resolution
            Field.text(6, str(width)),
            Field.text(7, str(height)),
            Field.text(8, "1"),  # GCA 1: WSQ
            Field.binary(9, data),
        ],
    )


def _type14(
    idc: int, position: int, data: bytes, width: int, height: int, addressing: Addressing
) -> Record:
    return Record.of(
        14,
        [
            Field.text(2, f"{idc:02d}"),
            Field.text(3, str(ROLLED_LIVE_SCAN)),
            Field.text(4, addressing.ori),
            Field.text(5, addressing.when.strftime("%Y%m%d")),
            Field.text(6, str(width)),
            Field.text(7, str(height)),
            Field.text(8, "1"),  # SLC 1: pixels per inch
            Field.text(9, str(WORKING_PPI)),
            Field.text(10, str(WORKING_PPI)),
            Field.text(11, "WSQ20"),
            Field.text(12, "8"),
            Field.text(13, str(position)),
            Field.binary(999, data),
        ],
    )


def _type10(idc: int, jpeg: bytes, addressing: Addressing) -> Record:
    size = codestream.compressed_size(jpeg)
    if size is None or not jpeg.startswith(b"\xff\xd8"):
        raise ProfileError("the face photo must be a JPEG (baseline) image")
    width, height = size
    return Record.of(
        10,
        [
            Field.text(2, f"{idc:02d}"),
            Field.text(3, "FACE"),
            Field.text(4, addressing.ori),
            Field.text(5, addressing.when.strftime("%Y%m%d")),
            Field.text(6, str(width)),
            Field.text(7, str(height)),
            Field.text(8, "0"),  # SLC 0: no scale, pixel aspect ratio only
            Field.text(9, "1"),
            Field.text(10, "1"),
            Field.text(11, "JPEGB"),
            Field.text(12, "YCC"),
            Field.text(20, "F"),  # POS: full face frontal
            Field.binary(999, jpeg),
        ],
    )


def _wsq(image: FingerInput, position: int) -> tuple[bytes, int, int]:
    if isinstance(image, bytes):
        size = codestream.compressed_size(image)
        if size is None or not image.startswith(b"\xff\xa0"):
            raise ProfileError(f"finger {position}: the bytes given are not a WSQ image")
        return image, size[0], size[1]
    pixels = image.pixels
    if abs(image.ppi - WORKING_PPI) > 1:
        pixels = resample_to_working_ppi(pixels, image.ppi)
    pixels = np.ascontiguousarray(pixels, dtype=np.uint8)
    if pixels.ndim != 2:
        raise ProfileError(f"finger {position}: a finger image must be 8-bit grayscale")
    buf = io.BytesIO()
    Image.fromarray(pixels, mode="L").save(buf, "WSQ")
    return buf.getvalue(), int(pixels.shape[1]), int(pixels.shape[0])


# --- reading a booking ---------------------------------------------------------------------


def read_booking(tx: Transaction) -> Booking:
    """The subject, arrest and images of a CAR/CNA (validate it first for precise errors)."""
    if tx.tot not in SUBMISSION_TOTS:
        raise ProfileError(f"a {tx.tot} is not a criminal ten-print submission (CAR or CNA)")
    t1 = tx.type1
    twos = [(i, r) for i, r in enumerate(tx.records) if r.type == 2]
    if not twos:
        raise ProfileError("the submission has no Type-2 record")
    t2_index, t2 = twos[0]
    addressing = Addressing(
        ori=t1.value(8),
        dai=t1.value(7),
        tcn=t1.value(9),
        when=_when(t1),
        tcr=t1.value(10) or None,
        priority=numeric.integer(t1, 6, 0),
    )
    dob_text = t2.value(22)
    aka = t2.get(19)
    subject = Subject(
        name=t2.value(18),
        sex=t2.value(24),
        race=t2.value(25),
        date_of_birth=_date(dob_text) if dob_text.strip("0") else None,
        place_of_birth=t2.value(20),
        height=t2.value(27, "000"),
        weight=numeric.integer(t2, 29, t2_index) or 0,
        eye_color=t2.value(31, "XXX"),
        hair_color=t2.value(32, "XXX"),
        citizenship=t2.value(21) or None,
        aliases=tuple(sub[0] for sub in aka.subfields) if aka is not None else (),
        social_security=t2.value(16) or None,
        fbi_number=t2.value(14) or None,
        state_id=t2.value(15) or None,
        residence=t2.value(41) or None,
    )
    asl = t2.get(47)
    offenses = tuple(_offense(sub) for sub in asl.subfields) if asl is not None else ()
    arrest = Arrest(
        arrest_date=_date(t2.value(45)),
        offenses=offenses,
        controlling_agency=t2.value(73),
        case_number=t2.value(9) or None,
        retain=t2.value(5) != "N",
        attention=t2.value(6) or None,
    )
    infos = images.image_infos(tx)
    fingers = tuple(i for i in infos if i.record_type in (4, 14))
    photos = tuple(i for i in infos if i.record_type == 10)
    return Booking(tx.tot, addressing, subject, arrest, fingers, photos)


def _offense(items: tuple[str, ...]) -> Offense:
    doo = items[0] if len(items) > 1 else ""
    literal = items[-1]
    code = None
    m = _NCIC_SUFFIX.search(literal)
    if m:
        code = m.group(1)
        literal = literal[: m.start()]
    return Offense(literal, _date(doo) if doo else None, code)


def _date(text: str) -> date:
    try:
        return datetime.strptime(text, "%Y%m%d").date()
    except ValueError:
        raise ProfileError(f"{text!r} is not a date CCYYMMDD") from None


def _when(t1: Record) -> datetime:
    gmt = t1.value(14)
    if gmt:
        try:
            return datetime.strptime(gmt, "%Y%m%d%H%M%SZ").replace(tzinfo=UTC)
        except ValueError:
            pass
    return datetime.combine(_date(t1.value(5)), datetime.min.time(), tzinfo=UTC)
