"""Every minimal set of changes that would turn an outcome, up to a size.

A request succeeds when three things hold at once: the requester is entitled (E), a casus it
may invoke arises under the reading (B), and the deciding organ approves (V), if an organ
decides. They rest on disjoint inputs — membership for E, propositions for B, positions for V —
so the search runs in each component alone, with a fast evaluator for each (the casus rules for
B, the organ's voting rule for V), and combines the results:

- to make a successful request fail, any one component failing is enough, so the minimal sets
  are the union of each component's minimal breaking sets;
- to make a failed request succeed, every failing component must be mended, so the minimal
  sets are the products of each failing component's minimal mending sets.

Changes of date (and so of the rules in force) are tried one at a time. Every set found is then
checked with a full evaluation, which also gives its explanation. This is the approach of rules
engines that list every scenario under which a conclusion holds (Blawx / s(CASP)), made finite by
the size bound.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from casus.evaluation.engine import Evaluation, evaluate
from casus.evaluation.invocation import Invocation
from casus.evaluation.question import question
from casus.law.claims import proposition_value
from casus.law.membership import members_on
from casus.model.common import Value
from casus.model.rules import propositions_of
from casus.model.world import World
from casus.whatif.diff import Difference, succeeds
from casus.whatif.scenario import MEMBERSHIP, POSITIONS, Change, apply


@dataclass(frozen=True)
class Solution:
    changes: tuple[Change, ...]
    component: str  # entitlement, casus, vote, date, or a combination joined by '+'
    evaluation: Evaluation
    difference: Difference

    def to_dict(self) -> dict[str, Any]:
        return {
            "changes": [str(c) for c in self.changes],
            "component": self.component,
            "outcome": self.evaluation.outcome["computed"],
            "difference": self.difference.to_dict(),
        }


@dataclass(frozen=True)
class MinimalResult:
    baseline: Evaluation
    direction: str  # "break" or "make"
    max_size: int
    solutions: tuple[Solution, ...]
    candidates: int
    evaluated: int
    atoms: tuple[Change, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "baseline": self.baseline.outcome["computed"],
            "direction": "changes that would make it fail"
            if self.direction == "break"
            else "changes that would make it succeed",
            "max_size": self.max_size,
            "candidates": self.candidates,
            "combinations_evaluated": self.evaluated,
            "solutions": [s.to_dict() for s in self.solutions],
        }


def _search(
    atoms: Sequence[Change], goal: Callable[[tuple[Change, ...]], bool], max_size: int
) -> tuple[list[tuple[Change, ...]], int]:
    """Minimal subsets (at most one change per variable) for which `goal` holds."""
    found: list[tuple[Change, ...]] = []
    tried = 0
    for size in range(1, max_size + 1):
        for combo in itertools.combinations(atoms, size):
            if len({c.variable for c in combo}) < size:
                continue
            if any(set(f) <= set(combo) for f in found):
                continue
            tried += 1
            if goal(combo):
                found.append(combo)
    return found, tried


def minimal_changes(
    world: World,
    inv: Invocation,
    *,
    on: dt.date | None = None,
    reading: str | None = None,
    max_size: int = 2,
    include_dates: bool = True,
) -> MinimalResult:
    on = on or inv.date
    base = evaluate(world, inv, on=on, reading=reading)
    reading_id = base.reading
    org = world.organizations[inv.organization]
    direction = "break" if succeeds(base) else "make"

    # --- the three components, each with the engine's own stages ------------------------------
    q = question(world, inv, on)
    voters = q.voters
    values = dict(inv.reading(reading_id).values)
    props: list[str] = []
    uses = world.definitions_on(on)
    for p in q.provisions:
        casus = p.casus.casus
        for expr in [casus.when, *(e.when for e in casus.exceptions)]:
            props.extend(x for x in propositions_of(expr, uses) if x not in props)

    def basis(changes: Sequence[Change]) -> Value:
        vals: dict[str, Any] = dict(values)
        for c in changes:
            name = c.variable.partition(".")[2]
            vals[name] = proposition_value(name, Value(c.value))
        return q.basis(q.arise(vals))

    deciding = q.deciding(q.primary(q.arise(values)))

    def vote_ok(changes: Sequence[Change]) -> bool:
        if deciding is None:
            return True
        positions = dict(inv.positions)
        for c in changes:
            positions[c.variable.partition(".")[2]] = c.value
        result = deciding.vote(positions)
        return result is not None and result.outcome == "approved"

    evaluated = 0

    def full(changes: Sequence[Change], day: dt.date = on) -> Evaluation:
        nonlocal evaluated
        evaluated += 1
        w, i = apply(world, inv, changes, day)
        return evaluate(w, i, on=day, reading=reading_id)

    def entitled_ok(changes: Sequence[Change]) -> bool:
        nonlocal evaluated
        evaluated += 1
        w, i = apply(world, inv, changes, on)
        return question(w, i, on).entitled is Value.YES

    # --- the candidate changes of each component -----------------------------------------------
    position_atoms = [
        Change(f"position.{s}", p) for s in voters for p in POSITIONS if inv.positions.get(s) != p
    ]
    prop_atoms = []
    for name in props:
        current = values.get(name)
        for v in ("yes", "no"):
            if current is None or current.value.value != v:
                prop_atoms.append(Change(f"proposition.{name}", v))
    current_status = next(
        (m.status for m in members_on(org, on) if m.state == inv.requester.state), None
    )
    member_atoms = [
        Change(f"membership.{inv.requester.state}", s) for s in MEMBERSHIP if s != current_status
    ]
    state = {
        "entitlement": base.entitled is Value.YES,
        "casus": base.outcome["basis"] == "yes",
        "vote": vote_ok(()),
    }
    components: dict[str, tuple[list[Change], Callable[[tuple[Change, ...]], bool]]] = {
        "entitlement": (member_atoms, lambda cs: entitled_ok(cs) != state["entitlement"]),
        "casus": (prop_atoms, lambda cs: (basis(cs) is Value.YES) != state["casus"]),
        "vote": (position_atoms, lambda cs: vote_ok(cs) != state["vote"]),
    }
    per: dict[str, list[tuple[Change, ...]]] = {}
    candidates = 0
    for name, (atoms, goal) in components.items():
        if direction == "make" and state[name]:
            continue  # already holds: nothing to mend
        candidates += len(atoms)
        found, tried = _search(atoms, goal, max_size)
        evaluated += tried if name != "entitlement" else 0
        per[name] = found

    if direction == "break":
        proposals = [(combo, name) for name, sets in per.items() for combo in sets]
    else:
        failing = list(per)
        proposals = []
        for product in itertools.product(*(per[n] for n in failing)):
            merged = tuple(c for combo in product for c in combo)
            if failing and len(merged) <= max_size:
                proposals.append((merged, "+".join(failing)))

    solutions: list[Solution] = []
    for combo, name in proposals:
        after = full(combo)
        if succeeds(after) != succeeds(base):
            solutions.append(Solution(tuple(sorted(combo)), name, after, Difference(base, after)))

    if include_dates:
        for day in _candidate_dates(world, inv, base, on):
            after = full((), day)
            if succeeds(after) != succeeds(base):
                solutions.append(
                    Solution(
                        (Change("on", day.isoformat()),), "date", after, Difference(base, after)
                    )
                )
                candidates += 1
    solutions.sort(key=lambda s: (len(s.changes), s.component, [str(c) for c in s.changes]))
    considered = (*member_atoms, *prop_atoms, *position_atoms)
    return MinimalResult(
        base, direction, max_size, tuple(solutions), candidates, evaluated, considered
    )


def _candidate_dates(world: World, inv: Invocation, base: Evaluation, on: dt.date) -> list[dt.date]:
    """The days on which the rules or the requester's membership change: each boundary of the
    versions considered, of the organ's voting rules, and of the requester's membership."""
    days: set[dt.date] = set()
    for t in base.triggered:
        prov = world.instruments[t.instrument].provision(t.eid)
        assert prov is not None
        for v in prov.versions:
            days.add(v.valid_from)
            if v.valid_to:
                days.add(v.valid_to - dt.timedelta(days=1))
    org = world.organizations[inv.organization]
    if base.organ:
        organ = org.organ(base.organ["id"])
        for r in organ.voting if organ else []:
            days.add(r.valid_from)
    member = org.member(inv.requester.state)
    for e in member.events if member else []:
        days.add(e.date)
        days.add(e.date - dt.timedelta(days=1))
    return sorted(d for d in days if d != on)


def with_changes(
    world: World,
    inv: Invocation,
    changes: Sequence[Change],
    *,
    on: dt.date | None = None,
    reading: str | None = None,
) -> Difference:
    """Evaluate once as given and once with the changes; the difference between them."""
    day = on or inv.date
    before = evaluate(world, inv, on=day, reading=reading)
    w, i = apply(world, inv, changes, day)
    after = evaluate(w, i, on=day, reading=reading)
    return Difference(before, after)
