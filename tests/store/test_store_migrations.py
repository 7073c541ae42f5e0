"""Migrations: an empty database upgrades to head; one at the earlier revision, holding events,
upgrades with every event intact and its new tables filled from the log. Both backends."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import select

from casus.model.world import World
from casus.store import layout, tables
from casus.store.engine import make_engine, resolve
from casus.store.events import Command
from casus.store.migrate import current_revision, script_head, upgrade

KZ = "kz-2022"
REQUEST = "kz-2022-01-05"


def test_head_revision_is_alembics_head() -> None:
    assert script_head() == layout.HEAD_REVISION


def test_an_empty_database_upgrades_to_head_matching_the_tables(db_url: str) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    engine = make_engine(resolve(db_url))
    try:
        upgrade(engine)
        with engine.connect() as conn:
            assert current_revision(conn) == layout.HEAD_REVISION
            diffs = compare_metadata(MigrationContext.configure(conn), tables.metadata)
        assert diffs == []
        upgrade(engine)  # again: nothing to do
    finally:
        engine.dispose()


def _rows(engine: Any, table: str, order: str) -> list[dict[str, Any]]:
    t = tables.metadata.tables[table]
    with engine.connect() as conn:
        return [dict(r._mapping) for r in conn.execute(select(t).order_by(t.c[order]))]


def test_a_store_at_the_earlier_revision_upgrades_with_its_events(
    backend: Any, open_db: Callable[..., Any], world: World, new_claim: Callable[..., Any]
) -> None:
    # A log written at head: an import, a claim, a position changed.
    source = open_db(backend.new_url())
    case = world.cases[KZ]
    source.import_case(case, author="user:t", command_id="imp")
    source.append(KZ, Command("claim_added", {"claim": new_claim(case, "c1")}, "user:t", "c1"))
    decision = case.requests[0].decision
    assert decision is not None
    changed = decision.positions[1].model_dump(mode="json") | {"position": "abstain"}
    source.append(
        KZ,
        Command(
            "position_changed", {"request": REQUEST, "position": changed}, "delegation:AM", "p1"
        ),
    )
    events = _rows(source.engine, "events", "seq")
    cases = _rows(source.engine, "cases", "case_id")

    # The same rows in a database at revision 0001 (which has no positions table yet).
    old_url = backend.new_url()
    engine = make_engine(resolve(old_url))
    try:
        upgrade(engine, "0001")
        with engine.begin() as conn:
            assert current_revision(conn) == "0001"
            assert not _has_table(conn, "positions")
            conn.execute(tables.events.insert(), events)
            conn.execute(tables.cases.insert(), cases)
    finally:
        engine.dispose()

    store = open_db(old_url)  # opening migrates to head
    with store.engine.connect() as conn:
        assert current_revision(conn) == layout.HEAD_REVISION
    assert _rows(store.engine, "events", "seq") == events
    assert store.verify() == [(KZ, 3, None)]
    assert store.current(KZ) == source.current(KZ)
    strip = lambda rows: [{k: v for k, v in r.items() if k != "id"} for r in rows]  # noqa: E731
    assert strip(store.positions(KZ, current_only=False)) == strip(
        source.positions(KZ, current_only=False)
    )
    # And it keeps recording.
    store.append(KZ, Command("claim_added", {"claim": new_claim(case, "c2")}, "user:t", "c2"))
    assert store.verify() == [(KZ, 4, None)]


def _has_table(conn: Any, name: str) -> bool:
    from sqlalchemy import inspect

    return bool(inspect(conn).has_table(name))
