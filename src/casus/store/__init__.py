"""The record: every change to a case is an event in a hash-chained log (SQLite or PostgreSQL).

Modules, each with one job:
- `layout`: table names and the head revision (no imports: read by the fast path too);
- `canonical`: canonical JSON and the hash chain;
- `events`: event types, payloads, commands, the event as stored;
- `fold`: how each event changes a case; `validate`: the result checked as a case file is;
- `audit`: verifying a chain and naming what was done to it;
- `engine`, `migrate`, `tables`: where the store is, its schema, its Alembic migrations;
- `store`: appending in one transaction with the projections, reading, as-of, verifying;
- `fastread`: the current state of a case read with the standard library alone;
- `exchange`: a case written back to a YAML case file.

Only `casus.cli` imports this package (import-linter checks it). Nothing connects at import.
"""
