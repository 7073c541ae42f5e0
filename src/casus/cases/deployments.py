"""Collective deployments at a government's request, side by side.

For every case whose request is one for a force, one row from its replay (the same document
`casus replay` prints, so nothing is computed twice): who asked and in what capacity, the legal
basis invoked, the deciding organ and its rule, the treaty's outcome and the general-international-
law frame's outcome under each reading beside the recorded decision, the force and its figures
(every source's figure, conflicts kept), the tasks as stated, the duration from the phases, the
consent questions with the value each takes under each reading, and the conclusions stated
about the deployment's lawfulness, each its author's claim. Pure: data in, data out.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from typing import Any

from casus.cases.replay import replay
from casus.evaluation.engine import EvaluationError
from casus.model.world import World

FRAME = "general-international-law"
#: The questions of the consent frame each row answers, in the frame's propositions.
CONSENT_QUESTIONS = (
    "request_by_government",
    "consent_given_before_deployment",
    "armed_attack_from_abroad",
    "conduct_beyond_consent",
    "consent_withdrawn_forces_stayed",
    "assistance_against_own_population",
    "assistance_quashes_nonviolent_protest",
)


def deployments(world: World, case_ids: Sequence[str] = ()) -> list[dict[str, Any]]:
    """One row per case (the given ones, else every built-in case with a request for a force)."""
    unknown = [c for c in case_ids if c not in world.cases]
    if unknown:
        known = ", ".join(sorted(world.cases))
        raise EvaluationError(f"unknown case '{unknown[0]}' (known cases: {known})")
    rows = []
    for cid in case_ids or sorted(world.cases):
        # A case asked for by name is shown even if none of its requests is for a force.
        row = _row(replay(world, cid).to_dict(), force_only=not case_ids)
        if row is not None:
            rows.append(row)
    return rows


def _row(doc: dict[str, Any], *, force_only: bool = True) -> dict[str, Any] | None:
    requests = [rq for rq in doc["requests"] if rq["frames"]] or (
        [] if force_only else doc["requests"][:1]
    )
    if not requests:
        return None
    rq = requests[0]
    ev = rq["evaluation"]
    frame = rq["frames"].get(FRAME)
    claims = {c["id"]: c for c in doc["claims"]}
    phases = doc["phases"]
    force = doc["force"] or {}
    return {
        "case": doc["case"],
        "title": doc["title"],
        "organization": doc["organization"]["id"],
        "request": rq["id"],
        "date": rq["date"],
        "requested_by": rq["requester"],
        "legal_basis": rq["provisions_cited"] or [t["provision"] for t in ev["triggered"]],
        "organ": ev["organ"]["name"] if ev["organ"] else None,
        "rule": ev["rule"]["text"] if ev["rule"] else None,
        "readings": ev["readings"],
        "treaty": {r: o["computed"] for r, o in ev["outcome"]["by_reading"].items()},
        "recorded": ev["outcome"]["recorded"],
        "frame": None
        if frame is None
        else {r: o["computed"] for r, o in frame["evaluation"]["outcome"]["by_reading"].items()},
        "consent": _consent(frame, claims),
        "stated": [] if frame is None else frame["stated"],
        "force": {
            "name": force.get("name"),
            "contingents": [k["state"] for k in force.get("contingents", [])],
            "figures": [
                {
                    "measure": g["measure"],
                    "contingent": g["contingent"],
                    "reported": list(dict.fromkeys(f["text"] for f in g["figures"])),
                    "sources_differ": g["conflict"],
                }
                for g in force.get("figures", [])
            ],
        },
        "tasks": [t["text"] for t in ((doc["mandate"] or {}).get("tasks") or [])],
        "start": phases[0]["start"] if phases else None,
        "end": phases[-1]["end"] if phases else None,
        "cites": sorted(
            set(_cites(ev["explanation"]))
            | (set(_cites(frame["evaluation"]["explanation"])) if frame else set())
        ),
    }


def _cites(node: dict[str, Any]) -> Iterable[str]:
    yield from node["cites"]
    for child in node["children"]:
        yield from _cites(child)


def _consent(frame: dict[str, Any] | None, claims: dict[str, Any]) -> dict[str, dict[str, str]]:
    """Each consent question's value under each reading, from the frame's explanation: the
    statement of the proposition's leaf node (claims behind it, or missing, or presumed)."""
    if frame is None:
        return {}
    out: dict[str, dict[str, str]] = {}
    readings = frame["evaluation"]["readings"]
    for casus_node in _casus_nodes(frame["evaluation"]["explanation"]):
        for reading_node in casus_node["children"]:
            label = reading_node["statement"].rsplit(" under ", 1)[-1]
            reading = next((r for r, lab in readings.items() if lab == label), None)
            if reading is None:
                continue
            for leaf in _leaves(reading_node):
                name = leaf["statement"].split(":", 1)[0]
                if name in CONSENT_QUESTIONS:
                    out.setdefault(name, {})[reading] = leaf["value"]
    return out


def _casus_nodes(root: dict[str, Any]) -> Iterable[dict[str, Any]]:
    for child in root["children"]:
        if child["statement"] == "whether each casus arose":
            yield from child["children"]


def _leaves(node: dict[str, Any]) -> Iterable[dict[str, Any]]:
    if not node["children"]:
        yield node
    for child in node["children"]:
        yield from _leaves(child)


CSV_COLUMNS = (
    "case",
    "organization",
    "request",
    "date",
    "requester_state",
    "requester_office",
    "requester",
    "legal_basis",
    "organ",
    "rule",
    "treaty_outcome",
    "recorded",
    "frame_outcome",
    *CONSENT_QUESTIONS,
    "contingents",
    "figures",
    "tasks",
    "start",
    "end",
    "stated",
    "cites",
)


def to_csv(rows: Sequence[dict[str, Any]]) -> str:
    """The rows as CSV, one line per deployment; lists joined with '; ', readings as
    'reading: value'."""
    out = io.StringIO()
    w = csv.DictWriter(out, fieldnames=CSV_COLUMNS, lineterminator="\n")
    w.writeheader()
    for r in rows:

        def per(values: dict[str, str] | None) -> str:
            return "; ".join(f"{k}: {v}" for k, v in (values or {}).items())

        w.writerow(
            {
                "case": r["case"],
                "organization": r["organization"],
                "request": r["request"],
                "date": r["date"],
                "requester_state": r["requested_by"]["state"],
                "requester_office": r["requested_by"]["office"],
                "requester": r["requested_by"]["person"],
                "legal_basis": "; ".join(r["legal_basis"]),
                "organ": r["organ"] or "",
                "rule": r["rule"] or "",
                "treaty_outcome": per(r["treaty"]),
                "recorded": r["recorded"] or "",
                "frame_outcome": per(r["frame"]),
                **{q: per(r["consent"].get(q)) for q in CONSENT_QUESTIONS},
                "contingents": "; ".join(r["force"]["contingents"]),
                "figures": "; ".join(
                    f"{g['measure']}: {' | '.join(g['reported'])}" for g in r["force"]["figures"]
                ),
                "tasks": " | ".join(r["tasks"]),
                "start": r["start"] or "",
                "end": r["end"] or "",
                "stated": "; ".join(f"{c['by']}: {c['value']}" for c in r["stated"]),
                "cites": "; ".join(r["cites"]),
            }
        )
    return out.getvalue()
