"""The exercises' log in the store, on SQLite and PostgreSQL: the fold's rules, idempotency,
and the group writer (many positions, one transaction) under concurrent writers: every
acknowledged position recorded exactly once, refusals alone, and every chain verifying."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from casus.store.errors import Conflict, InvalidCommand
from casus.store.exercise_fold import find_request
from casus.store.exercises import Creation, ExerciseCommand, ExerciseLog, GroupWriter
from casus.store.store import Store, open_store

DELEGATE = "delegation:{}:acc-000000"


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    if request.param == "sqlite":
        url = str(tmp_path / "x.db")
    else:
        import psycopg

        database = request.getfixturevalue("pg_url")
        schema = f"t_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(database, autocommit=True) as conn:
            conn.execute(f'CREATE SCHEMA "{schema}"')
        url = f"{database}?options=-csearch_path%3D{schema}"
    s = open_store(url)
    try:
        yield s
    finally:
        s.close()


def _exercise(log: ExerciseLog, xid: str, states: tuple[str, ...] = ("PL", "US", "DE")) -> None:
    created = {"title": xid, "organization": "nato", "start": "2024-06-01"}
    log.append_many(
        xid,
        [ExerciseCommand("exercise_created", created, "user:acc-f", f"{xid}-c")],
        creation=Creation(xid, "nato", None, None),
    )
    request = {
        "id": "r1",
        "date": "2024-06-01",
        "state": states[0],
        "office": "head_of_government",
        "person": "P",
        "affected_state": states[0],
    }
    log.append(
        xid, ExerciseCommand("request_filed", {"request": request}, "user:acc-f", f"{xid}-r")
    )


def _position(
    state: str, value: str, cid: str
) -> Callable[[dict[str, Any]], list[ExerciseCommand]]:
    def build(now: dict[str, Any]) -> list[ExerciseCommand]:
        rq = find_request(now, "r1")
        assert rq is not None
        if rq["status"] != "open":
            raise InvalidCommand("closed")
        cast = any(p["state"] == state for p in rq["positions"])
        payload = {"request": "r1", "state": state, "position": value, "basis": "b"}
        kind = "position_changed" if cast else "position_cast"
        return [ExerciseCommand(kind, payload, DELEGATE.format(state), cid)]

    return build


def test_the_fold_keeps_the_procedure(store: Store) -> None:
    log = ExerciseLog(store)
    _exercise(log, "ex-a")

    def cmd(kind: str, payload: dict[str, Any], cid: str) -> ExerciseCommand:
        return ExerciseCommand(kind, payload, DELEGATE.format("US"), cid)

    cast = {"request": "r1", "state": "US", "position": "support", "basis": "b"}
    log.append("ex-a", cmd("position_cast", cast, "p1"))
    with pytest.raises(InvalidCommand, match="already cast"):
        log.append("ex-a", cmd("position_cast", cast, "p2"))
    with pytest.raises(InvalidCommand, match="no position"):
        log.append("ex-a", cmd("position_changed", {**cast, "state": "DE"}, "p3"))
    with pytest.raises(InvalidCommand, match="only moves forward"):
        log.append("ex-a", cmd("clock_advanced", {"to": "2024-05-01"}, "k1"))
    assert log.append("ex-a", cmd("position_cast", cast, "p1")).recorded is False  # a retry
    with pytest.raises(Conflict):
        log.append("ex-a", cmd("position_cast", {**cast, "position": "object"}, "p1"))
    closed = {"request": "r1", "outcome": "refused", "value": "no"}
    log.append("ex-a", cmd("decision_closed", closed, "d1"))
    with pytest.raises(InvalidCommand, match="closed"):
        log.append("ex-a", cmd("position_changed", cast, "p4"))
    log.append("ex-a", cmd("exercise_ended", {}, "e1"))
    with pytest.raises(InvalidCommand, match="ended"):
        log.append("ex-a", cmd("clock_advanced", {"to": "2024-07-01"}, "k2"))
    assert [e.type for e in log.events("ex-a")] == [
        "exercise_created",
        "request_filed",
        "position_cast",
        "decision_closed",
        "exercise_ended",
    ]
    assert log.verify() == [("ex-a", 5, None)]


def test_the_group_writer_records_each_position_once_under_concurrent_writers(
    store: Store,
) -> None:
    log = ExerciseLog(store)
    states = ("PL", "US", "DE", "FR", "GB", "IT")
    exercises = [f"ex-{i}" for i in range(3)]
    for xid in exercises:
        _exercise(log, xid, states)
    writer = GroupWriter(log, batch=16)
    writer.start()
    acked: list[str] = []
    lock = threading.Lock()

    def delegation(xid: str, state: str) -> None:
        for i in range(12):
            key = f"{xid}-{state}-{i}"

            build = _position(state, ("support", "object", "abstain")[i % 3], key)
            recorded = writer.submit(xid, key, build).result(timeout=60)
            assert recorded.appended[0].recorded
            with lock:
                acked.append(key)

    try:
        threads = [
            threading.Thread(target=delegation, args=(xid, s))
            for xid in exercises
            for s in states[1:]
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=120)
        # A retry of an acknowledged command records nothing new.
        first = acked[0]  # cast by ex-0's first delegation as its first position
        state = first.split("-")[2]
        retry = _position(state, "support", first)
        again = writer.submit(exercises[0], first, retry).result(30)
        assert again.appended[0].recorded is False
        # A refused job is refused alone.
        log.append(
            "ex-2",
            ExerciseCommand(
                "decision_closed",
                {"request": "r1", "outcome": "refused", "value": "no"},
                "user:acc-f",
                "close-2",
            ),
        )
        refused = writer.submit("ex-2", "late", _position("US", "support", "late"))
        fine = writer.submit("ex-1", "fine", _position("US", "support", "fine"))
        with pytest.raises(InvalidCommand):
            refused.result(30)
        assert fine.result(30).appended[0].recorded
    finally:
        writer.stop()
    logged = [
        e.command_id
        for xid in exercises
        for e in log.events(xid)
        if e.type in ("position_cast", "position_changed")
    ]
    assert sorted(set(acked) | {"fine"}) == sorted(logged)
    assert len(logged) == len(set(logged)) == 3 * 5 * 12 + 1
    assert [f for _, _, f in log.verify()] == [None, None, None]
    for xid in exercises:
        rq = find_request(log.get(xid).state, "r1")
        assert rq is not None
        changes = {p["state"]: p["changes"] for p in rq["positions"]}
        # Twelve positions each: a cast and eleven changes ("fine" was one more on ex-1).
        assert changes == {s: 12 if (xid, s) == ("ex-1", "US") else 11 for s in states[1:]}
