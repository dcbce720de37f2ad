"""The FBI EBTS 9.1 rule table (OpenEBTS verification file), loaded as data.

Grammar of ``EBTS9.1_verification_rules.txt`` as read here (OpenEBTS ``IWVerification``):

- ``#`` starts a comment outside quoted strings. Strings are double-quoted and may span lines;
  a backslash before a line end joins the lines.
- ``TRANSACTIONS "<category>"`` lists TOTs as ``<TOT> "<description>"``, followed by a record
  count specification ``1:1 2:1 414:1-14 10:0-4 713:0-2 15:0-8;`` that applies to every TOT
  listed since the previous specification. ``414`` counts Type-4 and Type-14 records together,
  ``713`` Type-7 and Type-13.
- ``FIELDS`` then has blocks: a presence header ``[M|O, TOT [M|O], ...]`` (the first letter is
  the default, a letter after a TOT overrides it; an empty TOT list means every TOT) followed
  by field definitions that it governs, each ended by ``;``::

      <tag> <mnemonic> <class> <size> <occurrences> key="value" ... fn("arg") ... ;

  ``<tag>`` is ``T.FFF`` (single value), ``T.FFF:`` (has information items) or ``T.FFF..N``
  (item N of field T.FFF). ``<class>`` is A, N, AN, ANS, AS, NS (A alphabetic, N numeric,
  S the special characters of ``sca``; ``sca="PRINT"`` = any printable) or B1/B2/B4 (binary).
  ``<size>`` and ``<occurrences>`` are ``n`` or ``min-max`` with ``x`` for unbounded.
  ``mmap`` is the list of allowed values (``code:meaning|...``; ``file://`` lists refer to
  files that are not shipped, so they are not enforced), ``omap`` an optional list (only
  descriptions), ``date`` a date format (``Z`` prefix: all zeros allowed), ``regex``/``nregex``
  a pattern the value must / must not match, ``maxlinelen`` a maximum line length, and
  ``greatereq("X")``/``xor("X")`` relations with another field.

A field can have several definitions for different TOT sets (e.g. 2.010 CIN with 5, 1 or 200
occurrences); ``RuleTable.rule_for`` picks the one that lists the TOT.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from securecomm.ansinist.errors import ProfileError

#: Record-count groups: a key of the count specification → the record types it counts.
COUNT_GROUPS = {"414": (4, 14), "713": (7, 13)}


@dataclass(frozen=True)
class Presence:
    """Which TOTs a definition applies to and whether the field is mandatory (M) there."""

    default: str
    tots: dict[str, str]

    def for_tot(self, tot: str) -> str | None:
        """'M', 'O', or None when the definition does not apply to ``tot``."""
        if not self.tots:
            return self.default
        return self.tots.get(tot)


@dataclass(frozen=True)
class FieldRule:
    """One field (or information item) definition of the table."""

    record_type: int
    field_no: int
    item: int | None
    has_items: bool
    mnemonic: str
    char_class: str
    min_size: int
    max_size: int | None
    min_occurrences: int
    max_occurrences: int | None
    presence: Presence
    description: str = ""
    values: frozenset[str] | None = None
    value_file: str | None = None
    special: str | None = None
    regex: str | None = None
    nregex: str | None = None
    date: str | None = None
    max_line_length: int | None = None
    relations: tuple[tuple[str, str], ...] = ()
    line: int = 0

    @property
    def tag(self) -> str:
        base = f"{self.record_type}.{self.field_no:03d}"
        return base if self.item is None else f"{base}..{self.item}"

    @property
    def name(self) -> str:
        """The mnemonic without its record prefix (``T2_NAM`` → ``NAM``)."""
        return self.mnemonic.split("_", 1)[1] if "_" in self.mnemonic else self.mnemonic


@dataclass(frozen=True)
class TransactionRule:
    tot: str
    description: str
    category: str
    counts: dict[str, tuple[int, int | None]] = field(default_factory=dict)


@dataclass(frozen=True)
class RuleTable:
    transactions: dict[str, TransactionRule]
    fields: tuple[FieldRule, ...]

    def rules_for_record(self, record_type: int, tot: str) -> list[FieldRule]:
        """Field-level definitions (not items) that apply to ``tot`` for this record type."""
        return [
            r
            for r in self.fields
            if r.record_type == record_type and r.item is None and r.presence.for_tot(tot)
        ]

    def rule_for(self, record_type: int, field_no: int, tot: str) -> FieldRule | None:
        for r in self.fields:
            if (
                r.record_type == record_type
                and r.field_no == field_no
                and r.item is None
                and r.presence.for_tot(tot)
            ):
                return r
        return None

    def item_rules(self, record_type: int, field_no: int, tot: str) -> list[FieldRule]:
        return [
            r
            for r in self.fields
            if r.record_type == record_type
            and r.field_no == field_no
            and r.item is not None
            and r.presence.for_tot(tot) is not None
        ]

    def defined_anywhere(self, record_type: int, field_no: int) -> bool:
        return any(r.record_type == record_type and r.field_no == field_no for r in self.fields)


# --- tokenizer -----------------------------------------------------------------------------


@dataclass(frozen=True)
class _Token:
    kind: str  # word, string, bracket, semi, lparen, rparen, eq
    text: str
    line: int


_WORD_END = set(' \t\r\n"[]();=#')


def _tokens(text: str) -> list[_Token]:
    out: list[_Token] = []
    i, line, n = 0, 1, len(text)
    while i < n:
        c = text[i]
        if c == "\n":
            line += 1
            i += 1
        elif c in " \t\r\ufeff":
            i += 1
        elif c == "#":
            while i < n and text[i] != "\n":
                i += 1
        elif c == '"':
            start_line = line
            j = i + 1
            buf: list[str] = []
            while j < n and text[j] != '"':
                if text[j] == "\\" and j + 1 < n and text[j + 1] == "\n":
                    j += 2
                    line += 1
                    buf.append("\n")
                    continue
                if text[j] == "\n":
                    line += 1
                buf.append(text[j])
                j += 1
            if j >= n:
                raise ProfileError(f"rule table line {start_line}: unterminated string")
            out.append(_Token("string", "".join(buf), start_line))
            i = j + 1
        elif c == "[":
            j = text.find("]", i)
            if j < 0:
                raise ProfileError(f"rule table line {line}: unterminated '['")
            content = text[i + 1 : j]
            out.append(_Token("bracket", content, line))
            line += content.count("\n")
            i = j + 1
        elif c in ";()=":
            out.append(_Token({";": "semi", "(": "lparen", ")": "rparen", "=": "eq"}[c], c, line))
            i += 1
        else:
            j = i
            while j < n and text[j] not in _WORD_END:
                j += 1
            out.append(_Token("word", text[i:j], line))
            i = j
    return out


# --- parser --------------------------------------------------------------------------------


_TAG = re.compile(r"^(\d+)\.(\d+)(:|\.\.(\d+)|\.\.\.(\d+))?$")


def parse_rules(text: str) -> RuleTable:
    """Parse the whole table; raises ``ProfileError`` naming the line on malformed input."""
    tokens = _tokens(text.replace("\r\n", "\n"))
    transactions: dict[str, TransactionRule] = {}
    fields: list[FieldRule] = []
    i = 0
    section = ""
    category = ""
    pending: list[tuple[str, str]] = []
    presence = Presence("O", {})
    while i < len(tokens):
        t = tokens[i]
        if t.kind == "word" and t.text in ("TRANSACTIONS", "FIELDS"):
            section = t.text
            if section == "TRANSACTIONS":
                category = tokens[i + 1].text if tokens[i + 1].kind == "string" else ""
                i += 2 if tokens[i + 1].kind == "string" else 1
            else:
                i += 1
            continue
        if section == "TRANSACTIONS":
            if t.kind == "word" and ":" in t.text:
                counts, i = _counts(tokens, i)
                for tot, desc in pending:
                    transactions[tot] = TransactionRule(tot, desc, category, counts)
                pending = []
                continue
            if t.kind == "word" and i + 1 < len(tokens) and tokens[i + 1].kind == "string":
                pending.append((t.text, tokens[i + 1].text))
                i += 2
                continue
            raise ProfileError(f"rule table line {t.line}: unexpected {t.text!r}")
        if section == "FIELDS":
            if t.kind == "bracket":
                presence = _presence(t.text, t.line)
                i += 1
                continue
            if t.kind == "word" and _TAG.match(t.text):
                rule, i = _field(tokens, i, presence)
                fields.append(rule)
                continue
            raise ProfileError(f"rule table line {t.line}: unexpected {t.text!r}")
        raise ProfileError(f"rule table line {t.line}: {t.text!r} before any section")
    # TOTs listed after the last count specification have none
    for tot, desc in pending:
        transactions[tot] = TransactionRule(tot, desc, category, {})
    return RuleTable(transactions, tuple(fields))


def _counts(tokens: list[_Token], i: int) -> tuple[dict[str, tuple[int, int | None]], int]:
    counts: dict[str, tuple[int, int | None]] = {}
    while i < len(tokens) and tokens[i].kind != "semi":
        key, _, rng = tokens[i].text.partition(":")
        counts[key] = _range(rng, tokens[i].line)
        i += 1
    return counts, i + 1


def _presence(content: str, line: int) -> Presence:
    words = [w for w in re.split(r"[\s,]+", content) if w]
    if not words or words[0] not in ("M", "O"):
        raise ProfileError(f"rule table line {line}: a presence header starts with M or O")
    default, tots = words[0], {}
    last: str | None = None
    for w in words[1:]:
        if w in ("M", "O") and last is not None:
            tots[last] = w
        else:
            tots[w] = default
            last = w
    return Presence(default, tots)


def _range(text: str, line: int) -> tuple[int, int | None]:
    lo, _, hi = text.partition("-")
    try:
        low = 0 if lo == "x" else int(lo)
        high = None if (hi or lo) == "x" else int(hi or lo)
    except ValueError:
        raise ProfileError(f"rule table line {line}: bad range {text!r}") from None
    return low, high


def _field(tokens: list[_Token], i: int, presence: Presence) -> tuple[FieldRule, int]:
    head = tokens[i : i + 5]
    line = head[0].line
    if len(head) < 5 or any(t.kind != "word" for t in head):
        raise ProfileError(f"rule table line {line}: a field definition needs 5 columns")
    m = _TAG.match(head[0].text)
    assert m is not None
    attrs: dict[str, str] = {}
    relations: list[tuple[str, str]] = []
    i += 5
    while i < len(tokens) and tokens[i].kind != "semi":
        t = tokens[i]
        if t.kind == "bracket" or (t.kind == "word" and _TAG.match(t.text)):
            # the table forgets the ';' once (10.022 ends with '.;"'): the next block starts
            return _make_rule(m, head, attrs, relations, presence, line), i
        nxt = tokens[i + 1] if i + 1 < len(tokens) else None
        if t.kind == "word" and nxt is not None and nxt.kind == "eq":
            attrs[t.text] = tokens[i + 2].text
            i += 3
        elif t.kind == "word" and nxt is not None and nxt.kind == "lparen":
            arg = tokens[i + 2].text
            relations.append((t.text, arg))
            i += 4  # name ( "arg" )
            if i < len(tokens) and tokens[i].kind == "eq":
                i += 2  # supportedif("X")="VALUE": informational
        else:
            raise ProfileError(f"rule table line {t.line}: unexpected {t.text!r} in {head[0].text}")
    return _make_rule(m, head, attrs, relations, presence, line), i + 1


def _make_rule(
    m: re.Match[str],
    head: list[_Token],
    attrs: dict[str, str],
    relations: list[tuple[str, str]],
    presence: Presence,
    line: int,
) -> FieldRule:
    item = m.group(4) or m.group(5)
    min_size, max_size = _range(head[3].text, line)
    min_occ, max_occ = _range(head[4].text, line)
    values, value_file = _value_list(attrs.get("mmap"))
    return FieldRule(
        record_type=int(m.group(1)),
        field_no=int(m.group(2)),
        item=int(item) if item else None,
        has_items=m.group(3) == ":",
        mnemonic=head[1].text,
        char_class=head[2].text,
        min_size=min_size,
        max_size=max_size,
        min_occurrences=min_occ,
        max_occurrences=max_occ,
        presence=presence,
        description=attrs.get("desc", ""),
        values=values,
        value_file=value_file,
        special=attrs.get("sca"),
        regex=attrs.get("regex"),
        nregex=attrs.get("nregex"),
        date=attrs.get("date"),
        max_line_length=int(attrs["maxlinelen"]) if "maxlinelen" in attrs else None,
        relations=tuple(relations),
        line=line,
    )


def _value_list(mmap: str | None) -> tuple[frozenset[str] | None, str | None]:
    if mmap is None:
        return None, None
    if mmap.startswith("file://"):
        return None, mmap[len("file://") :]
    entries = [e.strip() for e in re.split(r"[|\n]", mmap) if e.strip()]
    return frozenset(e.split(":", 1)[0].strip() for e in entries), None


RULES_FILE = Path("ansinist/ebts/EBTS9.1_verification_rules.txt")
#: Fallback when the working directory is not the project root: the checkout's ../shared/data.
_CHECKOUT_SHARED_DATA = Path(__file__).resolve().parents[3].parent / "shared" / "data"


def load_rules(path: Path) -> RuleTable:
    """Read and parse a rule table file (UTF-8, with or without BOM)."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise ProfileError(f"cannot read the EBTS rule table {path}: {exc.strerror}") from exc
    return parse_rules(text)


@cache
def ebts_rules(path: str | None = None) -> RuleTable:
    """The EBTS 9.1 table, parsed once per process.

    Where: ``path``, else ``$SECURECOMM_EBTS_RULES``, else ``<shared data>/ansinist/ebts/…``
    with the shared data directory from the settings (``$SECURECOMM_SHARED_DATA``, default
    ``../shared/data``), else the same under this checkout's ``../shared/data``.
    """
    from securecomm.config import Settings

    chosen = path or os.environ.get("SECURECOMM_EBTS_RULES")
    if chosen:
        return load_rules(Path(chosen))
    candidate = Settings.from_env().shared_data / RULES_FILE
    if not candidate.is_file():
        candidate = _CHECKOUT_SHARED_DATA / RULES_FILE
    return load_rules(candidate)
