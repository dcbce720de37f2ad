"""signed audit tree heads

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02 10:00:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


# The heads are append-only in the database, like the log. Frozen here (a migration must not
# change when application code does); the same DDL runs on create_all from
# securecomm.enforcement.audit_tables.
APPEND_ONLY = {
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


def upgrade() -> None:
    op.create_table(
        "audit_tree_heads",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("tree_size", sa.Integer(), nullable=False),
        sa.Column("root_hash", sa.String(length=64), nullable=False),
        sa.Column("timestamp_ms", sa.BigInteger(), nullable=False),
        sa.Column("key_id", sa.String(length=64), nullable=False),
        sa.Column("signature", sa.String(length=128), nullable=False),
        sa.Column("compact_range", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_tree_heads")),
    )
    with op.batch_alter_table("audit_tree_heads", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_audit_tree_heads_tree_size"), ["tree_size"], unique=False
        )
    for statement in APPEND_ONLY.get(op.get_bind().dialect.name, []):
        op.execute(statement)


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS audit_tree_heads_no_change ON audit_tree_heads")
        op.execute("DROP FUNCTION IF EXISTS audit_tree_heads_append_only()")
    elif dialect == "sqlite":
        op.execute("DROP TRIGGER IF EXISTS audit_tree_heads_no_update")
        op.execute("DROP TRIGGER IF EXISTS audit_tree_heads_no_delete")
    with op.batch_alter_table("audit_tree_heads", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_audit_tree_heads_tree_size"))
    op.drop_table("audit_tree_heads")
