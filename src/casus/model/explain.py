"""The explanation tree: every node says what it states, its value, and what it rests on.

`cites` holds provision citations (`instrument/eid@version-date`), claims (`claim:ID`) and
sources (`source:ID`). A node with no citation of its own rests on its children.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from casus.model.common import Value


class Node(NamedTuple):
    """One step of an explanation (a named tuple: cheap to build, immutable)."""

    statement: str
    value: Value
    cites: tuple[str, ...] = ()
    children: tuple[Node, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "statement": self.statement,
            "value": self.value.value,
            "cites": list(self.cites),
            "children": [c.to_dict() for c in self.children],
        }

    def walk(self) -> list[Node]:
        out: list[Node] = [self]
        for c in self.children:
            out.extend(c.walk())
        return out
