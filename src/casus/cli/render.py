"""Terminal rendering (Rich) of the same documents `--json` prints."""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.panel import Panel
from rich.table import Table
from rich.text import Text
from rich.tree import Tree

_STYLE = {
    "yes": "bold green",
    "no": "bold red",
    "contested": "bold yellow",
    "undetermined": "bold magenta",
}


def _v(value: str | None) -> str:
    if value is None:
        return "-"
    style = _STYLE.get(value)
    return f"[{style}]{value}[/]" if style else escape(str(value))


def _outcome(o: dict[str, Any]) -> str:
    """The value and the computed outcome, the word once when they are the same word."""
    if o["computed"] == o["value"]:
        return _v(o["value"])
    return f"{_v(o['value'])} {escape(o['computed'])}"


def _src(ids: list[str]) -> str:
    return escape(", ".join(ids))


class _Table(Table):
    """A table that never cuts a cell short with an ellipsis: a citation, an id or a word too
    long for its column is folded onto the next line, whole."""

    def add_column(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("overflow", "fold")
        super().add_column(*args, **kwargs)


def _console() -> Console:
    console = Console(highlight=False, soft_wrap=False)
    if not console.is_terminal and "COLUMNS" not in os.environ:
        # Piped to a file or a pager: wide enough that tables stay readable.
        console = Console(highlight=False, soft_wrap=False, width=140)
    return console


def print_cases(rows: list[dict[str, Any]]) -> None:
    t = _Table(title="Cases", show_lines=False)
    for col in ("id", "organization", "request date(s)", "recorded outcome(s)", "title"):
        t.add_column(col)
    for r in rows:
        t.add_row(
            r["id"],
            r["organization"],
            ", ".join(r["dates"]),
            ", ".join(r["recorded"]),
            escape(r["title"]) + (" [dim](hypothetical)[/]" if r["hypothetical"] else ""),
        )
    _console().print(t)


def _tree(node: dict[str, Any], into: Tree) -> None:
    cites = f" [dim]\\[{escape('; '.join(node['cites']))}][/]" if node["cites"] else ""
    branch = into.add(f"{_v(node['value'])} {escape(node['statement'])}{cites}")
    for child in node["children"]:
        _tree(child, branch)


def print_evaluation(
    ev: dict[str, Any],
    *,
    title: str,
    console: Console | None = None,
    claims: dict[str, dict[str, Any]] | None = None,
    sections: frozenset[str] | None = None,
) -> None:
    """The evaluation as the full view prints it; with `sections`, only those parts of it."""
    c = console or _console()
    parts = [name for name in _EVALUATION_PARTS if sections is None or name in sections]
    if not parts:
        return
    c.rule(
        f"[bold]{escape(title)}[/]: evaluated on {ev['on']} under {escape(ev['readings'][ev['reading']])}"
    )
    for name in parts:
        _EVALUATION_PARTS[name](ev, c)


def _rules_part(ev: dict[str, Any], c: Console) -> None:
    t = _Table(title="In force that day, and whether each casus arose", show_lines=True)
    t.add_column("provision (instrument/eid@version)")
    t.add_column("text", max_width=60)
    t.add_column("entitled")
    for _rid, label in ev["readings"].items():
        t.add_column(escape(label))
    for trig in ev["triggered"]:
        text = f"[dim]{trig['text_status']}[/] {escape(trig['text'])}"
        t.add_row(
            escape(f"{trig['provision']}\n{trig['heading']}")
            + ("" if trig["cited"] else "\n[dim](not cited)[/]"),
            text,
            _v(trig["entitled"]),
            *(_v(trig["readings"][rid]) for rid in ev["readings"]),
        )
    c.print(t)
    for n in ev["not_in_force"]:
        c.print(f"[red]not in force[/] {escape(n['provision'])}: {escape(n['reason'])}")
    for trig in ev["triggered"]:
        if trig["missing"]:
            c.print(
                f"{escape(trig['provision'])}: [magenta]undetermined, missing:[/] {escape(', '.join(trig['missing']))}"
            )
        if trig["contested"]:
            c.print(
                f"{escape(trig['provision'])}: [yellow]contested:[/] {escape(', '.join(trig['contested']))}"
            )
    c.print(f"Requester entitled to ask: {_v(ev['entitled'])}")


def _decision_part(ev: dict[str, Any], c: Console) -> None:
    if ev["organ"]:
        rule = ev["rule"] or {}
        c.print(
            f"Deciding organ: [bold]{escape(ev['organ']['name'])}[/] ({escape(ev['organ']['composition'])}); "
            f"rule: [bold]{escape(str(rule.get('text', 'none in force')))}[/] "
            f"[dim]({escape(str(rule.get('basis', '')))}; {_src(rule.get('cites', []))})[/]"
        )
    vote = ev["vote"]
    if vote:
        c.print(f"Vote: {_v(vote['value'])} {escape(vote['outcome'])}: {escape(vote['reason'])}")
        if vote["pivotal"]:
            c.print(
                f"[dim]Pivotal (one change of position alone would change the outcome): {escape(', '.join(vote['pivotal']))}[/]"
            )

    o = ev["outcome"]
    ot = _Table(title="Outcome", show_lines=False)
    ot.add_column("computed (rules)")
    ot.add_column("recorded")
    ot.add_column("agrees")
    ot.add_column("by reading")
    agrees = {True: "[green]yes[/]", False: "[red]no[/]", None: "-"}[o["agrees"]]
    rec = o["recorded"] or "-"
    if o.get("recorded_date"):
        rec += f" ({o['recorded_date']})"
    if o.get("announced_by"):
        a = o["announced_by"]
        rec += f"\nannounced by {a['person']}, {a['office']}"
    ot.add_row(
        f"{_outcome(o)}\n[dim]basis: {o['basis']}[/]",
        escape(rec),
        agrees,
        "\n".join(
            f"{escape(ev['readings'][k])}: {_outcome(v)} (basis {v['basis']})"
            for k, v in o["by_reading"].items()
        ),
    )
    c.print(ot)
    if o.get("difference"):
        c.print(f"[yellow]{escape(o['difference'])}[/]")
    for word in ("conflict", "priority"):
        k = o.get(word)
        if not k:
            continue
        organs = ", ".join(f"{x['organ']} ({x['provision']})" for x in k["provisions"])
        why = k["rule"] + (f": {k['resolved_by']['label']}" if k["resolved_by"] else "")
        c.print(
            f"[yellow]{word}: provisions that arise name different organs: {escape(organs)}; "
            f"{escape(k['chosen'])} decided here ({escape(why)})[/]"
        )
    for n in o.get("nearest_in_force", []):
        when = ", ".join(
            x
            for x in (
                f"in force until {n['in_force_until']}" if n["in_force_until"] else "",
                f"in force from {n['in_force_from']}" if n["in_force_from"] else "",
            )
            if x
        )
        c.print(
            f"[yellow]no provision in force: {escape(n['provision'])} ({when or 'no version'})[/]"
        )
    for r in o.get("reasons", []):
        quote = f"\u201c{escape(r['quote'])}\u201d " if r.get("quote") else ""
        c.print(
            f"  reason claimed by {escape(r['by_name'])}: {quote}"
            f"({escape(r['proposition'])} = {r['value']}, {r['status']}) [dim]({_src(r['sources'])})[/]"
        )
    if o.get("recorded_measures"):
        c.print(f"Measures recorded: {escape(o['recorded_measures'])}")


def _obligations_part(ev: dict[str, Any], c: Console) -> None:
    if ev["obligations"]:
        obt = _Table(title="Obligations that follow", show_lines=True)
        obt.add_column("provision")
        obt.add_column("duty")
        obt.add_column("bearers")
        obt.add_column("value")
        for ob in ev["obligations"]:
            bearers = (
                "; ".join(f"{s['state']}: {s['value']} ({s['why']})" for s in ob["states"])
                or ob["bearer"]
            )
            obt.add_row(
                escape(ob["provision"]),
                escape(f"{ob['modality']} {ob['duty']}"),
                escape(bearers),
                _v(ob["value"]),
            )
        c.print(obt)


def _assumptions_part(ev: dict[str, Any], c: Console) -> None:
    if ev["assumptions"]:
        at = _Table(
            title="Assumptions this evaluation rests on (labelled; not verified text)",
            show_lines=True,
        )
        at.add_column("label")
        at.add_column("id")
        at.add_column("assumption", max_width=90)
        at.add_column("where")
        for a in ev["assumptions"]:
            at.add_row(
                f"[yellow]{a['label']}[/]", escape(a["id"]), escape(a["text"]), escape(a["where"])
            )
        c.print(at)
    for note in ev.get("notes", []):
        c.print(f"[dim]note: {escape(note)}[/]")


def _explanation_part(ev: dict[str, Any], c: Console) -> None:
    tree = Tree("[bold]Explanation[/] (every step cites a provision version, claims or sources)")
    _tree(ev["explanation"], tree)
    c.print(tree)


_EVALUATION_PARTS: dict[str, Callable[[dict[str, Any], Console], None]] = {
    "rules": _rules_part,
    "decision": _decision_part,
    "obligations": _obligations_part,
    "assumptions": _assumptions_part,
    "explanation": _explanation_part,
}


def print_replay(
    doc: dict[str, Any],
    *,
    sections: frozenset[str] | None = None,
    console: Console | None = None,
) -> None:
    """The full view of a replay (`casus replay CASE --full`); with `sections`, those parts."""
    c = console or _console()

    def want(name: str) -> bool:
        return sections is None or name in sections

    if want("summary"):
        c.print(
            Panel(
                f"[bold]{escape(doc['title'])}[/]\n{escape(doc['organization']['name'])}\n\n{escape(doc['summary'])}",
                title=f"casus replay {doc['case']}",
            )
        )
    if want("timeline"):
        _timeline(doc, c)

    claims = {cl["id"]: cl for cl in doc["claims"]}
    for rq in doc["requests"]:
        if want("request"):
            _request_panel(rq, c)
        print_evaluation(
            rq["evaluation"],
            title=f"Request {rq['id']}",
            console=c,
            claims=claims,
            sections=sections,
        )
        if want("frames"):
            print_frames(rq.get("frames", {}), rq["id"], c, claims)
    if want("claims"):
        _claims(doc, c)
    if want("force"):
        _force(doc, c)
    if want("mandate"):
        _mandate(doc, c)
    if doc["phases"] and want("phases"):
        _phases(doc, c)
    if want("assumptions"):
        for a in doc["assumptions"]:
            c.print(f"[yellow]{a['label']}[/] {escape(a['id'])}: {escape(a['text'])}")


def print_frames(
    frames: dict[str, Any],
    request_id: str,
    c: Console,
    claims: dict[str, dict[str, Any]] | None = None,
) -> None:
    """A request for a force under each frame of general international law, in full, with the
    conclusions the sides and scholars stated about it, each as their claim."""
    for name, frame in frames.items():
        print_evaluation(
            frame["evaluation"],
            title=f"Request {request_id} under {name.replace('-', ' ')}",
            console=c,
            claims=claims,
        )
        for cl in frame["stated"]:
            quote = f": “{escape(cl['quote'])}”" if cl["quote"] else ""
            c.print(
                f"stated by {escape(cl['by_name'])} ({cl['status']}): {cl['value']}{quote} "
                f"[dim]{_src(cl['sources'])}[/]"
            )


def frames_line(frames: dict[str, Any]) -> list[str]:
    """One line per frame for the short answer: its outcome under each reading."""
    lines = []
    for name, frame in frames.items():
        o = frame["evaluation"]["outcome"]
        # The readings in the order the line on the casus above names them.
        computed = " | ".join(f"[bold]{escape(v['computed'])}[/]" for v in o["by_reading"].values())
        stated = len(frame["stated"])
        also = f"; {stated} stated (--section frames)" if stated else ""
        lines.append(f"Under {name.replace('-', ' ')}: {computed}{also}")
    return lines


def _timeline(doc: dict[str, Any], c: Console) -> None:
    t = _Table(title="Timeline", show_lines=False)
    t.add_column("date")
    t.add_column("event", max_width=90)
    t.add_column("sources", style="dim", max_width=40)
    for e in doc["timeline"]:
        date = e["date"] + (f" to {e['end']}" if e["end"] else "")
        t.add_row(date, escape(e["event"]), _src(e["sources"]))
    c.print(t)


def _request_panel(rq: dict[str, Any], c: Console) -> None:
    r = rq["requester"]
    body = (
        f"{rq['date']}: {escape(r['person'])} ({r['office'].replace('_', ' ')} of {r['state']}) "
        f"to {escape(rq['addressed_to'])}\nProvisions cited: {escape(', '.join(rq['provisions_cited']) or 'none')}"
    )
    if rq.get("quote"):
        body += f"\n\u201c{escape(rq['quote'])}\u201d [dim]({_src(rq['sources'])})[/]"
    c.print(Panel(body, title=f"Request {rq['id']}"))


def _claims(doc: dict[str, Any], c: Console) -> None:
    ct = _Table(title="Claims (each is somebody's; a reading decides whose count)", show_lines=True)
    for col in ("proposition", "value", "by", "status", "quote", "sources"):
        ct.add_column(col, max_width=50 if col == "quote" else None)
    for cl in sorted(doc["claims"], key=lambda x: x["proposition"]):
        ct.add_row(
            escape(cl["proposition"]),
            cl["value"],
            escape(cl["by_name"]),
            cl["status"],
            escape(cl["quote"] or cl.get("note") or ""),
            _src(cl["sources"]),
        )
    c.print(ct)


def _force(doc: dict[str, Any], c: Console) -> None:
    f = doc["force"]
    if f:
        c.print(
            Panel(
                f"{escape(f['name'])}\nCommander: {escape(f['commander'] or '-')}\nHeadquarters: {escape(f['headquarters'] or '-')}\n"
                f"Contingents: {escape('; '.join(k['state'] + (' (' + ', '.join(k['units']) + ')' if k['units'] else '') for k in f['contingents']))}",
                title="Force",
            )
        )
        ft = _Table(
            title="Force figures: every reported figure, with its source (conflicts kept)",
            show_lines=True,
        )
        for col in ("of", "measure", "figure", "by", "date", "sources", "note"):
            ft.add_column(col, max_width=40 if col in ("note", "sources") else None)
        for g in f["figures"]:
            flag = " [yellow](sources differ)[/]" if g["conflict"] else ""
            for i, fig in enumerate(g["figures"]):
                ft.add_row(
                    g["contingent"] or "whole force",
                    g["measure"].replace("_", " ") + (flag if i == 0 else ""),
                    escape(fig["text"]),
                    escape(fig["by"]),
                    fig["date"] or "-",
                    _src(fig["sources"]),
                    escape(fig["note"] or ""),
                )
        c.print(ft)


def _mandate(doc: dict[str, Any], c: Console) -> None:
    m = doc["mandate"]
    if m:
        mt = _Table(
            title="Mandate: facilities guarded, as reported (no coordinates)", show_lines=False
        )
        for col in ("facility", "category", "contingent", "tasks", "sources"):
            mt.add_column(col, max_width=45 if col == "tasks" else None)
        for fac in m["facilities"]:
            mt.add_row(
                escape(fac["name"]),
                fac["category"].replace("_", " "),
                ", ".join(fac["contingents"]),
                escape(fac["tasks"]),
                _src(fac["sources"]),
            )
        c.print(mt)
        for tk in m["tasks"]:
            c.print(
                f"Task as stated by {escape(tk['by'])}{' (' + tk['date'] + ')' if tk['date'] else ''}: "
                f"\u201c{escape(tk['text'])}\u201d [dim]({_src(tk['sources'])})[/]"
            )
        for n in m["counts"]:
            c.print(
                f"Reported {n['what'].replace('_', ' ')}: {escape(str(n['value'] if n['value'] is not None else n['text']))} "
                f"by {escape(n['by'])}{' (' + n['date'] + ')' if n['date'] else ''} [dim]({_src(n['sources'])})[/]"
            )
        rel = m.get("host_personnel_released")
        if rel:
            rt = _Table(
                title="Host personnel released: computed from planning assumptions, beside the reported figure"
            )
            for col in ("facility", "category", "24-h posts", "people"):
                rt.add_column(col)
            for ln in rel["lines"]:
                rt.add_row(
                    escape(ln["facility"]),
                    ln["category"].replace("_", " "),
                    str(ln["posts"]),
                    str(ln["people"]),
                )
            rt.add_row("[bold]computed[/]", "", "", f"[bold]{rel['computed']:,}[/]")
            for r in rel["reported"]:
                rt.add_row(
                    f"[bold]reported[/] by {escape(r['by'])}",
                    "",
                    "",
                    f"[bold]{escape(r['text'])}[/]",
                )
            c.print(rt)
            c.print(escape(rel["explanation"]))
            for a in m["planning_assumptions"]:
                c.print(
                    f"[yellow]{a['label']}[/] {escape(a['id'])}: {escape(a['text'])} [dim]({_src(a['sources'])})[/]"
                )


def _phases(doc: dict[str, Any], c: Console) -> None:
    if doc["phases"]:
        pt = _Table(title="Phases")
        for col in ("phase", "from", "to", "summary"):
            pt.add_column(col, max_width=70 if col == "summary" else None)
        for p in doc["phases"]:
            pt.add_row(escape(p["name"]), p["start"], p["end"] or "-", escape(p["summary"]))
        c.print(pt)


def print_comparison(doc: dict[str, Any]) -> None:
    c = _console()
    where = f" in {doc['place']}" if doc["place"] else ""
    by = f" by {doc['attacker']}" if doc["attacker"] else ""
    c.rule(
        f"[bold]{escape(doc['label'])}[/]: {doc['target']}{escape(by)}{escape(where)}, {doc['on']}"
    )
    t = _Table(show_lines=True)
    for col in (
        "alliance",
        "target's status",
        "casus (provision: value)",
        "organ and rule",
        "outcome",
        "obligations",
    ):
        t.add_column(
            col, max_width=48 if col in ("casus (provision: value)", "obligations") else None
        )
    for row in doc["organizations"]:
        if row["target_status"] in ("not_yet_member", "withdrawn"):
            t.add_row(
                escape(row["name"]),
                escape(row["target_status"].replace("_", " ")),
                "-",
                "-",
                escape(row["outcome"]),
                "-",
            )
            continue
        casus = "\n".join(
            f"{escape(x['provision'])}: {_v(x['value'])}"
            + (f" [dim](missing: {escape(', '.join(x['missing']))})[/]" if x["missing"] else "")
            for x in row["triggered"]
        )
        organ = "-"
        if row["organ"]:
            organ = f"{escape(row['organ']['name'])}\n{escape((row['rule'] or {}).get('text', 'no rule in force'))}"
        outcome = escape(row["outcome"])
        if row.get("outcome_if_all_join"):
            outcome += f"\n[dim]if every member joins: {escape(row['outcome_if_all_join'])}[/]"
        obligations = row.get("obligations_if_all_join") or row["obligations"]
        obs = "\n".join(
            f"{_v(o['value'])} {escape(o['modality'])}: {escape(o['duty'][:90])} "
            f"({escape(', '.join(s['state'] for s in o['states'] if s['value'] != 'no') or o['bearer'])}) "
            f"[dim]{escape(o['provision'])}[/]"
            for o in obligations
        )
        t.add_row(
            escape(row["name"]),
            escape(row["target_status"].replace("_", " ")) + f"\nentitled: {_v(row['entitled'])}",
            casus or "-",
            organ,
            outcome,
            obs or "-",
        )
    c.print(t)


def _changes_text(changes: list[str]) -> str:
    return ", ".join(changes) if changes else "(no change)"


def print_whatif(doc: dict[str, Any]) -> None:
    c = _console()
    d = doc["difference"]
    c.rule(f"[bold]What if[/] {escape(_changes_text(doc['changes']))}")
    turned = "[bold red]turned[/]" if d["turned"] else "not turned"
    c.print(
        f"Outcome: {escape(d['outcome']['before'])} -> [bold]{escape(d['outcome']['after'])}[/] ({turned})"
    )
    c.print(
        f"Entitled: {_v(d['entitled']['before'])} -> {_v(d['entitled']['after'])}; "
        f"vote: {escape(str(d['vote']['before']))} -> {escape(str(d['vote']['after']))}"
    )
    for t in d["triggered"]:
        c.print(f"  {escape(t['provision'])}: {_v(t['before'])} -> {_v(t['after'])}")
    if d["explanation"]:
        t2 = _Table(title="Steps of the explanation that changed", show_lines=True)
        for col in ("step", "before", "after", "cites"):
            t2.add_column(col, max_width=60 if col in ("before", "after") else None)
        for s in d["explanation"]:
            before = s["before"]
            t2.add_row(
                s["step"],
                "-" if before is None else f"{_v(before['value'])} {escape(before['statement'])}",
                f"{_v(s['after']['value'])} {escape(s['after']['statement'])}",
                escape("; ".join(s["after"]["cites"])),
            )
        c.print(t2)


def print_minimal(doc: dict[str, Any]) -> None:
    c = _console()
    c.rule(
        f"[bold]Minimal changes[/]: outcome {escape(doc['baseline'])}; {escape(doc['direction'])} (up to {doc['max_size']})"
    )
    t = _Table(show_lines=True)
    for col in ("changes", "part", "outcome", "what changes (cited)"):
        t.add_column(col, max_width=80 if col.startswith("what") else None)
    for s in doc["solutions"]:
        steps = s["difference"]["explanation"]
        why = "\n".join(
            f"{_v(x['after']['value'])} {escape(x['after']['statement'][:150])} [dim]{escape('; '.join(x['after']['cites'][:3]))}[/]"
            for x in steps[:4]
        )
        t.add_row(
            escape("\n".join(s["changes"])), escape(s["component"]), escape(s["outcome"]), why
        )
    c.print(t)
    c.print(
        f"[dim]{doc['candidates']} candidate changes; {doc['combinations_evaluated']} combinations evaluated.[/]"
    )


def print_grid(doc: dict[str, Any]) -> None:
    c = _console()
    rows = doc["rows"]
    t = _Table(title=f"Outcome over {doc['combinations']:,} combinations ({len(rows):,} rows)")
    for col in doc["columns"]:
        t.add_column(escape(col))
    limit = 200
    for r in rows[:limit]:
        t.add_row(*(escape(str(r[col])) for col in doc["columns"]))
    c.print(t)
    if len(rows) > limit:
        c.print(
            f"[dim]{len(rows) - limit:,} more rows: use --format csv or --format json for all.[/]"
        )


def _disputes(claims: list[dict[str, Any]]) -> tuple[list[str], list[str]]:
    """The propositions the claims disagree on (among those not refuted), and the others some
    claim about is disputed; most claimed first."""
    values: dict[str, set[str]] = {}
    disputed: set[str] = set()
    counts: dict[str, int] = {}
    for cl in claims:
        if cl["status"] == "refuted":
            continue
        values.setdefault(cl["proposition"], set()).add(cl["value"])
        counts[cl["proposition"]] = counts.get(cl["proposition"], 0) + 1
        if cl["status"] == "disputed":
            disputed.add(cl["proposition"])
    split = [p for p, v in values.items() if len(v) > 1]
    rest = [p for p in disputed if p not in split]

    def order(p: str) -> tuple[int, str]:
        return (-counts[p], p)

    return sorted(split, key=order), sorted(rest, key=order)


def _listed(names: list[str], most: int = 5) -> str:
    shown = ", ".join(names[:most])
    return shown + (f" and {len(names) - most} more" if len(names) > most else "")


def _say(c: Console, markup: str, indent: int = 0) -> None:
    """One statement, wrapped at word boundaries, continued under its own indent."""
    for line in Text.from_markup(markup).wrap(c, c.width - indent):
        line.rstrip()
        c.print(Text(" " * indent) + line)


def print_verdict(doc: dict[str, Any], *, console: Console | None = None) -> None:
    """The short answer first (`casus replay CASE`): per request and reading, what was in
    force, whether the requester was entitled and each casus arose, who decided by what rule,
    the computed outcome beside the recorded one; then the key disputes and the figures the
    sources disagree on. Citations are printed whole, outside tables; text wraps at word
    boundaries. `print_replay` is the full view."""
    c = console or _console()
    _say(c, f"[bold]{escape(doc['case'])}: {escape(doc['title'])}[/]")
    for rq in doc["requests"]:
        ev = rq["evaluation"]
        r = rq["requester"]
        c.print()
        _say(
            c,
            f"[bold]Request {escape(rq['id'])}[/], {rq['date']}: {escape(r['person'])} "
            f"({r['office'].replace('_', ' ')} of {r['state']}) to {escape(rq['addressed_to'])}; "
            f"evaluated on {ev['on']}",
        )
        decided = ""
        if ev["organ"]:
            rule = ev["rule"] or {}
            rule_cites = [x for x in rule.get("cites", []) if not x.startswith("source:")]
            where = f" ({escape(', '.join(rule_cites))})" if rule_cites else ""
            decided = (
                f"; decided by the {escape(ev['organ']['name'])}, "
                f"{escape(str(rule.get('text', 'no rule in force')))}{where}"
            )
        _say(c, f"Entitled to ask: {_v(ev['entitled'])}{decided}", 2)
        readings = list(ev["readings"])
        if ev["triggered"]:
            _say(
                c,
                f"In force, and whether the casus arose ({' | '.join(readings)}; "
                f"default: {escape(ev['reading'])}):",
                2,
            )
        for trig in ev["triggered"]:
            values = " | ".join(_v(trig["readings"][rid]) for rid in readings)
            cited = "" if trig["cited"] else " [dim](not cited)[/]"
            _say(c, f"{escape(trig['provision'])}{cited}: {values}", 4)
        for n in ev["not_in_force"]:
            _say(c, f"[red]not in force[/] {escape(n['provision'])}: {escape(n['reason'])}", 4)
        o = ev["outcome"]
        computed = " | ".join(
            f"[bold]{escape(v['computed'])}[/] ({escape(rid)})"
            for rid, v in o["by_reading"].items()
        )
        recorded = o["recorded"] or "none recorded"
        if o.get("recorded_date"):
            recorded += f" ({o['recorded_date']})"
        agrees = {True: ": [green]agrees[/]", False: ": [red]differs[/]", None: ""}[o["agrees"]]
        _say(c, f"Outcome computed: {computed}; recorded: {escape(recorded)}{agrees}", 2)
        for word in ("conflict", "priority"):
            k = o.get(word)
            if k:
                _say(
                    c,
                    f"[yellow]{word}[/]: provisions that arise name different organs; "
                    f"{escape(k['chosen'])} decided",
                    2,
                )
        for line in frames_line(rq.get("frames", {})):
            _say(c, line, 2)
    split, disputed = _disputes(doc["claims"])
    if split or disputed:
        c.print()
        parts = []
        if split:
            parts.append(f"the claims disagree on {_listed(split, 4)}")
        if disputed:
            parts.append(f"claims disputed on {_listed(disputed)}")
        _say(c, f"Key disputes: {escape('; '.join(parts))}")
    force = doc["force"] or {}
    conflicts = [g for g in force.get("figures", []) if g["conflict"]]
    if conflicts:
        _say(c, "Figures the sources disagree on:")
        for g in conflicts:
            texts = list(dict.fromkeys(fig["text"] for fig in g["figures"]))
            of = g["contingent"] or "whole force"
            _say(
                c,
                f"{g['measure'].replace('_', ' ')} ({escape(of)}): {escape(' | '.join(texts))} "
                f"[dim]({len(g['figures'])} reports)[/]",
                2,
            )
    _say(
        c,
        f"[dim]Everything, cited: casus replay {escape(doc['case'])} --full "
        "(or --section NAME; see --help)[/]",
    )


def print_deployments(rows: list[dict[str, Any]]) -> None:
    """`casus deployments`: one block per deployment, citations whole, text wrapped."""
    c = _console()
    for r in rows:
        q = r["requested_by"]
        c.print()
        _say(c, f"[bold]{escape(r['case'])}[/]: {escape(r['title'])}")
        _say(
            c,
            f"asked {r['date']} by {escape(q['person'])} ({q['office'].replace('_', ' ')} of "
            f"{q['state']}); basis: {escape(', '.join(r['legal_basis']) or 'none cited')}",
            2,
        )
        if r["organ"]:
            _say(c, f"decided by the {escape(r['organ'])}: {escape(str(r['rule']))}", 2)
        treaty = " | ".join(f"{v} ({k})" for k, v in r["treaty"].items())
        _say(c, f"treaty: {treaty}; recorded: {r['recorded'] or 'none'}", 2)
        if r["frame"]:
            frame = " | ".join(f"{v} ({k})" for k, v in r["frame"].items())
            _say(c, f"general international law: {frame}", 2)
        for name, values in r["consent"].items():
            if any(v != "no" for v in values.values()):
                _say(c, f"{name}: {' | '.join(f'{v} ({k})' for k, v in values.items())}", 4)
        if r["force"]["contingents"]:
            _say(c, f"contingents: {', '.join(r['force']['contingents'])}", 2)
        if r["start"]:
            _say(c, f"from {r['start']} to {r['end'] or 'open'}", 2)
        for s in r["stated"]:
            _say(c, f"stated by {escape(s['by_name'])}: {s['value']}", 2)
