"""Response transactions the pipeline sends to a jail, in the ANSI/NIST-ITL encoding.

``build_errt`` writes an EBTS error response: Type-1 with TOT ``ERRT`` addressed to the
submitting agency (DAI 1.007), the request's TCN as the reference (TCR 1.010), and a Type-2
whose MSG field (2.060) carries the error message. It uses the ANSI/NIST-ITL codec
(``securecomm.ansinist.traditional``); when the EBTS module lands its builders replace this.
"""

from __future__ import annotations

from datetime import datetime

from securecomm.ansinist import traditional
from securecomm.ansinist.transaction import Field, Record, Transaction

#: The ORI the answers come from (the FBI CJIS Division).
CJIS_ORI = "WVIAFIS0Z"
VERSION = "0500"


def _type1(
    tot: str, *, destination_ori: str, reference_tcn: str, tcn: str, now: datetime
) -> Record:
    return Record.of(
        1,
        [
            Field.text(2, VERSION),
            Field.text(3, [["1", "1"], ["2", "00"]]),
            Field.text(4, tot),
            Field.text(5, now.strftime("%Y%m%d")),
            Field.text(6, "4"),
            Field.text(7, destination_ori),
            Field.text(8, CJIS_ORI),
            Field.text(9, tcn),
            Field.text(10, reference_tcn),
            Field.text(11, "00.00"),
            Field.text(12, "00.00"),
        ],
    )


def build_errt(
    *, destination_ori: str, reference_tcn: str, tcn: str, message: str, now: datetime
) -> bytes:
    """An ERRT transaction carrying ``message`` (control characters removed, ≤ 300 chars each)."""
    clean = "".join(ch if ch.isprintable() else " " for ch in message)
    chunks = [clean[i : i + 300] for i in range(0, len(clean), 300)] or [""]
    type2 = Record.of(2, [Field.text(2, "00"), Field.text(60, [[c] for c in chunks])])
    type1 = _type1(
        "ERRT", destination_ori=destination_ori, reference_tcn=reference_tcn, tcn=tcn, now=now
    )
    return traditional.write(Transaction.of([type1, type2]))


def response_text(body: bytes) -> tuple[str, str]:
    """(TOT, content) of a response transaction: the MSG/rap-sheet text of its Type-2."""
    transaction = traditional.read(body)
    lines = []
    for record in transaction.of_type(2):
        for tag in (60, 75):
            f = record.get(tag)
            if f is not None:
                lines.append("".join(item for sub in f.subfields for item in sub))
    return transaction.tot, "\n".join(lines)
