"""A state's membership status on a date, from its dated, sourced membership events."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from casus.model.common import Value
from casus.model.organization import Member, MembershipEvent, Organization


@dataclass(frozen=True, slots=True)
class MembershipOnDate:
    state: str
    on: dt.date
    status: str  # member | suspended | participation_frozen | withdrawn | not_yet_member
    event: MembershipEvent | None
    contested: str | None

    @property
    def participates(self) -> Value:
        """Whether the state takes part as a member on that date, in the four values."""
        if self.status == "member":
            return Value.CONTESTED if self.contested else Value.YES
        if self.status == "participation_frozen":
            # A freeze is a political act whose legal effect is disputed (e.g. Armenia 2024).
            return Value.CONTESTED
        return Value.NO


def membership_on(org: Organization, state: str, on: dt.date) -> MembershipOnDate:
    """The status in force on `on`: that of the latest event on or before the date."""
    member = org.member(state)
    if member is None:
        return MembershipOnDate(state, on, "not_yet_member", None, None)
    return _status(member, on)


def _status(member: Member, on: dt.date) -> MembershipOnDate:
    state = member.state
    current: MembershipEvent | None = None
    for e in member.events:
        if e.date <= on and (current is None or e.date >= current.date):
            current = e
    if current is None:
        return MembershipOnDate(state, on, "not_yet_member", None, None)
    return MembershipOnDate(state, on, current.status, current, current.contested)


def members_on(org: Organization, on: dt.date) -> list[MembershipOnDate]:
    """Every state with a status other than not-yet-member or withdrawn on the date."""
    out = []
    for m in org.members:
        s = _status(m, on)
        if s.status not in ("not_yet_member", "withdrawn"):
            out.append(s)
    return out
