"""From claims to the value of a proposition, under an explicit reading.

A reading says whose claims count. Under it a proposition is `yes` or `no` when the claims that
count agree, `contested` when they disagree, and `undetermined` when none speaks to it. Refuted
claims never count. Nothing is ever silently false.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from casus.model.case import Actor, Claim, Reading
from casus.model.common import Value


@dataclass(frozen=True, slots=True)
class PropositionValue:
    proposition: str
    value: Value
    claims_yes: tuple[Claim, ...]
    claims_no: tuple[Claim, ...]
    statement: str
    cites: tuple[str, ...]


def _statement(name: str, value: Value, yes: tuple[Claim, ...], no: tuple[Claim, ...]) -> str:
    if value is Value.UNDETERMINED:
        return f"{name}: undetermined, missing: no claim about it counts under this reading"
    by_yes = ", ".join(sorted({c.by for c in yes}))
    by_no = ", ".join(sorted({c.by for c in no}))
    if value is Value.CONTESTED:
        return f"{name}: contested (yes per {by_yes}; no per {by_no})"
    return f"{name}: {value} (per {by_yes if value is Value.YES else by_no})"


def proposition_value(
    name: str, value: Value, yes: tuple[Claim, ...] = (), no: tuple[Claim, ...] = ()
) -> PropositionValue:
    """A proposition's value with the statement and claim citations its explanation shows."""
    cites = tuple(f"claim:{c.id}" for c in yes) + tuple(f"claim:{c.id}" for c in no)
    return PropositionValue(name, value, yes, no, _statement(name, value, yes, no), cites)


def counts_under(reading: Reading, actor: Actor | None) -> bool:
    """Whether a claim by `actor` counts under `reading` (None: a stipulated fact, always counts)."""
    if actor is None:
        return True
    if reading.actors is not None and actor.id in reading.actors:
        return True
    if reading.actor_kinds is not None and actor.kind in reading.actor_kinds:
        return True
    return reading.actors is None and reading.actor_kinds is None


def valuation(
    claims: Iterable[Claim], actors: Mapping[str, Actor], reading: Reading
) -> dict[str, PropositionValue]:
    """The value of every proposition some counted claim speaks to. Others are undetermined."""
    yes: dict[str, list[Claim]] = {}
    no: dict[str, list[Claim]] = {}
    for c in claims:
        if c.status == "refuted" or not counts_under(reading, actors.get(c.by)):
            continue
        (yes if c.value == "yes" else no).setdefault(c.proposition, []).append(c)
    out: dict[str, PropositionValue] = {}
    for p in yes.keys() | no.keys():
        y, n = tuple(yes.get(p, ())), tuple(no.get(p, ()))
        v = Value.CONTESTED if (y and n) else (Value.YES if y else Value.NO)
        out[p] = proposition_value(p, v, y, n)
    return out


def undetermined(proposition: str) -> PropositionValue:
    return proposition_value(proposition, Value.UNDETERMINED)
