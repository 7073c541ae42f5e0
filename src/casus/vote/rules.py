"""Consensus (with or without the "limited format") and unanimity.

- Consensus: an objection blocks. Abstaining or staying away does not block. Under the limited
  format (CSTO practice since December 2010) the decision then binds only the members that
  joined it; without it, an adopted decision binds every member.
- Unanimity: every member must support; an abstention or an absence defeats the decision.
- Majority: a fraction of the votes, counted over every party, over those present, or over
  those voting yes or no (so that abstentions count against, or do not count), with an optional
  quorum, parties to a dispute excluded, and members whose objection alone is a veto.

A member with no recorded position leaves the outcome undetermined unless the decision is
already settled without it (an objection under consensus, a non-supporter under unanimity).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Literal

from casus.model.common import Value
from casus.model.organization import Majority

RuleName = Literal["consensus", "unanimity", "majority"]
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
    majority: Majority | None = None,
    vetoes: Sequence[str] = (),
    excluded: Sequence[str] = (),
) -> VoteResult:
    """The organ's decision on a question, from each member's position."""
    if rule == "majority":
        if majority is None:
            raise ValueError("a majority rule needs its majority (fraction and base)")
        return _majority(members, positions, majority, vetoes, excluded)
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


def votes_needed(m: Majority, base: int) -> int:
    """The smallest number of votes that meets the majority over `base` voters."""
    num, _, den = m.fraction.partition("/")
    share = Fraction(int(num), int(den)) * base
    needed = int(share) if share.denominator == 1 else int(share) + 1  # ceil
    if m.strictly_more and Fraction(needed) == share:
        needed += 1
    return max(needed, 1)


def _passes(m: Majority, eligible: int, s: int, o: int, a: int) -> tuple[bool, int, str]:
    """Whether s supporters carry it, given o objections and a abstentions among those present."""
    base = {"parties": eligible, "present": s + o + a, "voting": s + o}[m.of]
    need = votes_needed(m, base)
    if m.quorum_equals_threshold:
        quorum = votes_needed(m, eligible) if m.of == "parties" else need
        if s + o + a < quorum:
            return False, need, f"no quorum: {s + o + a} present, {quorum} needed"
    ok = s >= need
    return ok, need, f"{s} in favour, {need} needed ({m.fraction} of {base} {m.of})"


def _majority(
    members: Sequence[str],
    positions: Mapping[str, str],
    m: Majority,
    vetoes: Sequence[str],
    excluded: Sequence[str],
) -> VoteResult:
    eligible = [x for x in members if x not in excluded]
    support = [x for x in eligible if positions.get(x) == "support"]
    objecting = [x for x in eligible if positions.get(x) == "object"]
    abstaining = [x for x in eligible if positions.get(x) == "abstain"]
    missing = [x for x in eligible if x not in positions]
    not_joined = tuple(x for x in eligible if positions.get(x) not in (None, "support"))
    s, o, a, n = len(support), len(objecting), len(abstaining), len(eligible)
    vetoed = [x for x in objecting if x in vetoes]
    excl = (
        f"; {', '.join(excluded)} excluded from the vote as parties to the dispute"
        if excluded
        else ""
    )
    if vetoed:
        return VoteResult(
            "refused",
            Value.NO,
            "majority",
            False,
            tuple(support),
            not_joined,
            tuple(vetoed),
            tuple(missing),
            tuple(vetoed),
            (),
            f"vetoed by {', '.join(vetoed)}{excl}",
        )
    best, _, _ = _passes(m, n, s + len(missing), o, a)
    worst, _, why = _passes(m, n, s, o + len(missing), a)
    if missing and best != worst:
        return VoteResult(
            "undetermined",
            Value.UNDETERMINED,
            "majority",
            False,
            tuple(support),
            not_joined,
            (),
            tuple(missing),
            (),
            (),
            f"no recorded position for {', '.join(missing)}, who could decide it{excl}",
        )
    ok, _need, why = _passes(m, n, s, o, a)
    if missing:
        ok = best
    if ok:
        # Supporters are pivotal when the decision passes with no vote to spare.
        pivotal = tuple(support) if not _passes(m, n, s - 1, o + 1, a)[0] else ()
        return VoteResult(
            "approved",
            Value.YES,
            "majority",
            False,
            tuple(support),
            not_joined,
            (),
            tuple(missing),
            pivotal,
            tuple(eligible),
            why + excl,
        )
    # A non-supporter is pivotal when its support alone would carry the decision.
    flips = {
        "object": _passes(m, n, s + 1, o - 1, a)[0],
        "abstain": _passes(m, n, s + 1, o, a - 1)[0],
        "absent": _passes(m, n, s + 1, o, a)[0],
    }
    pivotal = tuple(x for x in eligible if flips.get(positions.get(x, ""), False))
    return VoteResult(
        "refused",
        Value.NO,
        "majority",
        False,
        tuple(support),
        not_joined,
        tuple(objecting + abstaining),
        tuple(missing),
        pivotal,
        (),
        why + excl,
    )
