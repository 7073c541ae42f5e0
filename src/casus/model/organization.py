"""Organizations: members and their dated status, organs and their dated voting rules, chairs."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import Field

from casus.model.common import Dated, Frozen, Id, StateCode
from casus.model.rules import Assumption

MembershipStatus = Literal[
    "member",
    "suspended",
    "participation_frozen",
    "withdrawn",
    "not_yet_member",
]


class MembershipEvent(Frozen):
    """From `date` on, the state's status is `status` (until the next event)."""

    date: dt.date
    status: Literal["member", "suspended", "participation_frozen", "withdrawn"]
    what: str = Field(
        description="What happened, e.g. 'did not sign the 1999 prolongation protocol'."
    )
    sources: list[Id] = Field(min_length=1)
    contested: str | None = Field(
        default=None,
        description="If the status is disputed, who disputes it and how; the status is then contested.",
    )
    assumptions: list[Assumption] = Field(default_factory=list)


class Member(Frozen):
    state: StateCode
    name: str
    events: list[MembershipEvent] = Field(min_length=1)


class VotingRule(Dated):
    """How an organ decides, for a period."""

    rule: Literal["consensus", "unanimity"]
    limited_format: bool = Field(
        default=False,
        description=(
            "Consensus only: a member that abstains or stays away does not block, and the decision "
            "binds only the members that join it."
        ),
    )
    basis: str = Field(description="The article or practice the rule rests on.")
    provision: str | None = Field(
        default=None,
        description="The provision the rule rests on, as instrument/eid, cited with its version in force.",
    )
    sources: list[Id] = Field(min_length=1)
    assumptions: list[Assumption] = Field(default_factory=list)


class Organ(Frozen):
    id: Id
    name: str
    composition: str
    voting: list[VotingRule] = Field(min_length=1)
    sources: list[Id] = Field(min_length=1)


class Chair(Dated):
    state: StateCode
    person: str
    office: str
    sources: list[Id] = Field(min_length=1)


class Organization(Frozen):
    """An alliance (`kind: organization`)."""

    kind: Literal["organization"]
    id: Id
    name: str
    short_name: str
    founding_instrument: Id
    sources: list[Id] = Field(min_length=1)
    members: list[Member] = Field(min_length=1)
    organs: list[Organ] = Field(min_length=1)
    chairs: list[Chair] = Field(default_factory=list)

    def organ(self, organ_id: str) -> Organ | None:
        for o in self.organs:
            if o.id == organ_id:
                return o
        return None

    def member(self, state: str) -> Member | None:
        for m in self.members:
            if m.state == state:
                return m
        return None
