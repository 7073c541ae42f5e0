"""Cases: historical or hypothetical invocations, with every fact attributed to somebody.

A case never states a disputed fact as true. It records claims (who said what, where), and the
engine derives the value of a proposition from the claims that count under a reading.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import Field

from casus.model.attacker import Attackers
from casus.model.common import Frozen, Id, Proposition
from casus.model.places import RequestPlace
from casus.model.rules import Assumption, Office
from casus.model.states import State

ActorKind = Literal[
    "government",
    "organization_organ",
    "official",
    "ngo",
    "media",
    "scholar",
    "opinion",
]

ClaimStatus = Literal["asserted", "disputed", "corroborated", "refuted", "unverified"]
PositionValue = Literal["support", "object", "abstain", "absent"]
RecordedOutcome = Literal["approved", "refused", "partial", "consulted", "invoked", "no_decision"]


class Actor(Frozen):
    id: Id
    name: str
    kind: ActorKind
    state: State | None = Field(default=None, description="The state it speaks for, if any.")


class Reading(Frozen):
    """A way of reading the facts: which actors' claims count."""

    id: Id
    label: str
    actors: list[Id] | None = Field(default=None, description="Actors whose claims count.")
    actor_kinds: list[ActorKind] | None = Field(
        default=None, description="Kinds of actor whose claims count."
    )
    description: str


class Claim(Frozen):
    """A statement about a proposition, made by an actor, with sources and a status."""

    id: Id
    proposition: Proposition
    value: Literal["yes", "no"]
    by: Id = Field(description="The actor who makes the claim.")
    date: dt.date | None = None
    quote: str | None = Field(default=None, description="A short quote, attributed to `by`.")
    status: ClaimStatus
    sources: list[Id] = Field(min_length=1)
    note: str | None = None


class TimelineEvent(Frozen):
    date: dt.date
    end: dt.date | None = None
    event: str
    sources: list[Id] = Field(min_length=1)


class Requester(Frozen):
    state: State
    office: Office
    person: str


class Position(Frozen):
    state: State
    position: PositionValue
    basis: str = Field(
        description="What shows the position (a statement, a vote, a contingent sent)."
    )
    inferred: bool = Field(
        default=False, description="True when no recorded vote shows it directly."
    )
    sources: list[Id] = Field(min_length=1)


class Announcement(Frozen):
    person: str
    office: str
    state: State | None = None
    quote: str | None = None


class Decision(Frozen):
    organ: Id
    date: dt.date
    outcome: RecordedOutcome
    summary: str
    announced_by: Announcement | None = None
    positions: list[Position] = Field(default_factory=list)
    reasons: list[Id] = Field(
        default_factory=list,
        description="Claims (by id) about why the organ decided as it did, each side's.",
    )
    measures: str | None = Field(
        default=None, description="What the organ decided to do, if anything."
    )
    sources: list[Id] = Field(min_length=1)


class Request(Frozen):
    id: Id
    date: dt.date
    requester: Requester
    affected_state: State | None = Field(
        default=None, description="The state the casus concerns, if not the requester itself."
    )
    place: RequestPlace = None
    attacker: Attackers = Field(default_factory=list)
    parties_to_dispute: list[State] = Field(
        default_factory=list,
        description="Members directly interested in a dispute between members (excluded from some votes).",
    )
    addressed_to: str
    provisions_cited: list[str] = Field(
        default_factory=list, description="Provisions cited, as instrument/eid (no version date)."
    )
    quote: str | None = None
    grounds: list[Id] = Field(
        default_factory=list, description="Ids of the claims put forward as grounds."
    )
    sources: list[Id] = Field(min_length=1)
    decision: Decision | None = None


Measure = Literal[
    "deployed_personnel",
    "planned_personnel",
    "standing_roster",
    "vehicles",
    "equipment",
    "flights",
    "unit",
]
Qualifier = Literal["exact", "about", "more_than", "up_to", "reportedly", "approximate"]


class ForceFigure(Frozen):
    """One reported figure about the force, as its source gave it."""

    id: Id
    measure: Measure
    value: int | None = Field(default=None, description="The number, if the figure is a number.")
    text: str | None = Field(default=None, description="The figure in words, e.g. 'a company'.")
    qualifier: Qualifier = "exact"
    contingent: State | None = Field(default=None, description="Absent: the whole force.")
    by: Id
    date: dt.date | None = None
    quote: str | None = None
    sources: list[Id] = Field(min_length=1)
    note: str | None = None


class Contingent(Frozen):
    state: State
    units: list[str] = Field(default_factory=list, description="Units named, as reported.")
    sources: list[Id] = Field(min_length=1)


class Facility(Frozen):
    """A facility guarded, by name and category as reported. Never coordinates."""

    id: Id
    name: str
    category: Literal[
        "airport",
        "military_airfield",
        "power_plant",
        "food_production",
        "water_supply",
        "diplomatic_mission",
        "headquarters",
        "telecommunications",
        "other",
    ]
    contingents: list[State] = Field(min_length=1)
    tasks: str
    taken_over_from_host: bool = Field(
        default=True,
        description="Whether host forces guarded it before and were freed by the handover.",
    )
    sources: list[Id] = Field(min_length=1)


class TaskStatement(Frozen):
    text: str
    by: Id
    date: dt.date | None = None
    sources: list[Id] = Field(min_length=1)


class ReportedCount(Frozen):
    """A count someone reported (facilities guarded, host personnel released)."""

    id: Id
    what: Literal["facilities_guarded", "host_personnel_released", "facility_categories"]
    value: int | None = None
    text: str | None = None
    qualifier: Qualifier = "exact"
    by: Id
    date: dt.date | None = None
    quote: str | None = None
    sources: list[Id] = Field(min_length=1)


class GuardPlanning(Frozen):
    """Explicit, editable planning assumptions for posts and reliefs.

    No public doctrine gives guards per facility type; these numbers are assumptions, and the
    engine shows them beside every figure computed from them.
    """

    posts_per_category: dict[str, int] = Field(
        description="24-hour posts a facility of each category needs (assumption)."
    )
    reliefs_per_post: int = Field(ge=1, description="People to keep one 24-hour post filled.")
    supervision_and_reserve: float = Field(
        ge=0, le=2, description="Extra fraction for supervisors and a reserve, e.g. 0.1."
    )
    unnamed_facilities: int = Field(
        ge=0, default=0, description="Facilities reported in a count but not named anywhere."
    )
    unnamed_category: str = "other"
    assumptions: list[Assumption] = Field(min_length=1)


class Mandate(Frozen):
    tasks: list[TaskStatement] = Field(default_factory=list)
    facilities: list[Facility] = Field(default_factory=list)
    counts: list[ReportedCount] = Field(default_factory=list)
    guard_planning: GuardPlanning | None = None


class Force(Frozen):
    name: str
    commander: str | None = None
    headquarters: str | None = None
    contingents: list[Contingent] = Field(default_factory=list)
    figures: list[ForceFigure] = Field(default_factory=list)
    sources: list[Id] = Field(min_length=1)


class Phase(Frozen):
    id: Id
    name: str
    start: dt.date
    end: dt.date | None = None
    summary: str
    sources: list[Id] = Field(min_length=1)


class Case(Frozen):
    """A historical or hypothetical invocation (`kind: case`)."""

    kind: Literal["case"]
    id: Id
    title: str
    organization: Id
    summary: str
    hypothetical: bool = False
    actors: list[Actor] = Field(min_length=1)
    readings: list[Reading] = Field(min_length=1)
    default_reading: Id
    claims: list[Claim] = Field(default_factory=list)
    timeline: list[TimelineEvent] = Field(default_factory=list)
    requests: list[Request] = Field(min_length=1)
    force: Force | None = None
    mandate: Mandate | None = None
    phases: list[Phase] = Field(default_factory=list)
    assumptions: list[Assumption] = Field(default_factory=list)
    propositions: dict[Proposition, str] = Field(
        default_factory=dict,
        description="The propositions this case's claims speak to that no rule reads, each with "
        "a one-line meaning; those the rules read are declared by the instruments.",
    )
