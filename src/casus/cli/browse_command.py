"""Browsing the model from the command line: instruments, provisions, one provision, members of
an organization on a date, the gazetteer, the declared propositions, and `--version`.

Each command gathers its answer as plain data (the `*_doc` functions: a world in, dicts and
lists out, nothing printed), which `--json` prints as it is and the terminal shows as Rich
tables; so both show one computation. An unknown instrument, provision, organization or date is
an error naming the nearest known ids, exit 2. Rich is imported inside the printers only.
"""

from __future__ import annotations

import datetime as dt
import difflib
from collections.abc import Callable
from typing import TYPE_CHECKING, Annotated, Any

import typer

from casus.cli.common import DataOption, JsonOption, fail, parse_date, print_json, world

if TYPE_CHECKING:
    from rich.console import Console

    from casus.model.instrument import Instrument, ProvisionVersion
    from casus.model.organization import Organization
    from casus.model.rules import Assumption, Expr
    from casus.model.world import World

OnOption = Annotated[
    str | None,
    typer.Option(help="The date (YYYY-MM-DD); default: today."),
]


# --- the data: one computation for --json and for the tables --------------------------------


def _unknown(what: str, given: str, known: list[str]) -> str:
    near = difflib.get_close_matches(given, known, n=3, cutoff=0.4)
    hint = f"did you mean {', '.join(near)}? " if near else ""
    return f"casus: no {what} '{given}' ({hint}known: {', '.join(known)})"


class Unknown(LookupError):
    """An id that names nothing in the world; the message names the nearest known ids."""


def _instrument(w: World, instrument_id: str) -> Instrument:
    inst = w.instruments.get(instrument_id)
    if inst is None:
        raise Unknown(_unknown("instrument", instrument_id, sorted(w.instruments)))
    return inst


def _organization(w: World, org_id: str) -> Organization:
    org = w.organizations.get(org_id)
    if org is None:
        raise Unknown(_unknown("organization", org_id, sorted(w.organizations)))
    return org


def _interval(v: ProvisionVersion) -> str:
    return f"[{v.valid_from.isoformat()}, {v.valid_to.isoformat() if v.valid_to else 'open'})"


def _sources(w: World, ids: list[str]) -> list[dict[str, Any]]:
    out = []
    for sid in ids:
        s = w.sources.get(sid)
        out.append(
            {"id": sid, "title": s.title if s else None, "url": s.url if s else None}
            | ({"publisher": s.publisher} if s else {})
        )
    return out


def _assumptions(items: list[Assumption]) -> list[dict[str, Any]]:
    return [
        {"id": a.id, "label": a.label, "text": a.text, "sources": list(a.sources)} for a in items
    ]


def instruments_doc(w: World) -> list[dict[str, Any]]:
    """`casus instruments`: every instrument, with its dates and what it holds."""
    return [
        {
            "id": inst.id,
            "title": inst.title,
            "short_title": inst.short_title,
            "form": inst.form,
            "organization": inst.organization,
            "signed": inst.signed.isoformat() if inst.signed else None,
            "in_force": inst.in_force.isoformat() if inst.in_force else None,
            "provisions": [p.eid for p in inst.provisions],
            "propositions": len(inst.propositions),
            "sources": list(inst.sources),
        }
        for inst in sorted(w.instruments.values(), key=lambda i: i.id)
    ]


def provisions_doc(w: World, instrument_id: str, on: dt.date) -> dict[str, Any]:
    """`casus provisions INSTRUMENT`: each provision's versions, their intervals and text
    status, and which version is in force on the date (or why none is)."""
    from casus.law.dates import NoVersionInForce, in_force

    inst = _instrument(w, instrument_id)
    provisions = []
    for p in inst.provisions:
        current = in_force(p.versions, on)
        provisions.append(
            {
                "eid": p.eid,
                "heading": p.heading,
                "in_force": None
                if isinstance(current, NoVersionInForce)
                else current.cite(inst.id, p.eid),
                "reason": current.reason if isinstance(current, NoVersionInForce) else None,
                "versions": [
                    {
                        "citation": v.cite(inst.id, p.eid),
                        "valid_from": v.valid_from.isoformat(),
                        "valid_to": v.valid_to.isoformat() if v.valid_to else None,
                        "interval": _interval(v),
                        "text_status": v.text_status,
                        "in_force": v is current,
                        "amended_by": v.amended_by,
                        "casus": v.casus is not None,
                        "defines": v.defines is not None,
                    }
                    for v in p.versions
                ],
            }
        )
    return {
        "instrument": inst.id,
        "title": inst.title,
        "on": on.isoformat(),
        "provisions": provisions,
    }


def words(expr: Expr, meanings: dict[str, str] | None = None) -> str:
    """An expression of the rule language in words: `all of (a; b)`, `not (c)`, …"""
    from casus.model.rules import (
        AllOf,
        AnyOf,
        Before,
        NotOf,
        OnOrAfter,
        PlaceIn,
        TerritoryOf,
        UsesProvision,
    )

    def say(e: Expr) -> str:
        if isinstance(e, str):
            return e
        if isinstance(e, AllOf):
            return "all of (" + "; ".join(say(x) for x in e.all) + ")"
        if isinstance(e, AnyOf):
            return "any of (" + "; ".join(say(x) for x in e.any) + ")"
        if isinstance(e, NotOf):
            return f"not ({say(e.not_)})"
        if isinstance(e, OnOrAfter):
            return f"the date is on or after {e.on_or_after.isoformat()}"
        if isinstance(e, Before):
            return f"the date is before {e.before.isoformat()}"
        if isinstance(e, PlaceIn):
            return f"the place lies in {' or '.join(e.place_in)}"
        if isinstance(e, TerritoryOf):
            return f"the place is the territory of the {e.territory_of.replace('_', ' ')}"
        if isinstance(e, UsesProvision):
            return f"as {e.provision} defines it on the date"
        return e.key  # a kind of condition added to the registry since: named by its key

    return say(expr)


def _version_doc(
    w: World, inst: Instrument, eid: str, v: ProvisionVersion, on: dt.date
) -> dict[str, Any]:
    from casus.model.rules import propositions_of

    vocabulary = {**w.vocabulary(inst.organization or ""), **inst.propositions}
    uses = w.definitions_on(on)
    read: list[str] = []
    casus: dict[str, Any] | None = None
    if v.casus is not None:
        k = v.casus
        read.extend(propositions_of(k.when, uses))
        for x in k.exceptions:
            read.extend(propositions_of(x.when, uses))
        org = w.organizations.get(inst.organization or "")
        organ = org.organ(k.decided_by) if org is not None and k.decided_by else None
        casus = {
            "event": k.event,
            "when": words(k.when),
            "exceptions": [
                {
                    "id": x.id,
                    "label": x.label,
                    "basis": x.basis,
                    "when": words(x.when),
                    "sources": list(x.sources),
                }
                for x in k.exceptions
            ],
            "invoked_by": {
                "party": k.invoked_by.party,
                "offices": list(k.invoked_by.offices) if k.invoked_by.offices else None,
            },
            "decided_by": None
            if k.decided_by is None
            else {"id": k.decided_by, "name": organ.name if organ else None},
            "consequence": k.consequence,
            "obligations": [
                {
                    "id": o.id,
                    "bearer": o.bearer,
                    "modality": o.modality,
                    "duty": o.duty,
                    "binds": o.binds,
                }
                for o in k.obligations
            ],
        }
    if v.defines is not None:
        read.extend(propositions_of(v.defines, uses))
    names = list(dict.fromkeys(read))
    return {
        "citation": v.cite(inst.id, eid),
        "interval": _interval(v),
        "valid_from": v.valid_from.isoformat(),
        "valid_to": v.valid_to.isoformat() if v.valid_to else None,
        "text": v.text,
        "text_language": v.text_language,
        "text_status": v.text_status,
        "translation": v.translation,
        "amended_by": v.amended_by,
        "casus": casus,
        "defines": None if v.defines is None else words(v.defines),
        "propositions": [{"name": n, "meaning": vocabulary.get(n)} for n in names],
        "sources": _sources(w, list(v.sources)),
        "assumptions": _assumptions(list(v.assumptions)),
    }


def provision_doc(w: World, ref: str, on: dt.date) -> dict[str, Any]:
    """`casus show INSTRUMENT/EID`: the version in force on the date, its text, its encoded
    rule in words, the propositions it reads with their meanings, its sources and assumptions.
    With no version in force, why not, and the nearest versions."""
    from casus.law.dates import NoVersionInForce, in_force

    inst_id, slash, eid = ref.partition("@")[0].partition("/")
    if not slash:
        raise Unknown(f"casus: expected INSTRUMENT/EID (e.g. cst/art_4), found '{ref}'")
    inst = _instrument(w, inst_id)
    prov = inst.provision(eid)
    if prov is None:
        raise Unknown(_unknown(f"provision of {inst.id}", eid, [p.eid for p in inst.provisions]))
    current = in_force(prov.versions, on)
    shown = (
        None if isinstance(current, NoVersionInForce) else _version_doc(w, inst, eid, current, on)
    )
    return {
        "provision": f"{inst.id}/{prov.eid}",
        "heading": prov.heading,
        "instrument": {"id": inst.id, "title": inst.title},
        "on": on.isoformat(),
        "in_force": None if isinstance(current, NoVersionInForce) else current.cite(inst.id, eid),
        "reason": current.reason if isinstance(current, NoVersionInForce) else None,
        "version": shown,
        "versions": [
            {"citation": v.cite(inst.id, eid), "interval": _interval(v), "in_force": v is current}
            for v in prov.versions
        ],
    }


def members_doc(w: World, org_id: str, on: dt.date) -> dict[str, Any]:
    """`casus members ORG`: every state the organization lists, its status on the date, since
    when and by what event (cited), and the obligations suspended towards or by it then."""
    from casus.law.membership import membership_on

    org = _organization(w, org_id)
    rows = []
    for m in org.members:
        s = membership_on(org, m.state, on)
        e = s.event
        suspended = [
            {
                "bearer": x.bearer,
                "towards": x.towards,
                "what": x.what,
                "since": x.valid_from.isoformat(),
                "contested": x.contested,
                "sources": list(x.sources),
            }
            for x in org.suspensions
            if x.covers(on) and m.state in (x.bearer, x.towards)
        ]
        rows.append(
            {
                "state": m.state,
                "name": m.name,
                "status": s.status,
                "since": e.date.isoformat() if e else None,
                "what": e.what if e else None,
                "contested": s.contested,
                "sources": _sources(w, list(e.sources)) if e else [],
                "assumptions": _assumptions(list(e.assumptions)) if e else [],
                "suspended_obligations": suspended,
            }
        )
    return {"organization": org.id, "name": org.name, "on": on.isoformat(), "members": rows}


def places_doc(w: World) -> dict[str, Any]:
    """`casus places`: the gazetteer's areas and places (names and areas; never coordinates)."""
    return {
        "areas": [
            {"id": a.id, "name": a.name, "description": a.description, "sources": list(a.sources)}
            for a in w.areas.values()
        ],
        "places": [
            {
                "id": p.id,
                "name": p.name,
                "state": p.state,
                "areas": list(p.areas),
                "note": p.note,
                "sources": list(p.sources),
            }
            for p in w.places.values()
        ],
    }


def propositions_doc(w: World, org_id: str | None = None) -> list[dict[str, Any]]:
    """`casus propositions [ORG]`: the declared vocabulary, each proposition with its meaning
    and the instruments (or cases) that declare it."""
    if org_id is not None:
        _organization(w, org_id)
    found: dict[str, dict[str, Any]] = {}
    declarers: list[tuple[str | None, str, dict[str, str]]] = [
        (i.organization, i.id, dict(i.propositions)) for i in w.instruments.values()
    ] + [(c.organization, f"case:{c.id}", dict(c.propositions)) for c in w.cases.values()]
    for org, by, props in declarers:
        if org_id is not None and org != org_id:
            continue
        for name, meaning in props.items():
            row = found.setdefault(
                name, {"name": name, "meaning": meaning, "declared_by": [], "organizations": []}
            )
            row["declared_by"].append(by)
            if org and org not in row["organizations"]:
                row["organizations"].append(org)
    return sorted(found.values(), key=lambda r: r["name"])


def version() -> str:
    from importlib.metadata import PackageNotFoundError
    from importlib.metadata import version as installed

    try:
        return installed("casus-foederis")
    except PackageNotFoundError:  # run from a checkout without installing it
        from casus import __version__

        return __version__


# --- the terminal ------------------------------------------------------------------------------


def _console() -> Console:
    from casus.cli.render import _console as console

    return console()


def _table(title: str, *columns: str, lines: bool = False) -> Any:
    from casus.cli.render import _Table

    t = _Table(title=title, show_lines=lines)
    for col in columns:
        t.add_column(col)
    return t


def _e(text: object) -> str:
    from rich.markup import escape

    return "-" if text is None or text == "" else escape(str(text))


def _print_instruments(rows: list[dict[str, Any]]) -> None:
    t = _table("Instruments", "id", "title", "form", "organization", "in force", "provisions")
    for r in rows:
        t.add_row(
            _e(r["id"]),
            _e(r["title"]),
            r["form"],
            _e(r["organization"]),
            _e(r["in_force"]),
            str(len(r["provisions"])),
        )
    _console().print(t)


def _print_provisions(doc: dict[str, Any]) -> None:
    t = _table(
        f"{doc['title']}: provisions, and the version in force on {doc['on']}",
        "provision",
        "versions [from, to)",
        "text",
        "in force",
        lines=True,
    )
    for p in doc["provisions"]:
        versions = "\n".join(
            f"{v['interval']}" + (" [bold](in force)[/]" if v["in_force"] else "")
            for v in p["versions"]
        )
        status = "\n".join(v["text_status"] for v in p["versions"])
        t.add_row(
            _e(f"{p['eid']}\n{p['heading']}"),
            versions,
            status,
            _e(p["in_force"] or p["reason"]),
        )
    _console().print(t)


def _print_provision(doc: dict[str, Any]) -> None:
    from casus.cli.render import _say

    c = _console()
    _say(
        c,
        f"[bold]{_e(doc['provision'])}[/] {_e(doc['heading'])} ({_e(doc['instrument']['title'])})",
    )
    _say(
        c,
        "Versions: "
        + "; ".join(
            f"{_e(v['citation'])} {v['interval']}" + (" (in force)" if v["in_force"] else "")
            for v in doc["versions"]
        ),
    )
    v = doc["version"]
    if v is None:
        _say(c, f"[red]Nothing in force on {doc['on']}[/]: {_e(doc['reason'])}")
        return
    _say(c, f"In force on {doc['on']}: [bold]{_e(v['citation'])}[/] {v['interval']}")
    c.print()
    _say(c, f"[dim]{v['text_status']}[/] \u201c{_e(v['text'])}\u201d")
    if v["translation"]:
        _say(c, f"Translation: \u201c{_e(v['translation'])}\u201d")
    k = v["casus"]
    if k:
        c.print()
        _say(c, f"[bold]Casus[/]: {_e(k['event'])}")
        _say(c, f"arises when: {_e(k['when'])}", 2)
        for x in k["exceptions"]:
            _say(c, f"except ({x['basis']}) {_e(x['label'])}: when {_e(x['when'])}", 2)
        inv = k["invoked_by"]
        offices = (
            ", ".join(o.replace("_", " ") for o in inv["offices"] or []) or "any organ of the state"
        )
        _say(c, f"invoked by: {inv['party'].replace('_', ' ')}, through {offices}", 2)
        if k["decided_by"]:
            _say(c, f"decided by: {_e(k['decided_by']['name'] or k['decided_by']['id'])}", 2)
        _say(c, f"consequence: {k['consequence']}", 2)
        for o in k["obligations"]:
            _say(c, f"{o['modality']} ({o['bearer'].replace('_', ' ')}): {_e(o['duty'])}", 4)
    if v["defines"]:
        _say(c, f"[bold]Defines[/] (for provisions that use it): {_e(v['defines'])}")
    if v["propositions"]:
        c.print()
        _say(c, "[bold]Propositions it reads[/]")
        for p in v["propositions"]:
            _say(c, f"{_e(p['name'])}: {_e(p['meaning'] or 'no meaning declared')}", 2)
    c.print()
    _say(c, "[bold]Sources[/]")
    for s in v["sources"]:
        _say(c, f"{_e(s['id'])}: {_e(s['title'])}" + (f" <{_e(s['url'])}>" if s["url"] else ""), 2)
    if v["assumptions"]:
        _say(c, "[bold]Assumptions[/]")
        for a in v["assumptions"]:
            _say(c, f"[yellow]{a['label']}[/] {_e(a['id'])}: {_e(a['text'])}", 2)


def _print_members(doc: dict[str, Any]) -> None:
    t = _table(
        f"{doc['name']}: members on {doc['on']}",
        "state",
        "status",
        "since",
        "event (sources)",
        lines=True,
    )
    for m in doc["members"]:
        event = _e(m["what"])
        if m["sources"]:
            event += f" [dim]({_e(', '.join(s['id'] for s in m['sources']))})[/]"
        if m["contested"]:
            event += f"\n[yellow]contested[/]: {_e(m['contested'])}"
        for x in m["suspended_obligations"]:
            event += (
                f"\n[yellow]suspended since {x['since']}[/]: {_e(x['bearer'])} towards "
                f"{_e(x['towards'])}: {_e(x['what'])}"
            )
        t.add_row(
            _e(f"{m['state']} {m['name']}"),
            m["status"].replace("_", " "),
            _e(m["since"]),
            event,
        )
    _console().print(t)


def _print_places(doc: dict[str, Any]) -> None:
    c = _console()
    t = _table("Areas (treaty scopes)", "id", "name", "description", lines=True)
    for a in doc["areas"]:
        t.add_row(_e(a["id"]), _e(a["name"]), _e(a["description"]))
    c.print(t)
    t = _table("Places (never coordinates)", "id", "name", "state", "areas")
    for p in doc["places"]:
        t.add_row(_e(p["id"]), _e(p["name"]), _e(p["state"]), _e(", ".join(p["areas"])))
    c.print(t)


def _print_propositions(rows: list[dict[str, Any]]) -> None:
    t = _table(
        "Propositions (declared, with their meanings)", "name", "meaning", "declared by", lines=True
    )
    for r in rows:
        t.add_row(_e(r["name"]), _e(r["meaning"]), _e(", ".join(r["declared_by"])))
    _console().print(t)


# --- the commands --------------------------------------------------------------------------------


def _on(value: str | None) -> dt.date:
    return parse_date(value, "--on") or dt.date.today()


def _answer(gather: Callable[[], Any], as_json: bool, printer: Callable[[Any], None]) -> None:
    """Gather the answer (an unknown id fails with exit 2), then print it as JSON or tables."""
    try:
        doc = gather()
    except Unknown as e:
        fail([str(e)])
    if as_json:
        print_json(doc)
    else:
        printer(doc)


def instruments(data: DataOption = None, as_json: JsonOption = False) -> None:
    """List the instruments: treaties, charters, protocols, agreements, decisions."""
    _answer(lambda: instruments_doc(world(data)), as_json, _print_instruments)


def provisions(
    instrument: Annotated[
        str, typer.Argument(help="An instrument id, e.g. cst (see `casus instruments`).")
    ],
    on: OnOption = None,
    data: DataOption = None,
    as_json: JsonOption = False,
) -> None:
    """List an instrument's provisions, their versions, and which is in force on a date.

    Each version with its interval [from, to) and how far its text was checked.
    """
    day = _on(on)
    _answer(lambda: provisions_doc(world(data), instrument, day), as_json, _print_provisions)


def show(
    provision: Annotated[
        str,
        typer.Argument(
            help="INSTRUMENT/EID, e.g. cst/art_4 (see `casus provisions INSTRUMENT`).",
            metavar="INSTRUMENT/EID",
        ),
    ],
    on: OnOption = None,
    data: DataOption = None,
    as_json: JsonOption = False,
) -> None:
    """Show a provision on a date: its text in force and its encoded rule in words.

    Also the propositions it reads with their meanings, what it defines for other provisions,
    its sources and its labelled assumptions.
    """
    day = _on(on)
    _answer(lambda: provision_doc(world(data), provision, day), as_json, _print_provision)


def members(
    organization: Annotated[
        str,
        typer.Argument(
            help="An organization id: anzus, csto, eu, nato, tiar (and any loaded with --data)."
        ),
    ],
    on: OnOption = None,
    data: DataOption = None,
    as_json: JsonOption = False,
) -> None:
    """List an organization's members on a date: status, since when, and on what source.

    Each with the membership event in force (cited) and any obligations suspended then.
    """
    day = _on(on)
    _answer(lambda: members_doc(world(data), organization, day), as_json, _print_members)


def places(data: DataOption = None, as_json: JsonOption = False) -> None:
    """List the gazetteer: treaty areas and the places in them (never coordinates).

    Place ids are what --place and request files name.
    """
    _answer(lambda: places_doc(world(data)), as_json, _print_places)


def propositions(
    organization: Annotated[
        str | None,
        typer.Argument(
            help="Only the propositions under this organization's instruments and cases."
        ),
    ] = None,
    data: DataOption = None,
    as_json: JsonOption = False,
) -> None:
    """List the declared propositions (what rules read and claims speak to), with meanings."""
    _answer(lambda: propositions_doc(world(data), organization), as_json, _print_propositions)


def _show_version(value: bool) -> None:
    if value:
        print(f"casus {version()}")
        raise typer.Exit()


def _main(
    show_version: Annotated[
        bool,
        typer.Option(
            "--version", help="Print the version and exit.", is_eager=True, callback=_show_version
        ),
    ] = False,
) -> None:
    """Collective-security treaties as code."""


def register(app: typer.Typer) -> None:
    """Add the browsing commands and `--version` to the `casus` app."""
    app.callback()(_main)
    for command in (instruments, provisions, show, members, places, propositions):
        app.command()(command)
