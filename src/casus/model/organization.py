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


class Majority(Frozen):
    """A qualified or simple majority: how many votes, counted over whom."""

    fraction: str = Field(pattern=r"^[1-9][0-9]*/[1-9][0-9]*$", description="e.g. 2/3 or 1/2.")
    strictly_more: bool = Field(
        default=False, description="True for 'more than' the fraction (an absolute majority)."
    )
    of: Literal["parties", "present", "voting"] = Field(
        description=(
            "parties: every member entitled to vote (abstaining and absent ones count against); "
            "present: those present (abstentions count against, absences do not); "
            "voting: those voting yes or no (abstentions do not count)."
        )
    )
    quorum_equals_threshold: bool = Field(
        default=False,
        description="A quorum at least equal to the number of votes needed (e.g. Rio Treaty Art. 19).",
    )
    exclude_parties_to_dispute: bool = Field(
        default=False,
        description="Parties directly interested in a dispute between members do not vote (Rio Art. 18).",
    )


class VotingRule(Dated):
    """How an organ decides, for a period."""

    rule: Literal["consensus", "unanimity", "majority"]
    majority: Majority | None = Field(default=None, description="Required when rule is majority.")
    vetoes: list[StateCode] = Field(
        default_factory=list,
        description="Members whose objection alone defeats a majority decision.",
    )
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


class ObligationSuspension(Dated):
    """One party's obligations towards another suspended, the treaty otherwise in force
    (e.g. the United States towards New Zealand under ANZUS from 1986)."""

    bearer: StateCode
    towards: StateCode
    what: str
    contested: str | None = Field(
        default=None,
        description="When sources dispute whether the obligations are suspended at all: who "
        "says what. The bearer's duty towards the other party is then contested, not settled.",
    )
    sources: list[Id] = Field(min_length=1)
    assumptions: list[Assumption] = Field(default_factory=list)


class Chair(Dated):
    state: StateCode
    person: str
    office: str
    sources: list[Id] = Field(min_length=1)


class Priority(Dated):
    """Which provision's organ decides when provisions that arise name different organs: a
    labelled choice, with its sources. Without one, such provisions are a reported conflict."""

    id: Id
    prefer: str = Field(
        description="The provision (instrument/eid) whose organ decides, e.g. rio-treaty/art_6."
    )
    over: list[str] = Field(
        min_length=1,
        description="The provisions (instrument/eid) it takes priority over when both arise.",
    )
    basis: Literal["text", "practice", "interpretation"] = Field(
        description="Where the priority comes from: the treaty's text, the organs' practice, "
        "or an interpretation (attributed in `label`)."
    )
    label: str = Field(description="What the priority is and, for an interpretation, whose.")
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
    suspensions: list[ObligationSuspension] = Field(default_factory=list)
    priorities: list[Priority] = Field(
        default_factory=list,
        description="Labelled priorities between provisions that name different deciding organs.",
    )

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
