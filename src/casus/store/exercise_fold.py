"""How each event changes an exercise: the fold from an exercise's log to its state, and the
payload each event type must have.

The state is plain JSON (see `new_state`). Rules that need the order of events live here: the
clock only moves forward; a request is filed once; a position is cast once per delegation and
question and then only changed (the earlier one stays in the log; the state counts the changes,
so that it does not grow with them); positions only on an open
question; a state pledges once; nothing after the exercise has ended. Who may do what, and what
the treaties say, is the service's business and the engine's: this module must not know about
the database, accounts, HTTP or the law.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import BaseModel, Field, ValidationError

from casus.model.case import PositionValue
from casus.model.common import Frozen, Id, Proposition, StateCode
from casus.model.rules import Office
from casus.store.canonical import canonical_json
from casus.store.fold import Rejected

State = dict[str, Any]

ExerciseEventType = Literal[
    "exercise_created",
    "participant_invited",
    "clock_advanced",
    "request_filed",
    "position_cast",
    "position_changed",
    "pledge_made",
    "decision_closed",
    "exercise_ended",
]

Text = Field(min_length=1, max_length=2000)
Note = Field(default=None, max_length=4000, description="Private: its author and facilitators.")


class ExerciseCreated(Frozen):
    title: str = Field(min_length=1, max_length=200)
    organization: Id
    source_case: Id | None = None
    start: dt.date
    scenario_sha256: str | None = Field(
        default=None, description="SHA-256 of the scenario case as stored beside the exercise."
    )


class ParticipantInvited(Frozen):
    account: str = Field(pattern=r"^acc-[0-9a-f]{6,32}$")
    name: str = Field(min_length=1, max_length=200)
    role: Literal["delegation", "observer"]
    state: StateCode | None = None


class ClockAdvanced(Frozen):
    to: dt.date


class FiledRequest(Frozen):
    id: Id
    date: dt.date
    state: StateCode
    office: Office
    person: str = Field(min_length=1, max_length=200)
    affected_state: StateCode
    provisions_cited: list[str] = Field(default_factory=list, max_length=20)
    grounds: list[Id] = Field(default_factory=list, max_length=200)
    propositions: dict[Proposition, Literal["yes", "no"]] = Field(default_factory=dict)
    quote: str | None = Field(default=None, max_length=2000)
    note: str | None = Note


class RequestFiled(Frozen):
    request: FiledRequest


class PositionTaken(Frozen):
    request: Id
    state: StateCode
    position: PositionValue
    basis: str = Text
    note: str | None = Note


class PledgeMade(Frozen):
    state: StateCode
    units: list[str] = Field(default_factory=list, max_length=50)
    personnel: int | None = Field(default=None, ge=0, le=1_000_000)
    note: str | None = Note


class DecisionClosed(Frozen):
    request: Id
    outcome: str = Field(min_length=1, max_length=80, description="The computed outcome label.")
    value: Literal["yes", "no", "contested", "undetermined"]


class ExerciseEnded(Frozen):
    pass


PAYLOADS: dict[str, type[Frozen]] = {
    "exercise_created": ExerciseCreated,
    "participant_invited": ParticipantInvited,
    "clock_advanced": ClockAdvanced,
    "request_filed": RequestFiled,
    "position_cast": PositionTaken,
    "position_changed": PositionTaken,
    "pledge_made": PledgeMade,
    "decision_closed": DecisionClosed,
    "exercise_ended": ExerciseEnded,
}


def normalized_payload(event_type: str, payload: dict[str, Any]) -> str:
    """The payload validated against its type, as canonical JSON; Rejected if it does not fit."""
    model = PAYLOADS.get(event_type)
    if model is None:
        raise Rejected(
            f"expected an exercise event type ({', '.join(PAYLOADS)}), found '{event_type}'"
        )
    try:
        parsed: BaseModel = model.model_validate(payload)
    except ValidationError as e:
        first = e.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise Rejected(f"{event_type}: {where}: {first['msg']}") from None
    return canonical_json(parsed.model_dump(mode="json"))


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
    if state["status"] == "ended":
        raise Rejected(f"exercise {exercise_id} has ended: nothing more can be recorded in it")
    handler = _HANDLERS.get(event_type)
    if handler is None:
        raise Rejected(f"unknown exercise event type '{event_type}'")
    handler(state, p, author, seq)
    state["seq"] = seq
    return state


def _participant_invited(s: State, p: dict[str, Any], author: str, seq: int) -> None:
    if any(x["account"] == p["account"] for x in s["participants"]):
        raise Rejected(f"account {p['account']} already takes part in the exercise")
    s["participants"].append({**p, "seq": seq, "invited_by": author})


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
    return event_type
