"""What a request says of its circumstances, beside the rules: the place (from the gazetteer or
written in the request) and the attacker, resolved for the compiled question, and the nodes the
explanation shows of them whatever the rules read: who holds the place on the date, each holding
with whose claim it is, and who is said to have attacked, with a request by one member against
another said as such.

Pure: the question's stage 1 (`compile_question`) calls it; it never re-decides a stage.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Mapping

from casus.model.attacker import AttackerClaim, members_accused
from casus.model.case import Actor
from casus.model.common import Value
from casus.model.explain import Node
from casus.model.places import PlaceFacts, holders_summary, unknown_place
from casus.model.world import World


class UnknownPlace(LookupError):
    """A request names a place id the gazetteer does not hold."""


def resolve_place(world: World, place: str | PlaceFacts | None) -> PlaceFacts | None:
    """The place a request names: its gazetteer entry, or the place written inline."""
    if place is None or isinstance(place, PlaceFacts):
        return place
    found = world.places.get(place)
    if found is None:
        raise UnknownPlace(unknown_place(place, world.places))
    return found


def place_node(place: PlaceFacts, on: dt.date) -> Node | None:
    """Who holds the place on the date, as stated or claimed, cited: shown with every request
    whose place has dated or contested holders, whether or not a rule reads them."""
    if not place.holders:
        return None
    said = holders_summary(place, on)
    # Only what holds on the date and was said by then: a holding that ended, or a claim made
    # later, neither contests nor supports it.
    current = [h for h in place.holders if h.covers(on) and h.said_by(on)]
    sources = dict.fromkeys((*place.sources, *(s for h in current for s in h.sources)))
    value = Value.UNDETERMINED
    for kind in sorted({h.kind for h in current}):
        states = {h.state for h in current if h.kind == kind and h.holds}
        disputed = any(not h.holds for h in current if h.kind == kind)
        if len(states) > 1 or disputed:
            value = Value.CONTESTED
    if value is Value.UNDETERMINED and said:
        value = Value.YES
    words = "; ".join(said) if said else "nothing is stated for this date"
    return Node(
        f"who holds {place.name} on {on.isoformat()} ({place.origin()}): {words}",
        value,
        tuple(f"source:{s}" for s in sources),
    )


def attacker_node(
    claims: tuple[AttackerClaim, ...],
    requester: str,
    members: Collection[str],
    organization: str,
    on: dt.date,
    actors: Mapping[str, Actor],
) -> Node | None:
    """Who is said to have attacked or threatened, each claim attributed; a request against a
    member of the same organization is said to be one."""
    readable = [c for c in claims if c.said_by(on)]
    if not readable:
        return None

    def name(c: AttackerClaim) -> str:
        actor = actors.get(c.by)
        return actor.name if actor is not None else c.by

    named = {c.who() for c in readable if c.kind != "unknown"}
    value = Value.CONTESTED if len(named) > 1 else (Value.YES if named else Value.UNDETERMINED)
    said = "; ".join(f"{c.who()} ({c.attribution(name(c))})" for c in readable)
    words = "who attacked is contested" if value is Value.CONTESTED else "the attacker"
    children = []
    accused = members_accused(readable, requester, members, on)
    for state in dict.fromkeys(c.state for c in accused):
        mine = [c for c in accused if c.state == state]
        children.append(
            Node(
                f"{requester} asks for assistance against {state}, itself a member of "
                f"{organization} on {on.isoformat()}: a request by one member against another "
                f"({'; '.join(c.attribution(name(c)) for c in mine)})",
                Value.CONTESTED if value is Value.CONTESTED else Value.YES,
                tuple(dict.fromkeys(f"source:{s}" for c in mine for s in c.sources)),
            )
        )
    return Node(
        f"{words}: {said}",
        value,
        tuple(dict.fromkeys(f"source:{s}" for c in readable for s in c.sources)),
        tuple(children),
    )
