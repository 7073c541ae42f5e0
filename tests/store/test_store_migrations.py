"""Migrations: an empty database upgrades to head; one at an earlier revision, holding events,
upgrades with every event intact, its new tables filled from the log and its case split into
rows that read back as the same text. Both backends."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import select, text

from casus.model.world import World
from casus.store import layout, tables
from casus.store.canonical import sha256_text
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


def _old_cases(source: Any) -> list[dict[str, Any]]:
    """The `cases` rows as revisions 0001 to 0003 kept them: the whole state and its hash."""
    rows = []
    for r in _rows(source.engine, "cases", "case_id"):
        state = source.current_text(r["case_id"])
        r = {k: v for k, v in r.items() if k != "fields"}
        rows.append(r | {"state": state, "state_sha256": sha256_text(state)})
    return rows


def _insert(conn: Any, table: str, rows: list[dict[str, Any]]) -> None:
    for row in rows:
        names = ", ".join(row)
        conn.execute(
            text(f"INSERT INTO {table} ({names}) VALUES ({', '.join(':' + k for k in row)})"), row
        )


@pytest.mark.parametrize("revision", ["0001", "0003"])
def test_a_store_at_an_earlier_revision_upgrades_with_its_events(
    backend: Any,
    open_db: Callable[..., Any],
    world: World,
    new_claim: Callable[..., Any],
    revision: str,
) -> None:
    # A log written at head: an import, a claim, a position changed, a timeline event.
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
    event = {"date": "2022-01-20", "event": "Reported.", "sources": case.timeline[0].sources}
    source.append(KZ, Command("timeline_event_added", {"event": event}, "user:t", "t1"))
    events = _rows(source.engine, "events", "seq")
    positions = _rows(source.engine, "positions", "id")

    # The same record in a database at the earlier revision, in that revision's layout: the
    # case's whole state in its `cases` row (and, from 0002, the positions table).
    old_url = backend.new_url()
    engine = make_engine(resolve(old_url))
    try:
        upgrade(engine, revision)
        with engine.begin() as conn:
            assert current_revision(conn) == revision
            assert _has_table(conn, "positions") == (revision != "0001")
            assert not _has_table(conn, "case_items")
            conn.execute(tables.events.insert(), events)
            _insert(conn, "cases", _old_cases(source))
            if revision != "0001":
                _insert(conn, "positions", positions)
    finally:
        engine.dispose()

    store = open_db(old_url)  # opening migrates to head
    with store.engine.connect() as conn:
        assert current_revision(conn) == layout.HEAD_REVISION
    assert _rows(store.engine, "events", "seq") == events
    assert store.verify() == [(KZ, 4, None)]
    assert store.current_text(KZ) == source.current_text(KZ)
    assert store.current(KZ) == source.current(KZ)
    # The case's items are rows of their own now, each as its canonical JSON.
    items = _rows(store.engine, "case_items", "pos")
    claims = [r for r in items if r["field"] == "claims"]
    assert [r["item_id"] for r in claims] == [c.id for c in source.current(KZ).claims]
    assert {r["field"] for r in items} == {"claims", "phases", "requests", "timeline"}
    strip = lambda rows: [{k: v for k, v in r.items() if k != "id"} for r in rows]  # noqa: E731
    assert strip(store.positions(KZ, current_only=False)) == strip(
        source.positions(KZ, current_only=False)
    )
    # And it keeps recording.
    store.append(KZ, Command("claim_added", {"claim": new_claim(case, "c2")}, "user:t", "c2"))
    assert store.verify() == [(KZ, 5, None)]
    assert store.current(KZ).claims[-1].id == "c2"


def test_the_split_downgrades_to_the_whole_state(
    db_url: str, open_db: Callable[..., Any], world: World, new_claim: Callable[..., Any]
) -> None:
    from alembic import command

    from casus.store.migrate import _config

    store = open_db(db_url)
    case = world.cases[KZ]
    store.import_case(case, author="user:t", command_id="imp")
    store.append(KZ, Command("claim_added", {"claim": new_claim(case, "c1")}, "user:t", "c1"))
    expected = store.current_text(KZ)
    with store.engine.begin() as conn:
        command.downgrade(_config(conn), "0003")
    with store.engine.connect() as conn:
        assert current_revision(conn) == "0003"
        row = conn.execute(text("SELECT state, state_sha256 FROM cases")).one()
    assert (row[0], row[1]) == (expected, sha256_text(expected))


def _has_table(conn: Any, name: str) -> bool:
    from sqlalchemy import inspect

    return bool(inspect(conn).has_table(name))
