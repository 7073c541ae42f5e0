"""The exercise fold as the store uses it: `casus.exercise` holds the rules; this module gives
the store its payload check as canonical text (what the log hashes), under the store's names.
"""

from __future__ import annotations

from casus.exercise.errors import Rejected
from casus.exercise.events import PAYLOADS, ExerciseEventType, normalized_payload
from casus.exercise.fold import State, apply, find_participant, find_request, new_state, summary

__all__ = [
    "PAYLOADS",
    "ExerciseEventType",
    "Rejected",
    "State",
    "apply",
    "find_participant",
    "find_request",
    "new_state",
    "normalized_payload",
    "summary",
]
