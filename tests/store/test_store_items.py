"""The projection in rows: an append checks and writes the items its event changed, and decides
exactly as a check of the whole case would; its work does not grow with the case."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from sqlalchemy import event

from casus.model.case import Case
from casus.model.world import World
from casus.store.canonical import model_text
from casus.store.errors import InvalidCommand
from casus.store.events import Command
from casus.store.fold import Fold, Rejected
from casus.store.validate import validate_case

KZ = "kz-2022"
REQUEST = "kz-2022-01-05"


def _whole_case(state: dict[str, Any], command: Command, world: World) -> str | Case:
    """What checking the whole case after the event says: the case, or the rejection."""
    payload = json.loads(command.normalized_payload())
    fold = Fold(json.loads(json.dumps(state)))
    try:
        fold.apply(command.type, payload)
    except Rejected as e:
        return f"case {KZ}: {command.type}: {e}"
    try:
        return validate_case(fold.state, world=world, shown=f"case {KZ}")
    except Rejected as e:
        return str(e)


def _commands(case: Case, new_claim: Callable[..., Any]) -> list[tuple[str, dict[str, Any]]]:
    """Events of every type, good and bad, in an order in which the good ones apply."""
    request = case.requests[0].model_dump(mode="json")
    decision = request["decision"]
    position = decision["positions"][0]
    phase = case.phases[0].model_dump(mode="json")
    sources = list(case.timeline[0].sources)
    contingent = {"state": "KZ", "units": [], "sources": sources}
    new_request = request | {"id": "r2", "decision": None, "grounds": ["kz-mfa-armed-aggression"]}
    late = decision | {"date": "2021-01-01"}
    return [
        ("claim_added", {"claim": new_claim(case, "c1")}),
        ("claim_added", {"claim": new_claim(case, "c1")}),  # again
        ("claim_added", {"claim": new_claim(case, "c2", by="nobody")}),
        ("claim_added", {"claim": new_claim(case, "c3", sources=["no-such-source"])}),
        ("claim_added", {"claim": new_claim(case, "c4", proposition="not_declared_anywhere")}),
        ("claim_status_changed", {"claim": "c1", "status": "refuted", "note": "Denied."}),
        ("claim_status_changed", {"claim": "no-such-claim", "status": "refuted"}),
        ("request_filed", {"request": new_request | {"grounds": ["no-such-claim"]}}),
        ("request_filed", {"request": new_request | {"place": "nowhere-at-all"}}),
        ("request_filed", {"request": new_request | {"provisions_cited": ["cst/art_99"]}}),
        ("request_filed", {"request": new_request | {"decision": late}}),
        (
            "request_filed",
            {"request": new_request | {"grounds": ["kz-mfa-armed-aggression", "c1"]}},
        ),
        ("request_filed", {"request": new_request}),  # again
        ("decision_recorded", {"request": "r2", "decision": decision | {"reasons": ["nope"]}}),
        ("decision_recorded", {"request": "r2", "decision": decision | {"organ": "no-organ"}}),
        (
            "decision_recorded",
            {"request": "r2", "decision": decision | {"positions": [position, position]}},
        ),
        ("decision_recorded", {"request": "r2", "decision": late}),
        ("decision_recorded", {"request": "r2", "decision": decision | {"positions": []}}),
        ("decision_recorded", {"request": "r2", "decision": decision}),  # again
        ("position_cast", {"request": "r2", "position": position | {"state": "FR"}}),
        ("position_cast", {"request": "r2", "position": position}),
        ("position_cast", {"request": "r2", "position": position}),  # again
        ("position_changed", {"request": REQUEST, "position": position | {"position": "object"}}),
        ("position_changed", {"request": "no-such-request", "position": position}),
        ("phase_started", {"phase": phase}),  # the same id again
        (
            "phase_started",
            {"phase": phase | {"id": "p2", "start": "2022-02-01", "end": "2022-01-01"}},
        ),
        ("phase_started", {"phase": phase | {"id": "p2", "sources": ["no-such-source"]}}),
        ("phase_started", {"phase": phase | {"id": "p2"}}),
        (
            "timeline_event_added",
            {
                "event": {
                    "date": "2022-02-02",
                    "end": "2022-02-01",
                    "event": "x",
                    "sources": sources,
                }
            },
        ),
        (
            "timeline_event_added",
            {"event": {"date": "2022-02-02", "event": "x", "sources": sources}},
        ),
        (
            "pledge_made",
            {"contingent": case.force.contingents[0].model_dump(mode="json")} if case.force else {},
        ),
        ("pledge_made", {"contingent": contingent | {"sources": ["no-such-source"]}}),
        ("pledge_made", {"contingent": contingent}),
        ("claim_added", {"claim": new_claim(case, "c5")}),
    ]


def test_every_event_is_decided_as_a_check_of_the_whole_case_decides_it(
    open_db: Callable[..., Any], db_url: str, world: World, new_claim: Callable[..., Any]
) -> None:
    store = open_db(db_url)
    case = world.cases[KZ]
    store.import_case(case, author="user:t", command_id="imp")
    state = json.loads(store.current_text(KZ))
    accepted = rejected = 0
    for n, (type_, payload) in enumerate(_commands(case, new_claim)):
        command = Command(type_, payload, "user:t", f"cmd-{n}")
        expected = _whole_case(state, command, world)
        before = store.head(KZ)
        if isinstance(expected, str):
            with pytest.raises(InvalidCommand) as info:
                store.append(KZ, command)
            assert str(info.value) == expected, (type_, payload)
            assert store.head(KZ) == before  # nothing written
            rejected += 1
        else:
            store.append(KZ, command)
            assert store.current_text(KZ) == model_text(expected), (type_, payload)
            state = json.loads(model_text(expected))
            accepted += 1
    assert (accepted, rejected) == (10, 24)
    assert store.verify() == [(KZ, 11, None)]


def test_a_batch_is_checked_as_a_whole(
    open_db: Callable[..., Any], db_url: str, world: World, new_claim: Callable[..., Any]
) -> None:
    store = open_db(db_url)
    case = world.cases[KZ]
    store.import_case(case, author="user:t", command_id="imp")
    request = case.requests[0].model_dump(mode="json") | {"id": "r2", "decision": None}
    # A request whose ground is a claim added earlier in the same batch, then its status.
    batch = [
        Command("claim_added", {"claim": new_claim(case, "b1")}, "user:t", "b1"),
        Command("request_filed", {"request": request | {"grounds": ["b1"]}}, "user:t", "b2"),
        Command("claim_status_changed", {"claim": "b1", "status": "disputed"}, "user:t", "b3"),
    ]
    store.append_many(KZ, batch)
    now = store.current(KZ)
    assert now.requests[-1].grounds == ["b1"] and now.claims[-1].status == "disputed"
    # An import inside a batch replaces the rows, and what follows it applies to the import.
    again = case.model_dump(mode="json", by_alias=True)
    store.append_many(
        KZ,
        [
            Command("claim_added", {"claim": new_claim(case, "b4")}, "user:t", "b4"),
            Command("case_imported", {"case": again}, "user:t", "b5"),
            Command("claim_added", {"claim": new_claim(case, "b1")}, "user:t", "b6"),
        ],
    )
    assert [c.id for c in store.current(KZ).claims] == [*(c.id for c in case.claims), "b1"]
    assert store.verify() == [(KZ, 7, None)]


@contextmanager
def _statements(store: Any) -> Iterator[list[tuple[str, int]]]:
    """Each SQL statement run, with how many characters of parameters it sent."""
    seen: list[tuple[str, int]] = []

    def count(_conn: Any, _cursor: Any, statement: str, params: Any, *_: Any) -> None:
        rows = params if isinstance(params, list) else [params]
        size = sum(len(str(v)) for row in rows for v in (row or ()) if isinstance(v, str))
        seen.append((statement.split()[0], size))

    event.listen(store.engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        event.remove(store.engine, "before_cursor_execute", count)


def test_an_appends_work_does_not_grow_with_the_case(
    open_db: Callable[..., Any], db_url: str, world: World, new_claim: Callable[..., Any]
) -> None:
    store = open_db(db_url)
    case = world.cases[KZ]
    store.import_case(case, author="user:t", command_id="imp")

    def work(n: int) -> list[tuple[str, list[int]]]:
        """Statements and characters sent by one append of each kind, at event #n."""
        out = []
        for type_, payload in [
            ("claim_added", {"claim": new_claim(case, f"w{n}")}),
            ("claim_status_changed", {"claim": f"w{n}", "status": "refuted"}),
            ("position_changed", {"request": REQUEST, "position": position}),
        ]:
            with _statements(store) as seen:
                store.append(KZ, Command(type_, payload, "user:t", f"{type_}-{n}"))
            out.append(([s for s, _ in seen], [size for _, size in seen]))
        return out

    decision = case.requests[0].decision
    assert decision is not None
    position = decision.positions[0].model_dump(mode="json") | {"position": "abstain"}
    small = work(10)
    filler = [
        Command("claim_added", {"claim": new_claim(case, f"f{i}")}, "user:t", f"f{i}")
        for i in range(2000)
    ]
    store.append_many(KZ, filler)
    large = work(2000)
    # The same statements, sending the same amount (ids and hashes vary by a few characters).
    for (s_small, n_small), (s_large, n_large) in zip(small, large, strict=True):
        assert s_small == s_large
        assert all(abs(a - b) <= 16 for a, b in zip(n_small, n_large, strict=True))
    claim_added = small[0][0]
    assert claim_added.count("INSERT") == 2 and len(claim_added) <= 8, claim_added
