"""Evaluate a request on a date: what is in force, whether the requester may ask, whether each
casus arises under each reading, which organ decides by which rule, the computed outcome beside
the recorded one, and the obligations that follow. Every step is cited.

`evaluate` compiles the question once (`casus.evaluation.question`, cached per world) and runs
its stages over the request's readings and positions.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import replace
from typing import Any

from casus.evaluation.invocation import Invocation
from casus.evaluation.question import candidate_refs, computed_outcome, question, resolve_ref
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
from casus.model.case import Actor, Claim
from casus.model.world import World

__all__ = [
    "FRAMES",
    "FRAME_CONCLUSIONS",
    "AssumptionUsed",
    "BoundState",
    "Evaluation",
    "EvaluationError",
    "NotInForce",
    "ObligationResult",
    "Outcome",
    "Triggered",
    "candidate_refs",
    "claim_document",
    "computed_outcome",
    "evaluate",
    "evaluate_frames",
    "frame_document",
    "seeks_force",
]

#: The frames beside the treaty's: general international law (the UN Charter, the ILC Articles
#: on consent, the Institut de Droit International's Rhodes resolution, the ICJ's judgments).
FRAMES = ("general-international-law",)
#: For each frame, the proposition its instruments declare for the conclusion that sides and
#: scholars state ("the deployment was lawful"): no rule reads it; the answer shows those claims
#: beside the computed one.
FRAME_CONCLUSIONS = {"general-international-law": "deployment_lawful"}
#: The consequences that send a force: a request whose treaty provisions give one of them is a
#: request for a force, and is also put to the frames.
FORCE_CONSEQUENCES = frozenset({"assistance", "decision", "measures"})


def evaluate(
    world: World,
    inv: Invocation,
    *,
    on: dt.date | None = None,
    reading: str | None = None,
) -> Evaluation:
    """Evaluate the invocation on `on` (default: the date of the request) under `reading`."""
    return question(world, inv, on).run(inv, reading)


def seeks_force(world: World, inv: Invocation) -> bool:
    """Whether the request is one for a force: a provision considered for it has, in some
    version, a consequence that sends one (assistance, a decision on an operation, measures).
    Whether that version is in force on the date does not matter: a request for a force made
    before its treaty applies (or after it ended) is still one, and general international law
    applies to it all the same."""
    refs = list(inv.provisions_cited) or candidate_refs(world, inv.organization)
    return any(
        v.casus is not None and v.casus.consequence in FORCE_CONSEQUENCES
        for ref in refs
        for v in resolve_ref(world, ref)[1].versions
    )


def evaluate_frames(
    world: World,
    inv: Invocation,
    *,
    on: dt.date | None = None,
    reading: str | None = None,
) -> dict[str, Evaluation]:
    """The request for a force put to each frame of general international law the world holds,
    by the same engine: the treaty's citations and the organ's recorded decision do not carry
    over (neither is a finding under that law). Empty when the request is not for a force."""
    if not seeks_force(world, inv):
        return {}
    bare = replace(inv, provisions_cited=(), recorded=None, positions={}, position_sources={})
    return {
        frame: question(world, bare, on, frame).run(bare, reading)
        for frame in FRAMES
        if world.frame_instruments(frame)
    }


def claim_document(claim: Claim, actors: Mapping[str, Actor]) -> dict[str, Any]:
    """A claim as the JSON documents show it: whose, what, when, how sure, on what sources."""
    return {
        "id": claim.id,
        "proposition": claim.proposition,
        "value": claim.value,
        "by": claim.by,
        "by_name": actors[claim.by].name if claim.by in actors else claim.by,
        "date": claim.date.isoformat() if claim.date else None,
        "quote": claim.quote,
        "status": claim.status,
        "sources": list(claim.sources),
        "note": claim.note,
    }


def frame_document(
    frame: str, evaluation: Evaluation, claims: Iterable[Claim], actors: Mapping[str, Actor]
) -> dict[str, Any]:
    """One frame's answer (the `frames` entry of the JSON documents): the evaluation, and the
    conclusions the sides and scholars stated about it, each their claim."""
    conclusion = FRAME_CONCLUSIONS[frame]
    return {
        "evaluation": evaluation.to_dict(),
        "stated": [claim_document(c, actors) for c in claims if c.proposition == conclusion],
    }
