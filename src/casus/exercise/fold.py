"""How each event changes an exercise: the fold from an exercise's log to its state.

The state is plain JSON (see `new_state`). Rules that need the order of events live here: the
clock only moves forward; a request is filed once; a position is cast once per delegation and
question and then only changed (the earlier one stays in the log; the state counts the changes,
so that it does not grow with them); positions only on an open question; a state pledges once;
nothing after the exercise has ended but its credentials' events (a token may be revoked or
reissued when the exercise is over). A participant's `token` is its current credential: its
digest, when it expires, and whether it is revoked (a participant invited before revision 0005
has none in the log).

It must not know about the database, accounts' rights, HTTP or the law.
"""

from __future__ import annotations

from typing import Any

from casus.exercise.errors import Rejected
from casus.exercise.events import TOKEN_EVENTS

State = dict[str, Any]


def new_state(exercise_id: str, p: dict[str, Any], author: str, seq: int) -> State:
    return {
        "id": exercise_id,
        "title": p["title"],
        "organization": p["organization"],
        "source_case": p.get("source_case"),
        "start": p["start"],
        "clock": p["start"],
        "status": "running",
        "created_by": author,
        "participants": [],
        "requests": [],
        "pledges": [],
        "seq": seq,
    }


def find_request(state: State, request_id: str) -> dict[str, Any] | None:
    for r in state["requests"]:
        if r["id"] == request_id:
            found: dict[str, Any] = r
            return found
    return None


def find_participant(state: State, account_id: str) -> dict[str, Any] | None:
    for p in state["participants"]:
        if p["account"] == account_id:
            found: dict[str, Any] = p
            return found
    return None


def _open_request(state: State, request_id: str) -> dict[str, Any]:
    r = find_request(state, request_id)
    if r is None:
        raise Rejected(f"no request '{request_id}' in the exercise")
    if r["status"] != "open":
        raise Rejected(f"the decision on request '{request_id}' is closed: positions are final")
    return r


def apply(
    state: State | None, exercise_id: str, event_type: str, p: dict[str, Any], author: str, seq: int
) -> State:
    """The state after one event (the state given is changed in place and returned)."""
    if event_type == "exercise_created":
        if state is not None:
            raise Rejected(f"exercise {exercise_id} already exists")
        return new_state(exercise_id, p, author, seq)
    if state is None:
        raise Rejected(f"no exercise '{exercise_id}': create it first")
    if state["status"] == "ended" and event_type not in TOKEN_EVENTS:
        raise Rejected(f"exercise {exercise_id} has ended: nothing more can be recorded in it")
    handler = _HANDLERS.get(event_type)
    if handler is None:
        raise Rejected(f"unknown exercise event type '{event_type}'")
    handler(state, p, author, seq)
    state["seq"] = seq
    return state


def _token(credential: dict[str, Any], seq: int) -> dict[str, Any]:
    return {
        "digest": credential["digest"],
        "expires_at": credential.get("expires_at"),
        "revoked": False,
        "seq": seq,
    }


def _participant_invited(s: State, p: dict[str, Any], author: str, seq: int) -> None:
    if find_participant(s, p["account"]) is not None:
        raise Rejected(f"account {p['account']} already takes part in the exercise")
    entry = {k: v for k, v in p.items() if k != "credential"}
    entry |= {"seq": seq, "invited_by": author}
    if p.get("credential") is not None:
        entry["token"] = _token(p["credential"], seq)
    s["participants"].append(entry)


def _participant(s: State, account_id: str) -> dict[str, Any]:
    found = find_participant(s, account_id)
    if found is None:
        raise Rejected(f"account {account_id} takes no part in the exercise")
    return found


def _token_reissued(s: State, p: dict[str, Any], author: str, seq: int) -> None:
    _participant(s, p["account"])["token"] = _token(p["credential"], seq)


def _token_revoked(s: State, p: dict[str, Any], author: str, seq: int) -> None:
    who = _participant(s, p["account"])
    token = who.get("token")
    if token is not None and token["digest"] != p["digest"]:
        raise Rejected(f"the token of {p['account']} revoked is not its current one")
    if token is not None and token["revoked"]:
        raise Rejected(f"the token of {p['account']} is revoked already")
    # A token from before revision 0005 is named by its digest here, for the first time.
    who["token"] = {**(token or _token({"digest": p["digest"]}, seq)), "revoked": True}
    who["token"]["revoked_seq"] = seq


def _clock_advanced(s: State, p: dict[str, Any], author: str, seq: int) -> None:
    if p["to"] <= s["clock"]:  # ISO dates compare as text
        raise Rejected(
            f"the clock only moves forward: it reads {s['clock']}, and {p['to']} is not later"
        )
    s["clock"] = p["to"]


def _request_filed(s: State, p: dict[str, Any], author: str, seq: int) -> None:
    rq = p["request"]
    if find_request(s, rq["id"]) is not None:
        raise Rejected(f"request '{rq['id']}' is already filed")
    if rq["date"] != s["clock"]:
        raise Rejected(
            f"a request is filed on the exercise's date ({s['clock']}), not {rq['date']}"
        )
    s["requests"].append(
        {**rq, "filed_by": author, "seq": seq, "status": "open", "closed": None, "positions": []}
    )


def _position_cast(s: State, p: dict[str, Any], author: str, seq: int) -> None:
    r = _open_request(s, p["request"])
    if any(x["state"] == p["state"] for x in r["positions"]):
        raise Rejected(
            f"{p['state']} has already cast a position on request '{p['request']}': "
            "a change is recorded as position_changed"
        )
    r["positions"].append(
        {
            "state": p["state"],
            "position": p["position"],
            "basis": p["basis"],
            "note": p.get("note"),
            "author": author,
            "seq": seq,
            "changes": 0,
            "first_seq": seq,
        }
    )


def _position_changed(s: State, p: dict[str, Any], author: str, seq: int) -> None:
    r = _open_request(s, p["request"])
    for x in r["positions"]:
        if x["state"] == p["state"]:
            # The superseded position stays in the log, as the event that cast it.
            x["changes"] += 1
            x.update(
                position=p["position"],
                basis=p["basis"],
                note=p.get("note"),
                author=author,
                seq=seq,
            )
            return
    raise Rejected(f"{p['state']} has cast no position on request '{p['request']}' to change")


def _pledge_made(s: State, p: dict[str, Any], author: str, seq: int) -> None:
    if any(k["state"] == p["state"] for k in s["pledges"]):
        raise Rejected(f"{p['state']} has already pledged a contingent")
    s["pledges"].append({**p, "author": author, "seq": seq})


def _decision_closed(s: State, p: dict[str, Any], author: str, seq: int) -> None:
    r = _open_request(s, p["request"])
    r["status"] = "closed"
    r["closed"] = {"outcome": p["outcome"], "value": p["value"], "by": author, "seq": seq}


def _exercise_ended(s: State, p: dict[str, Any], author: str, seq: int) -> None:
    for r in s["requests"]:
        if r["status"] == "open":
            raise Rejected(f"the decision on request '{r['id']}' is still open: close it first")
    s["status"] = "ended"
    s["ended"] = {"by": author, "seq": seq}


_HANDLERS = {
    "participant_invited": _participant_invited,
    "clock_advanced": _clock_advanced,
    "request_filed": _request_filed,
    "position_cast": _position_cast,
    "position_changed": _position_changed,
    "pledge_made": _pledge_made,
    "decision_closed": _decision_closed,
    "exercise_ended": _exercise_ended,
    "token_reissued": _token_reissued,
    "token_revoked": _token_revoked,
}


def summary(event_type: str, p: dict[str, Any]) -> str:
    """One line saying what an exercise event did."""
    if event_type == "exercise_created":
        origin = f" from case {p['source_case']}" if p.get("source_case") else " (blank scenario)"
        return f"exercise created{origin} on {p['organization']}, clock at {p['start']}"
    if event_type == "participant_invited":
        who = f"delegation of {p['state']}" if p["role"] == "delegation" else "observer"
        return f"{p['name']} invited as {who}"
    if event_type == "clock_advanced":
        return f"clock advanced to {p['to']}"
    if event_type == "request_filed":
        r = p["request"]
        return f"{r['state']} filed request {r['id']} ({r['office'].replace('_', ' ')})"
    if event_type in ("position_cast", "position_changed"):
        verb = "cast" if event_type == "position_cast" else "changed to"
        return f"{p['state']} {verb} {p['position']} on {p['request']}"
    if event_type == "pledge_made":
        return f"{p['state']} pledged a contingent"
    if event_type == "decision_closed":
        return f"decision on {p['request']} closed: {p['outcome'].replace('_', ' ')}"
    if event_type == "exercise_ended":
        return "exercise ended"
    if event_type == "token_reissued":
        return f"a new token issued to {p['account']} (the one before it refused)"
    if event_type == "token_revoked":
        return f"the token of {p['account']} revoked"
    return event_type
