"""A case replayed: each request evaluated on its date under each reading, beside the record,
with the force, the mandate, the timeline, the claims and the sources they rest on."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from casus.evaluation.engine import (
    Evaluation,
    EvaluationError,
    claim_document,
    evaluate,
    evaluate_frames,
    frame_document,
)
from casus.evaluation.invocation import from_case
from casus.force.arithmetic import FigureGroup, ReleaseEstimate, group_figures, release_estimate
from casus.model.case import Case
from casus.model.world import World


@dataclass(frozen=True)
class Replay:
    case: Case
    evaluations: tuple[Evaluation, ...]
    figures: tuple[FigureGroup, ...]
    release: ReleaseEstimate | None
    world: World
    # Per request: the same request put to each frame of general international law (empty when
    # it is not a request for a force).
    frames: tuple[dict[str, Evaluation], ...] = field(default=())

    def cited_sources(self) -> list[str]:
        """Every source id the case and its evaluations rest on, in first-cited order."""
        seen: dict[str, None] = {}

        def add(ids: Any) -> None:
            for s in ids:
                seen.setdefault(s, None)

        c = self.case
        for ev in c.timeline:
            add(ev.sources)
        for cl in c.claims:
            add(cl.sources)
        for rq in c.requests:
            add(rq.sources)
            if rq.decision:
                add(rq.decision.sources)
                for p in rq.decision.positions:
                    add(p.sources)
        for e in (*self.evaluations, *(f for fr in self.frames for f in fr.values())):
            for node in e.explanation.walk():
                add(x.removeprefix("source:") for x in node.cites if x.startswith("source:"))
        if c.force:
            add(c.force.sources)
            for f in c.force.figures:
                add(f.sources)
            for k in c.force.contingents:
                add(k.sources)
        if c.mandate:
            for t in c.mandate.tasks:
                add(t.sources)
            for fac in c.mandate.facilities:
                add(fac.sources)
            for n in c.mandate.counts:
                add(n.sources)
            if c.mandate.guard_planning:
                for a in c.mandate.guard_planning.assumptions:
                    add(a.sources)
        for ph in c.phases:
            add(ph.sources)
        for a in c.assumptions:
            add(a.sources)
        return [s for s in seen if s in self.world.sources]

    def to_dict(self) -> dict[str, Any]:
        c = self.case
        actors = {a.id: a for a in c.actors}
        org = self.world.organizations[c.organization]
        requests = []
        frames = self.frames or tuple({} for _ in c.requests)
        for rq, ev, fr in zip(c.requests, self.evaluations, frames, strict=True):
            requests.append(
                {
                    "id": rq.id,
                    "date": rq.date.isoformat(),
                    "requester": {
                        "state": rq.requester.state,
                        "office": rq.requester.office,
                        "person": rq.requester.person,
                    },
                    "addressed_to": rq.addressed_to,
                    "provisions_cited": list(rq.provisions_cited),
                    "quote": rq.quote,
                    "grounds": list(rq.grounds),
                    "sources": list(rq.sources),
                    "decision": None
                    if rq.decision is None
                    else {
                        "organ": rq.decision.organ,
                        "date": rq.decision.date.isoformat(),
                        "outcome": rq.decision.outcome,
                        "summary": rq.decision.summary,
                        "positions": [
                            {
                                "state": p.state,
                                "position": p.position,
                                "basis": p.basis,
                                "inferred": p.inferred,
                                "sources": list(p.sources),
                            }
                            for p in rq.decision.positions
                        ],
                        "sources": list(rq.decision.sources),
                    },
                    "evaluation": ev.to_dict(),
                    "frames": {
                        name: frame_document(name, fe, c.claims, actors) for name, fe in fr.items()
                    },
                }
            )
        force: dict[str, Any] = {}
        if c.force:
            force = {
                "name": c.force.name,
                "commander": c.force.commander,
                "headquarters": c.force.headquarters,
                "contingents": [
                    {"state": k.state, "units": list(k.units), "sources": list(k.sources)}
                    for k in c.force.contingents
                ],
                "figures": [g.to_dict() for g in self.figures],
                "sources": list(c.force.sources),
            }
        mandate: dict[str, Any] = {}
        if c.mandate:
            m = c.mandate
            mandate = {
                "tasks": [
                    {
                        "text": t.text,
                        "by": t.by,
                        "date": t.date.isoformat() if t.date else None,
                        "sources": list(t.sources),
                    }
                    for t in m.tasks
                ],
                "facilities": [
                    {
                        "id": f.id,
                        "name": f.name,
                        "category": f.category,
                        "contingents": list(f.contingents),
                        "tasks": f.tasks,
                        "taken_over_from_host": f.taken_over_from_host,
                        "sources": list(f.sources),
                    }
                    for f in m.facilities
                ],
                "counts": [
                    {
                        "id": n.id,
                        "what": n.what,
                        "value": n.value,
                        "text": n.text,
                        "qualifier": n.qualifier,
                        "by": n.by,
                        "date": n.date.isoformat() if n.date else None,
                        "quote": n.quote,
                        "sources": list(n.sources),
                    }
                    for n in m.counts
                ],
                "host_personnel_released": self.release.to_dict() if self.release else None,
                "planning_assumptions": [
                    {"id": a.id, "label": a.label, "text": a.text, "sources": list(a.sources)}
                    for a in (m.guard_planning.assumptions if m.guard_planning else [])
                ],
            }
        return {
            "case": c.id,
            "title": c.title,
            "organization": {"id": org.id, "name": org.name},
            "summary": c.summary,
            "hypothetical": c.hypothetical,
            "readings": [
                {
                    "id": r.id,
                    "label": r.label,
                    "description": r.description,
                    "actors": None if r.actors is None else list(r.actors),
                    "actor_kinds": None if r.actor_kinds is None else list(r.actor_kinds),
                }
                for r in c.readings
            ],
            "default_reading": c.default_reading,
            "timeline": [
                {
                    "date": e.date.isoformat(),
                    "end": e.end.isoformat() if e.end else None,
                    "event": e.event,
                    "sources": list(e.sources),
                }
                for e in sorted(c.timeline, key=lambda e: e.date)
            ],
            "requests": requests,
            "force": force,
            "mandate": mandate,
            "phases": [
                {
                    "id": p.id,
                    "name": p.name,
                    "start": p.start.isoformat(),
                    "end": p.end.isoformat() if p.end else None,
                    "summary": p.summary,
                    "sources": list(p.sources),
                }
                for p in c.phases
            ],
            "actors": [
                {"id": a.id, "name": a.name, "kind": a.kind, "state": a.state} for a in c.actors
            ],
            "claims": [claim_document(cl, actors) for cl in c.claims],
            "assumptions": [
                {"id": a.id, "label": a.label, "text": a.text, "sources": list(a.sources)}
                for a in c.assumptions
            ],
            "sources": {
                s: {
                    "title": src.title,
                    "publisher": src.publisher,
                    "date": src.date.isoformat() if src.date else None,
                    "url": src.url,
                    "kind": src.kind,
                }
                for s in self.cited_sources()
                for src in (self.world.sources[s],)
            },
        }


def replay(
    world: World, case_id: str, *, on: dt.date | None = None, reading: str | None = None
) -> Replay:
    """Replay a case: evaluate each request on its own date (or `on`), under `reading`."""
    case = world.cases.get(case_id)
    if case is None:
        known = ", ".join(sorted(world.cases)) or "none"
        raise EvaluationError(f"unknown case '{case_id}' (known cases: {known})")
    evaluations = tuple(
        evaluate(world, from_case(case, rq), on=on, reading=reading) for rq in case.requests
    )
    frames = tuple(
        evaluate_frames(world, from_case(case, rq), on=on, reading=reading) for rq in case.requests
    )
    figures = tuple(group_figures(case.force)) if case.force else ()
    release = release_estimate(case.mandate) if case.mandate else None
    return Replay(case, evaluations, figures, release, world, frames)
