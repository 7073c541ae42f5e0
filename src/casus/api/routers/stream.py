"""The event stream of an exercise (server-sent events): each new event of its log as it is
recorded, by whichever server process, with the positions board after it.

Messages are unnamed SSE events (an EventSource's `onmessage` gets them), each with `id:` the
event's number, so that a reconnecting browser resumes after the last one it saw
(`Last-Event-ID`). The first message is a `snapshot` of the board; then one per event:

    id: 7
    data: {"type": "position_cast", "seq": 7, "author": "...", "summary": "...", "board": {...}}

Comments (`: keep-alive`) are sent every heartbeat. `follow=false` sends what is there and ends
(for scripts and tests).

A token is never taken in the URL: scripts send `Authorization: Bearer TOKEN`; a browser's
EventSource, which cannot, first asks `POST …/events/ticket` (with the header) for a ticket
good once, for a few seconds, and opens `…/events?ticket=TICKET`.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, Path, Query, Request, status
from fastapi.responses import StreamingResponse
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from casus.api import play
from casus.api.auth import Caller, check_read, stream_account, tickets_of
from casus.api.errors import AUTHED, ErrorResponse
from casus.api.services import Services, get_services
from casus.store.accounts import Account
from casus.store.exercise_fold import apply
from casus.store.exercises import ExerciseRecord, fold_events

router = APIRouter(prefix="/api/exercises", tags=["exercises"])


def _message(data: dict[str, Any], seq: int | None) -> str:
    head = f"id: {seq}\n" if seq is not None else ""
    return f"{head}data: {json.dumps(data, ensure_ascii=False, separators=(',', ':'))}\n\n"


class _Follower:
    """One stream's position in the log and the exercise's state as of that position."""

    def __init__(self, services: Services, record: ExerciseRecord, viewer: Account) -> None:
        self.services = services
        self.record = record
        self.viewer = viewer
        self.scenario = play.scenario_of(services, record)
        self.state: dict[str, Any] | None = None
        self.seq = 0

    def start(self, after: int | None) -> list[str]:
        """Fold the log up to the head (or up to `after`, then send what follows)."""
        events = self.services.exercises.events(self.record.exercise_id)
        upto = len(events) if after is None else min(after, len(events))
        self.state = fold_events(self.record.exercise_id, events[:upto])
        self.seq = upto
        out = []
        if self.state is not None:
            out.append(
                _message(
                    {
                        "type": "snapshot",
                        "seq": self.seq,
                        "board": self._board(),
                    },
                    None,
                )
            )
        out.extend(self._apply(events[upto:]))
        return out

    def _board(self) -> dict[str, Any]:
        assert self.state is not None
        return play.board(self.services, self.record.exercise_id, self.scenario, self.state)

    def _apply(self, events: list[Any]) -> list[str]:
        out = []
        for e in events:
            if e.seq != self.seq + 1:
                continue  # already sent
            self.state = apply(self.state, e.case_id, e.type, e.data(), e.author, e.seq)
            self.seq = e.seq
            item = play.event_dict(e, self.viewer)
            out.append(
                _message(
                    {
                        "type": e.type,
                        "seq": e.seq,
                        "author": e.author,
                        "recorded_at": item["recorded_at"],
                        "summary": item["summary"],
                        "payload": item["payload"],
                        "board": self._board(),
                    },
                    e.seq,
                )
            )
        return out

    def more(self) -> list[str]:
        events = self.services.exercises.events(self.record.exercise_id, after=self.seq)
        return self._apply(events)


class StreamTicket(BaseModel):
    ticket: str = Field(description="Good once, for this exercise, for `expires_in` seconds.")
    expires_in: float = Field(description="Seconds the ticket stays good.")
    url: str = Field(description="The stream's URL with the ticket, to open at once.")


@router.post(
    "/{exercise_id}/events/ticket",
    operation_id="createStreamTicket",
    status_code=status.HTTP_201_CREATED,
    response_model=StreamTicket,
    responses={
        **AUTHED,
        429: {"model": ErrorResponse, "description": "Too many failed token attempts"},
    },
)
async def create_stream_ticket(
    request: Request,
    exercise_id: Annotated[str, Path(max_length=80)],
    account: Caller,
    services: Annotated[Services, Depends(get_services)],
) -> StreamTicket:
    """A single-use, short-lived ticket to open the exercise's event stream with (an
    EventSource cannot send the Authorization header, and a token never goes in a URL)."""
    record = await run_in_threadpool(services.exercises.get, exercise_id)
    check_read(account, record)
    tickets = tickets_of(request)
    ticket = tickets.issue(account, record.exercise_id)
    return StreamTicket(
        ticket=ticket,
        expires_in=tickets.seconds,
        url=f"/api/exercises/{record.exercise_id}/events?ticket={ticket}",
    )


@router.get(
    "/{exercise_id}/events",
    operation_id="streamExerciseEvents",
    responses={
        **AUTHED,
        200: {
            "description": "A text/event-stream of the exercise's events",
            "content": {"text/event-stream": {"schema": {"type": "string"}}},
        },
    },
    response_class=StreamingResponse,
)
async def stream_events(
    request: Request,
    exercise_id: Annotated[str, Path(max_length=80)],
    services: Annotated[Services, Depends(get_services)],
    ticket: Annotated[
        str | None,
        Query(
            max_length=200,
            description=(
                "A stream ticket from createStreamTicket, good once (an EventSource cannot "
                "send the Authorization header). A token is never accepted here."
            ),
        ),
    ] = None,
    after: Annotated[
        int | None, Query(ge=0, le=2**31, description="Send the events after this one first.")
    ] = None,
    follow: Annotated[bool, Query(description="Keep the stream open for new events.")] = True,
    last_event_id: Annotated[
        int | None, Header(alias="Last-Event-ID", ge=0, le=2**31, include_in_schema=False)
    ] = None,
) -> StreamingResponse:
    """Server-sent events: a snapshot of the board, then every new event of the exercise."""
    viewer = await run_in_threadpool(stream_account, request, services, exercise_id, ticket)
    record = await run_in_threadpool(services.exercises.get, exercise_id)
    check_read(viewer, record)
    follower = _Follower(services, record, viewer)
    start = last_event_id if last_event_id is not None else after
    first = await run_in_threadpool(follower.start, start)
    hub = services.hub
    heartbeat = services.settings.heartbeat

    async def messages() -> AsyncIterator[str]:
        for m in first:
            yield m
        if not follow:
            return
        yield f"retry: 2000\n: following exercise {exercise_id}\n\n"
        with hub.listening():
            while True:
                # Take the wake-up before reading, so an append in between is not missed.
                woken = hub.waiter(exercise_id)
                for m in await run_in_threadpool(follower.more):
                    yield m
                try:
                    await asyncio.wait_for(woken.wait(), timeout=heartbeat)
                except TimeoutError:
                    if await request.is_disconnected():
                        return
                    yield ": keep-alive\n\n"

    return StreamingResponse(
        messages(),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
    )
