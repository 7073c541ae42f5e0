"""One engine: the what-if grid and minimal changes agree with plain evaluation on every request
of every built-in case (not only Kazakhstan), because they call the same compiled stages."""

from __future__ import annotations

import itertools

import pytest

import casus
from casus.evaluation.engine import evaluate
from casus.evaluation.invocation import Invocation
from casus.evaluation.question import compile_question, question
from casus.model.rules import propositions_of
from casus.model.world import World
from casus.whatif.diff import succeeds
from casus.whatif.grid import grid
from casus.whatif.minimal import minimal_changes
from casus.whatif.scenario import Change, apply

WORLD = casus.load_world()
REQUESTS = [
    (f"{cid}/{rq.id}", casus.from_case(case, rq))
    for cid, case in sorted(WORLD.cases.items())
    for rq in case.requests
]
IDS = [name for name, _ in REQUESTS]


def _variables(inv: Invocation) -> list[str]:
    """The requester's membership, one voter's position, and up to three propositions read."""
    q = question(WORLD, inv)
    props: list[str] = []
    for p in q.provisions:
        for e in (p.casus.casus.when, *(x.when for x in p.casus.casus.exceptions)):
            uses = WORLD.definitions_on(inv.date)
            props.extend(x for x in propositions_of(e, uses) if x not in props)
    voters = [s for s in q.voters if s != inv.requester.state][:1]
    return [
        f"membership.{inv.requester.state}",
        *(f"position.{s}" for s in voters),
        *(f"proposition.{p}" for p in props[:3]),
    ]


@pytest.mark.parametrize("inv", [inv for _, inv in REQUESTS], ids=IDS)
def test_every_grid_row_is_the_outcome_of_evaluating_its_changes(inv: Invocation) -> None:
    variables = _variables(inv)
    g = grid(WORLD, inv, variables)
    assert g.combinations == len(g.rows)
    worlds: dict[str, tuple[World, Invocation]] = {}
    for row in g.records():
        mem = Change(variables[0], row[variables[0]])
        if mem.value not in worlds:
            worlds[mem.value] = apply(WORLD, inv, [mem], inv.date)
        w, i = worlds[mem.value]
        w, i = apply(w, i, [Change(v, row[v]) for v in variables[1:]], inv.date)
        ev = evaluate(w, i)
        assert (ev.outcome["computed"], ev.entitled.value, ev.outcome["basis"]) == (
            row["outcome"],
            row["entitled"],
            row["casus"],
        ), row


@pytest.mark.parametrize("inv", [inv for _, inv in REQUESTS], ids=IDS)
def test_minimal_changes_are_exactly_the_minimal_turning_sets(inv: Invocation) -> None:
    result = minimal_changes(WORLD, inv, max_size=2, include_dates=False)
    base = succeeds(result.baseline)
    turning: list[frozenset[Change]] = []
    worlds: dict[Change | None, tuple[World, Invocation]] = {None: (WORLD, inv)}
    for size in (1, 2):
        for combo in itertools.combinations(result.atoms, size):
            if len({c.variable for c in combo}) < size:
                continue
            if any(t <= set(combo) for t in turning):
                continue
            mem = next((c for c in combo if c.variable.startswith("membership.")), None)
            if mem not in worlds:
                worlds[mem] = apply(WORLD, inv, [mem], inv.date)  # type: ignore[list-item]
            w, i = worlds[mem]
            w, i = apply(w, i, [c for c in combo if c is not mem], inv.date)
            if succeeds(evaluate(w, i)) != base:
                turning.append(frozenset(combo))
    assert {frozenset(s.changes) for s in result.solutions} == set(turning)


@pytest.mark.parametrize("inv", [inv for _, inv in REQUESTS], ids=IDS)
def test_the_stages_give_the_outcome_of_a_full_run(inv: Invocation) -> None:
    q = compile_question(WORLD, inv, inv.date)
    for r in inv.readings:
        ev = q.run(inv, r.id)
        label, value, vote = q.outcome(r.values, inv.positions)
        assert ev.outcome["by_reading"][r.id]["computed"] == label
        if r.id == ev.reading:
            assert (ev.outcome["computed"], ev.outcome["value"]) == (label, value.value)
            assert (ev.vote.outcome if ev.vote else None) == (vote.outcome if vote else None)


def test_a_compiled_question_is_reused_and_a_changed_world_gets_its_own() -> None:
    _, inv = REQUESTS[0]
    assert question(WORLD, inv) is question(WORLD, inv)
    w, i = apply(WORLD, inv, [Change(f"membership.{inv.requester.state}", "suspended")], inv.date)
    assert question(w, i) is not question(WORLD, inv)
    assert evaluate(w, i).entitled.value == "no"
