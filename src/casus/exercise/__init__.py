"""Exercises as a domain: a live run of a case (or a blank scenario) by a facilitator, the
members' delegations and observers, kept as one event log per exercise.

- `events`: the event types and the payload each must have (credentials only as digests);
- `fold`: how each event changes an exercise's state, in the log's order;
- `commands`: create, invite, file a request, cast or change a position, pledge, advance the
  clock, close a decision, end; reissue and revoke a participant's token — each one's
  preconditions (`Refused`) and the events it makes.

Pure: state and commands in, events out. It imports neither the web framework nor the store
(an import-linter contract holds it); the store folds its logs with it, and the service calls
its commands and appends what they answer.
"""

from casus.exercise.commands import Judge, NewEvent, Scenario
from casus.exercise.errors import Refused, Rejected
from casus.exercise.fold import State, apply, find_participant, find_request, summary

__all__ = [
    "Judge",
    "NewEvent",
    "Refused",
    "Rejected",
    "Scenario",
    "State",
    "apply",
    "find_participant",
    "find_request",
    "summary",
]
