"""Request and response bodies of the API: pydantic models kept apart from the store's tables
and from the file formats, so that either can change without changing the other.

Large documents that already have a documented JSON contract (the replay document, an
evaluation: `docs/reference/json.md`) are passed through as JSON objects.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from casus.model.case import PositionValue
from casus.model.common import Id, Proposition
from casus.model.rules import Office
from casus.model.states import State

ProvisionRef = Field(pattern=r"^[a-z0-9][a-z0-9._-]*/[A-Za-z0-9_]+$", max_length=160)
ShortText = Field(min_length=1, max_length=200)
Note = Field(
    default=None,
    max_length=4000,
    description="A private note: seen by its delegation and by facilitators only.",
)


class Input(BaseModel):
    """Unknown keys are errors: a misspelt field is reported, never silently ignored."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


# --- inputs ----------------------------------------------------------------------------------


class NewExercise(Input):
    case: Id | None = Field(
        default=None, description="A built-in or imported case to run (see GET /api/cases)."
    )
    organization: Id | None = Field(
        default=None, description="For a blank scenario: the organization (without `case`)."
    )
    on: dt.date | None = Field(
        default=None,
        description="The exercise's starting date (default for a case: its first request's date).",
    )
    title: str | None = Field(default=None, min_length=1, max_length=200)


class NewParticipant(Input):
    role: Literal["delegation", "observer"]
    name: str = ShortText
    state: State | None = Field(
        default=None, description="The delegation's state (required for a delegation)."
    )


class ClockMove(Input):
    to: dt.date = Field(description="The new date: later than the clock's.")


class NewRequest(Input):
    id: Id | None = Field(default=None, description="Default: r1, r2, … in filing order.")
    office: Office = Field(description="The office making the request, e.g. head_of_state.")
    person: str | None = Field(default=None, min_length=1, max_length=200)
    state: State | None = Field(
        default=None, description="If given, must be the caller's own state."
    )
    affected_state: State | None = Field(
        default=None, description="The state the casus concerns (default: the requester)."
    )
    provisions_cited: list[str] = Field(
        default_factory=list,
        max_length=20,
        description="instrument/eid, e.g. cst/art_4; none: every provision with a casus.",
    )
    grounds: list[Id] = Field(
        default_factory=list, max_length=200, description="Claims of the case put forward."
    )
    propositions: dict[Proposition, Literal["yes", "no"]] = Field(
        default_factory=dict,
        max_length=100,
        description="Blank scenarios only: the facts the requester stipulates.",
    )
    quote: str | None = Field(default=None, max_length=2000)
    note: str | None = Note


class NewPosition(Input):
    position: PositionValue
    basis: str | None = Field(default=None, min_length=1, max_length=2000)
    state: State | None = Field(
        default=None, description="If given, must be the caller's own state."
    )
    note: str | None = Note


class NewPledge(Input):
    units: list[str] = Field(default_factory=list, max_length=50)
    personnel: int | None = Field(default=None, ge=0, le=1_000_000)
    state: State | None = Field(
        default=None, description="If given, must be the caller's own state."
    )
    note: str | None = Note


# --- outputs ---------------------------------------------------------------------------------


class Health(BaseModel):
    status: Literal["ok"]
    backend: str


class CaseSummary(BaseModel):
    id: str
    title: str
    organization: str
    dates: list[str]
    recorded: list[str]
    hypothetical: bool


class OrganizationSummary(BaseModel):
    id: str
    name: str
    short_name: str
    members: int


class MemberOnDate(BaseModel):
    state: str = Field(description="ISO 3166-1 alpha-2.")
    numeric: str | None = Field(description="ISO 3166-1 numeric, three digits (the map's key).")
    name: str
    status: str = Field(
        description="member, suspended, participation_frozen, withdrawn or not_yet_member."
    )
    participates: str = Field(description="yes, no or contested.")
    since: str | None
    what: str | None
    contested: str | None
    sources: list[str]


class Members(BaseModel):
    organization: dict[str, str]
    on: str
    members: list[MemberOnDate]


class AccountOut(BaseModel):
    account: str
    name: str
    role: str
    state: str | None
    exercise: str | None
    author: str


class EventOut(BaseModel):
    seq: int
    type: str
    author: str
    recorded_at: str
    command_id: str
    hash: str
    prev_hash: str
    summary: str
    payload: dict[str, Any]


class ExerciseSummary(BaseModel):
    id: str
    title: str
    organization: str
    source_case: str | None
    status: str
    clock: str
    created_by: str
    events: int


class Exercise(BaseModel):
    id: str
    title: str
    organization: dict[str, str]
    source_case: str | None
    start: str
    clock: str
    status: str
    created_by: str
    head: dict[str, Any]
    participants: list[dict[str, Any]]
    requests: list[dict[str, Any]] = Field(description="Each with its `evaluation`.")
    pledges: list[dict[str, Any]]
    members: list[dict[str, Any]]
    board: dict[str, Any]


class Mutation(BaseModel):
    """What a change recorded: its event(s) and the exercise after it."""

    recorded: bool = Field(description="False when a retry found it already recorded.")
    events: list[EventOut]
    exercise: Exercise


class Invitation(Mutation):
    participant: AccountOut
    token: str | None = Field(
        description="The participant's bearer token, shown once (null on a retry)."
    )


class PositionResult(BaseModel):
    """A position recorded: its event, the request evaluated with it, and the board."""

    recorded: bool = Field(description="False when a retry found it already recorded.")
    events: list[EventOut]
    evaluation: dict[str, Any] = Field(description="The request evaluated with this position.")
    board: dict[str, Any]


class Log(BaseModel):
    exercise: str
    events: list[EventOut]
