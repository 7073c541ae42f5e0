"""Who attacked or threatened: a state, a non-state group, or unknown, as each actor says.

A request (of a case or a request file) names the attacker as claims, never as a finding: two
governments blaming each other for a border clash are two claims, and the attacker is then
contested. Whether the attacker is a *member* of the organization is not written but derived on
the date from the organization's membership, so that a request by one member against another
says so in its explanation (CSTO, Kyrgyzstan against Tajikistan, September 2022), and rules may
read it (`{attacker: member}` in `model/rules.py`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Sequence
from typing import Annotated, Literal

from pydantic import Field, model_validator

from casus.model.common import Frozen, Id, Value
from casus.model.places import Standing
from casus.model.states import State


class AttackerClaim(Frozen):
    """That a state or group attacked or threatened, as one actor claims it."""

    kind: Literal["state", "non_state_group", "unknown"]
    state: State | None = Field(default=None, description="The state, when kind is state.")
    group: str | None = Field(
        default=None, description="The group's name as the claim gives it (non_state_group)."
    )
    by: Id = Field(description="The actor who makes the claim (an actor of the file).")
    date: dt.date | None = Field(
        default=None, description="When it was claimed; not read on an earlier date."
    )
    quote: str | None = Field(default=None, description="A short quote, attributed to `by`.")
    sources: list[Id] = Field(min_length=1)
    note: str | None = None

    @model_validator(mode="after")
    def _named(self) -> AttackerClaim:
        if self.kind == "state" and self.state is None:
            raise ValueError("an attacker of kind state names the `state`")
        if self.kind != "state" and self.state is not None:
            raise ValueError("`state` is given only for an attacker of kind state")
        if self.kind != "non_state_group" and self.group is not None:
            raise ValueError("`group` is given only for an attacker of kind non_state_group")
        return self

    def said_by(self, on: dt.date) -> bool:
        return self.date is None or self.date <= on

    def who(self) -> str:
        if self.kind == "state":
            return str(self.state)
        if self.kind == "non_state_group":
            return f"a non-state group ({self.group})" if self.group else "a non-state group"
        return "unknown"

    def attribution(self, actor_name: str | None = None) -> str:
        when = f", {self.date.isoformat()}" if self.date is not None else ""
        quote = f': "{self.quote}"' if self.quote else ""
        return f"claimed by {actor_name or self.by}{when}{quote}"


def _answers(claim: AttackerClaim, wanted: str, members: Collection[str]) -> bool | None:
    if claim.kind == "unknown":
        return None
    if wanted == "non_state_group":
        return claim.kind == "non_state_group"
    if claim.kind != "state":
        return False
    if wanted == "member":
        return claim.state in members
    if wanted == "non_member_state":
        return claim.state not in members
    return True  # wanted == "state"


def attacker_standing(
    claims: Sequence[AttackerClaim], wanted: str, members: Collection[str], on: dt.date
) -> Standing:
    """Whether the attacker is of the kind wanted on the date: yes or no when the claims that
    name one agree, contested when they do not, undetermined when none names one."""
    readable = [c for c in claims if c.said_by(on)]
    said = []
    known: set[bool] = set()
    for c in readable:
        answer = _answers(c, wanted, members)
        member = " (a member)" if c.kind == "state" and c.state in members else ""
        said.append(f"{c.who()}{member}, {c.attribution()}")
        if answer is not None:
            known.add(answer)
    sources = tuple(dict.fromkeys(s for c in readable for s in c.sources))
    if not known:
        words = tuple(said) or ("no attacker is named",)
        return Standing(Value.UNDETERMINED, words, sources)
    if len(known) > 1:
        return Standing(Value.CONTESTED, tuple(said), sources)
    return Standing(Value.YES if known == {True} else Value.NO, tuple(said), sources)


def members_accused(
    claims: Sequence[AttackerClaim], requester: str, members: Collection[str], on: dt.date
) -> list[AttackerClaim]:
    """The claims, readable on the date, that name a member other than the requester."""
    return [
        c
        for c in claims
        if c.said_by(on) and c.kind == "state" and c.state in members and c.state != requester
    ]


#: A request's `attacker`: who attacked or threatened, as each actor claims.
Attackers = Annotated[
    list[AttackerClaim],
    Field(
        description="Who attacked or threatened, as each actor claims (a state, a non-state "
        "group, or unknown); claims naming different attackers make it contested."
    ),
]
