"""Tampering with the log directly in the database is detected, and the event named.

One log per backend; each tampering is applied with plain SQL, verified, then undone from a
snapshot, so that every event position and every kind of tampering is tried cheaply.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from sqlalchemy import text
from typer.testing import CliRunner

from casus.cli.app import app
from casus.model.world import World
from casus.store.canonical import canonical_json, event_content, event_hash
from casus.store.events import Command

KZ = "kz-2022"
N = 5  # events in the log: the import and four claims
TABLES = ("events", "cases", "case_items")  # the log and the case's projection


def _build(
    open_db: Callable[..., Any], url: str, world: World, new_claim: Callable[..., Any]
) -> Any:
    store = open_db(url)
    case = world.cases[KZ]
    store.import_case(case, author="user:tester", command_id="imp")
    for i in range(2, N + 1):
        store.append(
            KZ, Command("claim_added", {"claim": new_claim(case, f"c{i}")}, "user:t", f"c{i}")
        )
    assert store.verify() == [(KZ, N, None)]
    return store


@contextmanager
def _tampered(store: Any, *statements: tuple[str, dict[str, Any]]) -> Iterator[None]:
    """Apply SQL to the log, then restore every row as it was."""
    with store.engine.begin() as conn:
        saved = {
            table: [dict(r._mapping) for r in conn.execute(text(f"SELECT * FROM {table}"))]
            for table in TABLES
        }
    with store.engine.begin() as conn:
        for sql, params in statements:
            conn.execute(text(sql), params)
    try:
        yield
    finally:
        with store.engine.begin() as conn:
            for table in TABLES:
                conn.execute(text(f"DELETE FROM {table}"))
            for table, rows in saved.items():
                for row in rows:
                    cols = ", ".join(row)
                    conn.execute(
                        text(
                            f"INSERT INTO {table} ({cols}) VALUES ({', '.join(':' + c for c in row)})"
                        ),
                        row,
                    )
        assert store.verify() == [(KZ, N, None)]


def _row(store: Any, seq: int) -> dict[str, Any]:
    with store.engine.connect() as conn:
        return dict(
            conn.execute(text("SELECT * FROM events WHERE seq = :s"), {"s": seq}).one()._mapping
        )


def _forged(
    store: Any, seq: int, prev_hash: str, world: World, new_claim: Callable[..., Any]
) -> dict[str, Any]:
    """A well-formed event, hash and all, chained on `prev_hash` as if recorded at `seq`."""
    model = _row(store, 1)
    payload = canonical_json({"claim": new_claim(world.cases[KZ], "forged")})
    row = {k: model[k] for k in ("case_id", "author", "recorded_at")} | {
        "seq": seq,
        "type": "claim_added",
        "payload": payload,
        "command_id": f"forged-{seq}",
    }
    content = event_content(
        case_id=row["case_id"],
        seq=seq,
        type=row["type"],
        payload=payload,
        author=row["author"],
        recorded_at=store.events(KZ)[0].recorded_at,
        command_id=row["command_id"],
    )
    return row | {"prev_hash": prev_hash, "hash": event_hash(prev_hash, content)}


INSERT = (
    "INSERT INTO events (case_id, seq, type, payload, author, recorded_at, command_id, prev_hash, hash) "
    "VALUES (:case_id, :seq, :type, :payload, :author, :recorded_at, :command_id, :prev_hash, :hash)"
)
SHIFT_UP = [  # two steps, so that no intermediate state breaks the (case_id, seq) constraint
    ("UPDATE events SET seq = seq + 1000 WHERE seq >= :k", {}),
    ("UPDATE events SET seq = seq - 999 WHERE seq >= 1000", {}),
]


def _finding(store: Any) -> tuple[int, str]:
    [(_, _, finding)] = store.verify()
    return (0, "undetected") if finding is None else (finding.seq, finding.kind)


def test_every_tampering_of_every_event_is_named(
    open_db: Callable[..., Any], db_url: str, world: World, new_claim: Callable[..., Any]
) -> None:
    store = _build(open_db, db_url, world, new_claim)
    results: dict[str, tuple[int, str]] = {}
    expected: dict[str, tuple[int, str]] = {}
    for k in range(1, N + 1):
        # Edited: the payload changed, the hash left alone.
        with _tampered(
            store,
            (
                "UPDATE events SET payload = replace(payload, 'asserted', 'refuted') WHERE seq = :k",
                {"k": k},
            ),
        ):
            results[f"edit #{k}"] = _finding(store)
        expected[f"edit #{k}"] = (k, "edited")
        # Edited by someone who recomputed its hash too.
        row = _row(store, k)
        forged = _forged(store, k, row["prev_hash"], world, new_claim)
        with _tampered(
            store,
            (
                "UPDATE events SET payload = :payload, type = :type, command_id = :command_id, "
                "hash = :hash WHERE seq = :seq",
                forged,
            ),
        ):
            results[f"edit+rehash #{k}"] = _finding(store)
        expected[f"edit+rehash #{k}"] = (k, "edited")
        # Deleted.
        with _tampered(store, ("DELETE FROM events WHERE seq = :k", {"k": k})):
            results[f"delete #{k}"] = _finding(store)
        expected[f"delete #{k}"] = (k, "deleted")
        # Inserted at k, properly chained to the event before, the rest renumbered.
        prev = "0" * 64 if k == 1 else _row(store, k - 1)["hash"]
        forged = _forged(store, k, prev, world, new_claim)
        shift = [(sql, {"k": k}) for sql, _ in SHIFT_UP]
        with _tampered(store, *shift, (INSERT, forged)):
            results[f"insert #{k}"] = _finding(store)
        expected[f"insert #{k}"] = (k, "inserted")
        # Reordered: #k and #k+1 swap places.
        if k < N:
            swap = [
                ("UPDATE events SET seq = 1000 WHERE seq = :k", {"k": k}),
                ("UPDATE events SET seq = :k WHERE seq = :k1", {"k": k, "k1": k + 1}),
                ("UPDATE events SET seq = :k1 WHERE seq = 1000", {"k1": k + 1}),
            ]
            with _tampered(store, *swap):
                results[f"reorder #{k}"] = _finding(store)
            expected[f"reorder #{k}"] = (k, "reordered")
    # Inserted after the last event, hash and all: past the head the store recorded.
    forged = _forged(store, N + 1, _row(store, N)["hash"], world, new_claim)
    with _tampered(store, (INSERT, forged)):
        results["append forged"] = _finding(store)
    expected["append forged"] = (N + 1, "inserted")
    assert results == expected


CLAIMS = "case_id = 'kz-2022' AND field = 'claims'"


@pytest.mark.parametrize(
    "statements",
    [
        # One item's content edited (a claim added by an event, then one of the import's).
        [
            (
                f"UPDATE case_items SET item = replace(item, 'asserted', 'refuted') WHERE {CLAIMS} AND item_id = 'c3'",
                {},
            )
        ],
        [
            (
                f'UPDATE case_items SET item = replace(item, \'"value":"yes"\', \'"value":"no"\') WHERE {CLAIMS} AND pos = 0',
                {},
            )
        ],
        # An item deleted: the last one, or one in the middle.
        [(f"DELETE FROM case_items WHERE {CLAIMS} AND item_id = 'c5'", {})],
        [(f"DELETE FROM case_items WHERE {CLAIMS} AND item_id = 'c2'", {})],
        # Two items swapped.
        [
            (f"UPDATE case_items SET pos = -1 WHERE {CLAIMS} AND pos = 0", {}),
            (f"UPDATE case_items SET pos = 0 WHERE {CLAIMS} AND pos = 1", {}),
            (f"UPDATE case_items SET pos = 1 WHERE {CLAIMS} AND pos = -1", {}),
        ],
        # An item inserted, a copy of another under a new id; an item moved to another field.
        [
            (
                "INSERT INTO case_items (case_id, field, pos, item_id, item) "
                "SELECT case_id, field, pos + 1000, 'c9', replace(item, '\"c5\"', '\"c9\"') "
                f"FROM case_items WHERE {CLAIMS} AND item_id = 'c5'",
                {},
            )
        ],
        [
            (
                f"UPDATE case_items SET field = 'phases', pos = 1000 WHERE {CLAIMS} AND item_id = 'c4'",
                {},
            )
        ],
        # The case's other fields edited.
        [("UPDATE cases SET fields = replace(fields, 'Kazakhstan', 'Kasakhstan')", {})],
        [("UPDATE cases SET title = 'Another case'", {})],
    ],
)
def test_a_projection_edited_behind_the_logs_back_is_found(
    open_db: Callable[..., Any],
    db_url: str,
    world: World,
    new_claim: Callable[..., Any],
    statements: list[tuple[str, dict[str, Any]]],
) -> None:
    store = _build(open_db, db_url, world, new_claim)
    before = store.current_text(KZ)
    with _tampered(store, *statements):
        assert store.current_text(KZ) != before or "title" in statements[0][0]
        [(_, _, finding)] = store.verify()
        assert finding is not None and finding.kind == "projection", finding


@pytest.mark.parametrize(
    ("kind", "statements", "message"),
    [
        (
            "edited",
            [("UPDATE events SET author = 'user:mallory' WHERE seq = 3", {})],
            "casus: audit failed: case kz-2022, event #3: edited: its content no longer matches its hash",
        ),
        (
            "deleted",
            [("DELETE FROM events WHERE seq = 2", {})],
            "casus: audit failed: case kz-2022, event #2: deleted: it is missing: #1 is followed by #3",
        ),
        (
            "reordered",
            [
                ("UPDATE events SET seq = 1000 WHERE seq = 2", {}),
                ("UPDATE events SET seq = 2 WHERE seq = 3", {}),
                ("UPDATE events SET seq = 3 WHERE seq = 1000", {}),
            ],
            "casus: audit failed: case kz-2022, event #2: reordered: it was recorded as #3, "
            "after the event now at #3",
        ),
    ],
)
def test_audit_verify_exits_2_naming_the_event(
    open_db: Callable[..., Any],
    db_url: str,
    world: World,
    new_claim: Callable[..., Any],
    kind: str,
    statements: list[tuple[str, dict[str, Any]]],
    message: str,
) -> None:
    store = _build(open_db, db_url, world, new_claim)
    runner = CliRunner()
    ok = runner.invoke(app, ["audit", "verify", "--db", db_url])
    assert ok.exit_code == 0, ok.stderr
    assert ok.stdout.startswith(f"ok      {KZ}  {N} event(s)  head #{N} sha256 ")
    with _tampered(store, *statements):
        out = runner.invoke(app, ["audit", "verify", KZ, "--db", db_url])
        assert out.exit_code == 2
        assert out.stderr.strip() == message
        assert out.stdout.startswith(f"FAILED  {KZ}")
        assert kind in out.stderr
