"""the officer's decision on each finger of an identity verification

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-07 12:00:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "enforcement_finger_decisions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("verification_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column(
            "decision",
            sa.Enum(
                "confirmed",
                "not_confirmed",
                "inconclusive",
                name="fingerdecision",
                native_enum=False,
                length=40,
            ),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(["verification_id"], ["enforcement_identity_verifications.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("verification_id", "position"),
    )
    with op.batch_alter_table("enforcement_finger_decisions", schema=None) as batch_op:
        batch_op.create_index(
            "ix_enforcement_finger_decisions_verification_id", ["verification_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("enforcement_finger_decisions", schema=None) as batch_op:
        batch_op.drop_index("ix_enforcement_finger_decisions_verification_id")
    op.drop_table("enforcement_finger_decisions")
