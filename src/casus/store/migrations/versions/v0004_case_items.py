"""A case's projection in rows: each item of its claims, phases, requests and timeline in a row
of `case_items`, and the rest of the case in its `cases` row (`state` becomes `fields`), so that
an append writes the items it changed instead of the whole case. The whole case's hash
(`state_sha256`) goes: it cannot be kept without rewriting the case; `audit verify` compares the
text assembled from the rows with the text the log folds to.

Revision ID: 0004
Revises: 0003

The split is spelled here rather than imported from the running store, so that this revision
keeps doing what it did when it was written. Canonical JSON is built part by part, so the parts
are the substrings of the stored text and the case reads back as the same text.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

ITEM_FIELDS = ("claims", "phases", "requests", "timeline")


def _canonical(value: Any) -> str:
    return json.dumps(
        value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    )


def upgrade() -> None:
    items = op.create_table(
        "case_items",
        sa.Column("case_id", sa.String(80), primary_key=True),
        sa.Column("field", sa.String(20), primary_key=True),
        sa.Column("pos", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("item_id", sa.String(80), nullable=True),
        sa.Column("item", sa.Text(), nullable=False),
    )
    op.create_index("ix_case_items_id", "case_items", ["case_id", "field", "item_id", "pos"])
    bind = op.get_bind()
    cases = bind.execute(sa.text("SELECT case_id, state FROM cases ORDER BY case_id")).all()
    for case_id, state in cases:
        data = json.loads(state)
        rows = [
            {
                "case_id": case_id,
                "field": name,
                "pos": pos,
                "item_id": item.get("id") if isinstance(item.get("id"), str) else None,
                "item": _canonical(item),
            }
            for name in ITEM_FIELDS
            for pos, item in enumerate(data.get(name, []))
        ]
        if rows:
            op.bulk_insert(items, rows)
        fields = {k: v for k, v in data.items() if k not in ITEM_FIELDS}
        bind.execute(
            sa.text("UPDATE cases SET state = :fields WHERE case_id = :case_id"),
            {"fields": _canonical(fields), "case_id": case_id},
        )
    with op.batch_alter_table("cases") as batch:
        batch.alter_column("state", new_column_name="fields", existing_type=sa.Text())
        batch.drop_column("state_sha256")


def downgrade() -> None:
    with op.batch_alter_table("cases") as batch:
        batch.alter_column("fields", new_column_name="state", existing_type=sa.Text())
        batch.add_column(sa.Column("state_sha256", sa.String(64), nullable=True))
    bind = op.get_bind()
    cases = bind.execute(sa.text("SELECT case_id, state FROM cases")).all()
    for case_id, fields in cases:
        rows = bind.execute(
            sa.text(
                "SELECT field, item FROM case_items WHERE case_id = :case_id ORDER BY field, pos"
            ),
            {"case_id": case_id},
        ).all()
        data = json.loads(fields)
        for name in ITEM_FIELDS:
            data[name] = [json.loads(item) for field, item in rows if field == name]
        text = _canonical(data)
        bind.execute(
            sa.text("UPDATE cases SET state = :state, state_sha256 = :sha WHERE case_id = :id"),
            {"state": text, "sha": hashlib.sha256(text.encode()).hexdigest(), "id": case_id},
        )
    with op.batch_alter_table("cases") as batch:
        batch.alter_column("state_sha256", existing_type=sa.String(64), nullable=False)
    op.drop_index("ix_case_items_id", table_name="case_items")
    op.drop_table("case_items")
