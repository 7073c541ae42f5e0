"""Live updates on SQLite, against a real server (uvicorn in a thread): the event stream sends
a snapshot, then each new event with the board after it, whether the event came through this
server or straight into the store from another process; it resumes after Last-Event-ID; it
takes a single-use stream ticket as ?ticket= (EventSource), never a token, and refuses without
one."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from casus.model.world import World

from .conftest import CSTO_2022, KZ_REQUEST, Api, start_api
from .live import Stream, server_in_thread


@pytest.fixture
def served(world: World, tmp_path: Path) -> Iterator[tuple[Api, str, str]]:
    """A server on a SQLite store with the kz-2022 exercise, its six delegations and r1."""
    api, client = start_api(world, str(tmp_path / "live.db"))
    xid = api.exercise("kz-2022")
    for state in CSTO_2022:
        api.invite(xid, state, state)
    api.ok("POST", f"/api/exercises/{xid}/requests", "KZ", json=KZ_REQUEST)
    app = client.app
    client.__exit__(None, None, None)
    # The same application object, now served for real (its lifespan starts again).
    with server_in_thread(app) as base:
        yield api, base, xid


def test_a_position_appears_on_the_stream_with_the_board(served: tuple[Api, str, str]) -> None:
    api, base, xid = served
    with httpx.Client(base_url=base) as http:
        r = http.post(f"/api/exercises/{xid}/events/ticket", headers=api.as_("RU"))
        assert r.status_code == 201, r.text
    stream = Stream(base + r.json()["url"])
    try:
        assert stream.status == 200
        snap = stream.next(lambda m: m["type"] == "snapshot")
        assert snap["board"]["requests"][0]["counts"] == {"support": 1}
        with httpx.Client(base_url=base) as http:
            r = http.post(
                f"/api/exercises/{xid}/requests/r1/positions",
                json={"position": "object", "note": "only AM sees this"},
                headers=api.as_("AM"),
            )
            assert r.status_code == 200, r.text
        m = stream.next(lambda m: m["type"] == "position_cast")
        assert m["author"].startswith("delegation:AM:") and m["_id"] == str(m["seq"])
        assert m["payload"]["note"] is None  # RU may not read AM's private note
        row = m["board"]["requests"][0]
        assert {x["state"]: x["position"] for x in row["members"]}["AM"] == "object"
        assert row["outcome"]["computed"] == "refused"
    finally:
        stream.close()


def test_an_event_recorded_by_another_process_reaches_the_stream(
    served: tuple[Api, str, str], world: World
) -> None:
    from casus.store.exercises import ExerciseCommand, ExerciseLog
    from casus.store.store import open_store

    api, base, xid = served
    stream = Stream(
        f"{base}/api/exercises/{xid}/events",
        headers={"Authorization": f"Bearer {api.tokens['fac']}"},
    )
    try:
        stream.next(lambda m: m["type"] == "snapshot")
        # Straight into the store, as another process would: only polling can see it.
        with open_store(api.db) as store:
            ExerciseLog(store).append(
                xid,
                ExerciseCommand(
                    "position_cast",
                    {"request": "r1", "state": "TJ", "position": "abstain", "basis": "elsewhere"},
                    "delegation:TJ:acc-000000",
                    "from-elsewhere",
                ),
            )
        m = stream.next(lambda m: m["type"] == "position_cast")
        assert m["payload"]["state"] == "TJ"
    finally:
        stream.close()


def test_the_stream_resumes_after_the_last_event_id(served: tuple[Api, str, str]) -> None:
    api, base, xid = served
    with httpx.Client(base_url=base) as http:
        for state in ("AM", "BY"):
            http.post(
                f"/api/exercises/{xid}/requests/r1/positions",
                json={"position": "support"},
                headers=api.as_(state),
            )
        headers = {**api.as_("fac"), "Last-Event-ID": "9"}
        r = http.get(f"/api/exercises/{xid}/events", params={"follow": "false"}, headers=headers)
    ids = [line[4:] for line in r.text.splitlines() if line.startswith("id: ")]
    assert ids == ["10", "11"]


def test_the_stream_needs_a_reader(served: tuple[Api, str, str]) -> None:
    _, base, xid = served
    with httpx.Client(base_url=base) as http:
        assert http.get(f"/api/exercises/{xid}/events").status_code == 401
        r = http.get(f"/api/exercises/{xid}/events", params={"ticket": "st_nope"})
        assert r.status_code == 401 and r.json()["error"]["code"] == "invalid_ticket"
        r = http.get(
            f"/api/exercises/{xid}/events",
            headers={"Authorization": "Bearer casus_nope"},
            params={"follow": "false"},
        )
        assert r.status_code == 401 and r.json()["error"]["code"] == "invalid_token"
