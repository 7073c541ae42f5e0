"""Exercises: created and managed by a facilitator, played by delegations, watched by
observers. The rules are `casus.exercise`'s: each endpoint here parses the call, checks who may
make it, calls the command, and appends the events it answers to the exercise's log under the
caller's `Idempotency-Key` (so a retry never records twice), authored by the caller's account.
A command's refusal (`Refused`) becomes a 4xx with its code and field. The log's fold checks
the order of things again as it appends.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import secrets
from collections.abc import Callable, Sequence
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Response, status
from fastapi.responses import HTMLResponse
from pydantic_core import to_json
from sqlalchemy import Connection
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
from casus.exercise import commands
from casus.exercise.commands import NewEvent
from casus.exercise.errors import Refused
from casus.exercise.fold import State, find_request
from casus.store.accounts import (
    Account,
    NewAccount,
    insert_account,
    new_credential,
    prepare,
    replace_credential,
    revoke_credential,
)
from casus.store.canonical import model_text, sha256_text
from casus.store.exercises import Creation, ExerciseCommand, ExerciseRecord
from casus.store.store import Appended

router = APIRouter(prefix="/api/exercises", tags=["exercises"])
ServicesDep = Annotated[Services, Depends(get_services)]
ExerciseId = Annotated[str, Path(max_length=80, description="The exercise, e.g. ex-1a2b3c4d5e.")]
RequestId = Annotated[str, Path(max_length=80, description="A request filed in the exercise.")]
AccountId = Annotated[
    str, Path(max_length=40, description="A participant's account, e.g. acc-1a2b3c4d5e6f.")
]

#: The status each kind of refusal answers with.
_STATUS = {"invalid": 422, "forbidden": 403, "not_found": 404, "conflict": 409}


def _refused(e: Refused) -> ApiError:
    return ApiError(_STATUS[e.kind], e.code, e.message, e.field, e.detail)


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


def _to_log(events: Sequence[NewEvent], account: Account, command: str) -> list[ExerciseCommand]:
    return [ExerciseCommand(e.type, e.payload, account.author, command + e.suffix) for e in events]


def _run(
    services: Services,
    record: ExerciseRecord,
    account: Account,
    key: str | None,
    kinds: tuple[str, ...],
    expected: dict[str, Any] | None,
    plan: Callable[[State], Sequence[NewEvent]],
    alongside: Callable[[Connection], None] | None = None,
) -> tuple[list[Appended], bool]:
    """One command, the way every endpoint records one: a retry answers what was recorded
    under its key (True: a retry); otherwise the command plans its events from the state
    and they are appended (with `alongside`'s rows, in the same transaction)."""
    command = command_id(account, key)
    earlier = _replayed_in(services, record.exercise_id, command, kinds, expected)
    if earlier is not None:
        return [earlier], True
    try:
        planned = plan(record.state)
    except Refused as e:
        raise _refused(e) from None
    appended = services.exercises.append_many(
        record.exercise_id, _to_log(planned, account, command), alongside=alongside
    )
    return appended, False


def _judge(services: Services, record: ExerciseRecord) -> play.EngineJudge:
    return play.EngineJudge(services, record.exercise_id, play.scenario_of(services, record))


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
    case, scenario_text = None, None
    if body.case is not None and body.organization is None:
        case, _ = services.case(body.case)
        scenario_text = model_text(case)
    try:
        created = commands.create(
            case_id=body.case,
            case=case,
            organization_id=body.organization,
            organizations=services.world.organizations,
            on=body.on,
            title=body.title,
            scenario_sha256=None if scenario_text is None else sha256_text(scenario_text),
        )
    except Refused as e:
        raise _refused(e) from None
    exercise_id = _derived("ex-", command, 10) if key is not None else f"ex-{secrets.token_hex(5)}"
    appended = services.exercises.append_many(
        exercise_id,
        _to_log([created.event], account, command),
        creation=Creation(created.title, created.organization, created.source_case, scenario_text),
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
    """The exercise as the caller may see it: participants (each with its token's status:
    active, revoked or expired), clock, requests each with the engine's evaluation (citations
    included), pledges, and the positions board."""
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
    recorded contingents, the participants' tokens' status, and whether the exercise's log
    verifies."""
    record = _record(services, exercise_id)
    check_read(account, record)
    return play.report(services, record, account)


@router.get(
    "/{exercise_id}/report.html",
    operation_id="getExerciseReportPage",
    response_class=HTMLResponse,
    responses={
        # Errors are JSON here too: said so, since the page's own type is HTML.
        **{k: {**v, "content": {"application/json": {}}} for k, v in AUTHED.items()},
        200: {"content": {"text/html": {}}, "description": "The report page."},
    },
)
def get_report_page(
    exercise_id: ExerciseId,
    account: Caller,
    services: ServicesDep,
    download: Annotated[
        bool, Query(description="Answer as a file to save (Content-Disposition: attachment).")
    ] = False,
) -> HTMLResponse:
    """The after-action report as one self-contained HTML page (no script, no request), the
    same document as `getExerciseReport`; with `download=true`, as a file to keep."""
    record = _record(services, exercise_id)
    check_read(account, record)
    page = play.report_html(play.report(services, record, account))
    headers = (
        {"Content-Disposition": f'attachment; filename="{exercise_id}-after-action.html"'}
        if download
        else {}
    )
    return HTMLResponse(page, headers=headers)


# --- facilitating ---------------------------------------------------------------------------


def _invitation(
    services: Services,
    exercise_id: str,
    appended: list[Appended],
    account: Account,
    invited_id: str,
    token: str | None,
) -> Invitation:
    invited = services.accounts.get(invited_id)
    assert invited is not None
    done = _mutation(services, exercise_id, appended, account)
    return Invitation(**done.model_dump(), participant=AccountOut(**invited.to_dict()), token=token)


def _lifetime(services: Services) -> dt.timedelta:
    return dt.timedelta(days=services.settings.token_days)


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
    participant's token: shown once, never again. It expires after the service's token
    lifetime (`CASUS_TOKEN_DAYS`, 30 days by default)."""
    record = _record(services, exercise_id)
    check_manage(account, record)
    command = command_id(account, key)
    made: list[NewAccount] = []

    def plan(state: State) -> list[NewEvent]:
        judge, scenario = _judge(services, record), play.scenario_of(services, record)
        commands.may_invite(state, judge, scenario, role=body.role, member_state=body.state)
        new = prepare(
            name=body.name,
            role=body.role,
            created_by=account.author,
            now=services.store.clock(),
            state=body.state,
            exercise_id=exercise_id,
            account_id=_derived("acc-", command, 12) if key is not None else None,
            lifetime=_lifetime(services),
        )
        made.append(new)
        return [
            commands.invite(
                state,
                judge,
                scenario,
                account=new.account.account_id,
                name=new.account.name,
                role=body.role,
                member_state=body.state,
                credential=new.credential.logged(),
            )
        ]

    appended, _ = _run(
        services,
        record,
        account,
        key,
        ("participant_invited",),
        {"name": body.name, "role": body.role, "state": body.state},
        plan,
        alongside=lambda conn: insert_account(conn, made[0]),
    )
    invited = appended[0].event.data()["account"]
    token = made[0].token if made and appended[0].recorded else None
    return _invitation(services, exercise_id, appended, account, invited, token)


@router.post(
    "/{exercise_id}/participants/{account_id}/token",
    operation_id="reissueToken",
    status_code=status.HTTP_201_CREATED,
    response_model=Invitation,
    responses=WRITES,
)
def reissue_token(
    exercise_id: ExerciseId,
    account_id: AccountId,
    account: Caller,
    services: ServicesDep,
    key: IdempotencyKey = None,
) -> Invitation:
    """A new token for a participant (a delegation's token lost, say): shown once, in this
    answer. The participant's earlier token is refused from now on, by every server process
    within `token_recheck_seconds`; its positions and requests stay its own (same account)."""
    record = _record(services, exercise_id)
    check_manage(account, record)
    credential = new_credential(services.store.clock(), _lifetime(services))

    def plan(state: State) -> list[NewEvent]:
        return [commands.reissue_token(state, account_id, credential.logged())]

    appended, retry = _run(
        services,
        record,
        account,
        key,
        ("token_reissued",),
        {"account": account_id},
        plan,
        alongside=lambda conn: replace_credential(conn, account_id, credential),
    )
    services.tokens.clear()  # this process refuses the old token at once
    token = None if retry or not appended[0].recorded else credential.token
    return _invitation(services, exercise_id, appended, account, account_id, token)


@router.post(
    "/{exercise_id}/participants/{account_id}/revoke",
    operation_id="revokeToken",
    response_model=Mutation,
    responses=WRITES,
)
def revoke_token(
    exercise_id: ExerciseId,
    account_id: AccountId,
    account: Caller,
    services: ServicesDep,
    key: IdempotencyKey = None,
) -> Mutation:
    """Revoke a participant's token: refused from now on (by every server process within
    `token_recheck_seconds`), until a new one is reissued."""
    record = _record(services, exercise_id)
    check_manage(account, record)
    digest = services.accounts.digest_of(account_id) or "0" * 64
    now = services.store.clock()

    def plan(state: State) -> list[NewEvent]:
        return [commands.revoke_token(state, account_id, digest)]

    appended, _ = _run(
        services,
        record,
        account,
        key,
        ("token_revoked",),
        {"account": account_id},
        plan,
        alongside=lambda conn: revoke_credential(conn, account_id, now),
    )
    services.tokens.clear()
    return _mutation(services, exercise_id, appended, account)


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
    appended, _ = _run(
        services,
        record,
        account,
        key,
        ("clock_advanced",),
        {"to": body.to.isoformat()},
        lambda state: [commands.advance_clock(state, body.to)],
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
    appended, _ = _run(
        services,
        record,
        account,
        key,
        ("decision_closed",),
        {"request": request_id},
        lambda state: [commands.close_decision(state, _judge(services, record), request_id)],
    )
    return _mutation(services, exercise_id, appended, account)


@router.post(
    "/{exercise_id}/end", operation_id="endExercise", response_model=Mutation, responses=WRITES
)
def end_exercise(
    exercise_id: ExerciseId, account: Caller, services: ServicesDep, key: IdempotencyKey = None
) -> Mutation:
    """End the exercise: every open decision is closed with its computed outcome, and nothing
    more can be recorded (but a token may still be revoked or reissued)."""
    record = _record(services, exercise_id)
    check_manage(account, record)
    appended, _ = _run(
        services,
        record,
        account,
        key,
        ("exercise_ended",),
        None,
        lambda state: commands.end(state, _judge(services, record)),
    )
    return _mutation(services, exercise_id, appended, account)


# --- playing --------------------------------------------------------------------------------


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
    by = check_delegation(account, record.exercise_id, body.state)
    filing = commands.Filing(
        office=body.office,
        provisions_cited=list(body.provisions_cited),
        grounds=list(body.grounds),
        propositions=dict(body.propositions),
        quote=body.quote,
        note=body.note,
        id=body.id,
        person=body.person,
        affected_state=body.affected_state,
    )
    expected: dict[str, Any] = {
        "office": filing.office,
        "provisions_cited": list(filing.provisions_cited),
        "grounds": list(filing.grounds),
        "propositions": dict(filing.propositions),
        "quote": filing.quote,
        "note": filing.note,
    }
    if body.id is not None:
        expected["id"] = body.id

    def plan(state: State) -> list[NewEvent]:
        scenario = play.scenario_of(services, record)
        judge = _judge(services, record)
        return commands.file_request(
            state, judge, scenario, by=by, person=account.name, filing=filing
        )

    appended, _ = _run(services, record, account, key, ("request_filed",), expected, plan)
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
    by = check_delegation(account, exercise_id, body.state)
    command = command_id(account, key)
    payload = commands.position_payload(request_id, by, body.position, body.basis, body.note)
    _, cached = services.scenarios.peek(exercise_id)
    scenario = (
        cached
        if isinstance(cached, commands.Scenario)
        else await run_in_threadpool(play.scenario_for, services, exercise_id)
    )
    judge = play.EngineJudge(services, exercise_id, scenario)

    def build(now: State) -> list[ExerciseCommand]:
        # Under the write lock: whether the position is a first cast or a change, and whether
        # the decision is still open, cannot change before the append.
        return _to_log([commands.cast_position(now, judge, scenario, payload)], account, command)

    # The write goes to the group writer, which records the positions queued meanwhile in one
    # transaction (one commit for many); the rest runs here, on the event loop.
    try:
        done = await asyncio.wrap_future(services.writer.submit(exercise_id, command, build))
    except Refused as e:
        raise _refused(e) from None
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
    by = check_delegation(account, record.exercise_id, body.state)
    units = commands.pledge_units(body.units)
    expected = {"units": units, "personnel": body.personnel, "note": body.note}
    appended, _ = _run(
        services,
        record,
        account,
        key,
        ("pledge_made",),
        expected,
        lambda state: [
            commands.pledge(state, by=by, units=units, personnel=body.personnel, note=body.note)
        ],
    )
    return _mutation(services, exercise_id, appended, account)
