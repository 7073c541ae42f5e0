"""Types shared by every model: the four truth values, dates, identifiers, sources cited."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints


class Value(StrEnum):
    """The engine's truth values.

    `contested` means the claims that count under a reading disagree; `undetermined` means no
    claim at all speaks to the question. Neither is ever silently read as `no`.
    """

    YES = "yes"
    NO = "no"
    CONTESTED = "contested"
    UNDETERMINED = "undetermined"


class Frozen(BaseModel):
    """Base of every file-backed model: immutable, and unknown keys are errors."""

    model_config = ConfigDict(
        frozen=True, extra="forbid", str_strip_whitespace=True, defer_build=True
    )


Id = Annotated[
    str,
    StringConstraints(pattern=r"^[a-z0-9][a-z0-9._-]*$", max_length=80),
    Field(description="A lower-case identifier: letters, digits, '.', '_' and '-'."),
]
Eid = Annotated[
    str,
    StringConstraints(pattern=r"^[A-Za-z0-9]+(_[A-Za-z0-9]+)*(__[A-Za-z0-9]+(_[A-Za-z0-9]+)*)*$"),
    Field(description="An Akoma Ntoso style element id, e.g. art_4 or art_4__para_2."),
]
StateCode = Annotated[
    str,
    StringConstraints(pattern=r"^[A-Z]{2}$"),
    Field(description="An ISO 3166-1 alpha-2 code, e.g. KZ."),
]
Proposition = Annotated[
    str,
    StringConstraints(pattern=r"^[a-z][a-z0-9_]*$"),
    Field(description="A proposition name, e.g. armed_attack_on_party."),
]

END_OF_TIME = dt.date.max


class Dated(Frozen):
    """Something valid on the half-open interval [valid_from, valid_to)."""

    valid_from: dt.date
    valid_to: dt.date | None = Field(
        default=None, description="First day on which it no longer applies; open if absent."
    )

    def covers(self, on: dt.date) -> bool:
        return self.valid_from <= on and (self.valid_to is None or on < self.valid_to)


def citation(instrument: str, eid: str, version_from: dt.date) -> str:
    """The one citation format: `instrument/eid@version-date`."""
    return f"{instrument}/{eid}@{version_from.isoformat()}"
