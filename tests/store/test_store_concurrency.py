"""Fifty writers appending to one case at once: nothing lost, nothing twice, one chain."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from casus.model.world import World
from casus.store.events import Command

KZ = "kz-2022"
WRITERS = 50
EACH = 3


def test_fifty_concurrent_writers_keep_one_chain(
    open_db: Callable[..., Any], db_url: str, world: World, new_claim: Callable[..., Any]
) -> None:
    case = world.cases[KZ]
    open_db(db_url).import_case(case, author="user:setup", command_id="imp")
    # One store (one engine, one connection per thread) as an API process would have; without
    # reference checks, so that the test measures the log rather than the loader.
    store = open_db(db_url, world=None)
    start = threading.Barrier(WRITERS)
    errors: list[BaseException] = []
    results: dict[str, list[Any]] = {}

    def writer(w: int) -> None:
        try:
            start.wait()
            mine = []
            for k in range(EACH):
                cid = f"w{w}-{k}"
                command = Command("claim_added", {"claim": new_claim(case, cid)}, f"user:w{w}", cid)
                mine.append(store.append(KZ, command))
                if k == 1:  # a client that did not hear back and retries with the same id
                    mine.append(store.append(KZ, command))
            results[f"w{w}"] = mine
        except BaseException as e:
            errors.append(e)

    threads = [threading.Thread(target=writer, args=(w,)) for w in range(WRITERS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    events = store.events(KZ)
    ids = [e.command_id for e in events[1:]]
    expected = {f"w{w}-{k}" for w in range(WRITERS) for k in range(EACH)}
    assert len(ids) == len(set(ids)) == WRITERS * EACH
    assert set(ids) == expected
    assert [e.seq for e in events] == list(range(1, WRITERS * EACH + 2))
    for mine in results.values():
        first, retried = mine[1], mine[2]
        assert first.recorded and not retried.recorded and first.event == retried.event
    assert store.verify() == [(KZ, WRITERS * EACH + 1, None)]
    assert {c.id for c in store.current(KZ).claims} >= expected


def _import_at_once(store: Any, case: Any, importers: int, tag: str) -> list[Any]:
    """`importers` threads importing one case at the same moment, each with its own id."""
    start = threading.Barrier(importers)
    outcomes: list[Any] = []
    errors: list[BaseException] = []

    def importer(i: int) -> None:
        try:
            start.wait()
            outcomes.append(store.import_case(case, author=f"user:i{i}", command_id=f"{tag}-{i}"))
        except BaseException as e:
            errors.append(e)

    threads = [threading.Thread(target=importer, args=(i,)) for i in range(importers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    return outcomes


def test_importers_racing_with_one_unchanged_file_record_it_once(
    open_db: Callable[..., Any], db_url: str, world: World
) -> None:
    """Twenty importers of one file at once, each with its own idempotency id, into an empty
    store and again into one that holds it: one event, and every other importer hears
    "unchanged" (the check and the append are one transaction)."""
    case = world.cases[KZ]
    store = open_db(db_url, world=None)
    for tag, expected in (("empty", 1), ("again", 0)):
        outcomes = _import_at_once(store, case, 20, tag)
        assert len([o for o in outcomes if o is not None]) == expected, tag
        assert [e.seq for e in store.events(KZ)] == [1]
    assert store.verify() == [(KZ, 1, None)]
