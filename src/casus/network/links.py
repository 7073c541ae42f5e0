"""Obligations between states on a date: who owes what to whom, under which citation.

A `Link` is one state's obligation towards one other state: to defend it (`defence`), to join it
in a war it starts (`offence`), to stay neutral in its wars (`neutrality`), not to attack it
(`nonaggression`), to consult it (`consultation`), or another duty an instrument states
(`other`). Each link cites where it comes from: `instrument/eid@version-date` for an instrument
casus encodes, `atop:ATOPID` with the member row for an ATOP alliance.

A `Pool` groups the links of one clause: every member of an ATOP alliance promising the same
thing to every other member, or one provision of an encoded instrument towards the state it
concerns. Pools keep multilateral alliances compact: the fast matrix (`matrix.py`) walks pools,
not the members x members links they stand for.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

from casus.model.common import Value

Kind = Literal["defence", "offence", "neutrality", "nonaggression", "consultation", "other"]
KINDS: tuple[Kind, ...] = (
    "defence",
    "offence",
    "neutrality",
    "nonaggression",
    "consultation",
    "other",
)
RESTRAINTS: tuple[Kind, ...] = ("neutrality", "nonaggression")
Source = Literal["casus", "atop"]


@dataclass(frozen=True, slots=True)
class Link:
    """`bearer` must (or may) do `duty` for (or towards) `towards`, under `cite`."""

    bearer: str
    towards: str
    kind: Kind
    modality: str  # must | may
    value: Value  # yes: holds; contested / undetermined: may hold; no: does not hold
    cite: str
    source: Source
    duty: str
    conditions: tuple[str, ...] = ()
    row: str | None = None  # for ATOP: the member row, file:line
    note: str | None = None

    @property
    def holds(self) -> bool:
        """The obligation may arise (its value is not `no`)."""
        return self.value is not Value.NO

    @property
    def firm(self) -> bool:
        """A duty (`must`) whose every condition is met."""
        return self.modality == "must" and self.value is Value.YES

    def to_dict(self) -> dict[str, Any]:
        return {
            "bearer": self.bearer,
            "towards": self.towards,
            "kind": self.kind,
            "modality": self.modality,
            "value": self.value.value,
            "firm": self.firm,
            "cite": self.cite,
            "source": self.source,
            "duty": self.duty,
            "conditions": list(self.conditions),
            "row": self.row,
            "note": self.note,
        }


@dataclass(frozen=True, slots=True)
class Bearer:
    """One bearer of a pool's obligation, with its own modality, value and conditions."""

    state: str
    modality: str
    value: Value
    conditions: tuple[str, ...] = ()
    row: str | None = None
    note: str | None = None

    @property
    def holds(self) -> bool:
        return self.value is not Value.NO

    @property
    def firm(self) -> bool:
        return self.modality == "must" and self.value is Value.YES


@dataclass(frozen=True)
class Pool:
    """One clause: each bearer owes `kind` to each beneficiary other than itself."""

    cite: str
    kind: Kind
    source: Source
    duty: str
    beneficiaries: tuple[str, ...]
    bearers: tuple[Bearer, ...]

    def links_towards(self, state: str) -> list[Link]:
        return [
            Link(
                b.state,
                state,
                self.kind,
                b.modality,
                b.value,
                self.cite,
                self.source,
                self.duty,
                b.conditions,
                b.row,
                b.note,
            )
            for b in self.bearers
            if b.state != state
        ]


class Provider(Protocol):
    """Where a cascade finds the obligations towards a state.

    `initial` is true for the attacked state and the attacker themselves (whose circumstances,
    such as the place of the attack, are known) and false for the states that join later.
    """

    def links(self, state: str, *, initial: bool) -> Sequence[Link]: ...


@dataclass(frozen=True)
class PoolTable:
    """Every pool in force on one date, indexed by beneficiary. A `Provider` whose answers do
    not depend on the pair of states at war (the fast matrix needs exactly that)."""

    on: dt.date
    pools: tuple[Pool, ...]
    _index: dict[str, tuple[Pool, ...]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        index: dict[str, list[Pool]] = {}
        for p in self.pools:
            for s in p.beneficiaries:
                index.setdefault(s, []).append(p)
        object.__setattr__(self, "_index", {k: tuple(v) for k, v in index.items()})

    def links(self, state: str, *, initial: bool = False) -> list[Link]:
        out: list[Link] = []
        for p in self._index.get(state, ()):
            out.extend(p.links_towards(state))
        return out

    def states(self) -> list[str]:
        """Every state named in a pool, as beneficiary or bearer, sorted."""
        seen: set[str] = set()
        for p in self.pools:
            seen.update(p.beneficiaries)
            seen.update(b.state for b in p.bearers)
        return sorted(seen)

    def merged(self, other: PoolTable) -> PoolTable:
        return PoolTable(self.on, self.pools + other.pools)


@dataclass(frozen=True)
class Combined:
    """Several providers read together (the encoded instruments and an ATOP file)."""

    providers: tuple[Provider, ...]

    def links(self, state: str, *, initial: bool) -> list[Link]:
        out: list[Link] = []
        for p in self.providers:
            out.extend(p.links(state, initial=initial))
        return out


def group_by_cite(links: Iterable[Link]) -> dict[str, list[Link]]:
    out: dict[str, list[Link]] = {}
    for link in links:
        out.setdefault(link.cite, []).append(link)
    return out
