"""What an evaluation returns: the provisions considered, the outcome, the obligations, the
assumptions used and the explanation. Plain frozen data, serialised by `to_dict` (the contract of
`casus evaluate --json` and of the replay)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from casus.model.common import Value
from casus.model.explain import Node
from casus.vote.rules import VoteResult


class Outcome(StrEnum):
    """The computed outcome of a request. A string enum: it serialises as its value."""

    APPROVED = "approved"
    APPROVED_LIMITED_FORMAT = "approved_limited_format"
    REFUSED = "refused"
    NOT_ENTITLED = "not_entitled"
    NO_PROVISION_IN_FORCE = "no_provision_in_force"
    CASUS_NOT_ESTABLISHED = "casus_not_established"
    CONSULTATION_DUE = "consultation_due"
    OBLIGATIONS_ARISE = "obligations_arise"
    PERMITTED = "permitted"  # general international law: a lawful basis for the foreign force
    CONTESTED = "contested"
    UNDETERMINED = "undetermined"


class EvaluationError(ValueError):
    """The request cannot be evaluated at all (unknown organization, provision or reading)."""


@dataclass(frozen=True, slots=True)
class AssumptionUsed:
    id: str
    label: str
    text: str
    where: str

    def to_dict(self) -> dict[str, str]:
        return {"id": self.id, "label": self.label, "text": self.text, "where": self.where}


@dataclass(frozen=True, slots=True)
class Triggered:
    provision: str
    instrument: str
    eid: str
    heading: str
    cited: bool
    text: str
    text_status: str
    consequence: str
    entitled: Value
    value: Value
    by_reading: dict[str, Value]
    missing: tuple[str, ...]
    contested: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "provision": self.provision,
            "heading": self.heading,
            "cited": self.cited,
            "text": self.text,
            "text_status": self.text_status,
            "consequence": self.consequence,
            "entitled": self.entitled.value,
            "value": self.value.value,
            "readings": {k: v.value for k, v in self.by_reading.items()},
            "missing": list(self.missing),
            "contested": list(self.contested),
        }


@dataclass(frozen=True, slots=True)
class NotInForce:
    provision: str
    reason: str

    def to_dict(self) -> dict[str, str]:
        return {"provision": self.provision, "reason": self.reason}


@dataclass(frozen=True, slots=True)
class BoundState:
    state: str
    value: Value
    why: str


@dataclass(frozen=True, slots=True)
class ObligationResult:
    provision: str
    duty: str
    bearer: str
    modality: str
    value: Value
    states: tuple[BoundState, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "provision": self.provision,
            "duty": self.duty,
            "bearer": self.bearer,
            "modality": self.modality,
            "value": self.value.value,
            "states": [
                {"state": s.state, "value": s.value.value, "why": s.why} for s in self.states
            ],
        }


@dataclass(frozen=True)
class Evaluation:
    request: str
    on: dt.date
    reading: str
    readings: dict[str, str]
    in_force: tuple[Triggered, ...]
    not_in_force: tuple[NotInForce, ...]
    entitled: Value
    organ: dict[str, str] | None
    rule: dict[str, Any] | None
    vote: VoteResult | None
    outcome: dict[str, Any]
    obligations: tuple[ObligationResult, ...]
    assumptions: tuple[AssumptionUsed, ...]
    explanation: Node
    notes: tuple[str, ...] = field(default=())

    @property
    def triggered(self) -> tuple[Triggered, ...]:
        return self.in_force

    def to_dict(self) -> dict[str, Any]:
        vote = self.vote
        return {
            "request": self.request,
            "on": self.on.isoformat(),
            "reading": self.reading,
            "readings": dict(self.readings),
            "entitled": self.entitled.value,
            "triggered": [t.to_dict() for t in self.in_force],
            "not_in_force": [n.to_dict() for n in self.not_in_force],
            "organ": self.organ,
            "rule": self.rule,
            "vote": None
            if vote is None
            else {
                "outcome": vote.outcome,
                "value": vote.value.value,
                "joined": list(vote.joined),
                "not_joined": list(vote.not_joined),
                "blocking": list(vote.blocking),
                "missing": list(vote.missing),
                "pivotal": list(vote.pivotal),
                "binds": list(vote.binds),
                "reason": vote.reason,
            },
            "outcome": self.outcome,
            "obligations": [o.to_dict() for o in self.obligations],
            "assumptions": [a.to_dict() for a in self.assumptions],
            "notes": list(self.notes),
            "explanation": self.explanation.to_dict(),
        }
