"""Hypothetical requests (`kind: request`): a request evaluated against the built-in instruments."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import Field

from casus.model.attacker import Attackers
from casus.model.case import Actor, Claim, PositionValue, Requester
from casus.model.common import Frozen, Id, Proposition
from casus.model.places import RequestPlace
from casus.model.states import State


class Grounds(Frozen):
    """The facts the request rests on: stipulated propositions, or attributed claims, or both."""

    propositions: dict[Proposition, Literal["yes", "no"]] = Field(
        default_factory=dict,
        description="Stipulated values: taken as given under every reading.",
    )
    claims: list[Claim] = Field(default_factory=list)


class RequestFile(Frozen):
    kind: Literal["request"]
    id: Id
    title: str | None = None
    organization: Id
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
    provisions_cited: list[str] = Field(
        default_factory=list,
        description="instrument/eid; absent: casus considers every provision with a casus.",
    )
    grounds: Grounds = Field(default_factory=Grounds)
    actors: list[Actor] = Field(default_factory=list)
    positions: dict[State, PositionValue] = Field(default_factory=dict)
    sources: list[Id] = Field(default_factory=list)
