"""Whether a provision's casus arises: its base condition and labelled exceptions, over the
values of propositions under a reading, with an explanation citing the provision and the claims.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from casus.law.claims import PropositionValue
from casus.model.explain import Node
from casus.model.logic import v_and, v_not, v_or, with_exception
from casus.model.common import Value
from casus.model.places import Place
from casus.model.rules import (
    AllOf,
    AnyOf,
    Before,
    Casus,
    Expr,
    NotOf,
    OnOrAfter,
    PlaceIn,
    TerritoryOf,
)

_WORD = {
    Value.YES: "holds",
    Value.NO: "does not hold",
    Value.CONTESTED: "is contested",
    Value.UNDETERMINED: "is undetermined",
}


@dataclass(frozen=True, slots=True)
class Situation:
    """What a rule may read besides propositions: the date, the place, the parties."""

    on: dt.date
    place: Place | None
    affected_state: str
    parties: frozenset[str]


@dataclass(frozen=True, slots=True)
class CasusResult:
    value: Value
    base: Value
    exceptions: tuple[tuple[str, Value], ...]
    missing: tuple[str, ...]
    contested: tuple[str, ...]
    node: Node


def evaluate_expr(
    expr: Expr,
    values: Mapping[str, PropositionValue],
    situation: Situation,
    cite: str,
    missing: list[str],
    contested: list[str],
) -> tuple[Value, Node]:
    """The value of an expression and its explanation node."""
    if isinstance(expr, str):
        pv = values.get(expr)
        v = pv.value if pv is not None else Value.UNDETERMINED
        if v is Value.UNDETERMINED:
            if expr not in missing:
                missing.append(expr)
        elif v is Value.CONTESTED and expr not in contested:
            contested.append(expr)
        if pv is None:
            return v, Node(
                f"{expr}: undetermined, missing: no claim about it counts under this reading",
                v,
                (cite,),
            )
        return v, Node(pv.statement, v, (cite, *pv.cites))
    if isinstance(expr, (AllOf, AnyOf)):
        conjunction = isinstance(expr, AllOf)
        items = expr.all if isinstance(expr, AllOf) else expr.any
        sub_missing: list[str] = []
        sub_contested: list[str] = []
        parts = [
            evaluate_expr(e, values, situation, cite, sub_missing, sub_contested) for e in items
        ]
        v = (v_and if conjunction else v_or)(p[0] for p in parts)
        # An open condition matters only when the others leave the answer open: a failed
        # conjunct settles `all`, a satisfied disjunct settles `any`.
        settled = Value.NO if conjunction else Value.YES
        if v is not settled:
            missing.extend(m for m in sub_missing if m not in missing)
            contested.extend(c for c in sub_contested if c not in contested)
        word = "all" if conjunction else "any"
        return v, Node(
            f"{word} of {len(parts)} conditions: {v}", v, (cite,), tuple(p[1] for p in parts)
        )
    if isinstance(expr, NotOf):
        inner_v, inner = evaluate_expr(expr.not_, values, situation, cite, missing, contested)
        v = v_not(inner_v)
        return v, Node(f"not: {v}", v, (cite,), (inner,))
    on = situation.on
    if isinstance(expr, OnOrAfter):
        v = Value.YES if on >= expr.on_or_after else Value.NO
        return v, Node(f"on or after {expr.on_or_after.isoformat()}: {v}", v, (cite,))
    if isinstance(expr, Before):
        v = Value.YES if on < expr.before else Value.NO
        return v, Node(f"before {expr.before.isoformat()}: {v}", v, (cite,))
    place = situation.place
    if isinstance(expr, (PlaceIn, TerritoryOf)) and place is None:
        if "place" not in missing:
            missing.append("place")
        return Value.UNDETERMINED, Node(
            "undetermined, missing: the place of the event", Value.UNDETERMINED, (cite,)
        )
    assert place is not None
    place_cites = (cite, *(f"source:{s}" for s in place.sources))
    if isinstance(expr, PlaceIn):
        hit = [a for a in expr.place_in if a in place.areas]
        v = Value.YES if hit else Value.NO
        where = f"in {', '.join(hit)}" if hit else f"in none of {', '.join(expr.place_in)}"
        return v, Node(f"{place.name} lies {where}: {v}", v, place_cites)
    if isinstance(expr, TerritoryOf):
        if expr.territory_of == "affected_party":
            v = Value.YES if place.state == situation.affected_state else Value.NO
            whose = f"territory of {situation.affected_state}"
        else:
            v = Value.YES if place.state in situation.parties else Value.NO
            whose = "territory of a party"
        return v, Node(
            f"{place.name} ({place.state or 'no state'}) is {whose}: {v}", v, place_cites
        )
    raise TypeError(f"not an expression: {expr!r}")  # pragma: no cover - the model admits no other


def evaluate_casus(
    casus: Casus,
    values: Mapping[str, PropositionValue],
    situation: Situation,
    cite: str,
    reading_label: str,
) -> CasusResult:
    """Evaluate the base condition, then each labelled exception; an exception that holds wins."""
    missing: list[str] = []
    contested: list[str] = []
    base, base_node = evaluate_expr(casus.when, values, situation, cite, missing, contested)
    base_node = Node(f"base case ({casus.event}) {_WORD[base]}", base, (cite,), (base_node,))
    result = base
    exc_values: list[tuple[str, Value]] = []
    children = [base_node]
    for ex in casus.exceptions:
        ev, enode = evaluate_expr(ex.when, values, situation, cite, missing, contested)
        exc_values.append((ex.id, ev))
        result = with_exception(result, ev)
        label = "interpretation, attributed" if ex.basis == "interpretation" else "in the text"
        children.append(
            Node(
                f"exception '{ex.id}' ({label}: {ex.label}) {_WORD[ev]}",
                ev,
                (cite, *(f"source:{s}" for s in ex.sources)),
                (enode,),
            )
        )
    node = Node(
        f"the casus of {cite} {_WORD[result]} under {reading_label}",
        result,
        (cite,),
        tuple(children),
    )
    return CasusResult(result, base, tuple(exc_values), tuple(missing), tuple(contested), node)
