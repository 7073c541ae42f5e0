"""Exercises: created and managed by a facilitator, played by delegations, watched by
observers. Every change is an event in the exercise's log, authored by the caller's account,
recorded under the caller's `Idempotency-Key` (so a retry never records twice), and checked
twice: here (who may do it, what the treaties allow: the engine) and by the log's fold (the
order of things: one position per question, only on an open decision, the clock only forward).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import secrets
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Response, status
from pydantic_core import to_json
from starlette.concurrency import run_in_threadpool

from casus.api import play
from casus.api.auth import (
    Caller,
    Facilitator,
    IdempotencyKey,
    check_delegation,
    check_manage,
    check_read,
    command_id,
)
from casus.api.errors import AUTHED, WRITES, ApiError
from casus.api.schemas import (
    AccountOut,
    ClockMove,
    EventOut,
    Exercise,
    ExerciseSummary,
    Invitation,
    Log,
    Mutation,
    NewExercise,
    NewParticipant,
    NewPledge,
    NewPosition,
    NewRequest,
    PositionResult,
)
from casus.api.services import Services, get_services
from casus.model.common import Value
from casus.store.accounts import Account, insert_account, prepare
from casus.store.canonical import model_text, sha256_text
from casus.store.exercise_fold import find_request
from casus.store.exercises import Creation, ExerciseCommand, ExerciseRecord
from casus.store.store import Appended

router = APIRouter(prefix="/api/exercises", tags=["exercises"])
ServicesDep = Annotated[Services, Depends(get_services)]
ExerciseId = Annotated[str, Path(max_length=80, description="The exercise, e.g. ex-1a2b3c4d5e.")]
RequestId = Annotated[str, Path(max_length=80, description="A request filed in the exercise.")]


def _derived(prefix: str, command: str, size: int) -> str:
    """An id derived from the idempotency id, so that a retry names the same thing."""
    return f"{prefix}{hashlib.sha256(command.encode()).hexdigest()[:size]}"


def _record(services: Services, exercise_id: str) -> ExerciseRecord:
    return services.exercises.get(exercise_id)


def _events(appended: list[Appended], viewer: Account) -> list[EventOut]:
    return [EventOut(**play.event_dict(a.event, viewer)) for a in appended]


def _mutation(
    services: Services, exercise_id: str, appended: list[Appended], viewer: Account
) -> Mutation:
    services.hub.publish_threadsafe(exercise_id)
    record = _record(services, exercise_id)
    return Mutation(
        recorded=any(a.recorded for a in appended),
        events=_events(appended, viewer),
        exercise=Exercise(**play.view(services, record, viewer)),
    )


def _replayed(services: Services, command: str) -> Appended | None:
    """The event a retry of this command recorded already, if any."""
    earlier = services.exercises.by_command(command)
    return None if earlier is None else Appended(earlier, recorded=False)


def _replayed_in(
    services: Services,
    exercise_id: str,
    command: str,
    kinds: tuple[str, ...],
    expected: dict[str, Any] | None = None,
) -> Appended | None:
    """The event a retry of this command recorded already, if any; a conflict if the key was
    used for something else (another exercise, another kind of change, other values)."""
    earlier = _replayed(services, command)
    if earlier is None:
        return None
    data = earlier.event.data()
    if earlier.event.type == "request_filed":
        data = data["request"]
    if (
        earlier.event.case_id != exercise_id
        or earlier.event.type not in kinds
        or any(data.get(k) != v for k, v in (expected or {}).items())
    ):
        raise ApiError(
            409,
            "conflict",
            "the Idempotency-Key was already used for another change "
            f"(event #{earlier.event.seq} of exercise {earlier.event.case_id}, "
            f"{earlier.event.type})",
            "Idempotency-Key",
        )
    return earlier


# --- creating and reading -------------------------------------------------------------------


@router.post(
    "",
    operation_id="createExercise",
    status_code=status.HTTP_201_CREATED,
    response_model=Mutation,
    responses=WRITES,
)
def create_exercise(
    body: NewExercise, account: Facilitator, services: ServicesDep, key: IdempotencyKey = None
) -> Mutation:
    """Create an exercise from a built-in or imported case, or a blank scenario on an
    organization and a date (facilitators only). The creator manages it."""
    command = command_id(account, key)
    earlier = _replayed(services, command)
    if earlier is not None:
        data = earlier.event.data()
        if earlier.event.type != "exercise_created" or data.get("source_case") != body.case:
            raise ApiError(
                409,
                "conflict",
                "the Idempotency-Key was already used for another change",
                "Idempotency-Key",
            )
        return _mutation(services, earlier.event.case_id, [earlier], account)
    if (body.case is None) == (body.organization is None):
        raise ApiError(
            422, "invalid", "give either a case or an organization (a blank scenario)", "body.case"
        )
    scenario_text: str | None = None
    if body.case is not None:
        case, _ = services.case(body.case)
        organization = case.organization
        start = body.on or min(r.date for r in case.requests)
        title = body.title or f"Exercise: {case.title}"
        scenario_text = model_text(case)
    else:
        assert body.organization is not None
        org = services.world.organizations.get(body.organization)
        if org is None:
            known = ", ".join(sorted(services.world.organizations))
            raise ApiError(
                422,
                "invalid",
                f"no organization '{body.organization}' (known: {known})",
                "body.organization",
            )
        if body.on is None:
            raise ApiError(422, "invalid", "a blank scenario needs a date: on", "body.on")
        organization, start = org.id, body.on
        title = body.title or f"Exercise on {org.short_name}, {start.isoformat()}"
    exercise_id = _derived("ex-", command, 10) if key is not None else f"ex-{secrets.token_hex(5)}"
    payload = {
        "title": title,
        "organization": organization,
        "source_case": body.case,
        "start": start.isoformat(),
        "scenario_sha256": None if scenario_text is None else sha256_text(scenario_text),
    }
    appended = services.exercises.append_many(
        exercise_id,
        [ExerciseCommand("exercise_created", payload, account.author, command)],
        creation=Creation(title, organization, body.case, scenario_text),
    )
    return _mutation(services, exercise_id, appended, account)


@router.get(
    "", operation_id="listExercises", response_model=list[ExerciseSummary], responses=AUTHED
)
def list_exercises(account: Caller, services: ServicesDep) -> list[ExerciseSummary]:
    """The exercises the caller may read."""
    from casus.api.auth import may_read

    return [
        ExerciseSummary(
            id=r.exercise_id,
            title=r.title,
            organization=r.organization,
            source_case=r.source_case,
            status=r.state["status"],
            clock=r.state["clock"],
            created_by=r.created_by,
            events=r.head_seq,
        )
        for r in services.exercises.all()
        if may_read(account, r)
    ]


@router.get("/{exercise_id}", operation_id="getExercise", response_model=Exercise, responses=AUTHED)
def get_exercise(exercise_id: ExerciseId, account: Caller, services: ServicesDep) -> Exercise:
    """The exercise as the caller may see it: participants, clock, requests each with the
    engine's evaluation (citations included), pledges, and the positions board."""
    record = _record(services, exercise_id)
    check_read(account, record)
    return Exercise(**play.view(services, record, account))


@router.get(
    "/{exercise_id}/log", operation_id="getExerciseLog", response_model=Log, responses=AUTHED
)
def get_log(
    exercise_id: ExerciseId,
    account: Caller,
    services: ServicesDep,
    after: Annotated[int, Query(ge=0, le=2**31, description="Only events after this one.")] = 0,
) -> Log:
    """The exercise's events, oldest first: who did what, when, with the hash chain (private
    notes of others as null)."""
    record = _record(services, exercise_id)
    check_read(account, record)
    events = services.exercises.events(exercise_id, after=after)
    return Log(
        exercise=exercise_id, events=[EventOut(**play.event_dict(e, account)) for e in events]
    )


@router.get(
    "/{exercise_id}/report",
    operation_id="getExerciseReport",
    response_model=dict[str, Any],
    responses=AUTHED,
)
def get_report(exercise_id: ExerciseId, account: Caller, services: ServicesDep) -> dict[str, Any]:
    """The after-action report: each request of the exercise beside the recorded request of
    the case it was run from (positions, outcome, the differences), the pledges beside the
    recorded contingents, and whether the exercise's log verifies."""
    record = _record(services, exercise_id)
    check_read(account, record)
    return play.report(services, record, account)


# --- facilitating ---------------------------------------------------------------------------


@router.post(
    "/{exercise_id}/participants",
    operation_id="inviteParticipant",
    status_code=status.HTTP_201_CREATED,
    response_model=Invitation,
    responses=WRITES,
)
def invite(
    exercise_id: ExerciseId,
    body: NewParticipant,
    account: Caller,
    services: ServicesDep,
    key: IdempotencyKey = None,
) -> Invitation:
    """Invite a delegation (bound to one state) or an observer. The answer holds the
    participant's token: shown once, never again."""
    record = _record(services, exercise_id)
    check_manage(account, record)
    command = command_id(account, key)
    expected = {"name": body.name, "role": body.role, "state": body.state}
    earlier = _replayed_in(services, exercise_id, command, ("participant_invited",), expected)
    if earlier is not None:
        p = earlier.event.data()
        invited = services.accounts.get(p["account"])
        assert invited is not None
        done = _mutation(services, exercise_id, [earlier], account)
        return Invitation(
            **done.model_dump(), participant=AccountOut(**invited.to_dict()), token=None
        )
    if body.role == "delegation":
        if body.state is None:
            raise ApiError(422, "invalid", "a delegation needs its state", "body.state")
        org = services.world.organizations[record.organization]
        if not play.may_take_part(
            services, org, body.state, dt.date.fromisoformat(record.state["clock"])
        ):
            raise ApiError(
                422,
                "not_a_member",
                f"{body.state} is not a member of {org.short_name} on {record.state['clock']}",
                "body.state",
            )
    elif body.state is not None:
        raise ApiError(422, "invalid", "an observer is not bound to a state", "body.state")
    new = prepare(
        name=body.name,
        role=body.role,
        created_by=account.author,
        now=services.store.clock(),
        state=body.state,
        exercise_id=exercise_id,
        account_id=_derived("acc-", command, 12) if key is not None else None,
    )
    payload = {
        "account": new.account.account_id,
        "name": new.account.name,
        "role": body.role,
        "state": body.state,
    }
    appended = services.exercises.append_many(
        exercise_id,
        [ExerciseCommand("participant_invited", payload, account.author, command)],
        alongside=lambda conn: insert_account(conn, new),
    )
    done = _mutation(services, exercise_id, appended, account)
    return Invitation(
        **done.model_dump(),
        participant=AccountOut(**new.account.to_dict()),
        token=new.token if appended[0].recorded else None,
    )


@router.post(
    "/{exercise_id}/clock",
    operation_id="advanceClock",
    response_model=Mutation,
    responses=WRITES,
)
def advance_clock(
    exercise_id: ExerciseId,
    body: ClockMove,
    account: Caller,
    services: ServicesDep,
    key: IdempotencyKey = None,
) -> Mutation:
    """Move the exercise's date forward (never back: the past is not changed)."""
    record = _record(services, exercise_id)
    check_manage(account, record)
    command = command_id(account, key)
    earlier = _replayed_in(
        services, exercise_id, command, ("clock_advanced",), {"to": body.to.isoformat()}
    )
    if earlier is not None:
        return _mutation(services, exercise_id, [earlier], account)
    if body.to.isoformat() <= record.state["clock"]:
        raise ApiError(
            409,
            "clock_backwards",
            f"the clock only moves forward: it reads {record.state['clock']}",
            "body.to",
        )
    appended = services.exercises.append_many(
        exercise_id,
        [ExerciseCommand("clock_advanced", {"to": body.to.isoformat()}, account.author, command)],
    )
    return _mutation(services, exercise_id, appended, account)


@router.post(
    "/{exercise_id}/requests/{request_id}/close",
    operation_id="closeDecision",
    response_model=Mutation,
    responses=WRITES,
)
def close_decision(
    exercise_id: ExerciseId,
    request_id: RequestId,
    account: Caller,
    services: ServicesDep,
    key: IdempotencyKey = None,
) -> Mutation:
    """Close the decision on a request: the positions are final, and the outcome the engine
    computes from them is recorded."""
    record = _record(services, exercise_id)
    check_manage(account, record)
    command = command_id(account, key)
    earlier = _replayed_in(
        services, exercise_id, command, ("decision_closed",), {"request": request_id}
    )
    if earlier is not None:
        return _mutation(services, exercise_id, [earlier], account)
    rq = _request(record, request_id)
    if rq["status"] != "open":
        raise ApiError(409, "decision_closed", f"the decision on {request_id} is already closed")
    ev = play.evaluation(services, exercise_id, play.scenario_of(services, record), rq)
    payload = {
        "request": request_id,
        "outcome": ev.outcome["computed"],
        "value": ev.outcome["value"],
    }
    appended = services.exercises.append_many(
        exercise_id, [ExerciseCommand("decision_closed", payload, account.author, command)]
    )
    return _mutation(services, exercise_id, appended, account)


@router.post(
    "/{exercise_id}/end", operation_id="endExercise", response_model=Mutation, responses=WRITES
)
def end_exercise(
    exercise_id: ExerciseId, account: Caller, services: ServicesDep, key: IdempotencyKey = None
) -> Mutation:
    """End the exercise: every open decision is closed with its computed outcome, and nothing
    more can be recorded."""
    record = _record(services, exercise_id)
    check_manage(account, record)
    command = command_id(account, key)
    earlier = _replayed_in(services, exercise_id, command, ("exercise_ended",))
    if earlier is not None:
        return _mutation(services, exercise_id, [earlier], account)
    if record.state["status"] == "ended":
        raise ApiError(409, "ended", f"exercise {exercise_id} has ended already")
    scenario = play.scenario_of(services, record)
    commands = []
    for i, rq in enumerate(r for r in record.state["requests"] if r["status"] == "open"):
        ev = play.evaluation(services, exercise_id, scenario, rq)
        payload = {
            "request": rq["id"],
            "outcome": ev.outcome["computed"],
            "value": ev.outcome["value"],
        }
        commands.append(
            ExerciseCommand("decision_closed", payload, account.author, f"{command}#close{i}")
        )
    commands.append(ExerciseCommand("exercise_ended", {}, account.author, command))
    appended = services.exercises.append_many(exercise_id, commands)
    return _mutation(services, exercise_id, appended, account)


# --- playing --------------------------------------------------------------------------------


def _request(record: ExerciseRecord, request_id: str) -> dict[str, Any]:
    rq = find_request(record.state, request_id)
    if rq is None:
        raise ApiError(
            404, "not_found", f"no request '{request_id}' in exercise {record.exercise_id}"
        )
    return rq


def _running(record: ExerciseRecord) -> None:
    if record.state["status"] == "ended":
        raise ApiError(409, "ended", f"exercise {record.exercise_id} has ended")


@router.post(
    "/{exercise_id}/requests",
    operation_id="fileRequest",
    status_code=status.HTTP_201_CREATED,
    response_model=Mutation,
    responses=WRITES,
)
def file_request(
    exercise_id: ExerciseId,
    body: NewRequest,
    account: Caller,
    services: ServicesDep,
    key: IdempotencyKey = None,
) -> Mutation:
    """File a request on the delegation's own state's behalf, on the exercise's date. The
    engine evaluates it first: a request from an office the provision does not entitle (or
    from a state not entitled to invoke it) is refused with the engine's explanation
    (`not_entitled`); otherwise it is recorded, the decision on it opens, and the requester's
    support is recorded with it."""
    record = _record(services, exercise_id)
    state = check_delegation(account, record.exercise_id, body.state)
    command = command_id(account, key)
    expected: dict[str, Any] = {
        "office": body.office,
        "provisions_cited": list(body.provisions_cited),
        "grounds": list(body.grounds),
        "propositions": dict(body.propositions),
        "quote": body.quote,
        "note": body.note,
    }
    if body.id is not None:
        expected["id"] = body.id
    earlier = _replayed_in(services, exercise_id, command, ("request_filed",), expected)
    if earlier is not None:
        return _mutation(services, exercise_id, [earlier], account)
    _running(record)
    scenario = play.scenario_of(services, record)
    clock = record.state["clock"]
    if not play.may_take_part(services, scenario.organization, state, dt.date.fromisoformat(clock)):
        raise ApiError(
            403,
            "not_a_member",
            f"{state} is not a member of {scenario.organization.short_name} on {clock}",
        )
    if scenario.case is None:
        if body.grounds:
            raise ApiError(
                422,
                "invalid",
                "a blank scenario has no claims to cite: use propositions",
                "body.grounds",
            )
    else:
        if body.propositions:
            raise ApiError(
                422,
                "invalid",
                f"the facts of this exercise are the claims of case {record.source_case}: "
                "cite them as grounds",
                "body.propositions",
            )
        known = {c.id for c in scenario.case.claims}
        unknown = [g for g in body.grounds if g not in known]
        if unknown:
            raise ApiError(422, "invalid", f"no claim '{unknown[0]}' in the case", "body.grounds")
    existing = {r["id"] for r in record.state["requests"]}
    request_id = body.id or f"r{len(existing) + 1}"
    if request_id in existing:
        raise ApiError(409, "conflict", f"request '{request_id}' is already filed", "body.id")
    rq = {
        "id": request_id,
        "date": clock,
        "state": state,
        "office": body.office,
        "person": body.person or account.name,
        "affected_state": body.affected_state or state,
        "provisions_cited": list(body.provisions_cited),
        "grounds": list(body.grounds),
        "propositions": dict(body.propositions),
        "quote": body.quote,
        "note": body.note,
    }
    support = {
        "request": request_id,
        "state": state,
        "position": "support",
        "basis": f"{state} filed the request",
        "note": None,
    }
    draft = {**rq, "seq": 0, "positions": [{**support, "changes": 0}]}
    ev = play.evaluation(services, exercise_id, scenario, draft)
    if ev.entitled is Value.NO:
        raise ApiError(
            422,
            "not_entitled",
            f"the engine finds {state} not entitled to make this request: "
            + "; ".join(play.reasons_refused(ev)),
            "body.office",
            {"evaluation": ev.to_dict()},
        )
    appended = services.exercises.append_many(
        exercise_id,
        [
            ExerciseCommand("request_filed", {"request": rq}, account.author, command),
            ExerciseCommand("position_cast", support, account.author, f"{command}#support"),
        ],
    )
    return _mutation(services, exercise_id, appended, account)


@router.post(
    "/{exercise_id}/requests/{request_id}/positions",
    operation_id="castPosition",
    response_model=PositionResult,
    responses=WRITES,
)
async def cast_position(
    exercise_id: ExerciseId,
    request_id: RequestId,
    body: NewPosition,
    account: Caller,
    services: ServicesDep,
    key: IdempotencyKey = None,
) -> Response:
    """Cast the delegation's position on an open decision, or change it (the change supersedes
    the earlier position; both stay in the log). Answers with the request evaluated anew."""
    state = check_delegation(account, exercise_id, body.state)
    command = command_id(account, key)
    payload = {
        "request": request_id,
        "state": state,
        "position": body.position,
        "basis": body.basis or f"the delegation of {state} in the exercise",
        "note": body.note,
    }
    _, cached = services.scenarios.peek(exercise_id)
    scenario = (
        cached
        if isinstance(cached, play.Scenario)
        else await run_in_threadpool(play.scenario_for, services, exercise_id)
    )

    def build(now: dict[str, Any]) -> list[ExerciseCommand]:
        # Under the write lock: whether the position is a first cast or a change, and whether
        # the decision is still open, cannot change before the append.
        if now["status"] == "ended":
            raise ApiError(409, "ended", f"exercise {exercise_id} has ended")
        rq = find_request(now, request_id)
        if rq is None:
            raise ApiError(404, "not_found", f"no request '{request_id}' in exercise {exercise_id}")
        if rq["status"] != "open":
            raise ApiError(
                409,
                "decision_closed",
                f"the decision on {request_id} is closed: positions are final",
            )
        if not play.may_take_part(
            services, scenario.organization, state, dt.date.fromisoformat(rq["date"])
        ):
            raise ApiError(
                403,
                "not_a_member",
                f"{state} is not a member of {scenario.organization.short_name} on {rq['date']}",
            )
        cast = any(p["state"] == state for p in rq["positions"])
        kind = "position_changed" if cast else "position_cast"
        return [ExerciseCommand(kind, payload, account.author, command)]

    # The write goes to the group writer, which records the positions queued meanwhile in one
    # transaction (one commit for many); the rest runs here, on the event loop.
    done = await asyncio.wrap_future(services.writer.submit(exercise_id, command, build))
    if done.state is not None:
        services.hub.publish_threadsafe(exercise_id)
        now = done.state  # the state the append folded: not read back (the hot path)
    else:
        # A retry: what was recorded under this key must be what is asked now.
        expected = {"request": request_id, "position": body.position, "note": body.note}
        if body.basis is not None:
            expected["basis"] = body.basis
        await run_in_threadpool(
            _replayed_in,
            services,
            exercise_id,
            command,
            ("position_cast", "position_changed"),
            expected,
        )
        now = (await run_in_threadpool(_record, services, exercise_id)).state
    rq = find_request(now, request_id)
    assert rq is not None
    ev = play.evaluation(services, exercise_id, scenario, rq)
    # Answered as built, without validating it against the response model again, and encoded
    # by pydantic-core's JSON writer: this is the busiest call (the schema tests check the
    # shape of what it answers).
    doc = {
        "recorded": done.appended[0].recorded,
        "events": [play.event_dict(a.event, account) for a in done.appended],
        "evaluation": ev.to_dict(),
        "board": play.board(services, exercise_id, scenario, now),
    }
    return Response(to_json(doc), media_type="application/json")


@router.post(
    "/{exercise_id}/pledges",
    operation_id="makePledge",
    status_code=status.HTTP_201_CREATED,
    response_model=Mutation,
    responses=WRITES,
)
def make_pledge(
    exercise_id: ExerciseId,
    body: NewPledge,
    account: Caller,
    services: ServicesDep,
    key: IdempotencyKey = None,
) -> Mutation:
    """Pledge a contingent to the force, on the delegation's own state's behalf (once)."""
    record = _record(services, exercise_id)
    state = check_delegation(account, record.exercise_id, body.state)
    command = command_id(account, key)
    units = [u.strip() for u in body.units if u.strip()]
    expected = {"units": units, "personnel": body.personnel, "note": body.note}
    earlier = _replayed_in(services, exercise_id, command, ("pledge_made",), expected)
    if earlier is not None:
        return _mutation(services, exercise_id, [earlier], account)
    _running(record)
    if any(k["state"] == state for k in record.state["pledges"]):
        raise ApiError(409, "conflict", f"{state} has already pledged a contingent")
    payload = {
        "state": state,
        "units": units,
        "personnel": body.personnel,
        "note": body.note,
    }
    appended = services.exercises.append_many(
        exercise_id, [ExerciseCommand("pledge_made", payload, account.author, command)]
    )
    return _mutation(services, exercise_id, appended, account)
