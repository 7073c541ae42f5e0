"""Obligations from the instruments casus encodes, through the evaluation engine.

For a state attacked on a date, `casus.cases.compare` builds the request that state could make
under each organization, with the event's facts stipulated, and evaluates it: which provisions
arise, with what value, and what each member must or may do. This module turns those answers
into links:

- `defence`: an obligation of a provision whose consequence is assistance (or measures), borne
  by the other parties: they must (or may) act for the state attacked;
- `consultation`: an obligation of a provision whose consequence is consultation;
- `other`: any other duty borne by states (reporting to the Security Council, applying measures
  an organ agreed), shown but drawing no one in.

The value of each link is the engine's: `yes` when the provision arises, `undetermined` when it
waits on something (the place of the attack, an organ's decision), `no` when it does not arise
(outside the treaty area, a suspended obligation...). Its conditions name what is missing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from casus.cases.compare import EVENTS, compare
from casus.evaluation.engine import EvaluationError, candidate_refs
from casus.law.membership import members_on
from casus.model.common import Value
from casus.model.world import World
from casus.network.links import Bearer, Kind, Link, Pool, PoolTable

NOT_MEMBER = ("not_yet_member", "withdrawn")


@dataclass(frozen=True, slots=True)
class _Provision:
    consequence: str
    decided_by: str | None
    organization: str | None


def _provisions(world: World) -> dict[str, _Provision]:
    out: dict[str, _Provision] = {}
    for inst in world.instruments.values():
        for prov in inst.provisions:
            for v in prov.versions:
                if v.casus is not None:
                    out[v.cite(inst.id, prov.eid)] = _Provision(
                        v.casus.consequence, v.casus.decided_by, inst.organization
                    )
    return out


def _why_not(explanation: dict[str, Any], cite: str, limit: int = 3) -> list[str]:
    """The deepest statements valued `no` that cite `cite`: why a provision does not arise."""
    found: list[str] = []

    def walk(node: dict[str, Any]) -> bool:
        deeper = False
        for child in node["children"]:
            deeper = walk(child) or deeper
        if not deeper and node["value"] == "no" and cite in node["cites"]:
            if node["statement"] not in found:
                found.append(node["statement"])
            return True
        return deeper

    # Why the casus does not arise, else why the request was not grounded; never the list of
    # obligations, which only repeats the value.
    for child in explanation["children"]:
        if child["statement"] == "whether each casus arose":
            walk(child)
    if not found:
        for child in explanation["children"]:
            if "entitled" in child["statement"]:
                walk(child)
    return found[:limit]


def _kind(consequence: str, bearer: str) -> Kind:
    if consequence in ("assistance", "measures") and bearer == "other_parties":
        return "defence"
    if consequence == "consultation":
        return "consultation"
    return "other"


@dataclass
class BuiltinProvider:
    """A `Provider` over the built-in (and --data) instruments for one event on one date.

    The place and the attacker apply to the first two states; a state that joins later is taken
    to be attacked at an unknown place.
    """

    world: World
    on: dt.date
    attacker: str | None = None
    place: str | None = None
    event: str = "armed-attack-by-state"
    organizations: list[str] | None = None
    _provisions: dict[str, _Provision] = field(init=False, repr=False)
    _cache: dict[tuple[str, bool], tuple[Link, ...]] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        if self.event not in EVENTS:
            raise EvaluationError(f"unknown event '{self.event}' (known: {', '.join(EVENTS)})")
        if self.place is not None and self.place not in self.world.places:
            raise EvaluationError(f"unknown place '{self.place}'")
        self._provisions = _provisions(self.world)
        self._cache = {}
        if self.organizations is None:
            self.organizations = sorted(
                o for o in self.world.organizations if candidate_refs(self.world, o)
            )
        for o in self.organizations:
            if o not in self.world.organizations:
                known = ", ".join(sorted(self.world.organizations))
                raise EvaluationError(f"unknown organization '{o}' (known: {known})")

    def _orgs_of(self, state: str) -> list[str]:
        assert self.organizations is not None
        return [
            o
            for o in self.organizations
            if any(m.state == state for m in members_on(self.world.organizations[o], self.on))
        ]

    def links(self, state: str, *, initial: bool) -> tuple[Link, ...]:
        if state == self.attacker:
            # The encoded instruments hold no offence obligations, and the attacker is not the
            # state attacked: nothing to ask the engine.
            return ()
        key = (state, initial)
        got = self._cache.get(key)
        if got is not None:
            return got
        orgs = self._orgs_of(state)
        out: list[Link] = []
        if orgs:
            result = compare(
                self.world,
                event=self.event,
                target=state,
                on=self.on,
                attacker=self.attacker if self.attacker != state else None,
                place=self.place if initial else None,
                organizations=orgs,
            )
            for row in result.rows:
                if row["target_status"] in NOT_MEMBER:
                    continue
                out.extend(self._row_links(state, row))
        got = tuple(out)
        self._cache[key] = got
        return got

    def _row_links(self, state: str, row: dict[str, Any]) -> list[Link]:
        missing = {t["provision"]: tuple(t["missing"]) for t in row["triggered"]}
        out: list[Link] = []
        for ob in row["obligations"]:
            cite = ob["provision"]
            info = self._provisions.get(cite)
            if info is None:  # pragma: no cover - every obligation comes from a known provision
                continue
            kind = _kind(info.consequence, ob["bearer"])
            conditions = list(missing.get(cite, ()))
            note = None
            if info.decided_by is not None:
                organ = row["organ"]["name"] if row["organ"] else info.decided_by
                if row["outcome"] == "undetermined" or ob["value"] == "undetermined":
                    conditions.append(f"a decision of the {organ}")
                if row.get("outcome_if_all_join"):
                    note = (
                        f"the {organ}'s outcome: {row['outcome'].replace('_', ' ')}; if every "
                        "member joined (the attacker, if a member, objecting): "
                        f"{row['outcome_if_all_join'].replace('_', ' ')}"
                    )
            reasons = _why_not(row["explanation"], cite) if ob["value"] == "no" else []
            for s in ob["states"]:
                if s["state"] == state:
                    continue
                why = s["why"]
                if s["value"] == "no" and reasons and why in ("a party", "bound if it joins"):
                    why = "; ".join(reasons)
                out.append(
                    Link(
                        bearer=s["state"],
                        towards=state,
                        kind=kind,
                        modality=ob["modality"],
                        value=Value(s["value"]),
                        cite=cite,
                        source="casus",
                        duty=ob["duty"],
                        conditions=tuple(conditions),
                        note=f"{why}; {note}" if note else why,
                    )
                )
        return out


def builtin_table(
    world: World,
    on: dt.date,
    *,
    event: str = "armed-attack-by-state",
    states: list[str] | None = None,
    organizations: list[str] | None = None,
) -> PoolTable:
    """The encoded instruments' obligations towards every member state, as pools, with no
    attacker and no place given (what a matrix over every pair of states can use); only those
    of `organizations` when given."""
    provider = BuiltinProvider(world, on, event=event, organizations=organizations)
    if states is None:
        members: set[str] = set()
        assert provider.organizations is not None
        for o in provider.organizations:
            members.update(m.state for m in members_on(world.organizations[o], on))
        states = sorted(members)
    pools: list[Pool] = []
    for state in states:
        grouped: dict[tuple[str, Kind, str], list[Link]] = {}
        for link in provider.links(state, initial=False):
            grouped.setdefault((link.cite, link.kind, link.duty), []).append(link)
        for (cite, kind, duty), links in grouped.items():
            pools.append(
                Pool(
                    cite,
                    kind,
                    "casus",
                    duty,
                    (state,),
                    tuple(
                        Bearer(x.bearer, x.modality, x.value, x.conditions, None, x.note)
                        for x in links
                    ),
                )
            )
    return PoolTable(on, tuple(pools))
