"""What an event is: its types, the shape of each type's payload, and the record read back.

Payloads are pydantic models over the case types of `casus.model.case`, so a claim added through
the store is checked exactly as a claim in a case file is. This module must not know about the
database or about how events change a case (that is `fold`).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass, field
from typing import Any, Literal

from pydantic import BaseModel, Field, ValidationError

from casus.model.case import (
    Case,
    Claim,
    ClaimStatus,
    Contingent,
    Decision,
    Phase,
    Position,
    Request,
    TimelineEvent,
)
from casus.model.common import Frozen, Id
from casus.store.canonical import canonical_json, event_content, event_hash, format_time

EventType = Literal[
    "case_imported",
    "claim_added",
    "claim_status_changed",
    "request_filed",
    "decision_recorded",
    "position_cast",
    "position_changed",
    "pledge_made",
    "phase_started",
    "timeline_event_added",
]


class CaseImported(Frozen):
    """The whole case, as validated: replaces whatever the store held for it."""

    case: Case
    source: str | None = Field(default=None, description="Where it came from (a file name).")


class ClaimAdded(Frozen):
    claim: Claim


class ClaimStatusChanged(Frozen):
    claim: Id
    status: ClaimStatus
    note: str | None = Field(default=None, description="Replaces the claim's note when given.")


class RequestFiled(Frozen):
    request: Request


class DecisionRecorded(Frozen):
    """The organ's decision on a request; positions in it count as cast by this event."""

    request: Id
    decision: Decision


class PositionCast(Frozen):
    """A delegation's position on a request (a question): cast once per delegation."""

    request: Id
    position: Position


class PositionChanged(Frozen):
    """A new position that supersedes the delegation's earlier one (both stay in the log)."""

    request: Id
    position: Position


class PledgeMade(Frozen):
    """A contingent pledged to the force."""

    contingent: Contingent


class PhaseStarted(Frozen):
    phase: Phase


class TimelineEventAdded(Frozen):
    event: TimelineEvent


PAYLOADS: dict[str, type[Frozen]] = {
    "case_imported": CaseImported,
    "claim_added": ClaimAdded,
    "claim_status_changed": ClaimStatusChanged,
    "request_filed": RequestFiled,
    "decision_recorded": DecisionRecorded,
    "position_cast": PositionCast,
    "position_changed": PositionChanged,
    "pledge_made": PledgeMade,
    "phase_started": PhaseStarted,
    "timeline_event_added": TimelineEventAdded,
}

_AUTHOR = re.compile(r"^(user|delegation|system):\S{1,190}$")
_COMMAND = re.compile(r"^\S{1,200}$")


class CommandError(ValueError):
    """A command that cannot be recorded as given (bad type, payload, author or id)."""


@dataclass(frozen=True)
class Command:
    """A request to record one event. `command_id` is chosen by the client: a retry with the
    same id returns the event first recorded and never records a second one."""

    type: str
    payload: dict[str, Any]
    author: str
    command_id: str

    def normalized_payload(self) -> str:
        """The payload validated against its type and written as canonical JSON."""
        model = PAYLOADS.get(self.type)
        if model is None:
            raise CommandError(
                f"expected an event type ({', '.join(PAYLOADS)}), found '{self.type}'"
            )
        if not _AUTHOR.match(self.author):
            raise CommandError(
                f"expected an author 'user:NAME', 'delegation:NAME' or 'system:NAME', found '{self.author}'"
            )
        if not _COMMAND.match(self.command_id):
            raise CommandError(
                f"expected an idempotency id of 1 to 200 characters without spaces, found '{self.command_id}'"
            )
        try:
            parsed: BaseModel = model.model_validate(self.payload)
        except ValidationError as e:
            first = e.errors()[0]
            where = ".".join(str(p) for p in first["loc"])
            raise CommandError(f"{self.type}: {where}: {first['msg']}") from None
        return canonical_json(parsed.model_dump(mode="json", by_alias=True))


@dataclass(frozen=True)
class Event:
    """An event as stored: the row of the log, with the hash that chains it to the one before."""

    case_id: str
    seq: int
    type: str
    payload: str = field(repr=False)
    author: str
    recorded_at: dt.datetime
    command_id: str
    prev_hash: str
    hash: str

    def data(self) -> dict[str, Any]:
        value = json.loads(self.payload)
        if not isinstance(value, dict):
            raise ValueError(f"event #{self.seq}: expected a JSON object as payload")
        return value

    def to_dict(self) -> dict[str, Any]:
        return {
            "case": self.case_id,
            "seq": self.seq,
            "type": self.type,
            "author": self.author,
            "recorded_at": format_time(self.recorded_at),
            "command_id": self.command_id,
            "prev_hash": self.prev_hash,
            "hash": self.hash,
            "payload": self.data(),
        }


def chained(
    log_id: str,
    seq: int,
    type_: str,
    payload: str,
    author: str,
    recorded_at: dt.datetime,
    command_id: str,
    prev_hash: str,
) -> Event:
    """The event that follows `prev_hash` in a log: its canonical content, hashed with the
    previous hash. Case logs and exercise logs chain their events the same way."""
    content = event_content(
        case_id=log_id,
        seq=seq,
        type=type_,
        payload=payload,
        author=author,
        recorded_at=recorded_at,
        command_id=command_id,
    )
    return Event(
        log_id,
        seq,
        type_,
        payload,
        author,
        recorded_at,
        command_id,
        prev_hash,
        event_hash(prev_hash, content),
    )


def summary(event_type: str, payload: dict[str, Any]) -> str:
    """One line saying what an event did, for `casus log`."""
    p = payload
    if event_type == "case_imported":
        case = p.get("case", {})
        origin = f" from {p['source']}" if p.get("source") else ""
        return f"case imported{origin}: {case.get('title', '')}"
    if event_type == "claim_added":
        c = p.get("claim", {})
        return (
            f"claim {c.get('id')} added: {c.get('proposition')} = {c.get('value')} "
            f"by {c.get('by')} ({c.get('status')})"
        )
    if event_type == "claim_status_changed":
        return f"claim {p.get('claim')} is now {p.get('status')}"
    if event_type == "request_filed":
        r = p.get("request", {})
        return f"request {r.get('id')} filed on {r.get('date')}"
    if event_type == "decision_recorded":
        d = p.get("decision", {})
        return f"decision on {p.get('request')}: {d.get('outcome')} ({d.get('date')})"
    if event_type in ("position_cast", "position_changed"):
        pos = p.get("position", {})
        verb = "cast" if event_type == "position_cast" else "changed to"
        return f"{pos.get('state')} {verb} {pos.get('position')} on {p.get('request')}"
    if event_type == "pledge_made":
        k = p.get("contingent", {})
        return f"{k.get('state')} pledged a contingent"
    if event_type == "phase_started":
        ph = p.get("phase", {})
        return f"phase {ph.get('id')} started on {ph.get('start')}"
    if event_type == "timeline_event_added":
        ev = p.get("event", {})
        return f"timeline {ev.get('date')}: {ev.get('event')}"
    return event_type
