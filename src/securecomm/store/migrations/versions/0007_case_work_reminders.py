"""reminders of case-work deadlines

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-07 10:30:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "enforcement_reminders",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("office", sa.String(length=40), nullable=False),
        sa.Column("addressee", sa.String(length=60), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("acknowledged_by", sa.String(length=60), nullable=False),
        sa.Column("acknowledged_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["case_id"], ["enforcement_cases.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("key"),
    )
    with op.batch_alter_table("enforcement_reminders", schema=None) as batch_op:
        batch_op.create_index("ix_enforcement_reminders_case_id", ["case_id"], unique=False)
        batch_op.create_index("ix_enforcement_reminders_kind", ["kind"], unique=False)
        batch_op.create_index("ix_enforcement_reminders_office", ["office"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("enforcement_reminders", schema=None) as batch_op:
        batch_op.drop_index("ix_enforcement_reminders_office")
        batch_op.drop_index("ix_enforcement_reminders_kind")
        batch_op.drop_index("ix_enforcement_reminders_case_id")
    op.drop_table("enforcement_reminders")
