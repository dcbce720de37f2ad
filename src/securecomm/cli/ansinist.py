"""``securecomm ansinist``: look inside ANSI/NIST-ITL files and check them.

- ``dump FILE``: every record and field; image data as its size and a short description.
- ``validate FILE [--profile ebts]``: every violation with record, field and byte offset; exit
  status 1 when there is one, 0 when the file is clean, 2 when it cannot be read at all.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from securecomm.ansinist import binary_layouts, images, traditional
from securecomm.ansinist.ebts_rules import ebts_rules
from securecomm.ansinist.errors import AnsiNistError, ProfileError
from securecomm.ansinist.transaction import Field, Record, Transaction
from securecomm.ansinist.validation import PROFILES, validate
from securecomm.cli.output import console, user_errors

app = typer.Typer(
    name="ansinist",
    help="ANSI/NIST-ITL transactions: dump and validate (FBI EBTS profile).",
    no_args_is_help=True,
)

VIOLATIONS_EXIT = 1
#: Text values longer than this are shortened in the dump (the length is shown).
MAX_SHOWN = 400

FileArg = Annotated[
    Path,
    typer.Argument(exists=True, dir_okay=False, readable=True, help="ANSI/NIST-ITL file"),
]


@app.command("dump")
@user_errors
def dump(file: FileArg) -> None:
    """Print every record and field of an ANSI/NIST-ITL file."""
    tx = _read(file)
    names = _mnemonics()
    console.print(
        f"{file.name}: version {tx.version}, TOT {tx.tot or '-'}, {len(tx)} records, "
        f"{file.stat().st_size} bytes",
        highlight=False,
        markup=False,
    )
    for index, record in enumerate(tx.records):
        _dump_record(index, record, tx, names)


@app.command("validate")
@user_errors
def validate_command(
    file: FileArg,
    profile: Annotated[
        str | None,
        typer.Option(help=f"application profile to check against ({', '.join(PROFILES)})"),
    ] = None,
) -> None:
    """Print each violation with record, field and byte offset; exit 1 if there is one."""
    tx = _read(file)
    violations = validate(tx, profile)
    for v in violations:
        console.print(str(v), highlight=False, markup=False, soft_wrap=True)
    checked = f"ANSI/NIST-ITL {tx.version}" + (f" + {profile.upper()}" if profile else "")
    if violations:
        console.print(
            f"{file.name}: {len(violations)} violation(s) ({checked})",
            highlight=False,
            markup=False,
            soft_wrap=True,
        )
        raise typer.Exit(VIOLATIONS_EXIT)
    console.print(f"{file.name}: valid ({checked}, TOT {tx.tot})", highlight=False, markup=False)


def _read(file: Path) -> Transaction:
    try:
        data = file.read_bytes()
    except OSError as exc:
        raise AnsiNistError(f"cannot read {file}: {exc.strerror}") from exc
    return traditional.read(data)


def _mnemonics() -> dict[tuple[int, int], str]:
    """EBTS mnemonics by (record type, field) for labelling, when the rule table is there."""
    try:
        rules = ebts_rules()
    except ProfileError:
        return {}
    return {(r.record_type, r.field_no): r.name for r in rules.fields if r.item is None}


def _dump_record(
    index: int, record: Record, tx: Transaction, names: dict[tuple[int, int], str]
) -> None:
    where = f", offset {record.offset}" if record.offset is not None else ""
    length = f", LEN {record.length}" if record.length is not None else ""
    console.print(
        f"\nrecord {index}: Type-{record.type}{where}{length}", highlight=False, markup=False
    )
    try:
        info = images.image_info(record, index, tx.type1)
        problem = None
    except AnsiNistError as exc:  # a header value the image needs is bad: show the rest
        info, problem = None, str(exc)
    for f in record.fields:
        tag = f"{record.type}.{f.tag:03d}"
        if record.is_binary:
            name = binary_layouts.entry_name(record.type, f.tag)
        else:
            name = names.get((record.type, f.tag), "")
        console.print(
            f"  {tag:<8} {name:<5} {_show(f, info)}", highlight=False, markup=False, soft_wrap=True
        )
    if problem is not None:
        console.print(f"  image: {problem}", highlight=False, markup=False, soft_wrap=True)


def _show(f: Field, info: images.ImageInfo | None) -> str:
    if f.data is not None:
        if info is not None and info.data is f.data:
            return f"<image data: {info.describe()}>"
        return f"<binary data: {len(f.data)} bytes>"
    subs = [" | ".join(_printable(i) for i in items) for items in f.subfields]
    text = subs[0] if len(subs) == 1 else "  ".join(f"[{n}] {s}" for n, s in enumerate(subs, 1))
    if len(text) > MAX_SHOWN:
        text = f"{text[:MAX_SHOWN]}… ({len(text)} characters)"
    return text


def _printable(text: str) -> str:
    return text.replace("\r\n", "⏎").replace("\n", "⏎").replace("\t", "⇥")
