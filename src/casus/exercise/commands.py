"""The commands of an exercise: what each one needs to be true first, and the events it makes.

Every command is a function of the exercise's state (the fold of its log), the caller's side
(the state a delegation acts for; who may manage is the service's business), what was asked,
and a `Judge` — the engine's view of the scenario: who is a member on a date, and a request
evaluated with its positions. A command either answers the events to record (`NewEvent`, in
order) or raises `Refused` with a kind, a code and the field concerned; it records nothing and
reads nothing else. Which events may follow which is the fold's (`casus.exercise.fold`), and the
store checks that again as it appends.

It must not know about HTTP, the database or accounts' tokens (a credential arrives as its
digest and expiry, made elsewhere).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from casus.exercise.errors import Refused
from casus.exercise.fold import State, find_participant, find_request
from casus.model.case import Case
from casus.model.common import Value
from casus.model.explain import Node
from casus.model.organization import Organization

if TYPE_CHECKING:  # the engine's result type only: the store folds logs without the engine
    from casus.evaluation.results import Evaluation


@dataclass(frozen=True)
class NewEvent:
    """An event a command makes. `suffix` tells it apart from the command's other events in
    the idempotency id ('' for the command's own event, '#support', '#close0'…)."""

    type: str
    payload: dict[str, Any]
    suffix: str = ""


@dataclass(frozen=True)
class Scenario:
    """What an exercise is played on: its organization and, unless blank, the case."""

    organization: Organization
    case: Case | None


class Judge(Protocol):
    """The engine's view of an exercise's scenario."""

    def member(self, state: str, on: dt.date) -> bool:
        """Whether the state may take part on the date (a member, even with a contested or
        frozen status: the engine weighs those; not one that never joined or has left)."""
        ...

    def evaluate(self, request: Mapping[str, Any]) -> Evaluation:
        """The request (as the state holds it, or a draft with seq 0) evaluated with its
        positions."""
        ...


# --- preconditions shared by the commands --------------------------------------------------


def running(state: State) -> None:
    if state["status"] == "ended":
        raise Refused("conflict", "ended", f"exercise {state['id']} has ended")


def request_of(state: State, request_id: str) -> dict[str, Any]:
    rq = find_request(state, request_id)
    if rq is None:
        raise Refused(
            "not_found", "not_found", f"no request '{request_id}' in exercise {state['id']}"
        )
    return rq


def open_request(state: State, request_id: str) -> dict[str, Any]:
    rq = request_of(state, request_id)
    if rq["status"] != "open":
        raise Refused(
            "conflict",
            "decision_closed",
            f"the decision on {request_id} is closed: positions are final",
        )
    return rq


def member(judge: Judge, scenario: Scenario, who: str, on: str, field: str | None = None) -> None:
    """Refused unless `who` may take part on the date `on` (an ISO date)."""
    if not judge.member(who, dt.date.fromisoformat(on)):
        raise Refused(
            "invalid" if field else "forbidden",
            "not_a_member",
            f"{who} is not a member of {scenario.organization.short_name} on {on}",
            field,
        )


def reasons_refused(ev: Evaluation) -> list[str]:
    """The explanation's steps that make the requester not entitled (its 'no' leaves)."""
    out: list[str] = []

    def walk(node: Node) -> None:
        if node.value is not Value.NO:
            return
        if not node.children:
            out.append(node.statement)
        for child in node.children:
            walk(child)

    for child in ev.explanation.children:
        if "was entitled to ask" in child.statement:
            walk(child)
    return list(dict.fromkeys(out)) or ["no provision may be invoked by it"]


# --- the commands -------------------------------------------------------------------------


@dataclass(frozen=True)
class Created:
    """A new exercise: its first event, and the projection's fixed columns."""

    event: NewEvent
    title: str
    organization: str
    source_case: str | None


def create(
    *,
    case_id: str | None,
    case: Case | None,
    organization_id: str | None,
    organizations: Mapping[str, Organization],
    on: dt.date | None,
    title: str | None,
    scenario_sha256: str | None,
) -> Created:
    """An exercise from a case (its organization, from the date of its first request unless
    `on`), or a blank scenario on an organization and a date."""
    if (case_id is None) == (organization_id is None):
        raise Refused(
            "invalid",
            "invalid",
            "give either a case or an organization (a blank scenario)",
            "body.case",
        )
    if case is not None:
        organization = case.organization
        start = on or min(r.date for r in case.requests)
        title = title or f"Exercise: {case.title}"
    else:
        assert organization_id is not None
        org = organizations.get(organization_id)
        if org is None:
            known = ", ".join(sorted(organizations))
            raise Refused(
                "invalid",
                "invalid",
                f"no organization '{organization_id}' (known: {known})",
                "body.organization",
            )
        if on is None:
            raise Refused("invalid", "invalid", "a blank scenario needs a date: on", "body.on")
        organization, start = org.id, on
        title = title or f"Exercise on {org.short_name}, {start.isoformat()}"
    payload = {
        "title": title,
        "organization": organization,
        "source_case": case_id,
        "start": start.isoformat(),
        "scenario_sha256": scenario_sha256,
    }
    return Created(NewEvent("exercise_created", payload), title, organization, case_id)


def may_invite(
    state: State, judge: Judge, scenario: Scenario, *, role: str, member_state: str | None
) -> None:
    """Refused unless this participant may be invited (before an account is made for it)."""
    running(state)
    if role == "delegation":
        if member_state is None:
            raise Refused("invalid", "invalid", "a delegation needs its state", "body.state")
        member(judge, scenario, member_state, state["clock"], "body.state")
    elif member_state is not None:
        raise Refused("invalid", "invalid", "an observer is not bound to a state", "body.state")


def invite(
    state: State,
    judge: Judge,
    scenario: Scenario,
    *,
    account: str,
    name: str,
    role: str,
    member_state: str | None,
    credential: Mapping[str, Any] | None,
) -> NewEvent:
    """A delegation (bound to a state that is a member on the exercise's date) or an observer,
    with the account and credential made for it."""
    may_invite(state, judge, scenario, role=role, member_state=member_state)
    payload: dict[str, Any] = {
        "account": account,
        "name": name,
        "role": role,
        "state": member_state,
    }
    if credential is not None:
        payload["credential"] = dict(credential)
    return NewEvent("participant_invited", payload)


def advance_clock(state: State, to: dt.date) -> NewEvent:
    """The exercise's date moved forward (never back: the past is not changed)."""
    running(state)
    if to.isoformat() <= state["clock"]:
        raise Refused(
            "conflict",
            "clock_backwards",
            f"the clock only moves forward: it reads {state['clock']}",
            "body.to",
        )
    return NewEvent("clock_advanced", {"to": to.isoformat()})


def _closed(judge: Judge, rq: Mapping[str, Any], suffix: str = "") -> NewEvent:
    ev = judge.evaluate(rq)
    payload = {"request": rq["id"], "outcome": ev.outcome["computed"], "value": ev.outcome["value"]}
    return NewEvent("decision_closed", payload, suffix)


def close_decision(state: State, judge: Judge, request_id: str) -> NewEvent:
    """The decision on a request closed with the outcome the engine computes from the positions."""
    rq = request_of(state, request_id)
    if rq["status"] != "open":
        raise Refused(
            "conflict", "decision_closed", f"the decision on {request_id} is already closed"
        )
    return _closed(judge, rq)


def end(state: State, judge: Judge) -> list[NewEvent]:
    """Every open decision closed with its computed outcome, then the end."""
    if state["status"] == "ended":
        raise Refused("conflict", "ended", f"exercise {state['id']} has ended already")
    opened = [r for r in state["requests"] if r["status"] == "open"]
    closing = [_closed(judge, rq, f"#close{i}") for i, rq in enumerate(opened)]
    return [*closing, NewEvent("exercise_ended", {})]


@dataclass(frozen=True)
class Filing:
    """What a delegation files (the state it files for is the delegation's own)."""

    office: str
    provisions_cited: Sequence[str]
    grounds: Sequence[str]
    propositions: Mapping[str, str]
    quote: str | None
    note: str | None
    id: str | None = None
    person: str | None = None
    affected_state: str | None = None


def file_request(
    state: State, judge: Judge, scenario: Scenario, *, by: str, person: str, filing: Filing
) -> list[NewEvent]:
    """A request on the state `by`'s behalf, on the exercise's date, evaluated first: refused
    (`not_entitled`, with the engine's reasons) when the engine finds the state not entitled;
    otherwise filed, with the requester's support recorded beside it."""
    running(state)
    clock = state["clock"]
    member(judge, scenario, by, clock)
    if scenario.case is None:
        if filing.grounds:
            raise Refused(
                "invalid",
                "invalid",
                "a blank scenario has no claims to cite: use propositions",
                "body.grounds",
            )
    else:
        if filing.propositions:
            raise Refused(
                "invalid",
                "invalid",
                f"the facts of this exercise are the claims of case {scenario.case.id}: "
                "cite them as grounds",
                "body.propositions",
            )
        known = {c.id for c in scenario.case.claims}
        unknown = [g for g in filing.grounds if g not in known]
        if unknown:
            raise Refused(
                "invalid", "invalid", f"no claim '{unknown[0]}' in the case", "body.grounds"
            )
    existing = {r["id"] for r in state["requests"]}
    request_id = filing.id or f"r{len(existing) + 1}"
    if request_id in existing:
        raise Refused("conflict", "conflict", f"request '{request_id}' is already filed", "body.id")
    rq = {
        "id": request_id,
        "date": clock,
        "state": by,
        "office": filing.office,
        "person": filing.person or person,
        "affected_state": filing.affected_state or by,
        "provisions_cited": list(filing.provisions_cited),
        "grounds": list(filing.grounds),
        "propositions": dict(filing.propositions),
        "quote": filing.quote,
        "note": filing.note,
    }
    support = {
        "request": request_id,
        "state": by,
        "position": "support",
        "basis": f"{by} filed the request",
        "note": None,
    }
    draft = {**rq, "seq": 0, "positions": [{**support, "changes": 0}]}
    ev = judge.evaluate(draft)
    if ev.entitled is Value.NO:
        raise Refused(
            "invalid",
            "not_entitled",
            f"the engine finds {by} not entitled to make this request: "
            + "; ".join(reasons_refused(ev)),
            "body.office",
            {"evaluation": ev.to_dict()},
        )
    return [
        NewEvent("request_filed", {"request": rq}),
        NewEvent("position_cast", support, "#support"),
    ]


def position_payload(
    request_id: str, by: str, position: str, basis: str | None, note: str | None
) -> dict[str, Any]:
    return {
        "request": request_id,
        "state": by,
        "position": position,
        "basis": basis or f"the delegation of {by} in the exercise",
        "note": note,
    }


def cast_position(
    state: State, judge: Judge, scenario: Scenario, payload: Mapping[str, Any]
) -> NewEvent:
    """A delegation's position on an open decision (see `position_payload`): cast, or changed
    if it has cast one already (the change supersedes it; both stay in the log)."""
    running(state)
    rq = open_request(state, payload["request"])
    member(judge, scenario, payload["state"], rq["date"])
    cast = any(p["state"] == payload["state"] for p in rq["positions"])
    return NewEvent("position_changed" if cast else "position_cast", dict(payload))


def pledge(
    state: State, *, by: str, units: Sequence[str], personnel: int | None, note: str | None
) -> NewEvent:
    """A contingent pledged to the force on the state `by`'s behalf (once); blank unit names
    are dropped."""
    running(state)
    if any(k["state"] == by for k in state["pledges"]):
        raise Refused("conflict", "conflict", f"{by} has already pledged a contingent")
    kept = pledge_units(units)
    return NewEvent(
        "pledge_made", {"state": by, "units": kept, "personnel": personnel, "note": note}
    )


def pledge_units(units: Sequence[str]) -> list[str]:
    return [u.strip() for u in units if u.strip()]


def participant(state: State, account: str) -> dict[str, Any]:
    found = find_participant(state, account)
    if found is None:
        raise Refused(
            "not_found", "not_found", f"no participant '{account}' in exercise {state['id']}"
        )
    return found


def reissue_token(state: State, account: str, credential: Mapping[str, Any]) -> NewEvent:
    """A participant's new token: the one before it is refused from this event on. Allowed
    after the exercise has ended too (to read its record)."""
    participant(state, account)
    return NewEvent("token_reissued", {"account": account, "credential": dict(credential)})


def revoke_token(state: State, account: str, current_digest: str) -> NewEvent:
    """A participant's token refused from this event on (`current_digest`: the credential the
    store holds for it now, which a token issued before revision 0005 has in no event yet)."""
    who = participant(state, account)
    token = who.get("token")
    if token is not None and token["revoked"]:
        raise Refused("conflict", "revoked", f"the token of {account} is revoked already")
    return NewEvent("token_revoked", {"account": account, "digest": current_digest})


def token_status(token: Mapping[str, Any] | None, now: dt.datetime) -> str:
    """'active', 'revoked' or 'expired' ('active' for a participant whose token predates the
    log's credentials: the store still checks it)."""
    if token is None:
        return "active"
    if token["revoked"]:
        return "revoked"
    expires = token.get("expires_at")
    if expires is not None and dt.datetime.fromisoformat(expires.replace("Z", "+00:00")) <= now:
        return "expired"
    return "active"
