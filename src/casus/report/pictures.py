"""Pictures of a replay: the timeline as a drawing, each vote as a board of members by position,
and the force's figures per source as a chart in which sources that disagree are all drawn.

Pure layout: a replay document in, pictures out. A picture is a list of marks (an SVG element's
tag, its presentation attributes, its text, the citation shown on hover as its `<title>`, and
`data-` attributes naming what it stands for). The HTML report writes them as inline SVG
(`templates/pictures.html.j2`); the browser UI gets the same pictures from the API and builds
the elements with `createElementNS` and `textContent`. Nothing here decides a legal question: the
vote's outcome, who blocks and who is pivotal are read from the engine's evaluation, and every
figure is drawn as its source gave it. Presentation attributes only (no `style`), so the pictures
need no stylesheet and pass a content-security policy that forbids inline styles.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from casus.model.states import state_name

Mark = dict[str, Any]
Picture = dict[str, Any]

#: The only elements a picture uses (the renderers refuse any other).
TAGS = frozenset({"rect", "circle", "line", "text", "path"})

FONT = "system-ui, sans-serif"
INK, MUTED, GRID = "#1b1b1b", "#5b5f6b", "#e3e5ec"
CONTESTED, CONTESTED_BG = "#7a5500", "#fff2cc"
#: Fill and stroke per recorded position (the report's value colours).
POSITION_COLOURS = {
    "support": ("#e3f5e8", "#0b6b2b"),
    "object": ("#fbe5e5", "#a11313"),
    "abstain": ("#fff2cc", "#7a5500"),
    "absent": ("#ececf1", "#5b5f6b"),
    "none": ("#ffffff", "#9a9aa6"),
}
POSITION_TITLES = {
    "support": "support",
    "object": "object",
    "abstain": "abstain",
    "absent": "absent",
    "none": "no position recorded",
}
OUTCOME_COLOURS = {"approved": "#0b6b2b", "refused": "#a11313"}
#: Bars of figures that disagree: one colour per distinct value within a measure's group.
PALETTE = ("#2c4f9e", "#c2571a", "#6a1b7a", "#0b6b6b", "#8a6d00", "#a11313")


def mark(
    tag: str,
    *,
    title: str | None = None,
    text: str | None = None,
    data: dict[str, str] | None = None,
    **attrs: object,
) -> Mark:
    """One SVG element: `stroke_width=2` is written `stroke-width="2"`."""
    if tag not in TAGS:
        raise ValueError(f"a picture has no <{tag}> element")
    return {
        "tag": tag,
        "attrs": {k.replace("_", "-"): _num(v) for k, v in attrs.items() if v is not None},
        "text": text,
        "title": title,
        "data": data or {},
    }


def _num(v: object) -> str:
    if isinstance(v, float):
        return f"{v:.1f}".removesuffix(".0")
    return str(v)


def label(
    words: str,
    *,
    size: int = 12,
    fill: str = INK,
    title: str | None = None,
    data: dict[str, str] | None = None,
    **attrs: object,
) -> Mark:
    return mark(
        "text",
        text=words,
        title=title,
        data=data,
        font_size=size,
        font_family=FONT,
        fill=fill,
        **attrs,
    )


def _sources(ids: Iterable[str]) -> str:
    ids = list(ids)
    return f" Sources: {', '.join(ids)}." if ids else ""


def _state(code: str | None) -> str:
    if code is None:
        return "whole force"
    name = state_name(code)
    return f"{name} ({code})" if name else code


def _short(name: str) -> str:
    """An actor's name up to its first comma or parenthesis (the full name is in the title)."""
    cut = min((i for i in (name.find(", "), name.find(" (")) if i > 0), default=len(name))
    return name[:cut]


# --- the timeline ------------------------------------------------------------------------------

LEFT = 150  # width of the lanes' names
STEP = 58  # between two dated slots
BREAK = 44  # extra room where more than a month passes between two slots
LANE = 26


def timeline(doc: dict[str, Any]) -> Picture:
    """Requests, decisions, the phases of the force (deployment, handover, withdrawal…) and every
    dated event of the case on one axis. Slots are the dates that occur, in order (so that close
    days stay readable); a break on the axis says how long passes where a month or more does."""
    events = doc.get("timeline") or []
    requests = doc.get("requests") or []
    phases = doc.get("phases") or []
    decisions = [rq for rq in requests if rq.get("decision") and rq["decision"].get("date")]
    dates = sorted(
        {e["date"] for e in events}
        | {e["end"] for e in events if e.get("end")}
        | {rq["date"] for rq in requests}
        | {rq["decision"]["date"] for rq in decisions}
        | {p["start"] for p in phases}
        | {p["end"] for p in phases if p.get("end")}
    )
    marks: list[Mark] = []
    if not dates:
        return _picture("timeline", "The case's timeline (no dated event)", 400, 40, marks)
    x: dict[str, float] = {}
    pos = float(LEFT + 20)
    breaks: list[tuple[float, int]] = []
    for i, d in enumerate(dates):
        if i:
            gap = (dt.date.fromisoformat(d) - dt.date.fromisoformat(dates[i - 1])).days
            pos += STEP
            if gap > 31:
                breaks.append((pos + BREAK / 2 - STEP / 2, gap))
                pos += BREAK
        x[d] = pos
    width = int(pos + 90)
    stacks: dict[str, int] = {}
    for e in events:
        stacks[e["date"]] = stacks.get(e["date"], 0) + 1
    event_rows = max(stacks.values(), default=1)
    lanes = [("Requests", 1), ("Decisions", 1), ("Force", max(len(phases), 1))]
    lanes.append(("Events", event_rows))
    top: dict[str, float] = {}
    y = 24.0
    for name, rows in lanes:
        top[name] = y
        marks.append(label(name, x=8, y=y + 17, font_weight=600))
        y += rows * LANE + 10
        marks.append(mark("line", x1=0, y1=y - 5, x2=width, y2=y - 5, stroke=GRID))
    axis = y + 6
    for d, xd in x.items():
        marks.append(mark("line", x1=xd, y1=20, x2=xd, y2=axis, stroke=GRID))
        marks.append(mark("line", x1=xd, y1=axis, x2=xd, y2=axis + 5, stroke=MUTED))
        marks.append(label(_day(d), size=11, fill=MUTED, x=xd, y=axis + 18, text_anchor="middle"))
    years = sorted({d[:4] for d in dates})
    marks.append(label(" / ".join(years), size=11, fill=MUTED, x=8, y=axis + 18))
    marks.append(mark("line", x1=LEFT, y1=axis, x2=width - 20, y2=axis, stroke=MUTED))
    for bx, gap in breaks:
        marks.append(
            mark("path", d=f"M{bx - 6:.0f},{axis + 6:.0f} l6,-12 l6,12", fill="none", stroke=MUTED)
        )
        marks.append(label(_gap(gap), size=10, fill=MUTED, x=bx, y=axis + 32, text_anchor="middle"))
    for rq in requests:
        xd, yr = x[rq["date"]], top["Requests"] + 13
        who = rq.get("requester") or {}
        marks.append(
            mark(
                "path",
                d=f"M{xd:.0f},{yr - 8:.0f} l8,14 l-16,0 z",
                fill="#2c4f9e",
                title=f"{rq['date']}: request {rq['id']} by {who.get('person') or who.get('state')}"
                f" ({str(who.get('office', '')).replace('_', ' ')} of {who.get('state')}),"
                f" addressed to {rq.get('addressed_to')}.{_sources(rq.get('sources') or [])}",
                data={"mark": "request", "request": rq["id"]},
            )
        )
    for rq in decisions:
        dec = rq["decision"]
        ev = rq.get("evaluation") or {}
        organ = ev.get("organ") or {}
        organ_name = organ.get("name") if organ.get("id") == dec.get("organ") else dec.get("organ")
        xd, yd = x[dec["date"]], top["Decisions"] + 13
        colour = OUTCOME_COLOURS.get(dec["outcome"], MUTED)
        marks.append(
            mark(
                "path",
                d=f"M{xd:.0f},{yd - 9:.0f} l8,9 l-8,9 l-8,-9 z",
                fill=colour,
                title=f"{dec['date']}: {organ_name} decided ({str(dec['outcome']).replace('_', ' ')})"
                f" on request {rq['id']}.{_sources(dec.get('sources') or [])}",
                data={"mark": "decision", "request": rq["id"], "outcome": dec["outcome"]},
            )
        )
        marks.append(
            label(str(dec["outcome"]).replace("_", " "), size=11, fill=colour, x=xd + 12, y=yd + 4)
        )
    for i, p in enumerate(phases):
        x1 = x[p["start"]]
        x2 = x[p["end"]] if p.get("end") else x1 + STEP * 0.8
        yp = top["Force"] + i * LANE + 3
        colour = "#8a8f9e" if "withdraw" in p["id"] else PALETTE[i % len(PALETTE)]
        until = f" to {p['end']}" if p.get("end") else " (its end was not recorded)"
        marks.append(
            mark(
                "rect",
                x=x1,
                y=yp,
                width=max(x2 - x1, 6),
                height=LANE - 8,
                rx=3,
                fill=colour,
                fill_opacity=0.85 if p.get("end") else 0.35,
                stroke=colour,
                stroke_dasharray=None if p.get("end") else "4 3",
                title=f"{p['name']}: {p['start']}{until}. {p.get('summary', '')}"
                f"{_sources(p.get('sources') or [])}",
                data={"mark": "phase", "phase": p["id"]},
            )
        )
        marks.append(label(p["name"], size=11, x=x2 + 6, y=yp + 13))
    seen: dict[str, int] = {}
    for n, e in enumerate(events, start=1):
        row = seen.get(e["date"], 0)
        seen[e["date"]] = row + 1
        xd, ye = x[e["date"]], top["Events"] + row * LANE + 13
        title = f"{e['date']}{' to ' + e['end'] if e.get('end') else ''}: {e['event']}"
        if e.get("end"):
            marks.append(
                mark("line", x1=xd, y1=ye, x2=x[e["end"]], y2=ye, stroke="#2c4f9e", stroke_width=3)
            )
        marks.append(
            mark(
                "circle",
                cx=xd,
                cy=ye,
                r=8,
                fill="#ffffff",
                stroke="#2c4f9e",
                stroke_width=2,
                title=title + _sources(e.get("sources") or []),
                data={"mark": "event", "n": str(n)},
            )
        )
        marks.append(label(str(n), size=9, x=xd, y=ye + 3, text_anchor="middle"))
    return _picture(
        "timeline",
        "The case's timeline: requests, decisions, the force's phases and every dated event",
        width,
        int(axis + 40),
        marks,
    )


def _day(iso: str) -> str:
    d = dt.date.fromisoformat(iso)
    return f"{d.day} {d.strftime('%b')}"


def _gap(days: int) -> str:
    if days >= 730:
        return f"{days // 365} years later"
    if days >= 60:
        return f"{days // 30} months later"
    return f"{days} days later"


# --- the vote as a board ------------------------------------------------------------------------

COLUMNS = ("support", "object", "abstain", "absent", "none")
TILE_W, TILE_H, PER_ROW = 52, 26, 3
COL_W = PER_ROW * (TILE_W + 4) + 14


def boards(doc: dict[str, Any]) -> list[Picture]:
    """One board per request decided by an organ: every member the engine counts as a voter, in
    the column of its recorded position (or "no position recorded"), marked where the engine
    says it blocks or is pivotal, and whether the position is inferred from conduct."""
    return [b for rq in doc.get("requests") or [] if (b := board(rq)) is not None]


def board(rq: dict[str, Any]) -> Picture | None:
    ev = rq.get("evaluation") or {}
    vote = ev.get("vote") or {}
    positions = {p["state"]: p for p in (rq.get("decision") or {}).get("positions") or []}
    voters = list(
        dict.fromkeys(
            [*vote.get("joined", []), *vote.get("not_joined", []), *vote.get("missing", [])]
        )
    )
    members = voters + [s for s in positions if s not in voters]
    if not members:
        return None
    blocking, pivotal = set(vote.get("blocking", [])), set(vote.get("pivotal", []))
    joined = set(vote.get("joined", []))
    columns: dict[str, list[str]] = {c: [] for c in COLUMNS}
    for s in members:
        p = positions.get(s)
        columns[p["position"] if p and p["position"] in columns else "none"].append(s)
    organ = (ev.get("organ") or {}).get("name") or (rq.get("decision") or {}).get("organ", "")
    rule = (ev.get("rule") or {}).get("text")
    marks: list[Mark] = [
        label(f"{organ}{': ' + rule if rule else ''}", size=13, x=8, y=18, font_weight=600),
    ]
    if vote:
        marks.append(
            label(
                f"Computed from these positions: {str(vote.get('outcome')).replace('_', ' ')}"
                f" ({vote.get('reason')})",
                size=12,
                x=8,
                y=36,
            )
        )
    top = 50
    rows = max((len(v) + PER_ROW - 1) // PER_ROW for v in columns.values())
    for c, (col, states) in enumerate(columns.items()):
        x0 = 8 + c * COL_W
        fill, stroke = POSITION_COLOURS[col]
        marks.append(
            label(
                f"{POSITION_TITLES[col]} ({len(states)})",
                size=12,
                fill=stroke,
                x=x0,
                y=top + 14,
                font_weight=600,
                data={"mark": "column", "position": col, "count": str(len(states))},
            )
        )
        for i, s in enumerate(states):
            tx = x0 + (i % PER_ROW) * (TILE_W + 4)
            ty = top + 22 + (i // PER_ROW) * (TILE_H + 6)
            p = positions.get(s)
            notes = [
                POSITION_TITLES[col]
                + (" (inferred from conduct)" if p and p.get("inferred") else "")
            ]
            if s in blocking:
                notes.append("blocks the decision")
            if s in pivotal:
                notes.append("pivotal")
            if vote:
                notes.append("joins the decision" if s in joined else "does not join the decision")
            if s not in voters:
                notes.append("not counted among the voters")
            why = f" {p['basis']}" if p and p.get("basis") else ""
            marks.append(
                mark(
                    "rect",
                    x=tx,
                    y=ty,
                    width=TILE_W,
                    height=TILE_H,
                    rx=4,
                    fill=fill,
                    stroke=POSITION_COLOURS["object"][1] if s in blocking else stroke,
                    stroke_width=3 if s in blocking else 1.2,
                    stroke_dasharray="4 2" if p and p.get("inferred") else None,
                    title=f"{_state(s)}: {'; '.join(notes)}.{why}"
                    f"{_sources(p.get('sources') or []) if p else ''}",
                    data={"mark": "member", "state": s, "position": col},
                )
            )
            marks.append(label(s + (" ★" if s in pivotal else ""), size=12, x=tx + 8, y=ty + 17))
    height = top + 22 + rows * (TILE_H + 6) + 24
    marks.append(
        label(
            "★ pivotal (per the engine) · thick red border: blocks · dashed: position inferred"
            " from conduct · hover a member for the basis and sources",
            size=11,
            fill=MUTED,
            x=8,
            y=height - 8,
        )
    )
    return _picture(
        f"board-{rq['id']}",
        f"The vote on request {rq['id']}: every member by its recorded position",
        max(8 + len(COLUMNS) * COL_W, 620),
        height,
        marks,
        request=rq["id"],
    )


# --- the force's figures ------------------------------------------------------------------------

BAR_X, BAR_W, ROW = 330, 440, 22


def _scale_of(measure: str) -> str:
    """Figures of people (deployed, planned, the standing roster) share one scale."""
    return (
        "personnel" if measure.endswith("_personnel") or measure == "standing_roster" else measure
    )


def force_chart(doc: dict[str, Any]) -> Picture | None:
    """Every figure of the force, one bar per figure as its source gave it, grouped by measure and
    contingent. Bars of one measure share one scale. Where the sources of a group differ, the
    group is shaded, each distinct value has its own colour and a dashed line, and the values are
    named: the disagreement is drawn, not averaged. A figure given only in words is a row of
    text (no bar)."""
    force = doc.get("force") or {}
    groups = force.get("figures") or []
    if not groups:
        return None
    names = {a["id"]: a["name"] for a in doc.get("actors") or []}
    scale: dict[str, int] = {}
    for g in groups:
        for f in g["figures"]:
            if f.get("value") is not None:
                key = _scale_of(g["measure"])
                scale[key] = max(scale.get(key, 0), f["value"])
    marks: list[Mark] = []
    y = 10.0
    for gi, g in enumerate(groups):
        figures = g["figures"]
        most = scale.get(_scale_of(g["measure"]), 0)
        distinct = list(dict.fromkeys(f["value"] for f in figures if f.get("value") is not None))
        head = f"{g['measure'].replace('_', ' ')} · {_state(g.get('contingent'))}"
        group_h = ROW * (len(figures) + 1) + 6
        if g.get("conflict"):
            marks.append(
                mark(
                    "rect",
                    x=2,
                    y=y,
                    width=BAR_X + BAR_W + 150,
                    height=group_h,
                    rx=4,
                    fill=CONTESTED_BG,
                    stroke="#e6c65c",
                    data={"mark": "conflict", "group": str(gi)},
                )
            )
        marks.append(label(head, size=12, x=10, y=y + 16, font_weight=600))
        if g.get("conflict"):
            words = sum(1 for f in figures if f.get("value") is None)
            shown = " / ".join(
                [f"{v:,}" for v in distinct] + ([f"{words} in words"] if words else [])
            )
            marks.append(
                label(
                    f"sources differ: {shown}",
                    size=12,
                    fill=CONTESTED,
                    x=BAR_X,
                    y=y + 16,
                    font_weight=600,
                )
            )
        top = y + ROW
        for fi, f in enumerate(figures):
            fy = top + fi * ROW
            who = names.get(f["by"], f["by"])
            marks.append(
                label(
                    f"{_short(who)}{', ' + f['date'] if f.get('date') else ''}",
                    size=11,
                    x=18,
                    y=fy + 14,
                )
            )
            text = f.get("text") or (f"{f['value']:,}" if f.get("value") is not None else "")
            title = (
                f"{head}: {text} ({str(f.get('qualifier', 'exact')).replace('_', ' ')}),"
                f" given by {who}{', ' + f['date'] if f.get('date') else ''}."
                f"{' “' + f['quote'] + '”.' if f.get('quote') else ''}"
                f"{_sources(f.get('sources') or [])}{' ' + f['note'] if f.get('note') else ''}"
            )
            if f.get("value") is None:
                marks.append(
                    label(
                        f"in words: {text}",
                        size=11,
                        fill=MUTED,
                        x=BAR_X,
                        y=fy + 14,
                        font_style="italic",
                        title=title,
                        data={"mark": "figure-words", "figure": f["id"]},
                    )
                )
                continue
            w = BAR_W * f["value"] / most if most else 0
            colour = (
                PALETTE[distinct.index(f["value"]) % len(PALETTE)]
                if g.get("conflict")
                else PALETTE[0]
            )
            marks.append(
                mark(
                    "rect",
                    x=BAR_X,
                    y=fy + 3,
                    width=max(w, 2),
                    height=ROW - 7,
                    fill=colour,
                    fill_opacity=0.6 if f.get("qualifier") not in (None, "exact") else 0.9,
                    title=title,
                    data={"mark": "figure", "figure": f["id"], "value": str(f["value"])},
                )
            )
            marks.append(label(text, size=11, x=BAR_X + max(w, 2) + 6, y=fy + 14))
        if g.get("conflict") and len(distinct) > 1:
            for v in distinct:
                vx = BAR_X + BAR_W * v / most if most else BAR_X
                marks.append(
                    mark(
                        "line",
                        x1=vx,
                        y1=top,
                        x2=vx,
                        y2=top + len(figures) * ROW,
                        stroke=CONTESTED,
                        stroke_dasharray="3 3",
                        data={"mark": "disagreement", "value": str(v)},
                    )
                )
        y += group_h + 8
    marks.append(
        label(
            "One bar per figure, as its source gave it; bars of one measure (and all figures of"
            " personnel) share one scale;"
            " a paler bar is a figure given as about / more than / reportedly. Shaded: sources differ.",
            size=11,
            fill=MUTED,
            x=10,
            y=y + 12,
        )
    )
    return _picture(
        "force",
        "The force's figures per source, conflicts kept",
        BAR_X + BAR_W + 160,
        int(y + 24),
        marks,
    )


# --- all of a replay's pictures -------------------------------------------------------------------


def _picture(
    pid: str, title: str, width: int, height: int, marks: Sequence[Mark], **extra: str
) -> Picture:
    return {
        "id": pid,
        "label": title,
        "width": width,
        "height": height,
        "marks": list(marks),
        **extra,
    }


def pictures(doc: dict[str, Any]) -> dict[str, Any]:
    """Every picture of a replay document (what the report and `/api/cases/{id}/pictures` show)."""
    return {"timeline": timeline(doc), "boards": boards(doc), "force": force_chart(doc)}
