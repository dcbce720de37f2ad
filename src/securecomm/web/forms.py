"""Form fields and their parsing: text, lists, choices, UTC times, dates, numbers.

Parsing only turns the posted strings into typed values and names the field when a value is
malformed.  Whether a value is *enough* (a reason given, a basis documented, evidence present)
is the enforcement layer's decision, so its refusal is what the officer reads.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from securecomm.web.errors import FormError

Choices = Sequence[tuple[str, str]]


@dataclass(frozen=True)
class Field:
    """One input of a form.

    ``kind``: ``text``, ``textarea``, ``lines`` (one item per line), ``select``, ``checks``
    (several choices), ``checkbox``, ``datetime`` (UTC), ``date``, ``integer``.
    """

    name: str
    label: str
    kind: str = "text"
    choices: Choices = ()
    #: Malformed or missing values of required fields are refused here, naming the field.
    required: bool = False
    help: str = ""
    #: Choices computed from the case (e.g. its interviews): ``(session, case) -> choices``.
    choices_from: Callable[[Any, Any], Choices] | None = field(default=None, compare=False)


def _one(form: Mapping[str, Any], name: str) -> str:
    value = form.get(name, "")
    return value.strip() if isinstance(value, str) else ""


def parse_datetime(raw: str, name: str) -> datetime:
    """``YYYY-MM-DDTHH:MM`` (a datetime-local input) read as UTC, or ISO 8601 with a zone."""
    try:
        value = datetime.fromisoformat(raw)
    except ValueError:
        raise FormError(f"{name}: {raw!r} is not a date and time (YYYY-MM-DD HH:MM, UTC)") from None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def parse(fields: Sequence[Field], form: Mapping[str, Any], lists: Mapping[str, list[str]]):
    """Typed values by field name; ``lists`` holds the multi-valued fields (checkboxes)."""
    values: dict[str, Any] = {}
    for f in fields:
        raw = _one(form, f.name)
        if f.kind == "checks":
            picked = [v for v in lists.get(f.name, []) if v]
            allowed = {k for k, _ in f.choices}
            unknown = [v for v in picked if v not in allowed]
            if unknown:
                raise FormError(f"{f.label}: {', '.join(unknown)} is not one of the choices")
            values[f.name] = picked
            continue
        if f.kind == "checkbox":
            values[f.name] = raw in ("on", "true", "1", "yes")
            continue
        if not raw:
            if f.required:
                raise FormError(f"{f.label} is required")
            values[f.name] = [] if f.kind == "lines" else None if f.kind in _TYPED else ""
            continue
        if f.kind == "lines":
            values[f.name] = [line.strip() for line in raw.splitlines() if line.strip()]
        elif f.kind == "select" and f.choices and raw not in {k for k, _ in f.choices}:
            raise FormError(f"{f.label}: {raw!r} is not one of the choices")
        elif f.kind == "datetime":
            values[f.name] = parse_datetime(raw, f.label)
        elif f.kind == "date":
            try:
                values[f.name] = date.fromisoformat(raw)
            except ValueError:
                raise FormError(f"{f.label}: {raw!r} is not a date (YYYY-MM-DD)") from None
        elif f.kind == "integer":
            try:
                values[f.name] = int(raw)
            except ValueError:
                raise FormError(f"{f.label}: {raw!r} is not a whole number") from None
        if f.name not in values:
            values[f.name] = raw
    return values


_TYPED = frozenset({"datetime", "date", "integer"})
