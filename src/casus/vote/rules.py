"""Consensus (with or without the "limited format") and unanimity.

- Consensus: an objection blocks. Abstaining or staying away does not block. Under the limited
  format (CSTO practice since December 2010) the decision then binds only the members that
  joined it; without it, an adopted decision binds every member.
- Unanimity: every member must support; an abstention or an absence defeats the decision.

A member with no recorded position leaves the outcome undetermined unless the decision is
already settled without it (an objection under consensus, a non-supporter under unanimity).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from casus.model.common import Value

RuleName = Literal["consensus", "unanimity"]
POSITIONS = ("support", "object", "abstain", "absent")


@dataclass(frozen=True, slots=True)
class VoteResult:
    outcome: Literal["approved", "refused", "undetermined"]
    value: Value
    rule: RuleName
    limited_format: bool
    joined: tuple[str, ...]
    not_joined: tuple[str, ...]
    blocking: tuple[str, ...]
    missing: tuple[str, ...]
    pivotal: tuple[str, ...]
    binds: tuple[str, ...]
    reason: str


def decide(
    rule: RuleName,
    members: Sequence[str],
    positions: Mapping[str, str],
    *,
    limited_format: bool = False,
) -> VoteResult:
    """The organ's decision on a question, from each member's position."""
    support: list[str] = []
    objecting: list[str] = []
    others: list[str] = []
    missing: list[str] = []
    for m in members:
        p = positions.get(m)
        if p is None:
            missing.append(m)
        elif p == "support":
            support.append(m)
        elif p == "object":
            objecting.append(m)
        else:
            others.append(m)
    joined = tuple(support)
    not_joined = tuple(objecting + others)
    everyone = tuple(members)

    if rule == "consensus":
        if objecting:
            reason = f"objected by {', '.join(objecting)}: under consensus an objection blocks"
            return VoteResult(
                "refused",
                Value.NO,
                rule,
                limited_format,
                joined,
                not_joined,
                tuple(objecting),
                tuple(missing),
                tuple(objecting) if len(objecting) == 1 else (),
                (),
                reason,
            )
        if missing:
            reason = f"no recorded position for {', '.join(missing)}, any of whom could object"
            return VoteResult(
                "undetermined",
                Value.UNDETERMINED,
                rule,
                limited_format,
                joined,
                not_joined,
                (),
                tuple(missing),
                (),
                (),
                reason,
            )
        if not support:
            reason = "no member supports the decision"
            return VoteResult(
                "refused",
                Value.NO,
                rule,
                limited_format,
                joined,
                not_joined,
                (),
                (),
                everyone,
                (),
                reason,
            )
        if others and limited_format:
            reason = (
                f"no objection; {', '.join(others)} did not join, and under the limited format "
                f"the decision binds only {', '.join(support)}"
            )
            binds = joined
        elif others:
            reason = (
                f"no objection; {', '.join(others)} abstained or was absent, which does not block"
            )
            binds = everyone
        else:
            reason = "every member supports; no objection"
            binds = everyone
        return VoteResult(
            "approved",
            Value.YES,
            rule,
            limited_format,
            joined,
            not_joined,
            (),
            (),
            everyone,
            binds,
            reason,
        )

    # unanimity
    non_supporting = objecting + others
    if non_supporting:
        reason = f"not supported by {', '.join(non_supporting)}: unanimity needs every member"
        return VoteResult(
            "refused",
            Value.NO,
            rule,
            False,
            joined,
            not_joined,
            tuple(non_supporting),
            tuple(missing),
            tuple(non_supporting) if len(non_supporting) == 1 and not missing else (),
            (),
            reason,
        )
    if missing:
        reason = f"no recorded position for {', '.join(missing)}"
        return VoteResult(
            "undetermined",
            Value.UNDETERMINED,
            rule,
            False,
            joined,
            not_joined,
            (),
            tuple(missing),
            (),
            (),
            reason,
        )
    return VoteResult(
        "approved",
        Value.YES,
        rule,
        False,
        joined,
        (),
        (),
        (),
        everyone,
        everyone,
        "every member supports",
    )
