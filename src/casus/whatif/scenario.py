"""Changes to the inputs of an evaluation, and applying them.

A change is `VARIABLE=VALUE`:

- `position.AM=object` — a member's position (support, object, abstain, absent);
- `proposition.internal_conflict=yes` — a proposition's value, stipulated under every reading
  (`proposition.NAME@READING=VALUE` under one reading only);
- `claim.ID.status=refuted` / `claim.ID.value=no` — a recorded claim's status or value;
- `membership.UZ=suspended` — a state's membership status from the evaluation date on.

The date (`--on`) and the reading (`--reading`) are changed by the evaluation's own options.
Changes never alter the data: they build a new world and a new invocation.
"""

from __future__ import annotations

import datetime as dt
import difflib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

from casus.evaluation.engine import EvaluationError
from casus.evaluation.invocation import Invocation, ReadingValues
from casus.law.claims import proposition_value, valuation
from casus.law.membership import members_on
from casus.model.common import Value
from casus.model.organization import Member, MembershipEvent, Organization
from casus.model.states import UnknownState, resolve_state
from casus.model.world import World

POSITIONS = ("support", "object", "abstain", "absent")
STATUSES = ("asserted", "disputed", "corroborated", "refuted", "unverified")
MEMBERSHIP = ("member", "suspended", "participation_frozen", "withdrawn")


@dataclass(frozen=True, order=True, slots=True)
class Change:
    variable: str
    value: str

    def __str__(self) -> str:
        return f"{self.variable}={self.value}"


def parse_change(text: str) -> Change:
    """Parse `VARIABLE=VALUE`, checking the variable's form and the value's domain."""
    variable, sep, value = text.partition("=")
    variable, value = variable.strip(), value.strip()
    if not sep or not variable or not value:
        raise EvaluationError(f"expected VARIABLE=VALUE, found '{text}'")
    variable = normalize_variable(variable)
    head, _, rest = variable.partition(".")
    if head == "position":
        _expect(value, POSITIONS, variable)
    elif head == "proposition":
        _expect(value, ("yes", "no"), variable)
    elif head == "claim":
        cid, _, attr = rest.rpartition(".")
        if not cid or attr not in ("status", "value"):
            raise EvaluationError(f"expected claim.ID.status or claim.ID.value, found '{variable}'")
        _expect(value, STATUSES if attr == "status" else ("yes", "no"), variable)
    elif head == "membership":
        _expect(value, MEMBERSHIP, variable)
    else:
        raise EvaluationError(
            f"expected a variable position.STATE, proposition.NAME, claim.ID.status, "
            f"claim.ID.value or membership.STATE, found '{variable}'"
        )
    if not rest:
        raise EvaluationError(f"expected a name after '{head}.', found '{variable}'")
    return Change(variable, value)


def normalize_variable(variable: str) -> str:
    """`position.STATE` and `membership.STATE` with the state as its alpha-2 code, whichever
    way it was named (`position.Armenia`, `position.ARM`); other variables as they are."""
    head, dot, rest = variable.strip().partition(".")
    if head not in ("position", "membership") or not rest:
        return variable.strip()
    try:
        return f"{head}{dot}{resolve_state(rest)}"
    except UnknownState as e:
        raise EvaluationError(f"{variable.strip()}: {e}") from None


def _nearest(name: str, known: Iterable[str], what: str = "nearest") -> str:
    near = difflib.get_close_matches(name, sorted(known), n=3, cutoff=0.6)
    return f"; {what}: {', '.join(near)}" if near else ""


def check_reading(inv: Invocation, reading: str | None) -> None:
    """A reading the request defines (`--reading`), with the nearest names if not."""
    known = [r.id for r in inv.readings]
    if reading is not None and reading not in known:
        raise EvaluationError(
            f"--reading: expected one of {', '.join(known)}, found '{reading}'"
            + _nearest(reading, known)
        )


def _check_member(world: World, inv: Invocation, variable: str, on: dt.date) -> None:
    state = variable.partition(".")[2]
    members = sorted(m.state for m in members_on(world.organizations[inv.organization], on))
    if state not in members:
        raise EvaluationError(
            f"{variable}: expected a member of {inv.organization} on {on.isoformat()} "
            f"({', '.join(members) or 'none'}), found '{state}'"
        )


def check_changes(world: World, inv: Invocation, changes: Sequence[Change], on: dt.date) -> None:
    """Each change names what exists: a position is a member's on the date (with the
    membership changes among `changes` made), a proposition one the organization's
    instruments declare or the request's claims name, a claim one of the request's."""
    memberships = [c for c in changes if c.variable.startswith("membership.")]
    changed, _ = apply(world, inv, memberships, on) if memberships else (world, inv)
    for ch in changes:
        head, _, rest = ch.variable.partition(".")
        if head == "position":
            _check_member(changed, inv, ch.variable, on)
        elif head == "proposition":
            _check_proposition(world, inv, rest.partition("@")[0])
        elif head == "claim":
            _check_claim(inv, rest.rpartition(".")[0])


def check_grid(world: World, inv: Invocation, variables: Sequence[str], on: dt.date) -> list[str]:
    """The grid's variables with their states as alpha-2 codes, each naming what exists (as
    `check_changes`: members on the date, declared propositions)."""
    out = [normalize_variable(v) for v in variables]
    memberships = [Change(v, "member") for v in out if v.startswith("membership.")]
    changed, _ = apply(world, inv, memberships, on) if memberships else (world, inv)
    for v in out:
        head, _, rest = v.partition(".")
        if head == "position" and rest:
            _check_member(changed, inv, v, on)
        elif head == "proposition" and rest:
            _check_proposition(world, inv, rest)
    return out


def _check_claim(inv: Invocation, cid: str) -> None:
    if cid not in inv.claims:
        raise EvaluationError(f"no claim '{cid}' in this case" + _nearest(cid, inv.claims))


def _expect(value: str, allowed: Sequence[str], variable: str) -> None:
    if value not in allowed:
        raise EvaluationError(f"{variable}: expected one of {', '.join(allowed)}, found '{value}'")


def _with_membership(org: Organization, state: str, status: str, on: dt.date) -> Organization:
    members = list(org.members)
    event = MembershipEvent(
        date=on,
        status=status,
        what=f"scenario: {status.replace('_', ' ')} from {on.isoformat()} (a counterfactual, not a fact)",
        sources=list(org.sources[:1]),
    )
    for i, m in enumerate(members):
        if m.state == state:
            kept = [e for e in m.events if e.date < on]
            members[i] = m.model_copy(update={"events": [*kept, event]})
            break
    else:
        members.append(Member(state=state, name=state, events=[event]))
    return org.model_copy(update={"members": members})


def _check_proposition(world: World, inv: Invocation, name: str) -> None:
    """A stipulated proposition must be one the organization's instruments declare, or one the
    request's claims speak to; else it would silently read as undetermined."""
    known = set(world.vocabulary(inv.organization))
    known.update(c.proposition for c in inv.claims.values())
    for r in inv.readings:
        known.update(r.values)
    if name not in known:
        raise EvaluationError(
            f"proposition.{name}: expected a proposition declared by the instruments of "
            f"{inv.organization} or named by a claim of the request, found '{name}'"
            + _nearest(name, known)
        )


def apply(
    world: World, inv: Invocation, changes: Iterable[Change], on: dt.date
) -> tuple[World, Invocation]:
    """The world and invocation with the changes made (the originals are untouched)."""
    positions = dict(inv.positions)
    claims = dict(inv.claims)
    stipulated: dict[str | None, dict[str, str]] = {}
    orgs = dict(world.organizations)
    claims_changed = False
    for ch in changes:
        head, _, rest = ch.variable.partition(".")
        if head == "position":
            positions[rest] = ch.value
        elif head == "proposition":
            name, _, reading = rest.partition("@")
            _check_proposition(world, inv, name)
            stipulated.setdefault(reading or None, {})[name] = ch.value
        elif head == "claim":
            cid, _, attr = rest.rpartition(".")
            _check_claim(inv, cid)
            claims[cid] = claims[cid].model_copy(update={attr: ch.value})
            claims_changed = True
        elif head == "membership":
            org = orgs[inv.organization]
            orgs[inv.organization] = _with_membership(org, rest, ch.value, on)
    readings = inv.readings
    if claims_changed:
        if not inv.reading_defs:
            raise EvaluationError("this request has no reading definitions to re-read claims under")
        readings = tuple(
            ReadingValues(r.id, r.label, valuation(claims.values(), inv.actors, r))
            for r in inv.reading_defs
        )
    if stipulated:
        known = {r.id for r in readings}
        for rid in stipulated:
            if rid is not None and rid not in known:
                raise EvaluationError(
                    f"no reading '{rid}' (known: {', '.join(sorted(known))})" + _nearest(rid, known)
                )
        new = []
        for r in readings:
            values = dict(r.values)
            for scope in (None, r.id):
                for name, value in stipulated.get(scope, {}).items():
                    pv = proposition_value(name, Value(value))
                    values[name] = replace(
                        pv, statement=f"{name}: {value} (stipulated in the scenario)"
                    )
            new.append(ReadingValues(r.id, r.label, values))
        readings = tuple(new)
    new_world = replace(world, organizations=orgs) if orgs != world.organizations else world
    # A changed position no longer rests on the sources of the recorded one.
    position_sources = {
        k: v for k, v in inv.position_sources.items() if positions.get(k) == inv.positions.get(k)
    }
    return new_world, replace(
        inv,
        positions=positions,
        position_sources=position_sources,
        claims=claims,
        readings=readings,
    )
