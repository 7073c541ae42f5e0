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

from casus.evaluation.engine import EvaluationError
from casus.evaluation.invocation import Invocation
from casus.evaluation.question import Deciding, Question, question
from casus.law.claims import proposition_value
from casus.model.common import Value
from casus.model.world import World
from casus.vote.rules import VoteResult
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
    base_q = question(world, inv, on)
    reading_id = reading or inv.default_reading
    rv = inv.reading(reading_id)
    pos_vars = [v for v in variables if v.startswith("position.")]
    prop_vars = [v for v in variables if v.startswith("proposition.")]
    mem_vars = [v for v in variables if v.startswith("membership.")]
    for v in pos_vars:
        if v.partition(".")[2] not in base_q.voters:
            raise EvaluationError(
                f"{v}: {v.partition('.')[2]} does not vote in the organ on {on.isoformat()}"
            )

    # One compiled question per membership combination (few): membership changes who may ask,
    # who votes and who is bound, so each combination is its own question.
    questions: dict[tuple[str, ...], Question] = {}
    for combo in itertools.product(*(_domain(v) for v in mem_vars)):
        w, i = apply(world, inv, [Change(v, x) for v, x in zip(mem_vars, combo, strict=True)], on)
        questions[combo] = question(w, i, on)

    # The propositions' values, once per combination.
    prop_values: list[tuple[tuple[str, ...], dict[str, Any]]] = []
    for combo in itertools.product(*(("yes", "no") for _ in prop_vars)):
        vals: dict[str, Any] = dict(rv.values)
        for var, x in zip(prop_vars, combo, strict=True):
            name = var.partition(".")[2]
            vals[name] = proposition_value(name, Value(x))
        prop_values.append((combo, vals))

    # Positions counted rather than enumerated: members no rule of any deciding organ singles out.
    fixed = dict(inv.positions)
    singled: set[str] = set(inv.parties_to_dispute)
    rules_known = False
    for q in questions.values():
        for organ in q.organs.values():
            if isinstance(organ, Deciding) and organ.rule is not None:
                rules_known = True
                singled |= set(organ.rule.vetoes)
    counted: list[str] = []
    enumerated = list(pos_vars)
    if 4 ** len(pos_vars) > ENUMERATION_LIMIT and rules_known:
        counted = [v for v in pos_vars if v.partition(".")[2] not in singled]
        enumerated = [v for v in pos_vars if v not in counted]
    tables: dict[int, _VoteTable] = {}

    def votes(deciding: Deciding | None) -> _VoteTable:
        table = tables.get(id(deciding))
        if table is None:
            table = tables[id(deciding)] = _VoteTable.of(
                _vote_table(deciding, fixed, enumerated, counted)
            )
        return table

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
    for mcombo, q in questions.items():
        ent = q.entitled
        for pcombo, vals in prop_values:
            # The engine's own stages: the casus, the deciding provision, the consequence.
            arisen = q.arise(vals)
            b = q.basis(arisen)
            consequence = q.consequence(arisen)
            table = votes(q.deciding(q.primary(arisen)))
            head = (*mcombo, *pcombo)
            # The outcome depends on the vote only through its class: once per class.
            tails = {
                k: (
                    ent.value,
                    b.value,
                    r.outcome if r else None,
                    q.decide_outcome(b, r, consequence)[0].value,
                )
                for k, r in table.classes.items()
            }
            rows.extend([head + pre + tails[k] for pre, k in table.rows])
            total += table.total
    return Grid(tuple(variables), tuple(counted), columns, rows, total)


def _vote_class(result: VoteResult | None) -> tuple[Any, ...]:
    """What of a vote the outcome depends on (see `computed_outcome`)."""
    if result is None:
        return ()
    return (result.outcome, result.limited_format and bool(result.not_joined))


@dataclass(frozen=True)
class _VoteTable:
    """An organ's vote over the positions varied: each row's labels and weight with its class."""

    rows: list[tuple[tuple[Any, ...], tuple[Any, ...]]]
    classes: dict[tuple[Any, ...], VoteResult | None]
    total: int

    @classmethod
    def of(cls, table: list[tuple[tuple[Any, ...], int, VoteResult | None]]) -> _VoteTable:
        classes: dict[tuple[Any, ...], VoteResult | None] = {}
        rows = []
        for labels, weight, result in table:
            key = _vote_class(result)
            classes.setdefault(key, result)
            rows.append(((*labels, weight), key))
        return cls(rows, classes, sum(w for _, w, _ in table))


def _vote_table(
    deciding: Deciding | None,
    fixed: dict[str, str],
    enumerated: list[str],
    counted: list[str],
) -> list[tuple[tuple[Any, ...], int, VoteResult | None]]:
    """The organ's vote over every combination of the enumerated positions; counted positions
    are taken together by composition, and compositions with the same result form one row."""

    def vote(positions: dict[str, str]) -> VoteResult | None:
        return deciding.vote(positions) if deciding is not None else None

    out: list[tuple[tuple[Any, ...], int, VoteResult | None]] = []
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
    states = [v.partition(".")[2] for v in counted]
    for combo in itertools.product(*(POSITIONS for _ in enumerated)):
        positions = dict(fixed)
        for var, x in zip(enumerated, combo, strict=True):
            positions[var.partition(".")[2]] = x
        if not counted:
            out.append((tuple(combo), 1, vote(positions)))
            continue
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
            out.append(((*combo, *ranges), weight, result))
    return out
