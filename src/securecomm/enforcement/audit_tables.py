"""The table of signed tree heads (``audit_tree_heads``, migration 0004), append-only like the
log itself: the ORM model and the triggers that refuse UPDATE and DELETE on SQLite and
PostgreSQL.  Imported by ``audit`` so that the table is part of every layer's metadata; what
the heads mean and how they are made is ``audit_heads``.
"""

from __future__ import annotations

import json

from sqlalchemy import DDL, BigInteger, Integer, String, Text, event
from sqlalchemy.orm import Mapped, mapped_column

from securecomm.enforcement.audit_signing import TreeHead
from securecomm.enforcement.audit_tree import CompactRange
from securecomm.store.database import Base


class SignedTreeHead(Base):
    """One signed tree head (append-only, like the log); the newest is the highest ``id``."""

    __tablename__ = "audit_tree_heads"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    tree_size: Mapped[int] = mapped_column(Integer, index=True)
    root_hash: Mapped[str] = mapped_column(String(64))
    #: Milliseconds since the epoch, UTC: the exact number that was signed.
    timestamp_ms: Mapped[int] = mapped_column(BigInteger)
    key_id: Mapped[str] = mapped_column(String(64))
    signature: Mapped[str] = mapped_column(String(128))
    #: The compact range at ``tree_size`` (hex hashes, largest subtree first), from which the
    #: next head is extended; not signed, so the maker checks it against the root, and
    #: ``verify_log`` never uses it (it recomputes the tree from the entries).
    compact_range: Mapped[str] = mapped_column(Text)

    def head(self) -> TreeHead:
        return TreeHead(
            self.tree_size,
            bytes.fromhex(self.root_hash),
            self.timestamp_ms,
            self.key_id,
            bytes.fromhex(self.signature),
        )

    def compact(self) -> CompactRange:
        hashes = [bytes.fromhex(h) for h in json.loads(self.compact_range)]
        return CompactRange(self.tree_size, hashes)

    @classmethod
    def of(cls, head: TreeHead, compact: CompactRange) -> SignedTreeHead:
        return cls(
            tree_size=head.size,
            root_hash=head.root.hex(),
            timestamp_ms=head.timestamp_ms,
            key_id=head.key_id,
            signature=head.signature.hex(),
            compact_range=json.dumps([h.hex() for h in compact.hashes]),
        )


_TRIGGERS = {
    "sqlite": [
        "CREATE TRIGGER audit_tree_heads_no_update BEFORE UPDATE ON audit_tree_heads "
        "BEGIN SELECT RAISE(ABORT, 'audit_tree_heads is append-only'); END",
        "CREATE TRIGGER audit_tree_heads_no_delete BEFORE DELETE ON audit_tree_heads "
        "BEGIN SELECT RAISE(ABORT, 'audit_tree_heads is append-only'); END",
    ],
    "postgresql": [
        "CREATE OR REPLACE FUNCTION audit_tree_heads_append_only() RETURNS trigger AS $$ "
        "BEGIN RAISE EXCEPTION 'audit_tree_heads is append-only'; END $$ LANGUAGE plpgsql",
        "CREATE TRIGGER audit_tree_heads_no_change BEFORE UPDATE OR DELETE ON audit_tree_heads "
        "FOR EACH ROW EXECUTE FUNCTION audit_tree_heads_append_only()",
    ],
}
#: The trigger statements per dialect, frozen into migration 0004 too.
APPEND_ONLY_TRIGGERS = _TRIGGERS

for _dialect, _statements in _TRIGGERS.items():
    for _sql in _statements:
        event.listen(
            SignedTreeHead.__table__, "after_create", DDL(_sql).execute_if(dialect=_dialect)
        )
