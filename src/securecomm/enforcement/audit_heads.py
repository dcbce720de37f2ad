"""Signed tree heads over the audit log: made, stored, checked, and proofs for outsiders.

A head is made (:func:`make_head`) by ``securecomm audit checkpoint``, ``audit verify``,
``audit prove``, and every minute by a worker (the scheduled kind :data:`CHECKPOINT_STEP`) —
coalesced, so appending an entry costs what it did before the tree existed.  The maker extends
the latest head's compact range with the entries appended since (O(new entries)), checks their
chain links, signs, appends the head to the checkpoint file and inserts it in the database, in
the transaction that holds the log's head lock, so two makers never interleave.  Entries newer
than the latest head are the window of exposure: until the next head, whoever can write the
database can still drop or rewrite them undetected (docs/audit.md).

:func:`verify_log` checks, in one pass over the log: the hash chain; the latest head in the
database and the last head of the checkpoint file — each signed by the audit key, no longer than
the log, and equal to the Merkle root of the log's first ``size`` entries.  A truncated log, a
rolled-back database, a forged head, a rewritten chain and an emptied log each fail one of them.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import inspect, select
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from securecomm.config import Settings
from securecomm.enforcement import audit
from securecomm.enforcement.audit_signing import (
    AuditKey,
    CheckpointFile,
    CheckpointFileError,
    HeadFormatError,
    TreeHead,
)
from securecomm.enforcement.audit_tables import SignedTreeHead
from securecomm.enforcement.audit_tree import (
    CompactRange,
    Tree,
    leaf_hash,
    root_of,
    verify_consistency,
    verify_inclusion,
)
from securecomm.enforcement.errors import AuditIntegrityError
from securecomm.enforcement.models import AuditEntry, AuditHead
from securecomm.errors import ConfigError
from securecomm.interop.context import PipelineContext
from securecomm.interop.jobs import ClaimedJob
from securecomm.interop.worker import Scheduled

PROOF_FORMAT = "securecomm audit inclusion proof v1"
#: The worker's scheduled kind that signs a head every minute (``securecomm.system.SCHEDULE``).
CHECKPOINT_STEP = "audit.checkpoint"
#: How often a worker signs a head: the longest an appended entry stays unsigned while a
#: worker runs (the window of exposure, docs/audit.md).
CHECKPOINT_EVERY = timedelta(minutes=1)


def latest_row(session: Session) -> SignedTreeHead | None:
    return session.execute(
        select(SignedTreeHead).order_by(SignedTreeHead.id.desc()).limit(1)
    ).scalar_one_or_none()


def latest_head(session: Session) -> TreeHead | None:
    row = latest_row(session)
    return row.head() if row else None


# --- the key and the checkpoint file of a home ---------------------------------------------------


@dataclass(frozen=True)
class AuditFiles:
    """Where a home keeps what is not in the database: the key and the checkpoint file."""

    key_file: Path
    checkpoints: CheckpointFile

    @classmethod
    def of(cls, settings: Settings) -> AuditFiles:
        return cls(
            settings.effective_audit_key_file,
            CheckpointFile(settings.effective_audit_checkpoint_file),
        )

    def latest_checkpoint(self) -> TreeHead | None:
        return self.checkpoints.latest() if self.checkpoints.exists() else None

    def signing_key(self, session: Session | None) -> AuditKey:
        """The key that signs heads; created (with an empty checkpoint file) on first use — but
        never while heads signed by a key exist: a new key would not match them."""
        if self.key_file.exists():
            return AuditKey.load(self.key_file)
        stored = session is not None and _stored_head(session) is not None
        if stored or self.latest_checkpoint() is not None:
            raise ConfigError(
                f"the audit key file {self.key_file} is missing, but heads signed with it exist "
                "(in the database or the checkpoint file): restore the key file; a new key "
                "would not match them"
            )
        key, _created = AuditKey.load_or_create(self.key_file)
        if not self.checkpoints.exists():
            self.checkpoints.create()
        return key


# --- making a head -------------------------------------------------------------------------------


@dataclass(frozen=True)
class MadeHead:
    head: TreeHead
    #: False when the log had not grown since the latest head (that head is returned).
    new: bool
    #: What the maker repaired on the way (a head missing from the database or the file).
    repaired: tuple[str, ...] = ()


def make_head(session: Session, key: AuditKey, files: AuditFiles, now: datetime) -> MadeHead | None:
    """Sign a head of the log as it is in this transaction (the caller commits), unless the
    log has not grown since the latest head (that head is returned) or is empty (None).
    Refuses (``AuditIntegrityError``) to sign anything that does not extend the latest head of
    the database and of the checkpoint file."""
    session.execute(select(AuditHead).where(AuditHead.id == audit.HEAD_ID).with_for_update())
    compact, latest = _start(session, key, latest_row(session))
    if not files.checkpoints.exists():
        raise AuditIntegrityError(
            f"the checkpoint file {files.checkpoints.path} is missing: restore it (or, if this "
            "home never had one, create it empty to start a new history)"
        )
    repaired: list[str] = []
    checkpoint = files.checkpoints.latest()
    if checkpoint is not None and not checkpoint.same_as(latest):
        compact, latest = _reconcile(session, key, files, compact, latest, checkpoint, repaired)
    elif checkpoint is None and latest is not None:
        raise AuditIntegrityError(
            f"the checkpoint file {files.checkpoints.path} is empty but the database holds a "
            f"signed head ({latest.describe()}): the file was emptied or replaced"
        )
    last_hash = _entry_hash(session, compact.size)
    for entry in _entries_after(session, compact.size):
        canonical = audit.entry_bytes(entry)
        if entry.seq != compact.size + 1 or entry.prev_hash != last_hash:
            raise AuditIntegrityError(
                f"entry #{compact.size + 1} does not follow the signed log (found #{entry.seq}); "
                "run `securecomm audit verify`"
            )
        if audit.compute_hash(last_hash, entry) != entry.entry_hash:
            raise AuditIntegrityError(
                f"entry #{entry.seq} does not match its hash: it was edited; refusing to sign it"
            )
        compact.append(leaf_hash(canonical))
        last_hash = entry.entry_hash
    if latest is not None and compact.size == latest.size:
        return MadeHead(latest, False, tuple(repaired))
    if compact.size == 0:
        return None
    head = key.sign(compact.size, compact.root(), now)
    files.checkpoints.append(head)  # first outside: a crash before the commit leaves a true head
    session.add(SignedTreeHead.of(head, compact))
    session.flush()
    return MadeHead(head, True, tuple(repaired))


def _start(
    session: Session, key: AuditKey, row: SignedTreeHead | None
) -> tuple[CompactRange, TreeHead | None]:
    if row is None:
        return CompactRange(), None
    head = row.head()
    if not key.verifies(head):
        raise AuditIntegrityError(
            f"the latest signed head in the database ({head.describe()}) does not verify with "
            f"the audit key {key.key_id[:16]}: run `securecomm audit verify`"
        )
    try:
        compact = row.compact()
    except (ValueError, TypeError) as exc:
        raise AuditIntegrityError(f"the latest head's compact range is unreadable ({exc})") from exc
    if compact.root() != head.root:
        raise AuditIntegrityError(
            f"the latest head's compact range does not give its root ({head.describe()})"
        )
    return compact, head


def _reconcile(
    session: Session,
    key: AuditKey,
    files: AuditFiles,
    compact: CompactRange,
    latest: TreeHead | None,
    checkpoint: TreeHead,
    repaired: list[str],
) -> tuple[CompactRange, TreeHead]:
    """The checkpoint file's last head differs from the database's latest: after a crash
    between the file and the commit (the file is ahead), or with several hosts on one database
    (the database is ahead).  Anything else is a rollback or a rewrite: refused."""
    if not key.verifies(checkpoint):
        raise AuditIntegrityError(
            f"the checkpoint file's last head ({checkpoint.describe()}) does not verify with the "
            f"audit key {key.key_id[:16]}"
        )
    if latest is None or checkpoint.size > latest.size:
        ahead = compact.copy()
        last_hash = _entry_hash(session, ahead.size)
        for entry in _entries_after(session, ahead.size, upto=checkpoint.size):
            if entry.prev_hash != last_hash or entry.seq != ahead.size + 1:
                break
            ahead.append(leaf_hash(audit.entry_bytes(entry)))
            last_hash = entry.entry_hash
        if ahead.size != checkpoint.size or ahead.root() != checkpoint.root:
            raise AuditIntegrityError(
                f"the log does not extend the checkpoint file's last head "
                f"({checkpoint.describe()}): the database was rolled back or rewritten; run "
                "`securecomm audit verify`"
            )
        session.add(SignedTreeHead.of(checkpoint, ahead))
        repaired.append(f"the database lacked the checkpoint file's head ({checkpoint.describe()})")
        return ahead, checkpoint
    known = session.execute(
        select(SignedTreeHead.id).where(
            SignedTreeHead.tree_size == checkpoint.size,
            SignedTreeHead.signature == checkpoint.signature.hex(),
        )
    ).first()
    if known is None:
        raise AuditIntegrityError(
            f"the checkpoint file's last head ({checkpoint.describe()}) is not among the "
            "database's heads: the database was rolled back or its heads replaced"
        )
    files.checkpoints.append(latest)
    repaired.append(f"the checkpoint file lacked the database's head ({latest.describe()})")
    return compact, latest


def _entry_hash(session: Session, seq: int) -> str:
    if seq == 0:
        return audit.GENESIS_HASH
    value = session.execute(select(AuditEntry.entry_hash).where(AuditEntry.seq == seq)).scalar()
    if value is None:
        raise AuditIntegrityError(
            f"entry #{seq}, the last one a signed head covers, is missing: run "
            "`securecomm audit verify`"
        )
    return value


def _entries_after(session: Session, size: int, upto: int | None = None) -> Iterator[Any]:
    query = select(*audit.ENTRY_COLUMNS).where(AuditEntry.seq > size).order_by(AuditEntry.seq)
    if upto is not None:
        query = query.where(AuditEntry.seq <= upto)
    result = session.execute(query.execution_options(yield_per=5000))
    try:
        yield from result
    finally:
        result.close()


# --- verifying -----------------------------------------------------------------------------------

OK, FAILED, MISSING = "ok", "failed", "missing"


@dataclass(frozen=True)
class Check:
    what: str
    status: str
    message: str


@dataclass
class LogVerification:
    chain: audit.ChainReport
    #: The Merkle leaf hash of each entry present, in sequence order (concatenated).
    leaves: bytes
    checks: list[Check] = field(default_factory=list)
    #: The newest head that verified (the database's or the checkpoint file's).
    latest: TreeHead | None = None

    @property
    def size(self) -> int:
        return len(self.leaves) // 32

    @property
    def failed(self) -> list[Check]:
        return [c for c in self.checks if c.status == FAILED]

    @property
    def missing(self) -> list[Check]:
        return [c for c in self.checks if c.status == MISSING]

    @property
    def signed(self) -> bool:
        """Some head was there to check (else the log's length rests on the chain alone)."""
        return self.latest is not None or bool(self.failed)

    def root_at(self, size: int) -> bytes:
        return root_of(self.leaves[: 32 * size])


def verify_log(session: Session, key: AuditKey | None, files: AuditFiles) -> LogVerification:
    """Chain, the database's latest head, and the checkpoint file's last head, against the log;
    nothing is written.  ``key`` None: the heads cannot be checked (``missing``)."""
    chain, leaves = audit.walk_log(session)
    result = LogVerification(chain, leaves)
    if chain.intact:
        result.checks.append(Check("hash chain", OK, f"{chain.checked} entries, links and hashes"))
    else:
        result.checks.append(
            Check("hash chain", FAILED, f"broken at entry #{chain.broken_seq}: {chain.problem}")
        )
    stored = _stored_head(session)
    roots: dict[int, bytes] = {}
    if stored is not None:
        result.checks.append(
            _check_head("latest signed head in the database", stored, key, result, roots)
        )
    checkpoints = files.checkpoints
    where = f"checkpoint file {checkpoints.path}"
    if not checkpoints.exists():
        if stored is not None or files.key_file.exists():
            result.checks.append(
                Check(
                    where,
                    MISSING,
                    "the file is missing: the heads written there cannot be compared with the log",
                )
            )
        return result
    try:
        last = checkpoints.latest()
    except CheckpointFileError as exc:
        result.checks.append(Check(where, FAILED, str(exc)))
        return result
    if last is None:
        if stored is not None:
            result.checks.append(
                Check(
                    where,
                    FAILED,
                    "the file is empty, but the database holds "
                    "signed heads: it was emptied or replaced",
                )
            )
        return result
    result.checks.append(_check_head(f"last head of the {where}", last, key, result, roots))
    return result


def _stored_head(session: Session) -> TreeHead | None:
    if not inspect(session.get_bind()).has_table(SignedTreeHead.__tablename__):
        return None
    return latest_head(session)


def _check_head(
    what: str,
    head: TreeHead,
    key: AuditKey | None,
    result: LogVerification,
    roots: dict[int, bytes],
) -> Check:
    described = f"({head.describe()})"
    if key is None:
        return Check(what, MISSING, f"{described} no audit key to check its signature with")
    if head.key_id != key.key_id:
        return Check(
            what,
            FAILED,
            f"{described} was signed by key {head.key_id[:16]}, not by "
            f"the audit key {key.key_id[:16]}: forged, or the key was replaced",
        )
    if not key.verifies(head):
        return Check(what, FAILED, f"{described} is forged: its signature does not verify")
    n = result.size
    if head.size > n:
        first = n + 1
        return Check(
            what,
            FAILED,
            f"{described} records {head.size} entries but the log holds {n}: entries "
            f"#{first}–#{head.size} were deleted (truncated log), or the database was rolled "
            "back to an older copy",
        )
    if head.size not in roots:
        roots[head.size] = result.root_at(head.size)
    if roots[head.size] != head.root:
        return Check(
            what,
            FAILED,
            f"{described}: the log's first {head.size} entries do not hash to the signed root: "
            "entries were rewritten (with every hash recomputed) or replaced",
        )
    if result.latest is None or head.size > result.latest.size:
        result.latest = head
    return Check(
        what,
        OK,
        f"{described} signature valid; the root matches the log's first {head.size} entries",
    )


@dataclass(frozen=True)
class Consistency:
    old: TreeHead
    new_size: int
    proof: list[bytes]


def prove_consistency(verification: LogVerification, old: TreeHead, key: AuditKey) -> Consistency:
    """That the log verified is an append-only extension of ``old`` (a head exported earlier):
    its signature, then an RFC 9162 consistency proof from ``old`` to the whole log, checked
    with the RFC's verifier against the signed root.  Raises ``AuditIntegrityError``."""
    if not key.verifies(old):
        raise AuditIntegrityError(
            f"the checkpoint ({old.describe()}) does not verify with the audit key "
            f"{key.key_id[:16]}: it is forged or was signed by another key"
        )
    n = verification.size
    if old.size > n:
        raise AuditIntegrityError(
            f"the checkpoint ({old.describe()}) records {old.size} entries but the log holds "
            f"{n}: the log was truncated or rolled back since it was exported"
        )
    tree = Tree(verification.leaves)
    proof = tree.consistency_proof(old.size)
    if not verify_consistency(old.size, n, old.root, tree.root(), proof):
        raise AuditIntegrityError(
            f"the log is not an append-only extension of the checkpoint ({old.describe()}): its "
            f"first {old.size} entries were rewritten since (the consistency proof fails)"
        )
    return Consistency(old, n, proof)


# --- inclusion proofs ----------------------------------------------------------------------------


def inclusion_proof(session: Session, seq: int, head: TreeHead, key: AuditKey) -> dict[str, Any]:
    """The proof, for an outsider holding the public key, that entry #seq is in the log that
    ``head`` signed (JSON-ready)."""
    if not 1 <= seq <= head.size:
        raise AuditIntegrityError(f"entry #{seq} is not covered by the head ({head.describe()})")
    leaves, entry = bytearray(), None
    for row in _entries_after(session, 0, upto=head.size):
        leaves += leaf_hash(audit.entry_bytes(row))
        if row.seq == seq:
            entry = row
    if entry is None or len(leaves) != 32 * head.size:
        raise AuditIntegrityError(
            f"the log holds {len(leaves) // 32} of the {head.size} entries the head covers: run "
            "`securecomm audit verify`"
        )
    tree = Tree(leaves)
    if tree.root() != head.root:
        raise AuditIntegrityError(
            f"the log's first {head.size} entries do not hash to the head's root: run "
            "`securecomm audit verify`"
        )
    path = tree.inclusion_proof(seq - 1)
    return {
        "format": PROOF_FORMAT,
        "entry": audit.entry_content(entry),
        "leaf_hash": tree.leaf(seq - 1).hex(),
        "leaf_index": seq - 1,
        "tree_size": head.size,
        "inclusion_path": [p.hex() for p in path],
        "signed_head": head.to_json(),
        "public_key": key.public_pem(),
    }


def check_inclusion_proof(proof: object, key: AuditKey) -> list[str]:
    """What is wrong with an inclusion proof (empty: it holds), with the public key alone."""
    if not isinstance(proof, dict) or proof.get("format") != PROOF_FORMAT:
        return [f"not an inclusion proof (format {PROOF_FORMAT!r} expected)"]
    try:
        head = TreeHead.from_json(proof.get("signed_head"))
        entry = proof["entry"]
        index, size = proof["leaf_index"], proof["tree_size"]
        claimed = bytes.fromhex(proof["leaf_hash"])
        path: Sequence[bytes] = [bytes.fromhex(p) for p in proof["inclusion_path"]]
        if not isinstance(entry, dict) or not isinstance(index, int) or not isinstance(size, int):
            raise TypeError("entry, leaf_index or tree_size has the wrong type")
    except (KeyError, TypeError, ValueError, HeadFormatError) as exc:
        return [f"the proof is malformed ({exc})"]
    problems = []
    leaf = leaf_hash(audit.canonical_json(entry).encode("utf-8"))
    if leaf != claimed:
        problems.append("the entry does not hash to the proof's leaf hash: the entry was altered")
    if entry.get("seq") != index + 1:
        problems.append(f"the entry is #{entry.get('seq')}, but the proof is for leaf {index}")
    if size != head.size:
        problems.append(f"the proof is for a tree of {size} entries, the head for {head.size}")
    if not verify_inclusion(index, head.size, leaf, path, head.root):
        problems.append("the inclusion path does not lead from the entry to the signed root")
    if head.key_id != key.key_id:
        problems.append(f"the head was signed by key {head.key_id[:16]}, not {key.key_id[:16]}")
    elif not key.verifies(head):
        problems.append("the signed head's signature does not verify: it is forged")
    return problems


# --- the worker's scheduled head -----------------------------------------------------------------


def checkpoint_step(context: PipelineContext, session: Session, _job: ClaimedJob) -> None:
    """The scheduled kind :data:`CHECKPOINT_STEP`: a head for this worker's home, once a minute.

    The key and the checkpoint file are the home's (``Settings.from_env()``, as the worker's
    own settings).  A worker signs only for its home's own database, and only once the home has
    a key (the first ``audit checkpoint`` or ``audit verify`` makes it): a worker pointed at
    another database never signs for it, nor writes its heads into this home."""
    settings = Settings.from_env()
    ours = make_url(settings.effective_database_url).render_as_string(hide_password=False)
    # get_bind() is an Engine or a Connection; ``.engine`` is the Engine in both cases.
    if session.get_bind().engine.url.render_as_string(hide_password=False) != ours:
        return
    files = AuditFiles.of(settings)
    if files.key_file.exists():
        make_head(session, AuditKey.load(files.key_file), files, context.clock.now())


STEPS = {CHECKPOINT_STEP: checkpoint_step}
SCHEDULE: tuple[Scheduled, ...] = (Scheduled(CHECKPOINT_STEP, CHECKPOINT_EVERY),)
