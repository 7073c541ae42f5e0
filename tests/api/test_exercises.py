"""Exercises end to end through the API, and the procedure the service and the log enforce.

The Kazakhstan January 2022 case played again: a facilitator creates the exercise, six
delegations join, Kazakhstan's delegation files the request, the others cast their positions,
and the outcome with its explanation appears; then the after-action report compares it with
the record.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from typing import Any

from casus.model.world import World

from .conftest import CSTO_2022, KZ_REQUEST, Api, assert_error


def _kz_exercise(api: Api) -> str:
    xid = api.exercise("kz-2022")
    for state in CSTO_2022:
        api.invite(xid, state, state)
    return xid


def _walk(node: dict[str, Any]) -> list[dict[str, Any]]:
    out = [node]
    for c in node["children"]:
        out.extend(_walk(c))
    return out


def test_kz_2022_end_to_end(api: Api) -> None:
    xid = _kz_exercise(api)
    ex = api.ok("GET", f"/api/exercises/{xid}", "fac")
    assert ex["clock"] == "2022-01-05" and ex["source_case"] == "kz-2022"
    assert sorted(p["state"] for p in ex["participants"]) == sorted(CSTO_2022)

    filed = api.ok("POST", f"/api/exercises/{xid}/requests", "KZ", json=KZ_REQUEST)
    assert [e["type"] for e in filed["events"]] == ["request_filed", "position_cast"]
    rq = filed["exercise"]["requests"][0]
    assert rq["id"] == "r1" and rq["status"] == "open"
    assert rq["evaluation"]["entitled"] == "yes"
    assert rq["evaluation"]["outcome"]["computed"] == "undetermined"  # five positions missing

    for state in ("AM", "BY", "KG", "RU", "TJ"):
        r = api.ok(
            "POST",
            f"/api/exercises/{xid}/requests/r1/positions",
            state,
            json={"position": "support", "basis": f"{state} supports"},
        )
        assert r["events"][0]["author"].startswith(f"delegation:{state}:")
    assert r["evaluation"]["outcome"]["computed"] == "approved"
    assert r["board"]["requests"][0]["counts"] == {"support": 6}

    ex = api.ok("GET", f"/api/exercises/{xid}", "AM")
    evaluation = ex["requests"][0]["evaluation"]
    assert evaluation["outcome"]["computed"] == "approved"
    assert evaluation["vote"]["outcome"] == "approved"
    cites = {c for n in _walk(evaluation["explanation"]) for c in n["cites"]}
    assert "cst/art_4@2012-12-19" in cites
    assert any(c.startswith("claim:kz-") for c in cites)
    board = ex["board"]["requests"][0]
    assert {m["state"]: m["position"] for m in board["members"]} == dict.fromkeys(
        CSTO_2022, "support"
    )

    report = api.ok("GET", f"/api/exercises/{xid}/report", "fac")
    item = report["requests"][0]
    assert item["exercise"]["outcome"] == "approved"
    assert (
        item["recorded"]["outcome"] == "approved" and item["recorded"]["request"] == "kz-2022-01-05"
    )
    assert item["differences"] == []
    assert report["log"]["chain"] == "ok"

    ended = api.ok("POST", f"/api/exercises/{xid}/end", "fac")
    assert ended["exercise"]["status"] == "ended"
    assert ended["exercise"]["requests"][0]["closed"]["outcome"] == "approved"


def test_a_request_from_an_office_not_entitled_is_refused_with_the_engine_s_reasons(
    api: Api,
) -> None:
    xid = _kz_exercise(api)
    before = api.ok("GET", f"/api/exercises/{xid}/log", "fac")["events"]
    r = api.call(
        "POST",
        f"/api/exercises/{xid}/requests",
        "KZ",
        json={**KZ_REQUEST, "office": "minister_of_defence"},
    )
    e = assert_error(r, 422, "not_entitled")
    assert "minister of defence" in e["message"] and e["field"] == "body.office"
    assert e["details"]["evaluation"]["entitled"] == "no"
    assert api.ok("GET", f"/api/exercises/{xid}/log", "fac")["events"] == before


def test_positions_change_supersedes_and_keeps_the_earlier_one(api: Api) -> None:
    xid = _kz_exercise(api)
    api.ok("POST", f"/api/exercises/{xid}/requests", "KZ", json=KZ_REQUEST)
    path = f"/api/exercises/{xid}/requests/r1/positions"
    api.ok("POST", path, "AM", json={"position": "support"})
    r = api.ok("POST", path, "AM", json={"position": "object", "basis": "changed its mind"})
    assert r["events"][0]["type"] == "position_changed"
    assert r["evaluation"]["vote"]["blocking"] == ["AM"]
    ex = api.ok("GET", f"/api/exercises/{xid}", "fac")
    am = next(p for p in ex["requests"][0]["positions"] if p["state"] == "AM")
    assert am["position"] == "object"
    assert am["changes"] == 1 and am["first_seq"] < am["seq"]
    log = api.ok("GET", f"/api/exercises/{xid}/log", "fac")["events"]
    am_events = [
        (e["type"], e["payload"]["position"])
        for e in log
        if e["type"].startswith("position_") and e["payload"]["state"] == "AM"
    ]

    assert am_events == [("position_cast", "support"), ("position_changed", "object")]


def test_a_closed_decision_takes_no_position_and_the_clock_only_moves_forward(api: Api) -> None:
    xid = _kz_exercise(api)
    api.ok("POST", f"/api/exercises/{xid}/requests", "KZ", json=KZ_REQUEST)
    closed = api.ok("POST", f"/api/exercises/{xid}/requests/r1/close", "fac")
    assert closed["exercise"]["requests"][0]["closed"]["outcome"] == "undetermined"
    r = api.call(
        "POST", f"/api/exercises/{xid}/requests/r1/positions", "AM", json={"position": "support"}
    )
    assert_error(r, 409, "decision_closed")
    assert_error(api.call("POST", f"/api/exercises/{xid}/requests/r1/close", "fac"), 409)
    assert_error(
        api.call("POST", f"/api/exercises/{xid}/clock", "fac", json={"to": "2022-01-05"}),
        409,
        "clock_backwards",
    )
    moved = api.ok("POST", f"/api/exercises/{xid}/clock", "fac", json={"to": "2022-01-07"})
    assert moved["exercise"]["clock"] == "2022-01-07"
    # A request filed now is dated on the new clock.
    r2 = api.ok("POST", f"/api/exercises/{xid}/requests", "KZ", json=KZ_REQUEST)
    assert r2["exercise"]["requests"][1]["date"] == "2022-01-07"
    api.ok("POST", f"/api/exercises/{xid}/end", "fac")
    assert_error(
        api.call("POST", f"/api/exercises/{xid}/clock", "fac", json={"to": "2022-01-09"}), 409
    )
    assert_error(
        api.call("POST", f"/api/exercises/{xid}/pledges", "AM", json={"units": ["x"]}), 409
    )


def test_private_notes_are_seen_by_their_delegation_and_facilitators_only(api: Api) -> None:
    xid = _kz_exercise(api)
    api.invite(xid, "watcher", None)
    api.ok("POST", f"/api/exercises/{xid}/requests", "KZ", json={**KZ_REQUEST, "note": "kz eyes"})
    path = f"/api/exercises/{xid}/requests/r1/positions"
    api.ok("POST", path, "AM", json={"position": "abstain", "note": "am eyes"})
    api.ok(
        "POST", f"/api/exercises/{xid}/pledges", "AM", json={"units": ["c"], "note": "am pledge"}
    )

    def notes(who: str) -> dict[str, Any]:
        ex = api.ok("GET", f"/api/exercises/{xid}", who)
        rq = ex["requests"][0]
        log = api.ok("GET", f"/api/exercises/{xid}/log", who)["events"]
        stream = api.call(
            "GET", f"/api/exercises/{xid}/events", who, params={"follow": "false", "after": 0}
        ).text
        return {
            "request": rq["note"],
            "AM": next(p["note"] for p in rq["positions"] if p["state"] == "AM"),
            "pledge": ex["pledges"][0]["note"],
            "log": [
                e["payload"]["request"]["note"]
                if e["type"] == "request_filed"
                else e["payload"].get("note")
                for e in log
            ],
            "stream_has_am": "am eyes" in stream,
            "stream_has_kz": "kz eyes" in stream,
        }

    fac = notes("fac")
    assert (fac["request"], fac["AM"], fac["pledge"]) == ("kz eyes", "am eyes", "am pledge")
    am = notes("AM")
    assert (am["request"], am["AM"], am["pledge"]) == (None, "am eyes", "am pledge")
    assert am["stream_has_am"] and not am["stream_has_kz"]
    kz = notes("KZ")
    assert (kz["request"], kz["AM"], kz["pledge"]) == ("kz eyes", None, None)
    assert "am eyes" not in kz["log"] and "am pledge" not in kz["log"]
    obs = notes("watcher")
    assert (obs["request"], obs["AM"], obs["pledge"]) == (None, None, None)
    assert not obs["stream_has_am"] and not obs["stream_has_kz"]


def test_retries_with_an_idempotency_key_record_once(api: Api) -> None:
    key = {"Idempotency-Key": "create-1"}
    a = api.ok("POST", "/api/exercises", "fac", json={"case": "kz-2022"}, headers=key)
    b = api.ok("POST", "/api/exercises", "fac", json={"case": "kz-2022"}, headers=key)
    assert a["exercise"]["id"] == b["exercise"]["id"]
    assert (a["recorded"], b["recorded"]) == (True, False)
    xid = a["exercise"]["id"]
    body = {"role": "delegation", "state": "KZ", "name": "KZ"}
    key = {"Idempotency-Key": "invite-1"}
    first = api.ok("POST", f"/api/exercises/{xid}/participants", "fac", json=body, headers=key)
    again = api.ok("POST", f"/api/exercises/{xid}/participants", "fac", json=body, headers=key)
    assert first["token"] and again["token"] is None
    assert first["participant"]["account"] == again["participant"]["account"]
    api.tokens["KZ"] = first["token"]
    for _ in range(3):
        api.ok("POST", f"/api/exercises/{xid}/requests", "KZ", json=KZ_REQUEST, headers=key)
    path = f"/api/exercises/{xid}/requests/r1/positions"
    for _ in range(3):
        api.ok("POST", path, "KZ", json={"position": "abstain"}, headers={"Idempotency-Key": "p"})
    e = assert_error(
        api.call("POST", path, "KZ", json={"position": "object"}, headers={"Idempotency-Key": "p"}),
        409,
        "conflict",
    )
    assert e["field"] == "Idempotency-Key"
    types = [e["type"] for e in api.ok("GET", f"/api/exercises/{xid}/log", "fac")["events"]]
    assert types == [
        "exercise_created",
        "participant_invited",
        "request_filed",
        "position_cast",
        "position_changed",
    ]


def test_a_blank_scenario_on_nato_with_stipulated_facts(api: Api) -> None:
    xid = api.exercise("", organization="nato", on="2024-06-01")
    for state in ("PL", "US", "DE"):
        api.invite(xid, state, state)
    e = assert_error(
        api.call(
            "POST",
            f"/api/exercises/{xid}/participants",
            "fac",
            json={"role": "delegation", "state": "UA", "name": "UA"},
        ),
        422,
        "not_a_member",
    )
    assert e["field"] == "body.state"
    r = api.ok(
        "POST",
        f"/api/exercises/{xid}/requests",
        "PL",
        json={
            "office": "head_of_government",
            "provisions_cited": ["north-atlantic-treaty/art_4"],
            "propositions": {"threat_to_territorial_integrity": "yes"},
        },
    )
    ev = r["exercise"]["requests"][0]["evaluation"]
    assert ev["entitled"] == "yes"
    assert_error(api.call("POST", f"/api/exercises/{xid}/requests", "PL", json={**KZ_REQUEST}), 422)


def test_the_exercise_log_verifies_and_tampering_is_found(api: Api, world: World) -> None:
    from sqlalchemy import text

    from casus.store.exercises import ExerciseLog
    from casus.store.store import open_store

    xid = _kz_exercise(api)
    api.ok("POST", f"/api/exercises/{xid}/requests", "KZ", json=KZ_REQUEST)
    with open_store(api.db) as store:
        log = ExerciseLog(store)
        # The accounts are checked with the exercises: the facilitator's is the one event of
        # the accounts' log (the delegations' are events of the exercise's).
        assert log.verify() == [(xid, 9, None), ("accounts", 1, None)]
        with store.engine.begin() as conn:
            conn.execute(
                text(
                    "UPDATE exercise_events SET payload = replace(payload, 'KZ', 'RU') WHERE seq = 8"
                )
            )
        finding = log.verify(xid)[0][2]
        assert finding is not None and finding.seq == 8 and finding.kind == "edited"
    audit = subprocess.run(
        [sys.executable, "-m", "casus", "audit", "verify", "--db", str(api.db)],
        capture_output=True,
        text=True,
    )
    assert audit.returncode == 2
    assert f"FAILED  exercise {xid}  9 event(s)" in audit.stdout
    assert "event #8: edited" in audit.stderr
    assert api.ok("GET", f"/api/exercises/{xid}/report", "fac")["log"]["chain"].startswith(
        f"case {xid}, event #8: edited"
    )


def test_the_exercise_list_shows_each_caller_what_it_may_read(
    api: Api, make_api: Callable[..., Api]
) -> None:
    x1 = _kz_exercise(api)
    x2 = api.exercise("kz-2022")
    api.invite(x2, "other-RU", "RU")
    ids = lambda who: [x["id"] for x in api.ok("GET", "/api/exercises", who)]  # noqa: E731
    assert ids("fac") == [x1, x2]
    assert ids("KZ") == [x1]
    assert ids("other-RU") == [x2]
