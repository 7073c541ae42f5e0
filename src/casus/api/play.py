"""Exercises as the engine sees them: each filed request evaluated with the delegations'
positions, the positions board, the exercise as a caller may see it, and the after-action
report that compares the exercise with the case it was run from.

An exercise request is evaluated exactly as a request of a case is (`casus.evaluate`): for an
exercise run from a case, over that case's claims, actors and readings (`from_case`); for a
blank scenario, over the propositions the requester stipulated (`from_request_file`). Positions
are the delegations' current ones. The recorded outcome is left out (`recorded=None`): an
exercise decides for itself, and the report compares it with the record afterwards.
"""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from casus.api.auth import sees_notes_of
from casus.api.countries import numeric
from casus.api.services import Services
from casus.evaluation.engine import Evaluation, evaluate
from casus.evaluation.invocation import Invocation, from_case, from_request_file
from casus.exercise.commands import Scenario, token_status
from casus.exercise.fold import State, summary
from casus.law.membership import members_on, membership_on
from casus.model.case import Case, Request, Requester
from casus.model.common import Value
from casus.model.organization import Organization
from casus.model.request import Grounds, RequestFile
from casus.store.accounts import Account
from casus.store.exercises import ExerciseRecord

#: The source id the exercise's own records carry inside the engine's in-memory case.
EXERCISE_SOURCE = "exercise"


def scenario_of(services: Services, record: ExerciseRecord) -> Scenario:
    def load() -> Scenario:
        org = services.world.organizations[record.organization]
        text = services.exercises.scenario(record.exercise_id)
        case = None if text is None else Case.model_validate_json(text)
        return Scenario(org, case)

    value: Scenario = services.scenarios.get(record.exercise_id, load)
    return value


def scenario_for(services: Services, exercise_id: str) -> Scenario:
    """The exercise's scenario, reading its record only the first time."""

    def load() -> Scenario:
        return scenario_of(services, services.exercises.get(exercise_id))

    value: Scenario = services.scenarios.get(exercise_id, load)
    return value


def current_positions(rq: dict[str, Any]) -> dict[str, str]:
    return {p["state"]: p["position"] for p in rq["positions"]}


def invocation(scenario: Scenario, rq: dict[str, Any], positions: dict[str, str]) -> Invocation:
    """The engine's view of one exercise request with the positions given."""
    requester = Requester(state=rq["state"], office=rq["office"], person=rq["person"])
    date = dt.date.fromisoformat(rq["date"])
    if scenario.case is None:
        rf = RequestFile(
            kind="request",
            id=rq["id"],
            organization=scenario.organization.id,
            date=date,
            requester=requester,
            affected_state=rq["affected_state"],
            provisions_cited=rq["provisions_cited"],
            grounds=Grounds(propositions=rq["propositions"]),
            positions=positions,
        )
        return from_request_file(rf)
    request = Request(
        id=rq["id"],
        date=date,
        requester=requester,
        affected_state=rq["affected_state"],
        addressed_to=f"the organs of {scenario.organization.short_name} (exercise)",
        provisions_cited=rq["provisions_cited"],
        quote=rq.get("quote"),
        grounds=rq["grounds"],
        sources=[EXERCISE_SOURCE],
    )
    inv = from_case(scenario.case, request)
    return replace(
        inv,
        positions=dict(positions),
        position_sources=dict.fromkeys(positions, (EXERCISE_SOURCE,)),
        recorded=None,
    )


def evaluation(
    services: Services, exercise_id: str, scenario: Scenario, rq: dict[str, Any]
) -> Evaluation:
    """The request evaluated with its current positions. Cached for recorded requests: the
    event that filed one (its seq) fixes its content, so the same positions give the same
    evaluation; a draft (seq 0, not yet recorded) is evaluated afresh."""
    positions = current_positions(rq)

    def run() -> Evaluation:
        inv = invocation(scenario, rq, positions)
        return evaluate(services.world, inv, on=dt.date.fromisoformat(rq["date"]))

    if not rq.get("seq"):
        return run()
    key = (exercise_id, rq["id"], rq["seq"], tuple(sorted(positions.items())))
    result: Evaluation = services.evaluations.get(key, run)
    return result


class EngineJudge:
    """The engine's view of one exercise's scenario, for its commands (`casus.exercise.Judge`),
    through this service's caches."""

    def __init__(self, services: Services, exercise_id: str, scenario: Scenario) -> None:
        self.services = services
        self.exercise_id = exercise_id
        self.scenario = scenario

    def member(self, state: str, on: dt.date) -> bool:
        return may_take_part(self.services, self.scenario.organization, state, on)

    def evaluate(self, request: Mapping[str, Any]) -> Evaluation:
        return evaluation(self.services, self.exercise_id, self.scenario, dict(request))


def voters(services: Services, org: Organization, on: dt.date) -> list[dict[str, Any]]:
    """The members who sit in the organ on the date, with their status (for the board).
    Cached: the world does not change while the service runs, so neither do they."""
    found: tuple[dict[str, Any], ...] = services.voters.get((org.id, on), lambda: _voters(org, on))
    return [dict(v) for v in found]


def _voters(org: Organization, on: dt.date) -> tuple[dict[str, Any], ...]:
    names = {m.state: m.name for m in org.members}
    return tuple(
        [
            {
                "state": m.state,
                "name": names.get(m.state, m.state),
                "numeric": numeric(m.state),
                "status": m.status,
                "contested": m.contested,
            }
            for m in members_on(org, on)
            if m.status != "suspended"  # as the engine counts voters: suspended members do not sit
        ]
    )


def may_take_part(services: Services, org: Organization, state: str, on: dt.date) -> bool:
    """A state that is a member on the date (a contested or frozen status included: the engine
    weighs those; a state that never joined or has withdrawn cannot act)."""
    found: bool = services.voters.get(
        (org.id, state, on), lambda: membership_on(org, state, on).participates is not Value.NO
    )
    return found


def board(services: Services, exercise_id: str, scenario: Scenario, state: State) -> dict[str, Any]:
    """The positions board: per request, every member's current position and the outcome the
    engine computes from them now."""
    rows = []
    for rq in state["requests"]:
        ev = evaluation(services, exercise_id, scenario, rq)
        current = {p["state"]: p for p in rq["positions"]}
        members = []
        for m in voters(services, scenario.organization, dt.date.fromisoformat(rq["date"])):
            p = current.get(m["state"])
            members.append(
                {
                    **m,
                    "position": None if p is None else p["position"],
                    "changes": 0 if p is None else p["changes"],
                    "seq": None if p is None else p["seq"],
                }
            )
        counts: dict[str, int] = {}
        for p in rq["positions"]:
            counts[p["position"]] = counts.get(p["position"], 0) + 1
        rows.append(
            {
                "request": rq["id"],
                "requester": rq["state"],
                "date": rq["date"],
                "status": rq["status"],
                "members": members,
                "counts": counts,
                "outcome": {
                    "computed": ev.outcome["computed"],
                    "value": ev.outcome["value"],
                    "entitled": ev.entitled.value,
                    "vote": None if ev.vote is None else ev.vote.outcome,
                },
                "closed": rq["closed"],
            }
        )
    return {
        "exercise": exercise_id,
        "seq": state["seq"],
        "clock": state["clock"],
        "status": state["status"],
        "requests": rows,
    }


def redacted(state: State, viewer: Account | None) -> State:
    """The state with every private note the viewer may not read replaced by null."""
    out = copy.deepcopy(state)
    xid = out["id"]
    for rq in out["requests"]:
        if not sees_notes_of(viewer, xid, rq["state"]):
            rq["note"] = None
        for p in rq["positions"]:
            if not sees_notes_of(viewer, xid, p["state"]):
                p["note"] = None
    for k in out["pledges"]:
        if not sees_notes_of(viewer, xid, k["state"]):
            k["note"] = None
    return out


def redacted_payload(
    exercise_id: str, event_type: str, payload: dict[str, Any], viewer: Account | None
) -> dict[str, Any]:
    """An event's payload as the viewer may see it (a private note as null)."""
    if event_type == "request_filed":
        rq = payload["request"]
        if rq.get("note") is not None and not sees_notes_of(viewer, exercise_id, rq["state"]):
            return {**payload, "request": {**rq, "note": None}}
        return payload
    if payload.get("note") is not None and not sees_notes_of(
        viewer, exercise_id, payload.get("state")
    ):
        return {**payload, "note": None}
    return payload


def event_dict(event: Any, viewer: Account | None) -> dict[str, Any]:
    from casus.store.canonical import format_time

    data = event.data()
    return {
        "seq": event.seq,
        "type": event.type,
        "author": event.author,
        "recorded_at": format_time(event.recorded_at),
        "command_id": event.command_id,
        "hash": event.hash,
        "prev_hash": event.prev_hash,
        "summary": summary(event.type, data),
        "payload": redacted_payload(event.case_id, event.type, data, viewer),
    }


def view(
    services: Services, record: ExerciseRecord, viewer: Account | None, state: State | None = None
) -> dict[str, Any]:
    """The exercise as the viewer may see it, each request with its evaluation."""
    scenario = scenario_of(services, record)
    state = record.state if state is None else state
    shown = redacted(state, viewer)
    for rq_shown, rq in zip(shown["requests"], state["requests"], strict=True):
        rq_shown["evaluation"] = evaluation(services, record.exercise_id, scenario, rq).to_dict()
    org = scenario.organization
    return {
        "id": record.exercise_id,
        "title": record.title,
        "organization": {"id": org.id, "name": org.name, "short_name": org.short_name},
        "source_case": record.source_case,
        "start": shown["start"],
        "clock": shown["clock"],
        "status": shown["status"],
        "created_by": record.created_by,
        "head": {"seq": record.head_seq, "hash": record.head_hash},
        "participants": participants(services, shown),
        "requests": shown["requests"],
        "pledges": shown["pledges"],
        "members": voters(services, org, dt.date.fromisoformat(shown["clock"])),
        "board": board(services, record.exercise_id, scenario, state),
    }


def participants(services: Services, state: State) -> list[dict[str, Any]]:
    """The participants, each with its token's status now (`active`, `revoked`, `expired`):
    the log holds a token as its digest and expiry only."""
    now = services.store.clock()
    return [{**p, "token_status": token_status(p.get("token"), now)} for p in state["participants"]]


def report_html(doc: dict[str, Any]) -> str:
    """The after-action report as one self-contained HTML page."""
    from casus.report.html import render_after_action

    return render_after_action(doc)


def report(services: Services, record: ExerciseRecord, viewer: Account | None) -> dict[str, Any]:
    """The after-action report: each exercise request beside the recorded request it stands
    for (the source case's request by the same state, else its first), and the differences."""
    scenario = scenario_of(services, record)
    state = record.state
    case = scenario.case
    recorded_evals: dict[str, Evaluation] = {}
    if case is not None:
        for rq in case.requests:
            recorded_evals[rq.id] = evaluate(services.world, from_case(case, rq))
    items = []
    for rq in state["requests"]:
        ev = evaluation(services, record.exercise_id, scenario, rq)
        mine = current_positions(rq)
        entry: dict[str, Any] = {
            "exercise": {
                "request": rq["id"],
                "date": rq["date"],
                "requester": {"state": rq["state"], "office": rq["office"], "person": rq["person"]},
                "provisions_cited": rq["provisions_cited"],
                "positions": mine,
                "changes": {p["state"]: p["changes"] for p in rq["positions"]},
                "status": rq["status"],
                "outcome": ev.outcome["computed"],
                "value": ev.outcome["value"],
                "entitled": ev.entitled.value,
                "explanation": ev.explanation.to_dict(),
            },
            "recorded": None,
            "differences": [],
        }
        match = None
        if case is not None:
            same = [r for r in case.requests if r.requester.state == rq["state"]]
            match = (same or list(case.requests))[0]
        if match is not None:
            rec_ev = recorded_evals[match.id]
            rec_positions = (
                {p.state: p.position for p in match.decision.positions} if match.decision else {}
            )
            entry["recorded"] = {
                "request": match.id,
                "date": match.date.isoformat(),
                "requester": {
                    "state": match.requester.state,
                    "office": match.requester.office,
                    "person": match.requester.person,
                },
                "provisions_cited": list(match.provisions_cited),
                "positions": rec_positions,
                "outcome": match.decision.outcome if match.decision else None,
                "computed": rec_ev.outcome["computed"],
            }
            entry["differences"] = _differences(rq, mine, ev, match, rec_positions, rec_ev)
        items.append(entry)
    pledged = {k["state"]: k for k in redacted(state, viewer)["pledges"]}
    contingents = (
        [k.state for k in case.force.contingents] if case is not None and case.force else []
    )
    verified = services.exercises.verify(record.exercise_id)[0][2]
    timeline = [
        {k: e[k] for k in ("seq", "type", "author", "recorded_at", "summary")}
        for e in (event_dict(x, viewer) for x in services.exercises.events(record.exercise_id))
    ]
    return {
        "exercise": record.exercise_id,
        "title": record.title,
        "source_case": record.source_case,
        "organization": record.organization,
        "status": state["status"],
        "start": state["start"],
        "clock": state["clock"],
        "participants": [
            {k: p.get(k) for k in ("account", "name", "role", "state", "token_status")}
            for p in participants(services, state)
        ],
        "requests": items,
        "events": timeline,
        "pledges": {
            "exercise": list(pledged.values()),
            "recorded_contingents": contingents,
            "only_in_exercise": sorted(set(pledged) - set(contingents)),
            "only_in_record": sorted(set(contingents) - set(pledged)) if case else [],
        },
        "log": {
            "events": record.head_seq,
            "head": record.head_hash,
            "chain": "ok" if verified is None else verified.message(),
        },
    }


def _differences(
    rq: dict[str, Any],
    mine: dict[str, str],
    ev: Evaluation,
    match: Request,
    rec_positions: Mapping[str, str],
    rec_ev: Evaluation,
) -> list[str]:
    out = []
    if rq["date"] != match.date.isoformat():
        out.append(f"filed on {rq['date']}; the recorded request is of {match.date.isoformat()}")
    if rq["office"] != match.requester.office:
        out.append(
            f"filed by the {rq['office'].replace('_', ' ')}; recorded: the "
            f"{match.requester.office.replace('_', ' ')}"
        )
    if sorted(rq["provisions_cited"]) != sorted(match.provisions_cited):
        out.append(
            f"cited {', '.join(rq['provisions_cited']) or 'no provision'}; recorded: "
            f"{', '.join(match.provisions_cited) or 'none'}"
        )
    for state in sorted(set(mine) | set(rec_positions)):
        a, b = mine.get(state), rec_positions.get(state)
        if a != b:
            out.append(f"{state}: {a or 'no position'} in the exercise; recorded: {b or 'none'}")
    computed = ev.outcome["computed"]
    if computed != rec_ev.outcome["computed"]:
        out.append(
            f"outcome: {computed.replace('_', ' ')} in the exercise; the engine gives "
            f"{rec_ev.outcome['computed'].replace('_', ' ')} on the record"
        )
    return out
