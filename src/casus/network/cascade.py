"""The cascade an attack sets off, round by round: the reference semantics.

If `attacker` attacks `target` on a date:

- Round 0: the target is on the target's side, the attacker on the attacker's side.
- Each round, every state that joined a side in the previous round may set off obligations
  towards it: on the target's side, `defence` obligations (the state is attacked, or, having
  joined, is taken to be at war with the attacker's side and so attacked: an INTERPRETATION,
  stated with every result); on the attacker's side, `offence` obligations (promises to join the
  ally's war). Their bearers join that side in this round.
- The cascade stops when a round adds nobody.

A state joins *firmly* if a chain of firm links (a `must` whose conditions all hold) leads to it
from the target (or attacker), and *possibly* otherwise (a `may`, or a condition that may or may
not hold: a place not given, an organ's decision not yet taken, an ATOP condition). The attacker
never joins the target's side, nor the target the attacker's: each is reported as conflicted if
bound to. A state that reaches both sides is conflicted too, and is followed on both (casus does
not decide which obligation prevails, so the cascade shows everyone who may be drawn in); so is
a state drawn to one side while bound by neutrality or non-aggression towards a state on the
other (for the attacker itself: a breach of its promise).

This module is the slow, literal version used for one pair of states and for the details of
the answer (which link drew whom in, cited). `matrix.py` computes the same sets for every pair at
once; the tests check the two agree.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Literal

from casus.network.links import RESTRAINTS, Kind, Link, Provider

Side = Literal["target", "attacker"]
SIDE_KIND: dict[Side, Kind] = {"target": "defence", "attacker": "offence"}

ASSUMPTIONS: tuple[str, ...] = (
    "INTERPRETATION: a state that joins the target's side is taken to be at war with the "
    "attacker's side, and so attacked: the defence obligations owed to it come into play.",
    "INTERPRETATION: a response in defence of the target is not read as an attack on the "
    "attacker's side; the attacker's allies are drawn in only by offence obligations.",
    "INTERPRETATION: a conflicted state is followed on both sides; casus does not decide which "
    "of its obligations prevails.",
    "For the states that join, the place of the attack on them is not known: obligations limited "
    "to an area are then possible, not firm.",
)


@dataclass(frozen=True, slots=True)
class Drawn:
    """A state drawn into one side."""

    state: str
    side: Side
    round: int
    firm: bool
    firm_round: int | None
    links: tuple[Link, ...]  # its links towards states that joined that side in earlier rounds

    def to_dict(self) -> dict[str, Any]:
        return {
            "state": self.state,
            "side": self.side,
            "round": self.round,
            "status": "must" if self.firm else "may",
            "firm_round": self.firm_round,
            "links": [link.to_dict() for link in self.links],
        }


ConflictKind = Literal["both_sides", "attacker_bound", "target_bound", "restraint", "breach"]


@dataclass(frozen=True, slots=True)
class Conflict:
    state: str
    kind: ConflictKind
    text: str
    for_target: tuple[Link, ...]
    for_attacker: tuple[Link, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "state": self.state,
            "kind": self.kind,
            "text": self.text,
            "for_target": [link.to_dict() for link in self.for_target],
            "for_attacker": [link.to_dict() for link in self.for_attacker],
        }


@dataclass(frozen=True, slots=True)
class Sets:
    """What the fast matrix computes for a pair: who is drawn in, firmly or possibly, and who is
    conflicted. Each side excludes its own first state (the target, the attacker)."""

    target_firm: frozenset[str]
    target_possible: frozenset[str]
    attacker_firm: frozenset[str]
    attacker_possible: frozenset[str]
    conflicted: frozenset[str]


@dataclass(frozen=True)
class Cascade:
    attacker: str
    target: str
    on: dt.date
    place: str | None
    rounds: tuple[tuple[Drawn, ...], ...]  # rounds[0] is empty: the two first states
    conflicts: tuple[Conflict, ...]
    duties: tuple[Link, ...]  # obligations towards the target or attacker that draw no one in
    released: tuple[Link, ...]  # obligations towards the target that do not hold, and why
    assumptions: tuple[str, ...]
    notes: tuple[str, ...] = ()

    def drawn(self, side: Side | None = None) -> list[Drawn]:
        return [d for r in self.rounds for d in r if side is None or d.side == side]

    def sets(self) -> Sets:
        t = self.drawn("target")
        a = self.drawn("attacker")
        return Sets(
            frozenset(d.state for d in t if d.firm),
            frozenset(d.state for d in t),
            frozenset(d.state for d in a if d.firm),
            frozenset(d.state for d in a),
            frozenset(c.state for c in self.conflicts),
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "attacker": self.attacker,
            "target": self.target,
            "on": self.on.isoformat(),
            "place": self.place,
            "rounds": [
                {"round": i, "joined": [d.to_dict() for d in r]}
                for i, r in enumerate(self.rounds)
                if i > 0
            ],
            "target_side": _side_summary(self.drawn("target")),
            "attacker_side": _side_summary(self.drawn("attacker")),
            "conflicts": [c.to_dict() for c in self.conflicts],
            "duties": [link.to_dict() for link in self.duties],
            "released": [link.to_dict() for link in self.released],
            "assumptions": list(self.assumptions),
            "notes": list(self.notes),
        }


def _side_summary(drawn: list[Drawn]) -> dict[str, list[str]]:
    return {
        "must": sorted(d.state for d in drawn if d.firm),
        "may": sorted(d.state for d in drawn if not d.firm),
    }


class _Links:
    """Links towards each state, asked of the provider once."""

    def __init__(self, provider: Provider, attacker: str, target: str) -> None:
        self.provider = provider
        self.initial = {attacker, target}
        self.cache: dict[str, tuple[Link, ...]] = {}

    def __call__(self, state: str) -> tuple[Link, ...]:
        got = self.cache.get(state)
        if got is None:
            got = tuple(self.provider.links(state, initial=state in self.initial))
            self.cache[state] = got
        return got


def _bfs(links: _Links, root: str, excluded: str, kind: Kind, firm_only: bool) -> dict[str, int]:
    """Round by round: the round in which each state joins the side rooted at `root`."""
    joined: dict[str, int] = {root: 0}
    frontier = [root]
    r = 0
    while frontier:
        r += 1
        new: list[str] = []
        for y in frontier:
            for link in links(y):
                if link.kind != kind or not link.holds or (firm_only and not link.firm):
                    continue
                x = link.bearer
                if x in (excluded, y) or x in joined:
                    continue
                joined[x] = r
                new.append(x)
        frontier = sorted(new)
    return joined


def cascade(
    provider: Provider,
    *,
    attacker: str,
    target: str,
    on: dt.date,
    place: str | None = None,
    notes: Iterable[str] = (),
) -> Cascade:
    """The round-by-round cascade for one pair of states."""
    if attacker == target:
        raise ValueError("the attacker and the target must be different states")
    links = _Links(provider, attacker, target)
    roots: dict[Side, tuple[str, str]] = {
        "target": (target, attacker),
        "attacker": (attacker, target),
    }
    possible: dict[Side, dict[str, int]] = {}
    firm: dict[Side, dict[str, int]] = {}
    for side, (root, excluded) in roots.items():
        possible[side] = _bfs(links, root, excluded, SIDE_KIND[side], firm_only=False)
        firm[side] = _bfs(links, root, excluded, SIDE_KIND[side], firm_only=True)

    # Every holding link towards a state of each side, by bearer and kind.
    index: dict[Side, dict[tuple[str, Kind], list[Link]]] = {}
    for side in roots:
        by: dict[tuple[str, Kind], list[Link]] = {}
        for s in sorted(possible[side]):
            for link in links(s):
                if link.holds:
                    by.setdefault((link.bearer, link.kind), []).append(link)
        index[side] = by

    drawn_by_round: dict[int, list[Drawn]] = {}
    for side, (root, _) in roots.items():
        joined = possible[side]
        kind = SIDE_KIND[side]
        for state, r in joined.items():
            if state == root:
                continue
            fr = firm[side].get(state)
            strong = firm[side]
            # The links towards states of earlier rounds, and, for a firm state, the firm links
            # of the chain that makes it firm (which may come in a later round).
            own = tuple(
                link
                for link in index[side].get((state, kind), ())
                if joined[link.towards] < r
                or (fr is not None and link.firm and strong.get(link.towards, fr) < fr)
            )
            drawn_by_round.setdefault(r, []).append(Drawn(state, side, r, fr is not None, fr, own))
    last = max(drawn_by_round, default=0)
    rounds: list[tuple[Drawn, ...]] = [()]
    for r in range(1, last + 1):
        rounds.append(
            tuple(sorted(drawn_by_round.get(r, []), key=lambda d: (d.side != "target", d.state)))
        )

    conflicts = _conflicts(index, attacker, target, possible)
    duties: list[Link] = []
    released: list[Link] = []
    for state in (target, attacker):
        for link in links(state):
            if link.kind in ("defence", "offence"):
                if state == target and link.kind == "defence" and not link.holds:
                    released.append(link)
                continue
            if link.kind in RESTRAINTS or not link.holds:
                continue
            duties.append(link)
    return Cascade(
        attacker=attacker,
        target=target,
        on=on,
        place=place,
        rounds=tuple(rounds),
        conflicts=tuple(conflicts),
        duties=tuple(duties),
        released=tuple(released),
        assumptions=ASSUMPTIONS,
        notes=tuple(notes),
    )


def _conflicts(
    index: dict[Side, dict[tuple[str, Kind], list[Link]]],
    attacker: str,
    target: str,
    possible: dict[Side, dict[str, int]],
) -> list[Conflict]:
    t_side = possible["target"]  # includes the target (round 0)
    a_side = possible["attacker"]  # includes the attacker (round 0)
    found: dict[tuple[str, ConflictKind], Conflict] = {}

    def towards(side: Side, kinds: tuple[Kind, ...], bearer: str) -> list[Link]:
        return [link for k in kinds for link in index[side].get((bearer, k), ())]

    for state in sorted(set(t_side) & set(a_side) - {attacker, target}):
        found[(state, "both_sides")] = Conflict(
            state,
            "both_sides",
            f"{state} is drawn to both sides",
            tuple(towards("target", ("defence",), state)),
            tuple(towards("attacker", ("offence",), state)),
        )
    bound = towards("target", ("defence",), attacker)
    if bound:
        found[(attacker, "attacker_bound")] = Conflict(
            attacker,
            "attacker_bound",
            f"the attacker, {attacker}, is itself bound to defend the target's side",
            tuple(bound),
            (),
        )
    bound = towards("attacker", ("offence",), target)
    if bound:
        found[(target, "target_bound")] = Conflict(
            target,
            "target_bound",
            f"the target, {target}, is itself bound to join the attacker's side",
            (),
            tuple(bound),
        )
    # Restraint: drawn to one side, bound not to act against a state of the other.
    for state in sorted(set(t_side) - {target}):
        owed = towards("attacker", RESTRAINTS, state)
        if owed:
            found[(state, "restraint")] = Conflict(
                state,
                "restraint",
                f"{state} is drawn to the target's side but bound to neutrality or "
                "non-aggression towards the attacker's side",
                tuple(towards("target", ("defence",), state)),
                tuple(owed),
            )
    for state in sorted(a_side):
        owed = towards("target", RESTRAINTS, state)
        if not owed:
            continue
        kind: ConflictKind = "breach" if state == attacker else "restraint"
        text = (
            f"the attacker, {state}, is bound to neutrality or non-aggression towards the "
            "target's side"
            if state == attacker
            else f"{state} is drawn to the attacker's side but bound to neutrality or "
            "non-aggression towards the target's side"
        )
        found[(state, kind)] = Conflict(
            state, kind, text, tuple(owed), tuple(towards("attacker", ("offence",), state))
        )
    return sorted(found.values(), key=lambda c: (c.state, c.kind))
