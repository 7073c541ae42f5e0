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
