"""Positions as a table (each delegation's position per question, superseded ones kept), filled
from the log; and an index for rebuilding a case as recorded on a date.

Revision ID: 0002
Revises: 0001

The backfill reads the events themselves rather than importing the running store's fold, so
that this revision keeps doing what it did when it was written.
"""

from __future__ import annotations

import json
from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def _casts(event_type: str, p: dict[str, Any]) -> tuple[bool, list[tuple[str, str, str]]]:
    if event_type == "case_imported":
        return True, [
            (rq["id"], pos["state"], pos["position"])
            for rq in p["case"].get("requests", [])
            if rq.get("decision")
            for pos in rq["decision"].get("positions", [])
        ]
    if event_type == "decision_recorded":
        return False, [
            (p["request"], x["state"], x["position"]) for x in p["decision"].get("positions", [])
        ]
    if event_type in ("position_cast", "position_changed"):
        x = p["position"]
        return False, [(p["request"], x["state"], x["position"])]
    return False, []


def upgrade() -> None:
    op.create_index("ix_events_case_recorded", "events", ["case_id", "recorded_at"])
    positions = op.create_table(
        "positions",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), primary_key=True),
        sa.Column("case_id", sa.String(80), nullable=False),
        sa.Column("request_id", sa.String(80), nullable=False),
        sa.Column("state", sa.String(2), nullable=False),
        sa.Column("position", sa.String(16), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("superseded_by", sa.Integer(), nullable=True),
    )
    op.create_index(
        "uq_positions_current",
        "positions",
        ["case_id", "request_id", "state"],
        unique=True,
        sqlite_where=sa.text("superseded_by IS NULL"),
        postgresql_where=sa.text("superseded_by IS NULL"),
    )
    bind = op.get_bind()
    rows = bind.execute(
        sa.text(
            "SELECT case_id, seq, type, payload FROM events "
            "WHERE type IN ('case_imported', 'decision_recorded', 'position_cast', 'position_changed') "
            "ORDER BY case_id, seq"
        )
    )
    out: list[dict[str, Any]] = []
    current: dict[tuple[str, str, str], dict[str, Any]] = {}
    for case_id, seq, event_type, payload in rows:
        replace_all, casts = _casts(event_type, json.loads(payload))
        if replace_all:
            for key in [k for k in current if k[0] == case_id]:
                current.pop(key)["superseded_by"] = seq
        for request_id, state, value in casts:
            key = (case_id, request_id, state)
            if key in current:
                current[key]["superseded_by"] = seq
            row = {
                "case_id": case_id,
                "request_id": request_id,
                "state": state,
                "position": value,
                "seq": seq,
                "superseded_by": None,
            }
            current[key] = row
            out.append(row)
    if out:
        op.bulk_insert(positions, out)


def downgrade() -> None:
    op.drop_table("positions")
    op.drop_index("ix_events_case_recorded", table_name="events")
