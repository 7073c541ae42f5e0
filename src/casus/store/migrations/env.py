"""Alembic's entry point, run by `casus.store.migrate` with an open connection.

There is no alembic.ini: the store passes the connection (already inside a transaction that
holds the migration lock) in `config.attributes["connection"]`. Offline (SQL script) mode is not
offered, since the lock and the backfills need a live database.
"""

from __future__ import annotations

from alembic import context

connection = context.config.attributes.get("connection")
if connection is None or context.is_offline_mode():
    raise RuntimeError("casus migrations run only through casus.store.migrate, with a connection")

context.configure(connection=connection, target_metadata=None)
with context.begin_transaction():
    context.run_migrations()
