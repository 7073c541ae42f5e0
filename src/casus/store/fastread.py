"""A case's current state read from a SQLite store with the standard library alone.

`casus replay` reads through the store on every run, and importing SQLAlchemy costs about as
much as the rest of a replay; this reader answers the common case (the store exists, is at the
head revision and holds the case) with two queries and no third-party import. It never writes;
on anything unexpected it returns None and the caller takes the SQLAlchemy path, which migrates,
seeds and reports errors properly. It must not know how events fold.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path

from casus.store import layout
from casus.store.canonical import case_text, sha256_text


@dataclass(frozen=True)
class Projection:
    state: str
    state_sha256: str
    head_command_id: str


def read_projection(path: Path, case_id: str) -> Projection | None:
    """The projection row of `case_id` and the idempotency id of its head event, or None when
    the file, the schema revision or the case is not what the fast path expects."""
    if not path.is_file():
        return None
    try:
        # mode=ro: this path must never change the file, not even its journal mode.
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=30)
    except sqlite3.Error:
        return None
    try:
        version = conn.execute(f"SELECT version_num FROM {layout.VERSION_TABLE}").fetchone()
        if version is None or version[0] != layout.HEAD_REVISION:
            return None
        # One read transaction, so that the head and the items are of the same commit.
        conn.execute("BEGIN")
        row = conn.execute(
            f"SELECT c.fields, e.command_id FROM {layout.CASES} AS c "
            f"JOIN {layout.EVENTS} AS e ON e.case_id = c.case_id AND e.seq = c.head_seq "
            "WHERE c.case_id = ?",
            (case_id,),
        ).fetchone()
        items: dict[str, list[str]] = {}
        if row is not None:
            for name, item in conn.execute(
                f"SELECT field, item FROM {layout.CASE_ITEMS} WHERE case_id = ? "
                "ORDER BY field, pos",
                (case_id,),
            ):
                items.setdefault(name, []).append(item)
    except sqlite3.Error:
        return None
    finally:
        conn.close()
    if row is None:
        return None
    try:
        state = case_text(str(row[0]), items)
    except ValueError:  # not JSON: the store's own path reports it
        return None
    return Projection(state, sha256_text(state), str(row[1]))
