"""What a scenario changed: the outcome, each casus, the vote, and the explanation steps."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from casus.evaluation.engine import Evaluation
from casus.model.explain import Node

SUCCESS = frozenset(
    {"approved", "approved_limited_format", "obligations_arise", "consultation_due"}
)


def succeeds(ev: Evaluation) -> bool:
    """Whether the request succeeds: the rules give it, and the organ (if any) approves."""
    return ev.outcome["computed"] in SUCCESS


def _flatten(node: Node, path: str, out: dict[str, Node]) -> None:
    out[path] = node
    for i, child in enumerate(node.children):
        _flatten(child, f"{path}.{i}", out)


@dataclass(frozen=True)
class Difference:
    before: Evaluation
    after: Evaluation

    def to_dict(self) -> dict[str, Any]:
        b, a = self.before, self.after
        triggered = []
        after_t = {t.provision: t for t in a.triggered}
        for t in b.triggered:
            u = after_t.pop(t.provision, None)
            if u is None or u.value is not t.value or u.entitled is not t.entitled:
                triggered.append(
                    {
                        "provision": t.provision,
                        "before": t.value.value,
                        "after": u.value.value if u else "not considered",
                        "entitled_before": t.entitled.value,
                        "entitled_after": u.entitled.value if u else None,
                    }
                )
        for u in after_t.values():
            triggered.append(
                {
                    "provision": u.provision,
                    "before": "not in force",
                    "after": u.value.value,
                    "entitled_before": None,
                    "entitled_after": u.entitled.value,
                }
            )
        nb: dict[str, Node] = {}
        na: dict[str, Node] = {}
        _flatten(b.explanation, "0", nb)
        _flatten(a.explanation, "0", na)
        steps = []
        for path, node in na.items():
            old = nb.get(path)
            if old is None or old.value is not node.value or old.statement != node.statement:
                if old is not None and old.value is node.value:
                    continue  # the wording moved with the date; the value did not change
                steps.append(
                    {
                        "step": path,
                        "before": None
                        if old is None
                        else {"statement": old.statement, "value": old.value.value},
                        "after": {
                            "statement": node.statement,
                            "value": node.value.value,
                            "cites": list(node.cites),
                        },
                    }
                )
        return {
            "outcome": {"before": b.outcome["computed"], "after": a.outcome["computed"]},
            "turned": succeeds(b) != succeeds(a),
            "entitled": {"before": b.entitled.value, "after": a.entitled.value},
            "vote": {
                "before": b.vote.outcome if b.vote else None,
                "after": a.vote.outcome if a.vote else None,
            },
            "triggered": triggered,
            "explanation": steps,
        }
