"""The IDENT data response (IDR): what the immigration 1:N search tells the booking jail.

In the program the IDR goes from DHS IDENT through CJIS back to the jail (and, on a match,
starts the IAQ to the LESC). Here it is a JSON document with a fixed shape: the transaction it
answers (TCN, ORI), the responder, match or no match, the FIN on a match, the gallery size and
the target FPIR of the search, the ranked candidates with score, threshold and fingers
compared, and the matched person's encounters. ``encode_idr`` writes it with sorted keys
(stable bytes, so a resent IDR is the same message); ``parse_idr`` reads it back into the same
value and names the field when a document is malformed.

    body = encode_idr(idr)
    assert parse_idr(body) == idr
"""

from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass
from typing import Any

from securecomm.ansinist.errors import MessageFormatError


@dataclass(frozen=True)
class IdrCandidate:
    subject_id: str
    score: float
    threshold: float
    fingers: int


@dataclass(frozen=True)
class IdrEncounter:
    kind: str
    occurred_at: str
    location: str
    source_system: str
    last_updated: str


@dataclass(frozen=True)
class Idr:
    tcn: str
    ori: str
    responder: str
    match: bool
    fin: str | None
    gallery_size: int
    target_fpir: float
    candidates: tuple[IdrCandidate, ...] = ()
    encounters: tuple[IdrEncounter, ...] = ()

    @property
    def best(self) -> IdrCandidate | None:
        """The highest-scoring candidate (the one a match names), if any."""
        return max(self.candidates, key=lambda c: c.score, default=None)


def encode_idr(idr: Idr) -> bytes:
    document = asdict(idr)
    return json.dumps(document, sort_keys=True).encode()


def parse_idr(body: bytes | str) -> Idr:
    """Read an IDR; raises ``MessageFormatError`` naming the field that is wrong."""
    try:
        document = json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise MessageFormatError(f"an IDR is a JSON document: {exc}") from None
    if not isinstance(document, dict):
        raise MessageFormatError("an IDR is a JSON object")
    candidates = _list(document, "candidates")
    encounters = _list(document, "encounters")
    idr = Idr(
        tcn=_text(document, "tcn"),
        ori=_text(document, "ori"),
        responder=_text(document, "responder"),
        match=_flag(document, "match"),
        fin=_text(document, "fin", optional=True),
        gallery_size=_count(document, "gallery_size"),
        target_fpir=_number(document, "target_fpir"),
        candidates=tuple(
            IdrCandidate(
                subject_id=_text(c, "subject_id", where=f"candidates[{i}]"),
                score=_number(c, "score", where=f"candidates[{i}]"),
                threshold=_number(c, "threshold", where=f"candidates[{i}]"),
                fingers=_count(c, "fingers", where=f"candidates[{i}]"),
            )
            for i, c in enumerate(_objects(candidates, "candidates"))
        ),
        encounters=tuple(
            IdrEncounter(**{name: _text(e, name, where=f"encounters[{i}]") for name in _ENCOUNTER})
            for i, e in enumerate(_objects(encounters, "encounters"))
        ),
    )
    if idr.match and (not idr.fin or not idr.candidates):
        raise MessageFormatError("a matching IDR names the FIN and its candidate", field="fin")
    return idr


_ENCOUNTER = ("kind", "occurred_at", "location", "source_system", "last_updated")


def _get(document: dict[str, Any], name: str, where: str | None) -> tuple[Any, str]:
    field = f"{where}.{name}" if where else name
    if name not in document:
        raise MessageFormatError("missing", field=field)
    return document[name], field


def _text(
    document: dict[str, Any], name: str, *, where: str | None = None, optional: bool = False
) -> Any:
    value, field = _get(document, name, where)
    if value is None and optional:
        return None
    if not isinstance(value, str):
        raise MessageFormatError(f"expected text, found {value!r}", field=field)
    return value


def _flag(document: dict[str, Any], name: str) -> bool:
    value, field = _get(document, name, None)
    if not isinstance(value, bool):
        raise MessageFormatError(f"expected true or false, found {value!r}", field=field)
    return value


def _count(document: dict[str, Any], name: str, *, where: str | None = None) -> int:
    value, field = _get(document, name, where)
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise MessageFormatError(f"expected a count, found {value!r}", field=field)
    return value


def _number(document: dict[str, Any], name: str, *, where: str | None = None) -> float:
    value, field = _get(document, name, where)
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise MessageFormatError(f"expected a finite number, found {value!r}", field=field)
    return float(value)


def _list(document: dict[str, Any], name: str) -> list[Any]:
    value, field = _get(document, name, None)
    if not isinstance(value, list):
        raise MessageFormatError(f"expected a list, found {type(value).__name__}", field=field)
    return value


def _objects(values: list[Any], name: str) -> list[dict[str, Any]]:
    for i, value in enumerate(values):
        if not isinstance(value, dict):
            raise MessageFormatError("expected an object", field=f"{name}[{i}]")
    return values
