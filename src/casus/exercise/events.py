"""The events of an exercise's log and the payload each must have.

A payload is validated against its model and kept as canonical JSON (`normalized_payload`):
that text is what the log hashes. Tokens appear in the log only as a credential's digest
(`Credential.digest`, SHA-256 over the stored salted hash, never the token or its secret) and
its expiry, so that the log covers what the accounts table holds without showing a token.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import BaseModel, Field, ValidationError

from casus.exercise.errors import Rejected
from casus.model.canonical import canonical_json
from casus.model.case import PositionValue
from casus.model.common import Frozen, Id, Proposition, StateCode
from casus.model.rules import Office

ExerciseEventType = Literal[
    "exercise_created",
    "participant_invited",
    "clock_advanced",
    "request_filed",
    "position_cast",
    "position_changed",
    "pledge_made",
    "decision_closed",
    "exercise_ended",
    "token_reissued",
    "token_revoked",
]

#: Events about credentials: recorded even after the exercise has ended (a token is revoked
#: when the exercise is over, too), and changing nothing but a participant's credential.
TOKEN_EVENTS = frozenset({"token_reissued", "token_revoked"})

ACCOUNT = Field(pattern=r"^acc-[0-9a-f]{6,32}$")
Text = Field(min_length=1, max_length=2000)
Note = Field(default=None, max_length=4000, description="Private: its author and facilitators.")


class Credential(Frozen):
    """A token as the log knows it: a digest of what the store keeps, and when it expires."""

    digest: str = Field(
        pattern=r"^[0-9a-f]{64}$",
        description="SHA-256 of the token's id, salt and salted hash: not the token.",
    )
    expires_at: str | None = Field(
        default=None,
        pattern=r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$",
        description="UTC, as the log spells recorded times; null: never.",
    )


class ExerciseCreated(Frozen):
    title: str = Field(min_length=1, max_length=200)
    organization: Id
    source_case: Id | None = None
    start: dt.date
    scenario_sha256: str | None = Field(
        default=None, description="SHA-256 of the scenario case as stored beside the exercise."
    )


class ParticipantInvited(Frozen):
    account: str = ACCOUNT
    name: str = Field(min_length=1, max_length=200)
    role: Literal["delegation", "observer"]
    state: StateCode | None = None
    credential: Credential | None = Field(
        default=None, description="The token issued with the invitation (logs before 0005: none)."
    )


class ClockAdvanced(Frozen):
    to: dt.date


class FiledRequest(Frozen):
    id: Id
    date: dt.date
    state: StateCode
    office: Office
    person: str = Field(min_length=1, max_length=200)
    affected_state: StateCode
    provisions_cited: list[str] = Field(default_factory=list, max_length=20)
    grounds: list[Id] = Field(default_factory=list, max_length=200)
    propositions: dict[Proposition, Literal["yes", "no"]] = Field(default_factory=dict)
    quote: str | None = Field(default=None, max_length=2000)
    note: str | None = Note


class RequestFiled(Frozen):
    request: FiledRequest


class PositionTaken(Frozen):
    request: Id
    state: StateCode
    position: PositionValue
    basis: str = Text
    note: str | None = Note


class PledgeMade(Frozen):
    state: StateCode
    units: list[str] = Field(default_factory=list, max_length=50)
    personnel: int | None = Field(default=None, ge=0, le=1_000_000)
    note: str | None = Note


class DecisionClosed(Frozen):
    request: Id
    outcome: str = Field(min_length=1, max_length=80, description="The computed outcome label.")
    value: Literal["yes", "no", "contested", "undetermined"]


class ExerciseEnded(Frozen):
    pass


class TokenReissued(Frozen):
    """A participant's new token; the one before it is refused from this event on."""

    account: str = ACCOUNT
    credential: Credential


class TokenRevoked(Frozen):
    """A participant's token refused from this event on (until a token is reissued)."""

    account: str = ACCOUNT
    digest: str = Field(pattern=r"^[0-9a-f]{64}$", description="The credential revoked.")


PAYLOADS: dict[str, type[Frozen]] = {
    "exercise_created": ExerciseCreated,
    "participant_invited": ParticipantInvited,
    "clock_advanced": ClockAdvanced,
    "request_filed": RequestFiled,
    "position_cast": PositionTaken,
    "position_changed": PositionTaken,
    "pledge_made": PledgeMade,
    "decision_closed": DecisionClosed,
    "exercise_ended": ExerciseEnded,
    "token_reissued": TokenReissued,
    "token_revoked": TokenRevoked,
}


def validated(event_type: str, payload: dict[str, Any]) -> dict[str, Any]:
    """The payload checked against its type, as plain JSON values; Rejected if it does not fit."""
    model = PAYLOADS.get(event_type)
    if model is None:
        raise Rejected(
            f"expected an exercise event type ({', '.join(PAYLOADS)}), found '{event_type}'"
        )
    try:
        parsed: BaseModel = model.model_validate(payload)
    except ValidationError as e:
        first = e.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise Rejected(f"{event_type}: {where}: {first['msg']}") from None
    dumped: dict[str, Any] = parsed.model_dump(mode="json")
    if event_type == "participant_invited" and dumped.get("credential") is None:
        # As logs before revision 0005 spelled it, so that their payloads keep their text.
        dumped.pop("credential", None)
    return dumped


def normalized_payload(event_type: str, payload: dict[str, Any]) -> str:
    """The payload validated against its type, as canonical JSON; Rejected if it does not fit."""
    return canonical_json(validated(event_type, payload))
