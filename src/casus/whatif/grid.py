"""The outcome over every combination of chosen inputs, as a table.

The outcome is computed from three parts that rest on disjoint inputs — entitlement (membership),
the casus (propositions) and the organ's vote (positions) — so each part is evaluated once per
combination of its own inputs and the table is their product, not a re-evaluation per row.

When many members' positions vary, the vote is not enumerated member by member: voting rules
count positions, so the members without a veto are taken together and only the number of each
position matters (a composition stands for multinomially many combinations). Compositions with
the same result of the vote are then merged into one row, which gives the range of each count
and the number of combinations it stands for: the 4^32 positions of a 32-member consensus organ
become a handful of rows.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from math import factorial
from typing import Any

from casus.evaluation.engine import EvaluationError, computed_outcome, evaluate
from casus.evaluation.invocation import Invocation
from casus.law.casus import Situation, evaluate_casus
from casus.law.claims import proposition_value
from casus.law.dates import NoVersionInForce, in_force
from casus.law.membership import members_on
from casus.model.common import Value
from casus.model.logic import v_and, v_or
from casus.model.world import World
from casus.vote.rules import VoteResult, decide
from casus.whatif.scenario import MEMBERSHIP, POSITIONS, Change, apply

# Above this many position combinations, positions are counted, not enumerated.
ENUMERATION_LIMIT = 4**8


@dataclass(frozen=True)
class Grid:
    """A table: `columns` names the fields of each row in `rows`."""

    variables: tuple[str, ...]
    counted: tuple[str, ...]  # position variables taken together by count
    columns: tuple[str, ...]
    rows: list[tuple[Any, ...]]
    combinations: int

    def records(self) -> list[dict[str, Any]]:
        return [dict(zip(self.columns, row, strict=True)) for row in self.rows]

    def to_dict(self) -> dict[str, Any]:
        return {
            "variables": list(self.variables),
            "counted_positions": list(self.counted),
            "combinations": self.combinations,
            "columns": list(self.columns),
            "rows": self.records(),
        }

    def to_csv(self) -> str:
        import csv
        import io

        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\n")
        writer.writerow(self.columns)
        writer.writerows(self.rows)
        return buf.getvalue()


def _domain(variable: str) -> tuple[str, ...]:
    head = variable.partition(".")[0]
    if head == "position":
        return POSITIONS
    if head == "proposition":
        return ("yes", "no")
    if head == "membership":
        return MEMBERSHIP
    raise EvaluationError(
        f"expected grid variables position.STATE, proposition.NAME or membership.STATE, found '{variable}'"
    )


def _multinomial(n: int, parts: Sequence[int]) -> int:
    out = factorial(n)
    for p in parts:
        out //= factorial(p)
    return out


def grid(
    world: World,
    inv: Invocation,
    variables: Sequence[str],
    *,
    on: dt.date | None = None,
    reading: str | None = None,
) -> Grid:
    on = on or inv.date
    for v in variables:
        _domain(v)
    if len(set(variables)) != len(variables):
        raise EvaluationError("each grid variable may be named once")
    base = evaluate(world, inv, on=on, reading=reading)
    reading_id = base.reading
    org = world.organizations[inv.organization]
    voters = [m.state for m in members_on(org, on) if m.status != "suspended"]
    pos_vars = [v for v in variables if v.startswith("position.")]
    prop_vars = [v for v in variables if v.startswith("proposition.")]
    mem_vars = [v for v in variables if v.startswith("membership.")]
    for v in pos_vars:
        if v.partition(".")[2] not in voters:
            raise EvaluationError(
                f"{v}: {v.partition('.')[2]} does not vote in the organ on {on.isoformat()}"
            )

    # Entitlement: one full evaluation per membership combination (few).
    entitled: dict[tuple[str, ...], Value] = {}
    for combo in itertools.product(*(_domain(v) for v in mem_vars)):
        w, i = apply(world, inv, [Change(v, x) for v, x in zip(mem_vars, combo, strict=True)], on)
        entitled[combo] = evaluate(w, i, on=on, reading=reading_id).entitled

    # The casus: the rules of the provisions considered, once per proposition combination.
    place = world.places.get(inv.place) if inv.place else None
    situation = Situation(on, place, inv.affected_state, frozenset(voters))
    rv = inv.reading(reading_id)
    casus_rules = []
    for t in base.triggered:
        prov = world.instruments[t.instrument].provision(t.eid)
        assert prov is not None
        version = in_force(prov.versions, on)
        assert not isinstance(version, NoVersionInForce) and version.casus is not None
        casus_rules.append((version.casus, t.provision, t.entitled, t.consequence))
    basis: dict[tuple[str, ...], tuple[Value, str | None]] = {}
    for combo in itertools.product(*(("yes", "no") for _ in prop_vars)):
        vals = dict(rv.values)
        for var, x in zip(prop_vars, combo, strict=True):
            name = var.partition(".")[2]
            vals[name] = proposition_value(name, Value(x))
        results = [
            (v_and((ent, evaluate_casus(c, vals, situation, cite, rv.label).value)), cons)
            for c, cite, ent, cons in casus_rules
        ]
        held = [cons for val, cons in results if val is Value.YES] or [cons for _, cons in results]
        basis[combo] = (
            v_or(val for val, _ in results) if results else Value.NO,
            held[0] if held else None,
        )

    # The vote: enumerated, or counted when many positions vary.
    organ = org.organ(base.organ["id"]) if base.organ else None
    rule = in_force(organ.voting, on) if organ else None

    def vote(positions: dict[str, str]) -> VoteResult | None:
        if organ is None or rule is None or isinstance(rule, NoVersionInForce):
            return None
        excluded = (
            inv.parties_to_dispute
            if rule.majority and rule.majority.exclude_parties_to_dispute
            else ()
        )
        return decide(
            rule.rule,
            voters,
            positions,
            limited_format=rule.limited_format,
            majority=rule.majority,
            vetoes=rule.vetoes,
            excluded=excluded,
        )

    fixed = dict(inv.positions)
    counted: list[str] = []
    enumerated = list(pos_vars)
    if (
        4 ** len(pos_vars) > ENUMERATION_LIMIT
        and rule is not None
        and not isinstance(rule, NoVersionInForce)
    ):
        vetoes = set(rule.vetoes) | set(inv.parties_to_dispute)
        counted = [v for v in pos_vars if v.partition(".")[2] not in vetoes]
        enumerated = [v for v in pos_vars if v not in counted]
    votes: list[tuple[tuple[Any, ...], int, VoteResult | None]] = []
    n = len(counted)
    compositions = (
        [
            (s, o, a, n - s - o - a)
            for s in range(n + 1)
            for o in range(n + 1 - s)
            for a in range(n + 1 - s - o)
        ]
        if counted
        else [(0, 0, 0, 0)]
    )
    for combo in itertools.product(*(POSITIONS for _ in enumerated)):
        positions = dict(fixed)
        for var, x in zip(enumerated, combo, strict=True):
            positions[var.partition(".")[2]] = x
        if not counted:
            votes.append((tuple(combo), 1, vote(positions)))
            continue
        # Counted positions: compositions with the same vote result form one row, which gives
        # the range of each count over the compositions it stands for, and their number.
        states = [v.partition(".")[2] for v in counted]
        classes: dict[
            tuple[str, tuple[str, ...]], tuple[list[int], list[int], int, VoteResult | None]
        ] = {}
        for comp in compositions:
            cursor = 0
            for pos, k in zip(POSITIONS, comp, strict=True):
                for st in states[cursor : cursor + k]:
                    positions[st] = pos
                cursor += k
            result = vote(positions)
            vkey = (result.outcome if result else "none", result.binds if result else ())
            weight = _multinomial(n, comp)
            if vkey not in classes:
                classes[vkey] = (list(comp), list(comp), weight, result)
            else:
                low, high, seen, first = classes[vkey]
                classes[vkey] = (
                    [min(a, b) for a, b in zip(low, comp, strict=True)],
                    [max(a, b) for a, b in zip(high, comp, strict=True)],
                    seen + weight,
                    first,
                )
        for low, high, weight, result in classes.values():
            ranges = tuple(f"{a}" if a == b else f"{a}-{b}" for a, b in zip(low, high, strict=True))
            votes.append(((*combo, *ranges), weight, result))

    columns = (
        *mem_vars,
        *prop_vars,
        *enumerated,
        *(("support", "object", "abstain", "absent") if counted else ()),
        "combinations",
        "entitled",
        "casus",
        "vote",
        "outcome",
    )
    rows: list[tuple[Any, ...]] = []
    total = 0
    # Outcomes depend only on (entitled, casus, consequence, vote): compute each once.
    memo: dict[tuple[Value, Value, str | None, int], str] = {}
    vote_parts = [(vl, w, r, r.outcome if r else None, i) for i, (vl, w, r) in enumerate(votes)]
    for mcombo, ent in entitled.items():
        for pcombo, (b, consequence) in basis.items():
            head = (*mcombo, *pcombo)
            ev, bv = ent.value, b.value
            for vlabel, weight, result, vout, idx in vote_parts:
                key = (ent, b, consequence, idx)
                outcome = memo.get(key)
                if outcome is None:
                    outcome = memo[key] = computed_outcome(ent, b, result, consequence)[0]
                rows.append((*head, *vlabel, weight, ev, bv, vout, outcome))
                total += weight
    return Grid(tuple(variables), tuple(counted), columns, rows, total)
