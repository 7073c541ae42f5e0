"""Exercises (their own hash-chained logs and a projection) and the service's accounts.

Revision ID: 0003
Revises: 0002

New tables only: no existing row changes, so there is nothing to backfill.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "exercise_events",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), primary_key=True),
        sa.Column("exercise_id", sa.String(80), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("type", sa.String(40), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("author", sa.String(200), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("command_id", sa.String(200), nullable=False),
        sa.Column("prev_hash", sa.String(64), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
        sa.UniqueConstraint("exercise_id", "seq", name="uq_exercise_events_seq"),
        sa.UniqueConstraint("command_id", name="uq_exercise_events_command"),
    )
    op.create_table(
        "exercises",
        sa.Column("exercise_id", sa.String(80), primary_key=True),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("organization", sa.String(80), nullable=False),
        sa.Column("source_case", sa.String(80), nullable=True),
        sa.Column("created_by", sa.String(200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("head_seq", sa.Integer(), nullable=False),
        sa.Column("head_hash", sa.String(64), nullable=False),
        sa.Column("head_recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("scenario", sa.Text(), nullable=True),
        sa.Column("state", sa.Text(), nullable=False),
        sa.Column("state_sha256", sa.String(64), nullable=False),
    )
    op.create_table(
        "accounts",
        sa.Column("account_id", sa.String(40), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("state", sa.String(2), nullable=True),
        sa.Column("exercise_id", sa.String(80), nullable=True),
        sa.Column("token_id", sa.String(32), nullable=False),
        sa.Column("token_salt", sa.String(64), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(200), nullable=False),
        sa.UniqueConstraint("token_id", name="uq_accounts_token"),
    )
    op.create_index("ix_accounts_exercise", "accounts", ["exercise_id"])


def downgrade() -> None:
    op.drop_index("ix_accounts_exercise", table_name="accounts")
    op.drop_table("accounts")
    op.drop_table("exercises")
    op.drop_table("exercise_events")
