"""Bring a store's schema to a revision with Alembic, run programmatically under a lock.

Users never see alembic.ini: the migrations ship inside the package and run on first use. Two
processes opening a new store at once must not both create it, so the upgrade runs inside one
transaction that first takes the write lock (BEGIN IMMEDIATE on SQLite, an advisory lock on
PostgreSQL) and then re-reads the revision. This module must not know what the tables hold.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from casus.store import layout
from casus.store.errors import StoreError

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
KNOWN_REVISIONS = ("0001", "0002", "0003", "0004", "0005")
#: An arbitrary constant naming casus's migration lock among PostgreSQL advisory locks.
_PG_LOCK_KEY = 0x6361737573  # "casus"


def current_revision(conn: Any) -> str | None:
    from sqlalchemy import inspect, text

    if not inspect(conn).has_table(layout.VERSION_TABLE):
        return None
    row = conn.execute(text(f"SELECT version_num FROM {layout.VERSION_TABLE}")).first()
    return None if row is None else str(row[0])


def _config(conn: Any) -> Any:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["connection"] = conn
    return cfg


def upgrade(engine: Any, revision: str = "head") -> None:
    """Upgrade to `revision` (default: head), holding the migration lock."""
    from alembic import command
    from sqlalchemy import text

    with engine.connect().execution_options(casus_write=True) as conn, conn.begin():
        if conn.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PG_LOCK_KEY})
        found = current_revision(conn)
        if found is not None and found not in KNOWN_REVISIONS:
            raise StoreError(_newer(found))
        target = layout.HEAD_REVISION if revision == "head" else revision
        if found == target:
            return
        command.upgrade(_config(conn), revision)


def ensure_schema(engine: Any) -> None:
    """Upgrade to head unless already there; the common case costs one small query and never
    imports Alembic."""
    with engine.connect() as conn:
        found = current_revision(conn)
        conn.rollback()
    if found == layout.HEAD_REVISION:
        return
    if found is not None and found not in KNOWN_REVISIONS:
        raise StoreError(_newer(found))
    upgrade(engine)


def script_head() -> str:
    """Alembic's own idea of the head revision (for the test that pins HEAD_REVISION)."""
    from alembic.script import ScriptDirectory

    cfg = _config(None)
    head = ScriptDirectory.from_config(cfg).get_current_head()
    return str(head)


def _newer(found: str) -> str:
    return (
        f"the store is at schema revision {found}, which this casus does not know "
        f"(it knows up to {layout.HEAD_REVISION}): upgrade casus"
    )
