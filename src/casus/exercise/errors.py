"""The two ways the exercise's rules say no.

`Refused`: a command that may not be carried out as asked (a precondition: the exercise has
ended, the decision is closed, the state is not a member, the engine finds the requester not
entitled). It carries a kind (what sort of refusal: the service maps each to its status), a
stable code, the field of the command it concerns, and any detail to show.

`Rejected`: an event that does not fit the log it would be folded into (the order of things).
A command that passed its preconditions never produces one; the store meets it only when its
log was read stale, or tampered with.
"""

from __future__ import annotations

from typing import Any, Literal

Kind = Literal["invalid", "forbidden", "not_found", "conflict"]


class Refused(Exception):
    """A command the exercise's rules refuse."""

    def __init__(
        self,
        kind: Kind,
        code: str,
        message: str,
        field: str | None = None,
        detail: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(message)
        self.kind: Kind = kind
        self.code = code
        self.message = message
        self.field = field
        self.detail = detail


class Rejected(ValueError):
    """An event the exercise's log cannot take in its order."""
