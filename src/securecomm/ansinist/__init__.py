"""securecomm.ansinist — wire formats: the ANSI/NIST-ITL codec, the FBI EBTS profile,
Nlets IAQ/IAR text. It knows nothing of databases; it may use ``securecomm.afis`` for images.

Typical use::

    from securecomm import ansinist

    tx = ansinist.read(data)                      # bytes → Transaction (AnsiNistError if bad)
    for v in ansinist.validate(tx, "ebts"):       # violations with record, field, offset
        print(v)
    booking = ansinist.read_booking(tx)           # CAR/CNA → subject, arrest, finger images
    car = ansinist.build_car(addressing, subject, arrest, fingers)
    data = ansinist.write(car)                    # version 0500, LEN and CNT computed
    sre = ansinist.build_sre(car, fbi_addressing, identified=True, fbi_number=..., rap_sheet=...)
    errt = ansinist.build_errt(fbi_addressing, str(error), request=car)
    text = ansinist.format_iaq(ansinist.Iaq(...)); iar = ansinist.parse_iar(text)
    idr = ansinist.parse_idr(body)                # the IDENT data response (JSON)
"""

from securecomm.ansinist.ebts import build_car, build_cna, read_booking
from securecomm.ansinist.ebts_responses import build_errt, build_sre, summarize_response
from securecomm.ansinist.ebts_rules import RuleTable, ebts_rules
from securecomm.ansinist.ebts_values import (
    Addressing,
    Arrest,
    Booking,
    Offense,
    ResponseSummary,
    Subject,
)
from securecomm.ansinist.errors import (
    AnsiNistError,
    ContentError,
    ImageSizeError,
    LengthError,
    MessageFormatError,
    ProfileError,
    RecordTypeError,
    SeparatorError,
    TagError,
    TruncatedError,
)
from securecomm.ansinist.ident import Idr, IdrCandidate, IdrEncounter, encode_idr, parse_idr
from securecomm.ansinist.images import ImageDataError, ImageInfo, decode, image_info, image_infos
from securecomm.ansinist.nlets import Iaq, Iar, format_iaq, format_iar, parse_iaq, parse_iar
from securecomm.ansinist.traditional import read, write
from securecomm.ansinist.transaction import Field, Record, Transaction
from securecomm.ansinist.validation import validate
from securecomm.ansinist.violation import Violation

__all__ = [
    "Addressing",
    "AnsiNistError",
    "Arrest",
    "Booking",
    "ContentError",
    "Field",
    "Iaq",
    "Iar",
    "Idr",
    "IdrCandidate",
    "IdrEncounter",
    "ImageDataError",
    "ImageInfo",
    "ImageSizeError",
    "LengthError",
    "MessageFormatError",
    "Offense",
    "ProfileError",
    "Record",
    "RecordTypeError",
    "ResponseSummary",
    "RuleTable",
    "SeparatorError",
    "Subject",
    "TagError",
    "Transaction",
    "TruncatedError",
    "Violation",
    "build_car",
    "build_cna",
    "build_errt",
    "build_sre",
    "decode",
    "ebts_rules",
    "encode_idr",
    "format_iaq",
    "format_iar",
    "image_info",
    "image_infos",
    "parse_iaq",
    "parse_iar",
    "parse_idr",
    "read",
    "read_booking",
    "summarize_response",
    "validate",
    "write",
]
