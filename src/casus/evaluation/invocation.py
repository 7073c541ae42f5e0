"""What the engine evaluates: a request with its facts under every reading, whatever its origin
(a request of a built-in case, or a hypothetical request file)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property

from casus.law.claims import PropositionValue, valuation
from casus.model.attacker import AttackerClaim
from casus.model.canonical import model_text
from casus.model.case import Actor, Case, Claim, Decision, Reading, Request, Requester
from casus.model.places import InlinePlace
from casus.model.request import RequestFile

STIPULATED = "stipulated"


@dataclass(frozen=True, slots=True)
class ReadingValues:
    id: str
    label: str
    values: Mapping[str, PropositionValue]


@dataclass(frozen=True)
class Invocation:
    id: str
    organization: str
    date: dt.date
    requester: Requester
    affected_state: str
    place: str | InlinePlace | None  # a gazetteer id, or the place written in the request
    parties_to_dispute: tuple[str, ...]
    provisions_cited: tuple[str, ...]
    positions: Mapping[str, str]
    position_sources: Mapping[str, tuple[str, ...]]
    readings: tuple[ReadingValues, ...]
    default_reading: str
    recorded: Decision | None
    notes: tuple[str, ...] = field(default=())
    claims: Mapping[str, Claim] = field(default_factory=dict)
    actors: Mapping[str, Actor] = field(default_factory=dict)
    reading_defs: tuple[Reading, ...] = field(default=())
    attacker: tuple[AttackerClaim, ...] = field(default=())

    @cached_property
    def situation_key(self) -> tuple[str | None, str]:
        """The place and the attacker, hashable: what a compiled question depends on of them."""
        attackers = "|".join(model_text(a) for a in self.attacker)
        if self.place is None or isinstance(self.place, str):
            return self.place, "#" + attackers
        return None, model_text(self.place) + "#" + attackers

    def reading(self, reading_id: str) -> ReadingValues:
        for r in self.readings:
            if r.id == reading_id:
                return r
        known = ", ".join(r.id for r in self.readings)
        raise KeyError(f"no reading '{reading_id}' (known: {known})")


def _readings(
    claims: list[Claim], actors: Mapping[str, Actor], readings: list[Reading]
) -> tuple[ReadingValues, ...]:
    return tuple(ReadingValues(r.id, r.label, valuation(claims, actors, r)) for r in readings)


def from_case(case: Case, request: Request) -> Invocation:
    """The invocation for one request of a case, with every reading the case defines."""
    actors = {a.id: a for a in case.actors}
    positions: dict[str, str] = {}
    position_sources: dict[str, tuple[str, ...]] = {}
    if request.decision is not None:
        for p in request.decision.positions:
            positions[p.state] = p.position
            position_sources[p.state] = tuple(p.sources)
    return Invocation(
        id=request.id,
        organization=case.organization,
        date=request.date,
        requester=request.requester,
        affected_state=request.affected_state or request.requester.state,
        place=request.place,
        attacker=tuple(request.attacker),
        parties_to_dispute=tuple(request.parties_to_dispute),
        provisions_cited=tuple(request.provisions_cited),
        positions=positions,
        position_sources=position_sources,
        readings=_readings(case.claims, actors, case.readings),
        default_reading=case.default_reading,
        recorded=request.decision,
        claims={c.id: c for c in case.claims},
        actors=actors,
        reading_defs=tuple(case.readings),
    )


REQUESTER_READING = "requester"
ALL_READING = "all"


def from_request_file(rf: RequestFile) -> Invocation:
    """The invocation for a hypothetical request.

    Stipulated propositions count under every reading. Claims count under `requester` when made
    by an actor of the requesting state, and under `all` always.
    """
    actors = {a.id: a for a in rf.actors}
    claims = list(rf.grounds.claims)
    for name, value in rf.grounds.propositions.items():
        claims.append(
            Claim(
                id=f"stipulated-{name}",
                proposition=name,
                value=value,
                by=STIPULATED,
                status="asserted",
                sources=["request-file"],
            )
        )
    requester_actors = [a.id for a in rf.actors if a.state == rf.requester.state]
    readings = [
        Reading(
            id=REQUESTER_READING,
            label="the requester's reading",
            actors=requester_actors,
            description="Stipulated facts and the claims of the requesting state's actors.",
        ),
        Reading(id=ALL_READING, label="all claims", description="Every claim in the file."),
    ]
    notes: list[str] = []
    positions = dict(rf.positions)
    if rf.requester.state not in positions:
        positions[rf.requester.state] = "support"
        notes.append(
            f"{rf.requester.state} is taken to support its own request (no position given)"
        )
    return Invocation(
        id=rf.id,
        organization=rf.organization,
        date=rf.date,
        requester=rf.requester,
        affected_state=rf.affected_state or rf.requester.state,
        place=rf.place,
        attacker=tuple(rf.attacker),
        parties_to_dispute=tuple(rf.parties_to_dispute),
        provisions_cited=tuple(rf.provisions_cited),
        positions=positions,
        position_sources={},
        readings=_readings(claims, actors, readings),
        default_reading=REQUESTER_READING,
        recorded=None,
        notes=tuple(notes),
        claims={c.id: c for c in claims},
        actors=actors,
        reading_defs=tuple(readings),
    )
