"""The JSON contract of `casus replay CASE --json` (docs/reference/json.md), checked for shape.

The project's own statement of the contract: every test that checks a replay document calls
`problems`, so the contract is checked on every run, whatever lies outside the repository.
"""

from __future__ import annotations

import re
from typing import Any

VALUES = frozenset({"yes", "no", "contested", "undetermined"})
CITATION = re.compile(r"^[a-z0-9][a-z0-9._-]*/[A-Za-z0-9_]+(__[A-Za-z0-9_]+)*@\d{4}-\d{2}-\d{2}$")

TOP_LEVEL = ("case", "requests", "force", "mandate")
REQUEST = ("date", "requester", "provisions_cited", "evaluation")
EVALUATION = ("entitled", "triggered", "organ", "rule", "outcome", "obligations", "explanation")
OUTCOME = ("computed", "recorded", "agrees")
NODE = ("statement", "value", "cites", "children")


def _node(node: Any, path: str) -> list[str]:
    if not isinstance(node, dict):
        return [f"{path}: not an object"]
    found = [f"{path}: missing '{k}'" for k in NODE if k not in node]
    if node.get("value") not in VALUES:
        found.append(f"{path}: value {node.get('value')!r} is not one of {sorted(VALUES)}")
    if not node.get("cites") and not node.get("children"):
        found.append(f"{path}: cites nothing and has no children")
    for i, child in enumerate(node.get("children") or []):
        found.extend(_node(child, f"{path}.children[{i}]"))
    return found


def problems(doc: Any) -> list[str]:
    """Every way `doc` departs from the contract; empty when it keeps it."""
    if not isinstance(doc, dict):
        return ["the document is not an object"]
    found = [f"missing top-level '{k}'" for k in TOP_LEVEL if k not in doc]
    requests = doc.get("requests") or []
    if not requests:
        found.append("no requests")
    for r, request in enumerate(requests):
        where = f"requests[{r}]"
        found += [f"{where}: missing '{k}'" for k in REQUEST if k not in request]
        ev = request.get("evaluation") or {}
        found += [f"{where}.evaluation: missing '{k}'" for k in EVALUATION if k not in ev]
        if ev.get("entitled") not in VALUES:
            found.append(f"{where}.evaluation.entitled: {ev.get('entitled')!r} is not a value")
        for t, trig in enumerate(ev.get("triggered") or []):
            if not CITATION.match(str(trig.get("provision", ""))):
                found.append(
                    f"{where}.evaluation.triggered[{t}].provision {trig.get('provision')!r} "
                    "is not instrument/eid@YYYY-MM-DD"
                )
            if trig.get("value") not in VALUES:
                found.append(f"{where}.evaluation.triggered[{t}].value is not a value")
        outcome = ev.get("outcome") or {}
        found += [f"{where}.evaluation.outcome: missing '{k}'" for k in OUTCOME if k not in outcome]
        found += _node(ev.get("explanation"), f"{where}.evaluation.explanation")
    return found
