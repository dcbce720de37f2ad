"""The answers to a criminal ten-print submission: SRE (search result) and ERRT (error).

- **SRE** (Submission Results – Electronic): Type-1 with TCR = the submission's TCN, DAI = the
  submitter's ORI; Type-2 with NAM, SRF (``I`` identification / ``N`` none), FBI (only when
  identified), CRI, OCA/ATN echoed, and ERS, the electronic rap sheet (lines of at most 72
  characters plus CR LF, EBTS 2.075).
- **ERRT** (Tenprint Transaction Error): Type-2 with MSG, the precise error, split into up to
  11 occurrences of at most 300 characters (EBTS 2.060).

``summarize_response`` reads either back into a ``ResponseSummary``.
"""

from __future__ import annotations

import textwrap
from dataclasses import replace

from securecomm.ansinist.ebts import raise_on_violations, type1_record
from securecomm.ansinist.ebts_values import Addressing, ResponseSummary
from securecomm.ansinist.errors import ProfileError
from securecomm.ansinist.transaction import Field, Record, Transaction

RAP_SHEET_LINE = 72
MESSAGE_CHUNK = 300
MAX_MESSAGES = 11
RESPONSE_TOTS = ("SRE", "ERRT")


def build_sre(
    request: Transaction,
    addressing: Addressing,
    *,
    identified: bool,
    fbi_number: str | None = None,
    rap_sheet: str = "",
    check: bool = True,
) -> Transaction:
    """The search result for ``request``; ``addressing`` is the responder's (ORI, TCN, time).

    ``addressing.dai`` and ``tcr`` are taken from the request when left empty.
    """
    if identified and not fbi_number:
        raise ProfileError("an identification (SRF I) needs the FBI number of the record found")
    t2 = _request_type2(request)
    addressing = _answering(request, addressing)
    fields = [Field.text(2, "00")]
    fields += _echo(t2, (6, 9))
    if identified and fbi_number:
        fields.append(Field.text(14, fbi_number))
    fields.append(Field.text(18, t2.value(18) if t2 is not None else "UNKNOWN, UNKNOWN"))
    fields.append(Field.text(59, "I" if identified else "N"))
    fields.append(Field.text(73, _controlling_agency(request, t2)))
    if rap_sheet:
        fields.append(Field.text(75, wrap_rap_sheet(rap_sheet)))
    tx = Transaction.of(
        [type1_record(addressing, "SRE", has_images=False), Record.of(2, sorted(fields, key=_tag))]
    )
    if check:
        raise_on_violations(tx)
    return tx


def build_errt(
    addressing: Addressing,
    message: str,
    *,
    request: Transaction | None = None,
    check: bool = True,
) -> Transaction:
    """The error answer. ``addressing.dai``/``tcr`` name the submitter and its TCN; when the
    submission could be read, pass it as ``request`` to fill them and echo ATN/OCA/FBI/SID."""
    if request is not None:
        addressing = _answering(request, addressing)
    if not addressing.dai or not addressing.tcr:
        raise ProfileError("an ERRT needs the submitter's ORI (dai) and TCN (tcr)")
    chunks = split_message(message)
    t2 = _request_type2(request) if request is not None else None
    fields = [Field.text(2, "00")]
    if t2 is not None:
        fields += _echo(t2, (6, 9, 14, 15))
    fields.append(Field(60, tuple((c,) for c in chunks)))
    tx = Transaction.of(
        [type1_record(addressing, "ERRT", has_images=False), Record.of(2, sorted(fields, key=_tag))]
    )
    if check:
        raise_on_violations(tx)
    return tx


def summarize_response(tx: Transaction) -> ResponseSummary:
    """Read an SRE or ERRT back."""
    if tx.tot not in RESPONSE_TOTS:
        raise ProfileError(f"a {tx.tot} is not a response to a ten-print submission")
    t1 = tx.type1
    twos = tx.of_type(2)
    t2 = twos[0] if twos else Record.of(2, [])
    msg = t2.get(60)
    return ResponseSummary(
        tot=tx.tot,
        tcn=t1.value(9),
        tcr=t1.value(10),
        ori=t1.value(8),
        dai=t1.value(7),
        identified=None if tx.tot == "ERRT" else t2.value(59) == "I",
        fbi_number=t2.value(14) or None,
        name=t2.value(18) or None,
        rap_sheet=t2.value(75) or None,
        messages=tuple("\x1f".join(sub) for sub in msg.subfields) if msg else (),
    )


def wrap_rap_sheet(text: str) -> str:
    """Lines of at most 72 characters joined by CR LF (the ERS line limit is 74 with CR LF)."""
    lines: list[str] = []
    for paragraph in text.replace("\r\n", "\n").split("\n"):
        lines += textwrap.wrap(paragraph, RAP_SHEET_LINE, break_long_words=True) or [""]
    return "\r\n".join(_printable(line) for line in lines)


def split_message(message: str) -> list[str]:
    """MSG occurrences of at most 300 printable characters (at most 11 of them)."""
    text = " ".join(_printable(message).split())
    if not text:
        raise ProfileError("an ERRT needs a non-empty error message")
    chunks = textwrap.wrap(text, MESSAGE_CHUNK, break_long_words=True)
    if len(chunks) > MAX_MESSAGES:
        chunks = chunks[:MAX_MESSAGES]
        chunks[-1] = chunks[-1][: MESSAGE_CHUNK - 3] + "..."
    return chunks


_ASCII = str.maketrans(
    {"×": "x", "–": "-", "—": "-", "…": "...", "‘": "'", "’": "'", "“": '"', "”": '"'}
)


def _printable(text: str) -> str:
    """EBTS free text is printable 7-bit ASCII: transliterate, and replace the rest by '?'."""
    return "".join(c if " " <= c <= "~" else "?" for c in text.translate(_ASCII))


def _answering(request: Transaction, addressing: Addressing) -> Addressing:
    return replace(
        addressing,
        dai=addressing.dai or request.type1.value(8),
        tcr=addressing.tcr or request.type1.value(9),
    )


def _request_type2(request: Transaction) -> Record | None:
    twos = request.of_type(2)
    return twos[0] if twos else None


def _echo(t2: Record | None, tags: tuple[int, ...]) -> list[Field]:
    if t2 is None:
        return []
    out = []
    for tag in tags:
        f = t2.get(tag)
        if f is not None:
            out.append(Field(tag, f.subfields))
    return out


def _controlling_agency(request: Transaction, t2: Record | None) -> str:
    if t2 is not None and t2.value(73):
        return t2.value(73)
    return request.type1.value(8)


def _tag(f: Field) -> int:
    return f.tag
