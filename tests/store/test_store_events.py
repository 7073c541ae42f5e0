"""Events and their projections: what each event does, idempotency, rejection, as-of."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest

from casus.model.world import World
from casus.store.errors import Conflict, InvalidCommand, UnknownCase
from casus.store.events import Command

KZ = "kz-2022"
REQUEST = "kz-2022-01-05"


class Clock:
    """A clock the test moves by hand, so that "as recorded on a date" can be tested."""

    def __init__(self, start: dt.datetime) -> None:
        self.now = start

    def __call__(self) -> dt.datetime:
        return self.now


def _cmd(type_: str, payload: dict[str, Any], cid: str, author: str = "user:tester") -> Command:
    return Command(type_, payload, author, cid)


def test_import_then_current_is_the_case(
    open_db: Callable[..., Any], db_url: str, world: World
) -> None:
    store = open_db(db_url)
    case = world.cases[KZ]
    first = store.import_case(case, author="user:tester", command_id="imp-1")
    assert first is not None and first.recorded and first.event.seq == 1
    assert store.current(KZ) == case
    # The same state again records nothing.
    assert store.import_case(case, author="user:tester", command_id="imp-2") is None
    assert [e.seq for e in store.events(KZ)] == [1]


def test_idempotent_retry_returns_the_original_event(
    open_db: Callable[..., Any], db_url: str, world: World, new_claim: Callable[..., Any]
) -> None:
    store = open_db(db_url)
    case = world.cases[KZ]
    store.import_case(case, author="user:tester", command_id="imp")
    command = _cmd("claim_added", {"claim": new_claim(case, "retried-claim")}, "cmd-1")
    first = store.append(KZ, command)
    again = store.append(KZ, command)
    assert first.recorded and not again.recorded
    assert again.event == first.event
    assert len(store.events(KZ)) == 2
    # The same id for a different command is a conflict, and records nothing.
    other = _cmd("claim_added", {"claim": new_claim(case, "another-claim")}, "cmd-1")
    with pytest.raises(Conflict, match="'cmd-1' was already used for another command"):
        store.append(KZ, other)
    assert len(store.events(KZ)) == 2


def test_a_rejected_event_changes_nothing(
    open_db: Callable[..., Any], db_url: str, world: World, new_claim: Callable[..., Any]
) -> None:
    store = open_db(db_url)
    case = world.cases[KZ]
    store.import_case(case, author="user:tester", command_id="imp")
    before = store.current(KZ)
    bad_actor = new_claim(case, "c-bad-actor", by="nobody-at-all")
    with pytest.raises(InvalidCommand, match=r"claims\[\d+\]\.by: expected the id of an actor"):
        store.append(KZ, _cmd("claim_added", {"claim": bad_actor}, "bad-1"))
    bad_source = new_claim(case, "c-bad-source", sources=["no-such-source"])
    with pytest.raises(
        InvalidCommand, match="expected the id of a known source, found 'no-such-source'"
    ):
        store.append(KZ, _cmd("claim_added", {"claim": bad_source}, "bad-2"))
    with pytest.raises(
        InvalidCommand, match="claim 'kz-mfa-armed-aggression' is already in the case"
    ):
        store.append(
            KZ, _cmd("claim_added", {"claim": case.claims[0].model_dump(mode="json")}, "bad-3")
        )
    with pytest.raises(InvalidCommand, match="expected an author 'user:NAME'"):
        store.append(KZ, _cmd("claim_added", {"claim": new_claim(case, "x")}, "bad-4", "alice"))
    with pytest.raises(InvalidCommand, match="expected an event type"):
        store.append(KZ, _cmd("claim_deleted", {}, "bad-5"))
    with pytest.raises(InvalidCommand, match="import it first"):
        store.append("not-here", _cmd("claim_added", {"claim": new_claim(case, "y")}, "bad-6"))
    assert store.current(KZ) == before
    assert len(store.events(KZ)) == 1
    assert store.verify() == [(KZ, 1, None)]


def test_claim_status_and_timeline_and_phase(
    open_db: Callable[..., Any], db_url: str, world: World, new_claim: Callable[..., Any]
) -> None:
    store = open_db(db_url)
    case = world.cases[KZ]
    store.import_case(case, author="user:tester", command_id="imp")
    store.append(KZ, _cmd("claim_added", {"claim": new_claim(case, "c-new")}, "a1"))
    store.append(
        KZ,
        _cmd(
            "claim_status_changed",
            {"claim": "c-new", "status": "corroborated", "note": "a second source"},
            "a2",
        ),
    )
    event = {
        "date": "2022-01-20",
        "event": "Something reported.",
        "sources": case.timeline[0].sources,
    }
    store.append(KZ, _cmd("timeline_event_added", {"event": event}, "a3"))
    phase = case.phases[0].model_dump(mode="json") | {
        "id": "aftermath",
        "start": "2022-01-20",
        "end": None,
    }
    store.append(KZ, _cmd("phase_started", {"phase": phase}, "a4"))
    now = store.current(KZ)
    added = next(c for c in now.claims if c.id == "c-new")
    assert (added.status, added.note) == ("corroborated", "a second source")
    assert now.timeline[-1].event == "Something reported."
    assert now.phases[-1].id == "aftermath"
    assert [e.type for e in store.events(KZ)] == [
        "case_imported",
        "claim_added",
        "claim_status_changed",
        "timeline_event_added",
        "phase_started",
    ]


def test_a_position_is_cast_once_and_a_change_supersedes_it(
    open_db: Callable[..., Any], db_url: str, world: World
) -> None:
    store = open_db(db_url)
    case = world.cases[KZ]
    decision = case.requests[0].decision
    assert decision is not None
    # A case whose decision has no positions yet: positions are then cast one by one.
    bare = case.model_copy(
        update={
            "requests": [
                case.requests[0].model_copy(
                    update={"decision": decision.model_copy(update={"positions": []})}
                )
            ]
        }
    )
    store.import_case(bare, author="user:tester", command_id="imp")
    first = decision.positions[0].model_dump(mode="json")
    state = first["state"]
    store.append(
        KZ,
        _cmd("position_cast", {"request": REQUEST, "position": first}, "p1", f"delegation:{state}"),
    )
    with pytest.raises(InvalidCommand, match=f"{state} has already cast a position"):
        store.append(
            KZ,
            _cmd(
                "position_cast",
                {"request": REQUEST, "position": first},
                "p2",
                f"delegation:{state}",
            ),
        )
    changed = first | {"position": "abstain", "basis": "Changed its mind."}
    store.append(
        KZ,
        _cmd(
            "position_changed",
            {"request": REQUEST, "position": changed},
            "p3",
            f"delegation:{state}",
        ),
    )
    now = store.current(KZ)
    assert now.requests[0].decision is not None
    assert [p.position for p in now.requests[0].decision.positions] == ["abstain"]
    rows = store.positions(KZ, current_only=False)
    assert [(r["state"], r["position"], r["seq"], r["superseded_by"]) for r in rows] == [
        (state, "support", 2, 3),
        (state, "abstain", 3, None),
    ]
    assert [r["position"] for r in store.positions(KZ)] == ["abstain"]
    other = decision.positions[1].model_dump(mode="json") | {"state": "FR"}
    with pytest.raises(InvalidCommand, match="a state that is or was a member of csto"):
        store.append(KZ, _cmd("position_cast", {"request": REQUEST, "position": other}, "p4"))


def test_as_of_rebuilds_the_case_as_recorded_then(
    open_db: Callable[..., Any], db_url: str, world: World, new_claim: Callable[..., Any]
) -> None:
    clock = Clock(dt.datetime(2030, 1, 6, 12, tzinfo=dt.UTC))
    store = open_db(db_url, clock=clock)
    case = world.cases[KZ]
    store.import_case(case, author="user:tester", command_id="imp")
    clock.now = dt.datetime(2030, 1, 7, 9, tzinfo=dt.UTC)
    store.append(KZ, _cmd("claim_added", {"claim": new_claim(case, "later")}, "later"))
    on_6 = store.as_of(KZ, dt.datetime(2030, 1, 7, tzinfo=dt.UTC))
    on_7 = store.as_of(KZ, dt.datetime(2030, 1, 8, tzinfo=dt.UTC))
    assert on_6 == case
    assert on_7 == store.current(KZ) and on_7 != case
    with pytest.raises(UnknownCase, match="was not yet recorded before 2030-01-06"):
        store.as_of(KZ, dt.datetime(2030, 1, 6, tzinfo=dt.UTC))
    # A clock that goes backwards does not reorder the record: times never decrease in a case.
    clock.now = dt.datetime(2029, 1, 1, tzinfo=dt.UTC)
    store.append(KZ, _cmd("claim_added", {"claim": new_claim(case, "skewed")}, "skewed"))
    times = [e.recorded_at for e in store.events(KZ)]
    assert times == sorted(times)


def test_batch_append_is_all_or_nothing(
    open_db: Callable[..., Any], db_url: str, world: World, new_claim: Callable[..., Any]
) -> None:
    store = open_db(db_url)
    case = world.cases[KZ]
    store.import_case(case, author="user:tester", command_id="imp")
    good = _cmd("claim_added", {"claim": new_claim(case, "b1")}, "b1")
    bad = _cmd("claim_added", {"claim": new_claim(case, "b2", by="nobody")}, "b2")
    with pytest.raises(InvalidCommand):
        store.append_many(KZ, [good, bad])
    assert len(store.events(KZ)) == 1
    done = store.append_many(
        KZ, [good, _cmd("claim_added", {"claim": new_claim(case, "b3")}, "b3")]
    )
    assert [a.event.seq for a in done] == [2, 3]
