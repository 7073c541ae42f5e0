"""The tables as the running store sees them at the head revision (SQLAlchemy Core).

The migrations in `migrations/versions/` create these; they spell their own DDL instead of
importing this module, so that an old revision keeps meaning what it meant. A test checks that
the head revision's tables match these. This module must not open connections.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Column,
    DateTime,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    text,
)

from casus.store import layout

metadata = MetaData()

#: The log. Append-only: the store never updates or deletes a row of it.
events = Table(
    layout.EVENTS,
    metadata,
    # BIGINT on PostgreSQL; SQLite's rowid alias must be spelled INTEGER to autoincrement.
    Column("id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True),
    Column("case_id", String(80), nullable=False),
    Column("seq", Integer, nullable=False),
    Column("type", String(40), nullable=False),
    Column("payload", Text, nullable=False),
    Column("author", String(200), nullable=False),
    Column("recorded_at", DateTime(timezone=True), nullable=False),
    Column("command_id", String(200), nullable=False),
    Column("prev_hash", String(64), nullable=False),
    Column("hash", String(64), nullable=False),
    UniqueConstraint("case_id", "seq", name="uq_events_case_seq"),
    UniqueConstraint("command_id", name="uq_events_command"),
    Index("ix_events_case_recorded", "case_id", "recorded_at"),
)

#: Projection: each case's head and its fields other than the item fields (revision 0004: the
#: canonical JSON of the case without `claims`, `phases`, `requests` and `timeline`), updated in
#: the transaction that appends.
cases = Table(
    layout.CASES,
    metadata,
    Column("case_id", String(80), primary_key=True),
    Column("title", Text, nullable=False),
    Column("head_seq", Integer, nullable=False),
    Column("head_hash", String(64), nullable=False),
    Column("head_recorded_at", DateTime(timezone=True), nullable=False),
    Column("fields", Text, nullable=False),
)

#: Projection (revision 0004): each item of a case's item fields, as canonical JSON, at its place
#: in the list; `item_id` is the item's id where it has one. An event writes the rows it changed.
#: The case's text is `canonical.case_text` of its `fields` and these rows in order.
case_items = Table(
    layout.CASE_ITEMS,
    metadata,
    Column("case_id", String(80), primary_key=True),
    Column("field", String(20), primary_key=True),
    Column("pos", Integer, primary_key=True, autoincrement=False),
    Column("item_id", String(80), nullable=True),
    Column("item", Text, nullable=False),
    Index("ix_case_items_id", "case_id", "field", "item_id", "pos"),
)

#: Projection: every position cast, the current one per delegation and question unsuperseded.
positions = Table(
    layout.POSITIONS,
    metadata,
    Column("id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True),
    Column("case_id", String(80), nullable=False),
    Column("request_id", String(80), nullable=False),
    Column("state", String(2), nullable=False),
    Column("position", String(16), nullable=False),
    Column("seq", Integer, nullable=False),
    Column("superseded_by", Integer, nullable=True),
    Index(
        "uq_positions_current",
        "case_id",
        "request_id",
        "state",
        unique=True,
        sqlite_where=text("superseded_by IS NULL"),
        postgresql_where=text("superseded_by IS NULL"),
    ),
)

#: Exercises (revision 0003): each exercise's log, hash-chained exactly as a case's is, kept
#: apart from `events` because a case's projection must be a valid case after every event, and
#: an exercise is not one until a request is filed in it.
exercise_events = Table(
    layout.EXERCISE_EVENTS,
    metadata,
    Column("id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True),
    Column("exercise_id", String(80), nullable=False),
    Column("seq", Integer, nullable=False),
    Column("type", String(40), nullable=False),
    Column("payload", Text, nullable=False),
    Column("author", String(200), nullable=False),
    Column("recorded_at", DateTime(timezone=True), nullable=False),
    Column("command_id", String(200), nullable=False),
    Column("prev_hash", String(64), nullable=False),
    Column("hash", String(64), nullable=False),
    UniqueConstraint("exercise_id", "seq", name="uq_exercise_events_seq"),
    UniqueConstraint("command_id", name="uq_exercise_events_command"),
)

#: Projection: each exercise's head, its scenario (written once) and its state.
exercises = Table(
    layout.EXERCISES,
    metadata,
    Column("exercise_id", String(80), primary_key=True),
    Column("title", Text, nullable=False),
    Column("organization", String(80), nullable=False),
    Column("source_case", String(80), nullable=True),
    Column("created_by", String(200), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("head_seq", Integer, nullable=False),
    Column("head_hash", String(64), nullable=False),
    Column("head_recorded_at", DateTime(timezone=True), nullable=False),
    Column("scenario", Text, nullable=True),
    Column("state", Text, nullable=False),
    Column("state_sha256", String(64), nullable=False),
)

#: Accounts of the service: only a salted hash of each bearer token is kept.
accounts = Table(
    layout.ACCOUNTS,
    metadata,
    Column("account_id", String(40), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("role", String(20), nullable=False),
    Column("state", String(2), nullable=True),
    Column("exercise_id", String(80), nullable=True),
    Column("token_id", String(32), nullable=False),
    Column("token_salt", String(64), nullable=False),
    Column("token_hash", String(64), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("created_by", String(200), nullable=False),
    # Revision 0005: when the token stops being accepted (null: never), and when it was revoked.
    Column("expires_at", DateTime(timezone=True), nullable=True),
    Column("revoked_at", DateTime(timezone=True), nullable=True),
    UniqueConstraint("token_id", name="uq_accounts_token"),
    Index("ix_accounts_exercise", "exercise_id"),
)

#: Accounts' log (revision 0005): one hash-chained log (chained as a case's is, under the log
#: name `accounts`) of the accounts made outside an exercise and of their credentials, so that
#: `accounts` is derived from chains: this log and the exercises' (whose participants' tokens
#: are events of their exercise). Its head is the one row of `account_log`.
account_events = Table(
    layout.ACCOUNT_EVENTS,
    metadata,
    Column("id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True),
    Column("seq", Integer, nullable=False),
    Column("type", String(40), nullable=False),
    Column("payload", Text, nullable=False),
    Column("author", String(200), nullable=False),
    Column("recorded_at", DateTime(timezone=True), nullable=False),
    Column("command_id", String(200), nullable=False),
    Column("prev_hash", String(64), nullable=False),
    Column("hash", String(64), nullable=False),
    UniqueConstraint("seq", name="uq_account_events_seq"),
    UniqueConstraint("command_id", name="uq_account_events_command"),
)

account_log = Table(
    layout.ACCOUNT_LOG,
    metadata,
    Column("log_id", String(20), primary_key=True),
    Column("head_seq", Integer, nullable=False),
    Column("head_hash", String(64), nullable=False),
    Column("head_recorded_at", DateTime(timezone=True), nullable=False),
)
