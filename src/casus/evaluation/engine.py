"""Evaluate a request on a date: what is in force, whether the requester may ask, whether each
casus arises under each reading, which organ decides by which rule, the computed outcome beside
the recorded one, and the obligations that follow. Every step is cited.

`evaluate` compiles the question once (`casus.evaluation.question`, cached per world) and runs
its stages over the request's readings and positions.
"""

from __future__ import annotations

import datetime as dt

from casus.evaluation.invocation import Invocation
from casus.evaluation.question import candidate_refs, computed_outcome, question
from casus.evaluation.results import (
    AssumptionUsed,
    BoundState,
    Evaluation,
    EvaluationError,
    NotInForce,
    ObligationResult,
    Outcome,
    Triggered,
)
from casus.model.world import World

__all__ = [
    "AssumptionUsed",
    "BoundState",
    "Evaluation",
    "EvaluationError",
    "NotInForce",
    "ObligationResult",
    "Outcome",
    "Triggered",
    "candidate_refs",
    "computed_outcome",
    "evaluate",
]


def evaluate(
    world: World,
    inv: Invocation,
    *,
    on: dt.date | None = None,
    reading: str | None = None,
) -> Evaluation:
    """Evaluate the invocation on `on` (default: the date of the request) under `reading`."""
    return question(world, inv, on).run(inv, reading)
