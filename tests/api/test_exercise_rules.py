"""The exercise's rules alone (`casus.exercise`): no HTTP, no database. A command is a function
of the exercise's state (the fold of its log), what is asked and the engine's view (`Judge`);
it answers the events to record or a `Refused` with a kind, a code and the field concerned.

The judge here is a stub: who is a member is a set, and every request evaluates as entitled,
so that each test sees one rule at work. The store's own idempotency (a command id recorded
once) is tested at the end against a real log.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from casus.exercise import commands
from casus.exercise.commands import Filing, NewEvent, Scenario
from casus.exercise.errors import Refused, Rejected
from casus.exercise.events import normalized_payload
from casus.exercise.fold import State, apply
from casus.model.common import Value
from casus.model.world import World

XID = "ex-rules"
FAC = "user:acc-fac000"
START = "2024-06-01"
DIGEST = "a" * 64


class StubJudge:
    """Members are a set; every request is entitled and decided `invoked`."""

    def __init__(self, members: set[str]) -> None:
        self.members = members
        self.evaluated: list[Mapping[str, Any]] = []

    def member(self, state: str, on: dt.date) -> bool:
        return state in self.members

    def evaluate(self, request: Mapping[str, Any]) -> Any:
        self.evaluated.append(request)
        return SimpleNamespace(
            entitled=Value.YES, outcome={"computed": "invoked", "value": "yes"}, to_dict=dict
        )


@pytest.fixture
def scenario(world: World) -> Scenario:
    return Scenario(world.organizations["nato"], None)


@pytest.fixture
def judge() -> StubJudge:
    return StubJudge({"PL", "DE", "US"})


def fold(*events: NewEvent | tuple[str, dict[str, Any]], author: str = FAC) -> State:
    """The state a log of these events gives (each payload checked as the store checks it)."""
    log: list[tuple[str, dict[str, Any]]] = [
        ("exercise_created", {"title": "t", "organization": "nato", "start": START})
    ]
    log += [(e.type, e.payload) if isinstance(e, NewEvent) else e for e in events]
    state: State | None = None
    for seq, (kind, payload) in enumerate(log, start=1):
        normalized_payload(kind, payload)  # fits its type
        state = apply(state, XID, kind, payload, author, seq)
    assert state is not None
    return state


def filing(**kw: Any) -> Filing:
    base: dict[str, Any] = {
        "office": "head_of_government",
        "provisions_cited": ["north-atlantic-treaty/art_4"],
        "grounds": [],
        "propositions": {},
        "quote": None,
        "note": None,
    }
    return Filing(**(base | kw))


def invited(state: str, account: str) -> NewEvent:
    return NewEvent(
        "participant_invited",
        {
            "account": account,
            "name": f"Delegation of {state}",
            "role": "delegation",
            "state": state,
            "credential": {"digest": DIGEST, "expires_at": None},
        },
    )


def filed(judge: StubJudge, scenario: Scenario, state: State) -> list[NewEvent]:
    return commands.file_request(state, judge, scenario, by="PL", person="P", filing=filing())


def ended(judge: StubJudge, scenario: Scenario) -> State:
    """An exercise with a PL delegation and a request, then ended."""
    log: list[NewEvent] = [invited("PL", "acc-aaaaaa")]
    log += filed(judge, scenario, fold(*log))
    log += commands.end(fold(*log), judge)
    return fold(*log)


# --- an ended exercise refuses every command but its credentials' -------------------------


def test_an_ended_exercise_is_ended_in_its_state(judge: StubJudge, scenario: Scenario) -> None:
    state = ended(judge, scenario)
    assert state["status"] == "ended"
    assert [r["status"] for r in state["requests"]] == ["closed"]


@pytest.mark.parametrize(
    "command",
    [
        "advance_clock",
        "file_request",
        "cast_position",
        "pledge",
        "invite",
        "close_decision",
        "end",
    ],
)
def test_a_command_on_an_ended_exercise_is_refused(
    judge: StubJudge, scenario: Scenario, command: str
) -> None:
    state = ended(judge, scenario)
    calls = {
        "advance_clock": lambda: commands.advance_clock(state, dt.date(2024, 6, 2)),
        "file_request": lambda: filed(judge, scenario, state),
        "cast_position": lambda: commands.cast_position(
            state, judge, scenario, commands.position_payload("r1", "DE", "object", None, None)
        ),
        "pledge": lambda: commands.pledge(state, by="PL", units=["a unit"], personnel=1, note=None),
        "invite": lambda: commands.may_invite(
            state, judge, scenario, role="delegation", member_state="DE"
        ),
        "close_decision": lambda: commands.close_decision(state, judge, "r1"),
        "end": lambda: commands.end(state, judge),
    }
    with pytest.raises(Refused) as refused:
        calls[command]()
    assert refused.value.kind == "conflict"
    assert refused.value.code in ("ended", "decision_closed")
    if command not in ("cast_position", "close_decision"):
        assert refused.value.code == "ended", refused.value.message


def test_the_fold_refuses_an_event_after_the_end_too(judge: StubJudge, scenario: Scenario) -> None:
    """A log read stale, or written behind the rules' back, cannot record past the end."""
    state = ended(judge, scenario)
    with pytest.raises(Rejected, match="has ended"):
        apply(state, XID, "clock_advanced", {"to": "2024-06-02"}, FAC, state["seq"] + 1)


def test_a_token_may_still_be_revoked_and_reissued_after_the_end(
    judge: StubJudge, scenario: Scenario
) -> None:
    state = ended(judge, scenario)
    revoke = commands.revoke_token(state, "acc-aaaaaa", DIGEST)
    after = apply(state, XID, revoke.type, revoke.payload, FAC, state["seq"] + 1)
    assert after["participants"][0]["token"]["revoked"] is True
    new = {"digest": "b" * 64, "expires_at": "2024-07-01T00:00:00.000000Z"}
    again = commands.reissue_token(after, "acc-aaaaaa", new)
    after = apply(after, XID, again.type, again.payload, FAC, after["seq"] + 1)
    token = after["participants"][0]["token"]
    assert (token["digest"], token["revoked"]) == ("b" * 64, False)
    # Revoking twice is refused by the rules, and by the fold.
    gone = commands.revoke_token(after, "acc-aaaaaa", "b" * 64)
    after = apply(after, XID, gone.type, gone.payload, FAC, after["seq"] + 1)
    with pytest.raises(Refused) as refused:
        commands.revoke_token(after, "acc-aaaaaa", "b" * 64)
    assert (refused.value.kind, refused.value.code) == ("conflict", "revoked")
    with pytest.raises(Rejected, match="revoked already"):
        apply(after, XID, gone.type, gone.payload, FAC, after["seq"] + 1)


def test_a_token_of_no_participant_is_not_found(scenario: Scenario) -> None:
    state = fold()
    for call in (
        lambda: commands.revoke_token(state, "acc-bbbbbb", DIGEST),
        lambda: commands.reissue_token(state, "acc-bbbbbb", {"digest": DIGEST}),
    ):
        with pytest.raises(Refused) as refused:
            call()
        assert (refused.value.kind, refused.value.code) == ("not_found", "not_found")


# --- a state that is not a member ----------------------------------------------------------


def test_a_non_member_may_not_be_invited(judge: StubJudge, scenario: Scenario) -> None:
    with pytest.raises(Refused) as refused:
        commands.may_invite(fold(), judge, scenario, role="delegation", member_state="RU")
    e = refused.value
    assert (e.kind, e.code, e.field) == ("invalid", "not_a_member", "body.state")
    assert "RU is not a member of NATO on 2024-06-01" in e.message


def test_a_non_member_may_not_file_a_request(judge: StubJudge, scenario: Scenario) -> None:
    judge.members.discard("PL")
    with pytest.raises(Refused) as refused:
        filed(judge, scenario, fold())
    assert (refused.value.kind, refused.value.code) == ("forbidden", "not_a_member")
    assert judge.evaluated == []  # refused before the engine is asked


def test_a_state_no_longer_a_member_may_not_cast_a_position(
    judge: StubJudge, scenario: Scenario
) -> None:
    state = fold()
    state = fold(*filed(judge, scenario, state))
    judge.members.discard("DE")
    payload = commands.position_payload("r1", "DE", "object", None, None)
    with pytest.raises(Refused) as refused:
        commands.cast_position(state, judge, scenario, payload)
    assert (refused.value.kind, refused.value.code) == ("forbidden", "not_a_member")


def test_a_delegation_needs_its_state_and_an_observer_has_none(
    judge: StubJudge, scenario: Scenario
) -> None:
    for role, member_state in (("delegation", None), ("observer", "PL")):
        with pytest.raises(Refused) as refused:
            commands.may_invite(fold(), judge, scenario, role=role, member_state=member_state)
        assert (refused.value.kind, refused.value.field) == ("invalid", "body.state")


# --- the same command on the same state makes the same events ------------------------------


def test_the_same_command_on_the_same_state_gives_the_same_events(
    judge: StubJudge, scenario: Scenario
) -> None:
    state = fold()
    first, again = filed(judge, scenario, state), filed(judge, scenario, state)
    assert first == again
    assert [e.type for e in first] == ["request_filed", "position_cast"]
    assert [e.suffix for e in first] == ["", "#support"]  # distinct ids under one command id
    assert first[1].payload["state"] == "PL" and first[1].payload["position"] == "support"
    state = fold(*first)
    payload = commands.position_payload("r1", "DE", "object", "because", None)
    assert commands.cast_position(state, judge, scenario, payload) == commands.cast_position(
        state, judge, scenario, payload
    )


def test_a_second_position_is_a_change_and_the_change_is_counted(
    judge: StubJudge, scenario: Scenario
) -> None:
    state = fold()
    made = filed(judge, scenario, state)
    payload = commands.position_payload("r1", "DE", "object", None, None)
    cast = commands.cast_position(fold(*made), judge, scenario, payload)
    assert cast.type == "position_cast"
    changed_to = commands.position_payload("r1", "DE", "abstain", None, None)
    change = commands.cast_position(fold(*made, cast), judge, scenario, changed_to)
    assert change.type == "position_changed"
    board = fold(*made, cast, change)["requests"][0]["positions"]
    de = next(p for p in board if p["state"] == "DE")
    assert (de["position"], de["changes"]) == ("abstain", 1)


def test_the_clock_only_moves_forward(scenario: Scenario) -> None:
    with pytest.raises(Refused) as refused:
        commands.advance_clock(fold(), dt.date(2024, 6, 1))
    assert (refused.value.code, refused.value.field) == ("clock_backwards", "body.to")
    moved = commands.advance_clock(fold(), dt.date(2024, 6, 3))
    assert fold(moved)["clock"] == "2024-06-03"


def test_a_state_pledges_once(scenario: Scenario) -> None:
    first = commands.pledge(fold(), by="PL", units=[" a unit ", " "], personnel=10, note=None)
    assert first.payload["units"] == ["a unit"]  # blanks dropped, names trimmed
    with pytest.raises(Refused) as refused:
        commands.pledge(fold(first), by="PL", units=[], personnel=None, note=None)
    assert (refused.value.kind, refused.value.code) == ("conflict", "conflict")


def test_a_blank_scenario_takes_propositions_not_claims(
    judge: StubJudge, scenario: Scenario
) -> None:
    with pytest.raises(Refused) as refused:
        commands.file_request(
            fold(), judge, scenario, by="PL", person="P", filing=filing(grounds=["c1"])
        )
    assert (refused.value.kind, refused.value.field) == ("invalid", "body.grounds")


def test_a_request_not_entitled_is_refused_with_the_evaluation(
    judge: StubJudge, scenario: Scenario
) -> None:
    def not_entitled(request: Mapping[str, Any]) -> Any:
        return SimpleNamespace(
            entitled=Value.NO,
            outcome={"computed": "not_invoked", "value": "no"},
            explanation=SimpleNamespace(children=[]),
            to_dict=lambda: {"entitled": "no"},
        )

    judge.evaluate = not_entitled  # type: ignore[method-assign]
    with pytest.raises(Refused) as refused:
        filed(judge, scenario, fold())
    e = refused.value
    assert (e.kind, e.code, e.field) == ("invalid", "not_entitled", "body.office")
    assert e.detail == {"evaluation": {"entitled": "no"}}


def test_ending_closes_every_open_decision_first(judge: StubJudge, scenario: Scenario) -> None:
    state = fold(*filed(judge, scenario, fold()))
    events = commands.end(state, judge)
    assert [(e.type, e.suffix) for e in events] == [
        ("decision_closed", "#close0"),
        ("exercise_ended", ""),
    ]
    assert events[0].payload == {"request": "r1", "outcome": "invoked", "value": "yes"}


def test_an_event_that_does_not_fit_its_type_is_rejected() -> None:
    with pytest.raises(Rejected, match="pledge_made: personnel"):
        normalized_payload("pledge_made", {"state": "PL", "personnel": -1})
    with pytest.raises(Rejected, match="expected an exercise event type"):
        normalized_payload("account_created", {})


def test_the_token_status_says_active_revoked_or_expired() -> None:
    now = dt.datetime(2024, 6, 1, 12, tzinfo=dt.UTC)
    token = {"digest": DIGEST, "expires_at": "2024-06-01T12:00:00.000000Z", "revoked": False}
    assert commands.token_status(None, now) == "active"  # before revision 0005
    assert commands.token_status(token, now) == "expired"  # at its expiry: gone
    assert commands.token_status(token, now - dt.timedelta(seconds=1)) == "active"
    assert commands.token_status({**token, "revoked": True}, now) == "revoked"


# --- the store records a command id once ---------------------------------------------------


def test_a_command_id_replayed_in_the_store_gives_the_same_event(
    tmp_path: Path, judge: StubJudge, scenario: Scenario
) -> None:
    from casus.store.errors import Conflict
    from casus.store.exercises import Creation, ExerciseCommand, ExerciseLog
    from casus.store.store import open_store

    with open_store(str(tmp_path / "x.db")) as store:
        log = ExerciseLog(store)
        created = commands.create(
            case_id=None,
            case=None,
            organization_id="nato",
            organizations={"nato": scenario.organization},
            on=dt.date(2024, 6, 1),
            title=None,
            scenario_sha256=None,
        )
        log.append_many(
            XID,
            [ExerciseCommand(created.event.type, created.event.payload, FAC, "c-create")],
            creation=Creation(created.title, created.organization, None, None),
        )

        before = log.get(XID).state
        planned = [
            ExerciseCommand(e.type, e.payload, FAC, "c-file" + e.suffix)
            for e in filed(judge, scenario, before)
        ]
        first = log.append_many(XID, planned)
        # A retry plans from the state it read (the one before the first append): the same
        # command on the same state gives the same events, and the store records them once.
        again = log.append_many(
            XID,
            [
                ExerciseCommand(e.type, e.payload, FAC, "c-file" + e.suffix)
                for e in filed(judge, scenario, before)
            ],
        )
        assert [a.recorded for a in first] == [True, True]
        assert [a.recorded for a in again] == [False, False]
        assert [a.event for a in again] == [a.event for a in first]
        assert log.get(XID).head_seq == 3
        # The same id for other values is a conflict, not a silent replay.
        other = {**planned[0].payload, "request": {**planned[0].payload["request"], "id": "r9"}}
        with pytest.raises(Conflict, match="already used for another command"):
            log.append(XID, ExerciseCommand("request_filed", other, FAC, "c-file"))
        assert log.get(XID).head_seq == 3
        assert log.verify(XID) == [(XID, 3, None)]
