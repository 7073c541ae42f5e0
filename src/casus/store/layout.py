"""Names the store's tables and the schema revision this casus expects, with no imports.

Both the SQLAlchemy store and the standard-library fast reader (`fastread`) read these, so the
names live in one place that costs nothing to import. It must not know how tables are built.
"""

from __future__ import annotations

#: The Alembic revision of the newest schema (the last file in `migrations/versions/`). A test
#: checks that it equals Alembic's own head, so the two cannot drift apart.
HEAD_REVISION = "0005"

EVENTS = "events"
CASES = "cases"
CASE_ITEMS = "case_items"
POSITIONS = "positions"
EXERCISES = "exercises"
EXERCISE_EVENTS = "exercise_events"
ACCOUNTS = "accounts"
ACCOUNT_EVENTS = "account_events"
ACCOUNT_LOG = "account_log"
VERSION_TABLE = "alembic_version"

#: Prefix of the idempotency ids of events that seed the store from a built-in case file.
BUILTIN_COMMAND_PREFIX = "builtin:"

#: The list fields of a case that events add to one item at a time (sorted). Each of their items
#: is a row of `case_items`; the case's other fields are one text in its `cases` row.
ITEM_FIELDS = ("claims", "phases", "requests", "timeline")
