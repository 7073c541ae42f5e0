"""Credentials under the chain: each account's token may expire and be revoked, and the
accounts table is derived from hash-chained logs — a new log of the accounts (`account_events`,
its head in `account_log`) and the exercises' own logs — so that a forged row fails the audit.

Revision ID: 0005
Revises: 0004

New columns (`expires_at`, `revoked_at`, both null: every existing token stays good, with no
expiry) and new tables. No existing event changes: every case's and exercise's chain and hash
is kept. Each existing account is recorded, in the order made, as an `account_created` event of
the new log, carrying its credential's digest (never the token). The chaining is spelled here,
as `casus.store.canonical` chained events when this revision was written, so that this revision
keeps doing what it did.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

LOG = "accounts"
GENESIS = "0" * 64
AUTHOR = "system:migration-0005"


def _canonical(value: Any) -> str:
    return json.dumps(
        value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    )


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _digest(token_id: str, salt: str, token_hash: str) -> str:
    return _sha(f"casus-credential\n{token_id}\n{salt}\n{token_hash}")


def upgrade() -> None:
    with op.batch_alter_table("accounts") as batch:
        batch.add_column(sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True))
    events = op.create_table(
        "account_events",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), primary_key=True),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("type", sa.String(40), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("author", sa.String(200), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("command_id", sa.String(200), nullable=False),
        sa.Column("prev_hash", sa.String(64), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
        sa.UniqueConstraint("seq", name="uq_account_events_seq"),
        sa.UniqueConstraint("command_id", name="uq_account_events_command"),
    )
    head = op.create_table(
        "account_log",
        sa.Column("log_id", sa.String(20), primary_key=True),
        sa.Column("head_seq", sa.Integer(), nullable=False),
        sa.Column("head_hash", sa.String(64), nullable=False),
        sa.Column("head_recorded_at", sa.DateTime(timezone=True), nullable=False),
    )
    bind = op.get_bind()
    accounts = bind.execute(
        sa.text(
            "SELECT account_id, name, role, state, exercise_id, created_by, token_id, "
            "token_salt, token_hash FROM accounts ORDER BY created_at, account_id"
        )
    ).all()
    if not accounts:
        return
    now = dt.datetime.now(dt.UTC)
    stamp = now.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    prev, rows = GENESIS, []
    for seq, a in enumerate(accounts, start=1):
        payload = _canonical(
            {
                "account": a.account_id,
                "name": a.name,
                "role": a.role,
                "state": a.state,
                "exercise": a.exercise_id,
                "created_by": a.created_by,
                "credential": {
                    "digest": _digest(a.token_id, a.token_salt, a.token_hash),
                    "expires_at": None,
                },
            }
        )
        command = f"migration-0005:{a.account_id}"
        content = _canonical(
            {
                "author": AUTHOR,
                "case": LOG,
                "command": command,
                "payload_sha256": _sha(payload),
                "recorded_at": stamp,
                "seq": seq,
                "type": "account_created",
            }
        )
        digest = _sha(prev + "\n" + content)
        rows.append(
            {
                "seq": seq,
                "type": "account_created",
                "payload": payload,
                "author": AUTHOR,
                "recorded_at": now,
                "command_id": command,
                "prev_hash": prev,
                "hash": digest,
            }
        )
        prev = digest
    op.bulk_insert(events, rows)
    op.bulk_insert(
        head,
        [{"log_id": LOG, "head_seq": len(rows), "head_hash": prev, "head_recorded_at": now}],
    )


def downgrade() -> None:
    op.drop_table("account_log")
    op.drop_table("account_events")
    with op.batch_alter_table("accounts") as batch:
        batch.drop_column("revoked_at")
        batch.drop_column("expires_at")
