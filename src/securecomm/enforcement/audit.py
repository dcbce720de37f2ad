"""The append-only, hash-chained audit log (DESIGN.md §5.6).

Every transition and every read of personal data appends one entry.  Entry *n* stores the
SHA-256 of ``prev_hash`` followed by the canonical JSON (sorted keys, no spaces, UTF-8) of its
own content — sequence number, time, actor, role, action, subject and details — so editing,
deleting or reordering any entry breaks the chain from that entry on.  A one-row head (count,
last hash) is updated in the same transaction, so deleting the newest entries *alone* is
detected; but whoever can write the database can rewrite that row too, or recompute every hash.
What they cannot do is sign: the same canonical entries are the leaves of an RFC 9162 Merkle
tree whose heads are signed with a key kept outside the database and written to a checkpoint
file (``audit_tree``, ``audit_signing``, ``audit_heads``; docs/audit.md).

Append-only is enforced three ways: the ORM refuses to flush a changed or deleted entry; the
database refuses UPDATE and DELETE on ``audit_entries`` (triggers created with the table on
SQLite and PostgreSQL); and ``verify_chain`` detects whatever got past both (an administrator
dropping the trigger and editing rows directly), with ``audit_heads.verify_log`` for what a
rewrite of the whole chain would hide.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from enum import Enum
from typing import Any

from sqlalchemy import DDL, event, inspect, select
from sqlalchemy.orm import Session

from securecomm.clock import Clock
from securecomm.enforcement import audit_tables
from securecomm.enforcement.models import AuditEntry, AuditHead
from securecomm.enforcement.roles import Principal

GENESIS_HASH = "0" * 64
#: The signed tree heads' table belongs to the log (imported for its table).
SignedTreeHead = audit_tables.SignedTreeHead
HEAD_ID = 1


def _default(value: object) -> object:
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise ValueError("naive datetime in audit details")
        return value.astimezone(UTC).isoformat(timespec="microseconds")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, (set, frozenset, tuple)):
        return sorted(value) if isinstance(value, (set, frozenset)) else list(value)
    raise TypeError(f"cannot put {type(value).__name__} into an audit entry")


def canonical_json(value: object) -> str:
    """Canonical JSON: sorted keys, no insignificant whitespace, UTF-8 characters kept."""
    return json.dumps(
        value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=_default
    )


def entry_content(entry: Any) -> dict[str, Any]:
    """What an entry says — the object that is hashed into the chain and into the Merkle tree."""
    return {
        "seq": entry.seq,
        "at": entry.at.astimezone(UTC).isoformat(timespec="microseconds"),
        "actor": entry.actor,
        "role": entry.role,
        "action": entry.action,
        "subject": entry.subject,
        "details": entry.details,
    }


def entry_bytes(entry: Any) -> bytes:
    """The canonical bytes of an entry: the data of its Merkle leaf (``audit_tree.leaf_hash``)."""
    return canonical_json(entry_content(entry)).encode("utf-8")


def _chain_hash(prev_hash: str, canonical: str) -> str:
    return hashlib.sha256((prev_hash + "\n" + canonical).encode("utf-8")).hexdigest()


def compute_hash(prev_hash: str, entry: AuditEntry) -> str:
    return _chain_hash(prev_hash, canonical_json(entry_content(entry)))


def record(
    session: Session,
    clock: Clock,
    principal: Principal,
    action: str,
    subject: str,
    details: Mapping[str, Any] | None = None,
) -> AuditEntry:
    """Append one entry in the caller's transaction and move the head."""
    head = session.execute(
        select(AuditHead).where(AuditHead.id == HEAD_ID).with_for_update()
    ).scalar_one_or_none()
    if head is None:
        head = AuditHead(id=HEAD_ID, count=0, last_hash=GENESIS_HASH)
        session.add(head)
    entry = AuditEntry(
        seq=head.count + 1,
        at=clock.now(),
        actor=principal.user_id,
        role=principal.role.value,
        action=action,
        subject=subject,
        details=canonical_json(dict(details or {})),
        prev_hash=head.last_hash,
    )
    entry.entry_hash = compute_hash(head.last_hash, entry)
    session.add(entry)
    head.count = entry.seq
    head.last_hash = entry.entry_hash
    session.flush()
    return entry


@dataclass(frozen=True)
class ChainReport:
    """The outcome of a verification: how many entries were checked, and the first break."""

    checked: int
    broken_seq: int | None = None
    problem: str = ""

    @property
    def intact(self) -> bool:
        return self.broken_seq is None and not self.problem


def verify_chain(session: Session) -> ChainReport:
    """Walk the chain in sequence order and report the first entry that does not verify.

    On PostgreSQL the walk and the head are read in one REPEATABLE READ snapshot, so entries
    appended meanwhile are not mistaken for a break (SQLite's WAL read is a snapshot already).
    """
    return walk_log(session)[0]


#: The columns the walk reads (plain rows, not ORM objects: a million of them in seconds).
ENTRY_COLUMNS = (
    AuditEntry.seq,
    AuditEntry.at,
    AuditEntry.actor,
    AuditEntry.role,
    AuditEntry.action,
    AuditEntry.subject,
    AuditEntry.details,
    AuditEntry.prev_hash,
    AuditEntry.entry_hash,
)


def walk_log(session: Session) -> tuple[ChainReport, bytes]:
    """The chain's verification, and the Merkle leaf hashes of every entry present, in
    sequence order (concatenated, 32 bytes each) — one pass over the log for both."""
    bind = session.get_bind()
    if not inspect(bind).has_table(AuditEntry.__tablename__):
        return ChainReport(0), b""
    if bind.dialect.name == "postgresql":
        session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
    result = session.execute(
        select(*ENTRY_COLUMNS).order_by(AuditEntry.seq).execution_options(yield_per=5000)
    )
    try:
        walked, leaves = _walk(result)
    finally:
        result.close()  # a server-side cursor on PostgreSQL: close it even on an early return
    if isinstance(walked, ChainReport):
        return walked, leaves
    checked, last_hash = walked
    head = session.get(AuditHead, HEAD_ID)
    if head is None and checked:
        return ChainReport(
            checked, checked + 1, f"the chain head is missing ({checked} entries present)"
        ), leaves
    head_count = head.count if head else 0
    if head_count != checked or (head is not None and head.last_hash != last_hash):
        return ChainReport(
            checked,
            checked + 1,
            f"entry #{checked + 1} is missing: the log holds {checked} entries but its head "
            f"records {head_count} (the newest entries were deleted)",
        ), leaves
    return ChainReport(checked), leaves


def _walk(entries: Iterable[Any]) -> tuple[ChainReport | tuple[int, str], bytes]:
    """The first break in sequence, link or hash, else (entries checked, last hash); and the
    leaf hash of every entry (the walk goes on past a break, for the tree's checks)."""
    expected_seq, prev_hash, checked = 1, GENESIS_HASH, 0
    broken: ChainReport | None = None
    leaves = bytearray()
    sha256 = hashlib.sha256
    for entry in entries:
        canonical = canonical_json(entry_content(entry))
        leaves += sha256(b"\x00" + canonical.encode("utf-8")).digest()
        if broken is not None:
            continue
        if entry.seq != expected_seq:
            broken = ChainReport(
                checked,
                expected_seq,
                f"entry #{expected_seq} is missing (the next entry present is #{entry.seq})",
            )
        elif entry.prev_hash != prev_hash:
            broken = ChainReport(
                checked,
                entry.seq,
                f"entry #{entry.seq} does not follow entry #{entry.seq - 1}: its previous-hash "
                "link is broken (an entry was removed, reordered or replaced)",
            )
        elif _chain_hash(prev_hash, canonical) != entry.entry_hash:
            broken = ChainReport(
                checked,
                entry.seq,
                f"entry #{entry.seq} ({entry.action} on {entry.subject}) does not match its "
                "hash: it was edited",
            )
        else:
            prev_hash = entry.entry_hash
            expected_seq += 1
            checked += 1
    return (broken or (checked, prev_hash)), bytes(leaves)


def entries_for(session: Session, subject: str) -> list[AuditEntry]:
    """The timeline of one subject (a case number), oldest first."""
    return list(
        session.execute(
            select(AuditEntry).where(AuditEntry.subject == subject).order_by(AuditEntry.seq)
        ).scalars()
    )


def details_of(entry: AuditEntry) -> dict[str, Any]:
    value = json.loads(entry.details)
    if not isinstance(value, dict):
        raise ValueError(f"audit entry #{entry.seq}: details are not an object")
    return value


@event.listens_for(Session, "before_flush")
def _refuse_audit_changes(session: Session, _context: object, _instances: object) -> None:
    for obj in list(session.dirty) + list(session.deleted):
        if isinstance(obj, AuditEntry) and (obj in session.deleted or session.is_modified(obj)):
            raise PermissionError(f"audit entry #{obj.seq} is append-only")


_TRIGGERS = {
    "sqlite": [
        "CREATE TRIGGER audit_entries_no_update BEFORE UPDATE ON audit_entries "
        "BEGIN SELECT RAISE(ABORT, 'audit_entries is append-only'); END",
        "CREATE TRIGGER audit_entries_no_delete BEFORE DELETE ON audit_entries "
        "BEGIN SELECT RAISE(ABORT, 'audit_entries is append-only'); END",
    ],
    "postgresql": [
        "CREATE OR REPLACE FUNCTION audit_entries_append_only() RETURNS trigger AS $$ "
        "BEGIN RAISE EXCEPTION 'audit_entries is append-only'; END $$ LANGUAGE plpgsql",
        "CREATE TRIGGER audit_entries_no_change BEFORE UPDATE OR DELETE ON audit_entries "
        "FOR EACH ROW EXECUTE FUNCTION audit_entries_append_only()",
    ],
}

#: The trigger statements per dialect, for the Alembic migration (op.execute each).
APPEND_ONLY_TRIGGERS = _TRIGGERS

for _dialect, _statements in _TRIGGERS.items():
    for _sql in _statements:
        event.listen(AuditEntry.__table__, "after_create", DDL(_sql).execute_if(dialect=_dialect))
