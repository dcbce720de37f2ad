"""``securecomm audit``: verify the audit log, sign and export its tree heads, prove entries.

``verify`` checks the hash chain, the latest signed tree head in the database and the last head
of the checkpoint file (each signed by the audit key, no longer than the log, and equal to the
Merkle root of the log's first ``size`` entries), and with ``--checkpoint FILE`` that the log is
an append-only extension of a head exported earlier (a consistency proof).  It exits

- 0 printing the number of entries checked when everything verifies (and then signs a head of
  the log as it is now, unless ``--public-key`` was given: an auditor holding only the public
  key checks, never signs);
- 1 naming what failed when an entry was edited, deleted or reordered, the log was truncated,
  rolled back or rewritten, or a head is forged;
- 2 when there is nothing to verify (no database, or an empty log no head ever covered);
- 3 when something needed for the check is missing (the key file, the checkpoint file): a check
  that could not be made is never reported "intact".

``checkpoint`` signs a head and exports it for a witness; ``public-key`` prints the key that
checks the heads; ``prove`` prints an inclusion proof of one entry and ``check-proof`` checks one
with the public key alone (docs/audit.md has a stand-alone script that does the same).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table
from sqlalchemy import inspect
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from securecomm.cli.output import console, err_console, user_errors
from securecomm.clock import SystemClock
from securecomm.config import Settings
from securecomm.enforcement import audit as audit_log
from securecomm.enforcement import audit_heads
from securecomm.enforcement.audit_heads import AuditFiles, LogVerification
from securecomm.enforcement.audit_signing import (
    AuditKey,
    CheckpointFileError,
    TreeHead,
    read_head_file,
)
from securecomm.enforcement.audit_tables import SignedTreeHead
from securecomm.enforcement.errors import AuditIntegrityError
from securecomm.store.database import make_engine, make_session_factory, unit_of_work
from securecomm.store.migrate import require_current

app = typer.Typer(help="The append-only, hash-chained, signed audit log.", no_args_is_help=True)

BROKEN_EXIT = 1
NOTHING_TO_VERIFY_EXIT = 2
UNVERIFIABLE_EXIT = 3

PublicKeyOption = Annotated[
    Path | None,
    typer.Option(
        "--public-key",
        help="Check heads with this exported public key (PEM) instead of the key file; "
        "nothing is signed.",
        exists=True,
        dir_okay=False,
    ),
]


def _missing_sqlite_file(url: str) -> Path | None:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        path = Path(str(parsed.database))
        return None if path.exists() else path
    return None


def _require_database(settings: Settings) -> str:
    url = settings.effective_database_url
    missing = _missing_sqlite_file(url)
    if missing is not None:
        err_console.print(
            f"[bold red]nothing to verify[/]: no database at {missing} (SECURECOMM_HOME is "
            f"{settings.home}; set it, or SECURECOMM_DATABASE_URL, to the system's home)",
            highlight=False,
            soft_wrap=True,
        )
        raise typer.Exit(NOTHING_TO_VERIFY_EXIT)
    return url


@contextmanager
def _database(
    url: str, *, signing: bool = False
) -> Iterator[tuple[Session, sessionmaker[Session]]]:
    engine = make_engine(url)
    try:
        if signing and not inspect(engine).has_table(SignedTreeHead.__tablename__):
            require_current(engine)  # a home from before the heads: `securecomm db upgrade`
        factory = make_session_factory(engine)
        with factory() as session:
            yield session, factory
    finally:
        engine.dispose()


def _fail(exit_code: int, title: str, message: str) -> typer.Exit:
    err_console.print(f"[bold red]{title}[/]: {message}", highlight=False, soft_wrap=True)
    return typer.Exit(exit_code)


def _trusted_key(files: AuditFiles, public_key: Path | None) -> AuditKey | None:
    if public_key is not None:
        return AuditKey.from_public_pem(public_key.read_bytes(), source=str(public_key))
    return AuditKey.load(files.key_file) if files.key_file.exists() else None


def _sign_now(factory: sessionmaker[Session], files: AuditFiles) -> audit_heads.MadeHead | None:
    """A head of the log as it is now (the key made on first use), committed."""
    with unit_of_work(factory) as session:
        key = files.signing_key(session)
        return audit_heads.make_head(session, key, files, SystemClock().now())


def _print_checks(verification: LogVerification) -> None:
    marks = {audit_heads.OK: "[green]ok[/]", audit_heads.FAILED: "[bold red]FAILED[/]",
             audit_heads.MISSING: "[bold yellow]NOT CHECKED[/]"}  # fmt: skip
    for check in verification.checks:
        console.print(
            f"  {marks[check.status]}  {check.what}: {check.message}",
            highlight=False,
            soft_wrap=True,
        )


@app.command("verify")
@user_errors
def verify(
    checkpoint: Annotated[
        Path | None,
        typer.Option(
            help="A head exported earlier (`audit checkpoint --out`): prove the log is an "
            "append-only extension of it.",
            exists=True,
            dir_okay=False,
        ),
    ] = None,
    public_key: PublicKeyOption = None,
) -> None:
    """Check the chain, the latest signed heads and (optionally) an exported checkpoint; exit
    1 naming what failed, 2 if there is nothing to verify, 3 if the key or checkpoint file is
    missing."""
    settings = Settings.from_env()
    url = _require_database(settings)
    files = AuditFiles.of(settings)
    try:
        key = _trusted_key(files, public_key)
        with _database(url) as (session, _factory):
            verification = audit_heads.verify_log(session, key, files)
    except CheckpointFileError as exc:
        raise _fail(BROKEN_EXIT, "audit log not verified", str(exc)) from exc
    chain, n = verification.chain, verification.size
    if chain.intact and n == 0 and not verification.signed and not verification.missing:
        raise _fail(
            NOTHING_TO_VERIFY_EXIT,
            "nothing to verify",
            "the audit log is empty (no case work has been recorded in this database)",
        )
    if not chain.intact:
        err_console.print(
            f"[bold red]audit log broken[/] at entry #{chain.broken_seq}: {chain.problem} "
            f"({chain.checked} entries verified before it)",
            highlight=False,
            soft_wrap=True,
        )
    for failed in verification.failed:
        if failed.what != "hash chain":
            err_console.print(
                f"[bold red]audit log broken[/]: {failed.what} {failed.message}", highlight=False
            )
    if verification.failed:
        _print_checks(verification)
        raise typer.Exit(BROKEN_EXIT)
    consistency = None
    if checkpoint is not None:
        if key is None:
            raise _fail(UNVERIFIABLE_EXIT, "audit log not verified", _no_key(files))
        try:
            old = read_head_file(checkpoint)
            consistency = audit_heads.prove_consistency(verification, old, key)
        except CheckpointFileError as exc:
            raise _fail(UNVERIFIABLE_EXIT, "checkpoint not readable", str(exc)) from exc
        except AuditIntegrityError as exc:
            _print_checks(verification)
            raise _fail(BROKEN_EXIT, "audit log broken", str(exc)) from exc
    if verification.missing:
        for missing in verification.missing:
            err_console.print(
                f"[bold yellow]audit log not verified[/]: {missing.what}: {missing.message}"
                + (f" ({_no_key(files)})" if "no audit key" in missing.message else ""),
                highlight=False,
                soft_wrap=True,
            )
        _print_checks(verification)
        raise typer.Exit(UNVERIFIABLE_EXIT)
    if verification.latest is None and public_key is not None:
        _print_checks(verification)
        raise _fail(
            UNVERIFIABLE_EXIT,
            "audit log not verified",
            f"no signed tree head covers the log's {n} entries: its length cannot be checked",
        )
    console.print(f"audit log intact: {n} entries checked", highlight=False, soft_wrap=True)
    _print_checks(verification)
    if consistency is not None:
        console.print(
            f"  [green]ok[/]  checkpoint {checkpoint} ({consistency.old.describe()}): the log of "
            f"{n} entries is an append-only extension of it (consistency proof of "
            f"{len(consistency.proof)} hashes verified)",
            highlight=False,
            soft_wrap=True,
        )
    if public_key is not None:
        return
    if verification.latest is None:
        console.print(
            "  note: no tree head had been signed yet: the log's length up to now rests on the "
            "hash chain alone",
            highlight=False,
            soft_wrap=True,
        )
    covered = verification.latest.size if verification.latest else 0
    if n > covered:
        _report_made(_sign(url, files), files)


def _sign(url: str, files: AuditFiles) -> audit_heads.MadeHead | None:
    with _database(url, signing=True) as (_session, factory):
        try:
            return _sign_now(factory, files)
        except AuditIntegrityError as exc:
            raise _fail(BROKEN_EXIT, "no head signed", str(exc)) from exc


def _report_made(made: audit_heads.MadeHead | None, files: AuditFiles) -> None:
    if made is None:
        return
    for repair in made.repaired:
        console.print(f"  repaired: {repair}", highlight=False, soft_wrap=True)
    if made.new:
        console.print(
            f"  signed a new tree head: {made.head.describe()}, root {made.head.root.hex()} "
            f"(also appended to {files.checkpoints.path})",
            highlight=False,
            soft_wrap=True,
        )


def _no_key(files: AuditFiles) -> str:
    return (
        f"the audit key file {files.key_file} is missing (SECURECOMM_AUDIT_KEY_FILE): restore "
        "it, or pass --public-key with the exported public key"
    )


@app.command("checkpoint")
@user_errors
def checkpoint(
    out: Annotated[
        Path | None, typer.Option(help="Write the signed head (JSON) here, for a witness.")
    ] = None,
) -> None:
    """Sign a head of the log as it is now (if it grew) and print or export the latest head."""
    settings = Settings.from_env()
    url = _require_database(settings)
    files = AuditFiles.of(settings)
    try:
        made = _sign(url, files)
    except CheckpointFileError as exc:
        raise _fail(BROKEN_EXIT, "no head signed", str(exc)) from exc
    if made is None:
        raise _fail(NOTHING_TO_VERIFY_EXIT, "nothing to sign", "the audit log is empty")
    _report_made(made, files)
    text = json.dumps(made.head.to_json(), indent=2)
    if out is None:
        console.print_json(text)
        return
    out.write_text(text + "\n", encoding="utf-8")
    console.print(
        f"tree head ({made.head.describe()}) written to {out}", highlight=False, soft_wrap=True
    )


@app.command("public-key")
@user_errors
def public_key(
    out: Annotated[Path | None, typer.Option(help="Write the public key (PEM) here.")] = None,
) -> None:
    """Print the public key that checks the signed tree heads (the key is made on first use)."""
    settings = Settings.from_env()
    files = AuditFiles.of(settings)
    url = settings.effective_database_url
    if files.key_file.exists() or _missing_sqlite_file(url) is not None:
        key = files.signing_key(None)
    else:
        with _database(url) as (session, _factory):
            key = files.signing_key(session)
    if out is not None:
        out.write_text(key.public_pem(), encoding="utf-8")
        console.print(f"public key {key.key_id} written to {out}", highlight=False, soft_wrap=True)
        return
    console.print(key.public_pem().rstrip(), highlight=False, soft_wrap=True)
    console.print(
        f"key id {key.key_id} (SHA-256 of the raw public key)", highlight=False, soft_wrap=True
    )


@app.command("prove")
@user_errors
def prove(
    entry: Annotated[int, typer.Argument(help="The entry's sequence number (#).", min=1)],
    out: Annotated[Path | None, typer.Option(help="Write the proof (JSON) here.")] = None,
) -> None:
    """An inclusion proof of one entry in a signed tree head, checkable with the public key
    alone (`audit check-proof`)."""
    settings = Settings.from_env()
    url = _require_database(settings)
    files = AuditFiles.of(settings)
    try:
        with _database(url, signing=True) as (session, factory):
            head = audit_heads.latest_head(session)
            session.rollback()
            if head is None or head.size < entry:
                made = _sign_now(factory, files)
                head = made.head if made else None
            if head is None or head.size < entry:
                size = head.size if head else 0
                raise _fail(BROKEN_EXIT, "no such entry", f"the log holds {size} entries")
            key = files.signing_key(session)
            proof = audit_heads.inclusion_proof(session, entry, head, key)
    except (AuditIntegrityError, CheckpointFileError) as exc:
        raise _fail(BROKEN_EXIT, "no proof", str(exc)) from exc
    text = json.dumps(proof, indent=2, ensure_ascii=False)
    if out is None:
        console.print_json(text)
        return
    out.write_text(text + "\n", encoding="utf-8")
    console.print(f"inclusion proof of entry #{entry} in {head.describe()} written to {out}")


@app.command("check-proof")
@user_errors
def check_proof(
    proof_file: Annotated[
        Path, typer.Argument(help="A proof from `audit prove`.", exists=True, dir_okay=False)
    ],
    public_key: Annotated[
        Path | None,
        typer.Option(
            "--public-key",
            help="The log's public key (PEM), as published; without it, the key inside the "
            "proof is used and only the proof's own consistency is shown.",
            exists=True,
            dir_okay=False,
        ),
    ] = None,
) -> None:
    """Check an inclusion proof with the public key alone (no database needed)."""
    try:
        proof = json.loads(proof_file.read_text(encoding="utf-8"))
    except ValueError as exc:
        raise _fail(BROKEN_EXIT, "proof does not hold", f"{proof_file} is not JSON") from exc
    if public_key is not None:
        key = AuditKey.from_public_pem(public_key.read_bytes(), source=str(public_key))
    elif isinstance(proof, dict) and isinstance(proof.get("public_key"), str):
        key = AuditKey.from_public_pem(proof["public_key"].encode(), source=str(proof_file))
    else:
        raise _fail(BROKEN_EXIT, "proof does not hold", "no public key (give --public-key)")
    problems = audit_heads.check_inclusion_proof(proof, key)
    if problems:
        raise _fail(BROKEN_EXIT, "proof does not hold", "; ".join(problems))
    head = TreeHead.from_json(proof["signed_head"])
    entry = proof["entry"]
    console.print(
        f"proof holds: entry #{entry['seq']} ({entry['action']} on {entry['subject']}) is in the "
        f"log whose head of {head.describe()} is signed by key {key.key_id}",
        highlight=False,
        soft_wrap=True,
    )
    if public_key is None:
        console.print(
            "  note: checked with the public key inside the proof; compare its id with the key "
            "the log publishes (`securecomm audit public-key`), or pass --public-key",
            highlight=False,
            soft_wrap=True,
        )


@app.command("show")
@user_errors
def show(
    subject: Annotated[str, typer.Argument(help="A case number or other subject.")],
) -> None:
    """The entries about one subject, oldest first."""
    engine = make_engine(Settings.from_env().effective_database_url)
    try:
        with make_session_factory(engine)() as session:
            entries = audit_log.entries_for(session, subject)
    finally:
        engine.dispose()
    table = Table("#", "at (UTC)", "actor", "role", "action", "details")
    for e in entries:
        table.add_row(str(e.seq), e.at.isoformat(timespec="seconds"), e.actor, e.role, e.action,
                      e.details[:120])  # fmt: skip
    console.print(table)
    console.print(f"{len(entries)} entries")
