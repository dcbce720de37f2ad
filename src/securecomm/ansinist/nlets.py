"""Nlets Immigration Alien Query and Response (IAQ / IAR), legacy text format: write and read.

The IAQ follows the Nlets "Immigration Alien Legacy Specifications" (Nlets service article
"Legacy Text Examples - Immigration Alien Transactions (IAQ/IAR)"):

    IAQ.<sender ORI, 9>.AX.<optional control field>.
    TXT
    PUR/<C or F>.          purpose: C criminal justice, F firearms
    ATN/<inquirer ≤30>.
    PHN/<telephone ≤20>.
    NAM/<LAST, FIRST MIDDLE ≤30>.
    DOB/<CCYYMMDD>.        (MMDDYY is accepted on input)
    SEX/<M, F, X…>.
    POB/<NCIC state/country code, 2>.
    CUS/<Y or N>.          in custody
    OFF/<NCIC offense code, 4>.   the most serious charge; 0399 when none is known
    then optional ARN/ (alien registration number, 8–9 digits; ``AFN/`` is read as ARN),
    FBI/, SID/, OLN/, SOC/, FIN/ (DHS IDENT fingerprint identification number), IMN/ (the
    jail's inmate/booking number) and REM/ (remarks, always last, may contain periods).

Every field ends with a period (the last one may omit it; one final period after REM is
taken as its terminator, so remarks ending in a period are written with two). Fields may share
a line, as on a terminal, or each have its own line, which is how ``format_iaq`` writes them
so that errors can name a line.

The IAR is the LESC's answer. Nlets defines it as free text; this system gives it the same
header and field syntax (``IAR.<LESC ORI>.<destination ORI>.<control>.``) with NAM/, DOB/,
SEX/, POB/, FBI/, FIN/, ARN/, IMN/, STA/ (the status determination) and REM/ (the research
narrative, last, free text). That structured subset is documented in ``docs/ansinist.md``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, fields
from datetime import date, datetime

from securecomm.ansinist.errors import MessageFormatError

LESC_DESTINATION = "AX"
LESC_ORI = "VTICE0900"
UNKNOWN_OFFENSE = "0399"
_PREFIX = re.compile(r"([A-Z]{3})/")
_ORI = re.compile(r"^[A-Z0-9]{9}$")
_CONTROL = re.compile(r"^[A-Z0-9]{1,10}$")
FREE_TEXT_FIELD = "REM"


@dataclass(frozen=True)
class Iaq:
    """An Immigration Alien Query from a jail or state to the LESC."""

    ori: str
    purpose: str
    attention: str
    phone: str
    name: str
    date_of_birth: date
    sex: str
    place_of_birth: str
    in_custody: bool
    offense: str = UNKNOWN_OFFENSE
    control: str | None = None
    arn: str | None = None
    fbi: str | None = None
    sid: str | None = None
    oln: str | None = None
    soc: str | None = None
    fin: str | None = None
    imn: str | None = None
    remarks: str | None = None


@dataclass(frozen=True)
class Iar:
    """The LESC's Immigration Alien Response."""

    ori: str
    destination: str
    name: str
    date_of_birth: date
    sex: str
    place_of_birth: str
    status: str
    control: str | None = None
    fbi: str | None = None
    fin: str | None = None
    arn: str | None = None
    imn: str | None = None
    remarks: str | None = None


# field prefix, attribute, required, (min, max) length, pattern
_Spec = tuple[str, str, bool, tuple[int, int], str | None]
_IAQ_FIELDS: tuple[_Spec, ...] = (
    ("PUR", "purpose", True, (1, 1), r"[CF]"),
    ("ATN", "attention", True, (1, 30), None),
    ("PHN", "phone", True, (1, 20), r"[0-9 ()+-]+"),
    ("NAM", "name", True, (3, 30), r"[A-Z][A-Z ,'-]*"),
    ("DOB", "date_of_birth", True, (6, 8), None),
    ("SEX", "sex", True, (1, 1), r"[MFXU]"),
    ("POB", "place_of_birth", True, (2, 2), r"[A-Z0-9]{2}"),
    ("CUS", "in_custody", True, (1, 1), r"[YN]"),
    ("OFF", "offense", True, (4, 4), r"[0-9]{4}"),
    ("ARN", "arn", False, (8, 9), r"[0-9]{8,9}"),
    ("FBI", "fbi", False, (1, 9), r"[A-Z0-9]+"),
    ("SID", "sid", False, (3, 10), r"[A-Z0-9-]+"),
    ("OLN", "oln", False, (1, 20), r"[A-Z0-9]+"),
    ("SOC", "soc", False, (9, 9), r"[0-9]{9}"),
    ("FIN", "fin", False, (1, 20), r"[A-Z0-9]+"),
    ("IMN", "imn", False, (1, 20), r"[A-Z0-9-]+"),
    ("REM", "remarks", False, (1, 2000), None),
)
_IAR_FIELDS: tuple[_Spec, ...] = (
    ("NAM", "name", True, (3, 30), r"[A-Z][A-Z ,'-]*"),
    ("DOB", "date_of_birth", True, (6, 8), None),
    ("SEX", "sex", True, (1, 1), r"[MFXU]"),
    ("POB", "place_of_birth", True, (2, 2), r"[A-Z0-9]{2}"),
    ("STA", "status", True, (1, 120), None),
    ("FBI", "fbi", False, (1, 9), r"[A-Z0-9]+"),
    ("FIN", "fin", False, (1, 20), r"[A-Z0-9]+"),
    ("ARN", "arn", False, (8, 9), r"[0-9]{8,9}"),
    ("IMN", "imn", False, (1, 20), r"[A-Z0-9-]+"),
    ("REM", "remarks", False, (1, 4000), None),
)
_ALIASES = {"AFN": "ARN"}


def format_iaq(query: Iaq) -> str:
    """The IAQ text; raises ``MessageFormatError`` naming the field if a value cannot be sent."""
    _check_ori(query.ori, "ORI", 1)
    header = f"IAQ.{query.ori}.{LESC_DESTINATION}.{_control_text(query.control)}"
    return _format(header, query, _IAQ_FIELDS)


def format_iar(response: Iar) -> str:
    _check_ori(response.ori, "ORI", 1)
    _check_ori(response.destination, "destination", 1)
    header = f"IAR.{response.ori}.{response.destination}.{_control_text(response.control)}"
    return _format(header, response, _IAR_FIELDS)


def parse_iaq(text: str) -> Iaq:
    """Read an IAQ; raises ``MessageFormatError`` naming the line and field."""
    lines = _lines(text)
    parts = _header(lines, "IAQ")
    if len(parts) < 2 or parts[1] != LESC_DESTINATION:
        raise MessageFormatError(
            f"the destination of an IAQ must be {LESC_DESTINATION} (the LESC)", line=1
        )
    values = _body(lines, _IAQ_FIELDS)
    return Iaq(
        ori=parts[0],
        control=parts[2] if len(parts) > 2 else None,
        **values,  # type: ignore[arg-type]  # each value has its field's type (see _from_text)
    )


def parse_iar(text: str) -> Iar:
    lines = _lines(text)
    parts = _header(lines, "IAR")
    if len(parts) < 2:
        raise MessageFormatError("an IAR header names the LESC ORI and the destination", line=1)
    _check_ori(parts[1], "destination", 1)
    values = _body(lines, _IAR_FIELDS)
    return Iar(
        ori=parts[0],
        destination=parts[1],
        control=parts[2] if len(parts) > 2 else None,
        **values,  # type: ignore[arg-type]  # each value has its field's type (see _from_text)
    )


# --- writing -------------------------------------------------------------------------------


def _format(header: str, message: object, specs: tuple[_Spec, ...]) -> str:
    out = [header, "TXT"]
    for prefix, attr, required, (low, high), pattern in specs:
        value = getattr(message, attr)
        if value is None:
            if required:
                raise MessageFormatError("is required", field=prefix)
            continue
        text = _to_text(value, prefix)
        last = prefix == FREE_TEXT_FIELD
        _check_value(text, prefix, low, high, pattern, last, line=None)
        out.append(f"{prefix}/{text}.")
    return "\n".join(out) + "\n"


def _to_text(value: object, prefix: str) -> str:
    if isinstance(value, bool):
        return "Y" if value else "N"
    if isinstance(value, date):
        return value.strftime("%Y%m%d")
    if not isinstance(value, str):
        raise MessageFormatError(f"value {value!r} is not text", field=prefix)
    return value


def _control_text(control: str | None) -> str:
    if control is None:
        return ""
    if not _CONTROL.match(control):
        raise MessageFormatError(
            f"control field {control!r} must be 1-10 letters or digits", line=1, field="header"
        )
    return f"{control}."


def _check_ori(ori: str, what: str, line: int) -> None:
    if not _ORI.match(ori):
        raise MessageFormatError(
            f"{what} {ori!r} must be 9 capital letters or digits (an NCIC ORI)",
            line=line,
            field="header",
        )


def _check_value(
    text: str, prefix: str, low: int, high: int, pattern: str | None, last: bool, line: int | None
) -> None:
    if not low <= len(text) <= high:
        raise MessageFormatError(
            f"{len(text)} characters {text[:30]!r}, allowed {low}–{high}", line=line, field=prefix
        )
    if not last and ("." in text or "\n" in text or "/" in text):
        raise MessageFormatError(
            f"{text!r} contains '.', '/' or a line break, which end a field",
            line=line,
            field=prefix,
        )
    if last and any(not (" " <= c <= "~" or c == "\n") for c in text):
        raise MessageFormatError("remarks must be printable ASCII text", line=line, field=prefix)
    if pattern is not None and not re.fullmatch(pattern, text):
        raise MessageFormatError(f"{text!r} is not a valid {prefix} value", line=line, field=prefix)


# --- reading -------------------------------------------------------------------------------


def _lines(text: str) -> list[str]:
    if not text.strip():
        raise MessageFormatError("the message is empty", line=1)
    return text.replace("\r\n", "\n").split("\n")


def _header(lines: list[str], key: str) -> list[str]:
    head = lines[0].strip()
    if not head.startswith(f"{key}."):
        found = head.split(".", 1)[0][:10]
        raise MessageFormatError(
            f"expected message key {key}, found {found!r}", line=1, field="header"
        )
    parts = [p for p in head[len(key) + 1 :].split(".")]
    if parts and parts[-1] == "":
        parts.pop()
    if not parts:
        raise MessageFormatError("the header names no ORI", line=1, field="header")
    _check_ori(parts[0], "ORI", 1)
    if len(parts) > 2 and not _CONTROL.match(parts[2]):
        raise MessageFormatError(f"bad control field {parts[2]!r}", line=1, field="header")
    if len(parts) > 3:
        raise MessageFormatError("the header has too many parts", line=1, field="header")
    if len(lines) < 2 or lines[1].strip() != "TXT":
        raise MessageFormatError("expected TXT on the line after the header", line=2)
    return parts


def _body(lines: list[str], specs: tuple[_Spec, ...]) -> dict[str, object]:
    by_prefix = {s[0]: s for s in specs}
    found: dict[str, tuple[str, int]] = {}
    line_no = 3
    body = lines[2:]
    i = 0
    while i < len(body):
        line = body[i]
        pos = 0
        while pos < len(line.rstrip()):
            while pos < len(line) and line[pos] == " ":
                pos += 1
            m = _PREFIX.match(line, pos)
            if m is None:
                raise MessageFormatError(
                    f"expected a field like 'NAM/' at column {pos + 1}, "
                    f"found {line[pos : pos + 10]!r}",
                    line=line_no,
                )
            prefix = _ALIASES.get(m.group(1), m.group(1))
            if prefix not in by_prefix:
                raise MessageFormatError(
                    "is not a field of this message", line=line_no, field=prefix
                )
            if prefix in found:
                raise MessageFormatError("appears twice", line=line_no, field=prefix)
            start = m.end()
            if prefix == FREE_TEXT_FIELD:  # the rest of the message, with its line breaks
                rest = "\n".join([line[start:], *body[i + 1 :]]).rstrip("\n")
                found[prefix] = (rest[:-1] if rest.endswith(".") else rest, line_no)
                i = len(body)
                break
            end = _field_end(line, start)
            found[prefix] = (line[start:end], line_no)
            pos = end + 1
        i += 1
        line_no += 1
    values: dict[str, object] = {}
    for prefix, attr, required, (low, high), pattern in specs:
        if prefix not in found:
            if required:
                raise MessageFormatError("is required but missing", field=prefix, line=line_no - 1)
            values[attr] = None
            continue
        text, where = found[prefix]
        _check_value(text, prefix, low, high, pattern, prefix == FREE_TEXT_FIELD, where)
        values[attr] = _from_text(text, attr, prefix, where)
    return values


def _field_end(line: str, start: int) -> int:
    """Index of the period that ends the field starting at ``start`` (or the line's end)."""
    pos = start
    while True:
        dot = line.find(".", pos)
        if dot < 0:
            return len(line.rstrip())
        after = line[dot + 1 :].lstrip(" ")
        if after == "" or _PREFIX.match(after):
            return dot
        pos = dot + 1


def _from_text(text: str, attr: str, prefix: str, line: int) -> object:
    if attr == "in_custody":
        return text == "Y"
    if attr == "date_of_birth":
        return _parse_date(text, prefix, line)
    return text


def _parse_date(text: str, prefix: str, line: int) -> date:
    """CCYYMMDD, or MMDDYY (00–29 → 20YY, else 19YY)."""
    try:
        if len(text) == 8:
            return datetime.strptime(text, "%Y%m%d").date()
        if len(text) == 6 and text.isdigit():
            yy = int(text[4:])
            century = 2000 if yy < 30 else 1900
            return date(century + yy, int(text[:2]), int(text[2:4]))
    except ValueError:
        pass
    raise MessageFormatError(f"{text!r} is not a date CCYYMMDD or MMDDYY", line=line, field=prefix)


def field_names(message_type: type[Iaq] | type[Iar]) -> list[str]:
    """The dataclass attributes of a message type, for documentation and tests."""
    return [f.name for f in fields(message_type)]
