"""A drawing of a cascade: the rounds in which states are drawn in, on each side, as SVG inside
a self-contained HTML page. Every line is a link of obligation, and carries its citation."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from casus.report.html import _environment, write_whole

COL = 170  # width of a round's column
ROW = 34  # height of a state's box and gap
TOP = 60


def layout(doc: dict[str, Any]) -> dict[str, Any]:
    """Positions of the states (by round and side) and the lines between them."""
    columns: dict[int, dict[str, list[str]]] = {
        0: {"target": [doc["target"]], "attacker": [doc["attacker"]]}
    }
    place: dict[str, tuple[int, str]] = {
        doc["target"]: (0, "target"),
        doc["attacker"]: (0, "attacker"),
    }
    status: dict[str, str] = {doc["target"]: "first", doc["attacker"]: "first"}
    links: list[dict[str, Any]] = []
    for rnd in doc["rounds"]:
        r = rnd["round"]
        for d in rnd["joined"]:
            columns.setdefault(r, {"target": [], "attacker": []})[d["side"]].append(d["state"])
            place[d["state"]] = (r, d["side"])
            status[d["state"]] = d["status"]
            for link in d["links"]:
                links.append({"from": link["towards"], "to": d["state"], "link": link})
    height_target = max(len(c["target"]) for c in columns.values())
    height_attacker = max(len(c["attacker"]) for c in columns.values())
    mid = TOP + height_target * ROW + 40
    boxes = []
    xy: dict[str, tuple[int, int]] = {}
    for r, sides in sorted(columns.items()):
        for i, state in enumerate(sides["target"]):
            xy[state] = (20 + r * COL, TOP + i * ROW)
        for i, state in enumerate(sides["attacker"]):
            xy[state] = (20 + r * COL, mid + 20 + i * ROW)
    for state, (x, y) in xy.items():
        boxes.append(
            {"state": state, "x": x, "y": y, "side": place[state][1], "status": status[state]}
        )
    lines = []
    for ln in links:
        if ln["from"] in xy and ln["to"] in xy:
            (x1, y1), (x2, y2) = xy[ln["from"]], xy[ln["to"]]
            lines.append(
                {
                    "x1": x1 + 110,
                    "y1": y1 + 12,
                    "x2": x2,
                    "y2": y2 + 12,
                    "firm": ln["link"]["firm"],
                    "title": f"{ln['to']} for {ln['from']}: {ln['link']['cite']}",
                }
            )
    rounds = max(columns) + 1
    return {
        "width": 40 + rounds * COL,
        "height": mid + 40 + max(height_attacker, 1) * ROW,
        "mid": mid,
        "rounds": list(range(rounds)),
        "col": COL,
        "boxes": boxes,
        "lines": lines,
    }


def render_cascade(doc: dict[str, Any]) -> str:
    return _environment().get_template("cascade.html.j2").render(doc=doc, drawing=layout(doc))


def write_cascade(doc: dict[str, Any], target: Path) -> Path:
    return write_whole(render_cascade(doc), target)
