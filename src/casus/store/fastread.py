"""A case's current state read from a SQLite store with the standard library alone.

`casus replay` reads through the store on every run, and importing SQLAlchemy costs about as
much as the rest of a replay; this reader answers the common case (the store exists, is at the
head revision and holds the case) with one query and no third-party import. It never writes;
on anything unexpected it returns None and the caller takes the SQLAlchemy path, which migrates,
seeds and reports errors properly. It must not know how events fold.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path

from casus.store import layout


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
        row = conn.execute(
            f"SELECT c.state, c.state_sha256, e.command_id FROM {layout.CASES} AS c "
            f"JOIN {layout.EVENTS} AS e ON e.case_id = c.case_id AND e.seq = c.head_seq "
            "WHERE c.case_id = ?",
            (case_id,),
        ).fetchone()
    except sqlite3.Error:
        return None
    finally:
        conn.close()
    if row is None:
        return None
    return Projection(str(row[0]), str(row[1]), str(row[2]))
