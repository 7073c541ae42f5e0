"""`casus network`: who is bound to act if one state attacks another, and who that draws in;
the matrix of every pair; directed dyad-years (COW/ATOP layout); synthetic ATOP-shaped data;
casus's encoding beside ATOP's coding."""

from __future__ import annotations

import csv
import datetime as dt
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from casus.cli.common import DataOption, JsonOption, fail, parse_date, print_json, world

if TYPE_CHECKING:
    from casus.network.atop import AtopData
    from casus.network.dyadyear import DyadYear

network_app = typer.Typer(
    no_args_is_help=False,
    add_completion=False,
    pretty_exceptions_enable=False,
)

AlliancesOption = Annotated[
    Path | None,
    typer.Option(
        "--atop-alliances",
        help="An ATOP alliance-level CSV file (v5.x layout), downloaded from atopdata.org.",
        metavar="FILE",
    ),
]
MembersOption = Annotated[
    Path | None,
    typer.Option(
        "--atop-members",
        help="The matching ATOP member-level CSV file.",
        metavar="FILE",
    ),
]


def state_option(value: str, option: str) -> str:
    """The alpha-2 code of the state an option names (code, alpha-3 or name); else exit 2."""
    from casus.model.states import UnknownState, resolve_state

    try:
        return resolve_state(value)
    except UnknownState as e:
        fail([f"casus: {option}: {e}"])


def place_option(w: Any, place: str | None) -> None:
    """A --place that is a place id of the gazetteer; else exit 2 with the nearest ids."""
    if place is None or place in w.places:
        return
    import difflib

    near = difflib.get_close_matches(place, sorted(w.places), n=3, cutoff=0.6)
    hint = f"; nearest: {', '.join(near)}" if near else " (every place: `casus places`)"
    fail([f"casus: --place: expected a place id of the gazetteer, found '{place}'{hint}"])


def _console() -> Any:
    import os

    from rich.console import Console

    console = Console(highlight=False, soft_wrap=False)
    if not console.is_terminal and "COLUMNS" not in os.environ:
        console = Console(highlight=False, soft_wrap=False, width=140)
    return console


def _atop(alliances: Path | None, members: Path | None) -> AtopData | None:
    if alliances is None and members is None:
        return None
    if alliances is None or members is None:
        fail(["casus: --atop-alliances and --atop-members go together: give both files"])
    from casus.schema.atop import read_atop
    from casus.schema.errors import DataError

    try:
        return read_atop(alliances, members)
    except DataError as e:
        fail([str(x) for x in e.errors] + [f"casus: {len(e.errors)} error(s) in the ATOP files"])


def _notes(data: AtopData | None, on: dt.date, states: set[str]) -> list[str]:
    notes: list[str] = []
    if data is None:
        return notes
    from casus.network.atop import CODEBOOK_CAVEAT, READING
    from casus.network.cow import COW

    notes.append(READING)
    notes.append(CODEBOOK_CAVEAT)
    if on.year > data.last_year:
        notes.append(
            f"the latest year the ATOP files mention is {data.last_year}: memberships open then "
            f"are read as continuing on {on.isoformat()}"
        )
    recalled = sorted(
        {f"{c} {COW[c].state}" for c in data.recalled_codes if COW[c].state in states}
    )
    if recalled:
        notes.append(
            "COW codes mapped to ISO codes from memory (RECALLED, see casus.network.cow): "
            + ", ".join(recalled)
        )
    return notes


@network_app.callback(invoke_without_command=True)
def network(
    ctx: typer.Context,
    attacker: Annotated[
        str | None,
        typer.Option(
            help="The attacking state: ISO 3166-1 alpha-2 or alpha-3, or name (RU, RUS, Russia)."
        ),
    ] = None,
    target: Annotated[
        str | None,
        typer.Option(
            help="The state attacked: ISO 3166-1 alpha-2 or alpha-3, or name (EE, EST, Estonia)."
        ),
    ] = None,
    on: Annotated[str | None, typer.Option(help="The date (YYYY-MM-DD).")] = None,
    place: Annotated[
        str | None,
        typer.Option(help="Where the target is attacked: a place id of the gazetteer."),
    ] = None,
    event: Annotated[
        str,
        typer.Option(
            help="For the encoded instruments: armed-attack-by-state, terrorist-attack or threat."
        ),
    ] = "armed-attack-by-state",
    atop_alliances: AlliancesOption = None,
    atop_members: MembersOption = None,
    instruments: Annotated[
        bool,
        typer.Option(
            "--instruments/--no-instruments",
            help="Read the instruments casus encodes (built-in and --data).",
        ),
    ] = True,
    organization: Annotated[
        list[str] | None,
        typer.Option("--organization", help="Only these encoded organizations (repeatable)."),
    ] = None,
    as_matrix: Annotated[
        bool,
        typer.Option(
            "--matrix",
            help="For every ordered pair of states on the date: who is drawn in (CSV; --json).",
        ),
    ] = False,
    dyad_year: Annotated[
        bool,
        typer.Option(
            "--dyad-year",
            help=(
                "Directed dyad-years in the Correlates-of-War/ATOP layout (ccode1, ccode2, year, "
                "defense, offense, neutral, nonagg, consul, then casus's columns): one row per "
                "ordered pair and year in which the first state owes the second an obligation "
                "on at least one day (CSV; --json). Years from --from to --to."
            ),
        ),
    ] = False,
    first: Annotated[
        int | None,
        typer.Option(
            "--from",
            help="With --dyad-year: the first year (default: the first year an encoded "
            "instrument is in force).",
            metavar="YEAR",
        ),
    ] = None,
    last: Annotated[
        int | None,
        typer.Option(
            "--to", help="With --dyad-year: the last year (default: this year).", metavar="YEAR"
        ),
    ] = None,
    output_format: Annotated[
        str | None,
        typer.Option(
            "--format",
            help="csv or json for --matrix and --dyad-year (default csv); text or json for a "
            "cascade (default text). --json is --format json.",
            metavar="FORMAT",
        ),
    ] = None,
    report: Annotated[
        Path | None, typer.Option(help="Also write an HTML page with a drawing of the cascade.")
    ] = None,
    as_json: JsonOption = False,
    data: DataOption = None,
) -> None:
    """If ATTACKER attacks TARGET on a date: which states must or may act, and whom they draw in.

    Reads the instruments casus encodes (through the evaluation engine: territorial scope from
    --place, an organ's decision, a request...) and, with --atop-alliances and --atop-members,
    the ATOP files a user downloaded. States that join may set off further obligations, round
    by round, until nothing changes; every link is cited. A state bound to both sides is
    reported as conflicted, with both citations. With --matrix, the answer for every ordered
    pair of states on the date. With --dyad-year, the obligations of every ordered pair, year by
    year, for merging with Correlates-of-War or ATOP data (docs/reference/dyad-year.md).
    """
    if ctx.invoked_subcommand is not None:
        return
    tabular = as_matrix or dyad_year
    fmt = _format(output_format, as_json, tabular)
    if dyad_year:
        if as_matrix or on is not None or attacker is not None or target is not None:
            fail(["casus: --dyad-year takes --from/--to years, not --on, --matrix or a pair"])
        if atop_alliances is not None or atop_members is not None or not instruments:
            fail(
                [
                    "casus: --dyad-year reads the encoded instruments only (ATOP publishes its "
                    "own dyad-year file)"
                ]
            )
        _run_dyad_year(first, last, event, organization, fmt, data)
        return
    if first is not None or last is not None:
        fail(["casus: --from and --to go with --dyad-year"])
    day = parse_date(on, "--on")
    if day is None:
        fail(["casus: --on DATE is required (YYYY-MM-DD)"])
    atop = _atop(atop_alliances, atop_members)
    if not instruments and atop is None:
        fail(["casus: nothing to read: --no-instruments needs --atop-alliances and --atop-members"])
    if as_matrix:
        _run_matrix(day, atop, instruments, event, organization, fmt == "json", data)
        return
    if attacker is None or target is None:
        fail(["casus: --attacker and --target are required (or --matrix)"])
    a, b = state_option(attacker, "--attacker"), state_option(target, "--target")
    if a == b:
        fail(["casus: --attacker and --target must be different states"])
    from casus.evaluation.engine import EvaluationError
    from casus.network.builtin import BuiltinProvider
    from casus.network.cascade import cascade
    from casus.network.links import Combined, Provider

    providers: list[Provider] = []
    sources: dict[str, Any] = {"instruments": None, "atop": None}
    try:
        if instruments:
            w = world(data)
            place_option(w, place)
            builtin = BuiltinProvider(
                w, day, attacker=a, place=place, event=event, organizations=organization
            )
            providers.append(builtin)
            sources["instruments"] = builtin.organizations
        elif place is not None:
            fail(["casus: --place applies to the encoded instruments; drop --no-instruments"])
        if atop is not None:
            providers.append(atop.pools_on(day))
            sources["atop"] = atop.to_dict()
        result = cascade(Combined(tuple(providers)), attacker=a, target=b, on=day, place=place)
    except (EvaluationError, KeyError) as e:
        fail([f"casus: {e.args[0] if e.args else e}"])
    named = {a, b} | {d.state for d in result.drawn()}
    doc = {**result.to_dict(), "sources": sources}
    doc["notes"] = doc["notes"] + _notes(atop, day, named)
    if instruments:
        doc["notes"].append(
            "the encoded instruments hold no offence obligations; only ATOP files can draw "
            "states to the attacker's side"
        )
    if report is not None:
        from casus.report.cascade import write_cascade

        try:
            write_cascade(doc, report)
        except OSError as e:
            fail([f"casus: could not write the report to {report}: {e.strerror}"])
    if fmt == "json":
        print_json(doc)
        return
    _print_cascade(doc)
    if report is not None:
        print(f"\nHTML drawing of the cascade written to {report.resolve()}")


def _format(value: str | None, as_json: bool, tabular: bool) -> str:
    """The output format: json, csv (a matrix or dyad-years) or text (a cascade); else exit 2."""
    allowed = ("csv", "json") if tabular else ("text", "json")
    if value is None:
        return "json" if as_json else allowed[0]
    if value not in allowed:
        what = "--matrix and --dyad-year print" if tabular else "a cascade prints"
        fail([f"casus: --format: {what} {' or '.join(allowed)}, found '{value}'"])
    if as_json and value != "json":
        fail([f"casus: --json and --format {value} disagree: give one"])
    return value


def _run_dyad_year(
    first: int | None,
    last: int | None,
    event: str,
    organization: list[str] | None,
    fmt: str,
    data: list[Path] | None,
) -> None:
    from casus.evaluation.engine import EvaluationError
    from casus.network.dyadyear import COLUMNS, RULE, builtin_dyad_years, first_year

    w = world(data)
    start = first_year(w) if first is None else first
    end = dt.date.today().year if last is None else last
    for option, year in (("--from", start), ("--to", end)):
        if not 1 <= year <= 9998:
            fail([f"casus: {option}: expected a year (1-9998), found {year}"])
    if end < start:
        fail([f"casus: --to {end} is before --from {start}"])
    try:
        rows = builtin_dyad_years(w, start, end, event=event, organizations=organization)
    except (EvaluationError, KeyError) as e:
        fail([f"casus: {e.args[0] if e.args else e}"])
    if fmt == "json":
        print_json(
            {
                "columns": list(COLUMNS),
                "from": start,
                "to": end,
                "event": event,
                "organizations": organization,
                "rule": RULE,
                "rows": [r.to_dict() for r in rows],
                "notes": _cow_notes(rows),
            }
        )
        return
    out = csv.writer(sys.stdout, lineterminator="\n")
    out.writerow(COLUMNS)
    out.writerows(r.row() for r in rows)


def _cow_notes(rows: list[DyadYear]) -> list[str]:
    """Which COW codes of the rows are recalled, and which states have none."""
    from casus.network.cow import COW

    used = {c for r in rows for c in (r.ccode1, r.ccode2) if c is not None}
    recalled = sorted(f"{c} {COW[c].state}" for c in used if COW[c].provenance == "RECALLED")
    uncoded = sorted(
        {r.state1 for r in rows if r.ccode1 is None} | {r.state2 for r in rows if r.ccode2 is None}
    )
    notes = []
    if recalled:
        notes.append(
            "COW codes mapped to ISO codes from memory (RECALLED, see casus.network.cow): "
            + ", ".join(recalled)
        )
    if uncoded:
        notes.append(
            "states with no COW code in casus's table (ccode empty): " + ", ".join(uncoded)
        )
    return notes


def _run_matrix(
    day: dt.date,
    atop: AtopData | None,
    instruments: bool,
    event: str,
    organization: list[str] | None,
    as_json: bool,
    data: list[Path] | None,
) -> None:
    from casus.evaluation.engine import EvaluationError
    from casus.network.builtin import builtin_table
    from casus.network.links import PoolTable
    from casus.network.matrix import matrix

    table = PoolTable(day, ())
    try:
        if instruments:
            table = table.merged(builtin_table(world(data), day, event=event))
    except (EvaluationError, KeyError) as e:
        fail([f"casus: {e.args[0] if e.args else e}"])
    if atop is not None:
        table = table.merged(atop.pools_on(day))
    m = matrix(table)
    if as_json:
        doc = m.to_dict()
        doc["notes"] = _notes(atop, day, set(m.states))
        print_json(doc)
        return
    out = csv.writer(sys.stdout, lineterminator="\n")
    out.writerow(
        [
            "attacker",
            "target",
            "target_side_must",
            "target_side_may",
            "attacker_side_must",
            "attacker_side_may",
            "conflicted",
        ]
    )
    for a, b, s in m.rows():
        out.writerow(
            [
                a,
                b,
                " ".join(sorted(s.target_firm)),
                " ".join(sorted(s.target_possible - s.target_firm)),
                " ".join(sorted(s.attacker_firm)),
                " ".join(sorted(s.attacker_possible - s.attacker_firm)),
                " ".join(sorted(s.conflicted)),
            ]
        )


def _links_text(links: list[dict[str, Any]], limit: int = 6) -> str:
    by_cite: dict[str, list[dict[str, Any]]] = {}
    for link in links:
        by_cite.setdefault(link["cite"], []).append(link)
    parts = []
    for cite, group in by_cite.items():
        towards = sorted({g["towards"] for g in group})
        shown = ", ".join(towards[:limit]) + (
            f" +{len(towards) - limit}" if len(towards) > limit else ""
        )
        row = f" ({group[0]['row']})" if group[0]["row"] else ""
        firm = any(g["firm"] for g in group)
        mark = "" if firm else f" [{group[0]['modality']}, {group[0]['value']}]"
        conds = sorted({c for g in group for c in g["conditions"]})
        cond = f"; if: {'; '.join(conds)}" if conds and not firm else ""
        parts.append(f"{cite}{row} → {shown}{mark}{cond}")
    return "\n".join(parts)


def _print_cascade(doc: dict[str, Any]) -> None:
    from rich.markup import escape
    from rich.table import Table

    c = _console()
    where = f" in {doc['place']}" if doc["place"] else ""
    c.rule(
        f"[bold]{escape(doc['attacker'])} attacks {escape(doc['target'])}[/]{escape(where)}, "
        f"{doc['on']}"
    )
    src = doc["sources"]
    read = []
    if src["instruments"] is not None:
        read.append("the encoded instruments of " + ", ".join(src["instruments"]))
    if src["atop"] is not None:
        read.append(src["atop"]["label"])
    c.print(f"Read: {escape('; '.join(read))}")
    for side, label in (
        ("target_side", "the target's side"),
        ("attacker_side", "the attacker's side"),
    ):
        s = doc[side]
        c.print(
            f"[bold]{label}[/]: must: {escape(', '.join(s['must']) or '-')}; "
            f"may: {escape(', '.join(s['may']) or '-')}"
        )
    if doc["rounds"]:
        t = Table(title="Round by round", show_lines=True)
        for col in ("round", "side", "state", "status", "bound by (citation → towards)"):
            t.add_column(col)
        for r in doc["rounds"]:
            for d in r["joined"]:
                t.add_row(
                    str(r["round"]),
                    d["side"],
                    d["state"],
                    "[bold green]must[/]" if d["status"] == "must" else "[magenta]may[/]",
                    escape(_links_text(d["links"])),
                )
        c.print(t)
    else:
        c.print("Nobody is drawn in.")
    if doc["conflicts"]:
        t = Table(title="Conflicted", show_lines=True)
        for col in ("state", "conflict", "for the target's side", "for the attacker's side"):
            t.add_column(col)
        for cf in doc["conflicts"]:
            t.add_row(
                cf["state"],
                escape(cf["text"]),
                escape(_links_text(cf["for_target"]) or "-"),
                escape(_links_text(cf["for_attacker"]) or "-"),
            )
        c.print(t)
    if doc["released"]:
        t = Table(title="Not bound towards the target", show_lines=True)
        for col in ("citation", "states", "why"):
            t.add_column(col)
        by_cite: dict[str, list[dict[str, Any]]] = {}
        for link in doc["released"]:
            by_cite.setdefault(link["cite"], []).append(link)
        for cite, group in by_cite.items():
            why = sorted({g["note"] or "" for g in group} - {""})
            t.add_row(
                escape(cite),
                escape(", ".join(sorted({g["bearer"] for g in group}))),
                escape("; ".join(why)),
            )
        c.print(t)
    if doc["duties"]:
        c.print("[bold]Other duties[/] (drawing no one in):")
        by_cite = {}
        for link in doc["duties"]:
            by_cite.setdefault(f"{link['kind']}: {link['cite']}", []).append(link)
        for key, group in by_cite.items():
            who = sorted({g["bearer"] for g in group})
            c.print(f"  {escape(key)}: {escape(', '.join(who))}")
    for a in doc["assumptions"] + doc["notes"]:
        c.print(f"[dim]- {escape(a)}[/]")
    sys.stdout.flush()


@network_app.command()
def synth(
    out: Annotated[Path, typer.Option(help="Directory to write alliances.csv and members.csv.")],
    seed: Annotated[int, typer.Option(help="The same seed always gives the same data.")] = 0,
    states: Annotated[int, typer.Option(help="How many states.")] = 200,
    alliances: Annotated[int, typer.Option(help="How many alliances.")] = 750,
) -> None:
    """Write synthetic ATOP-shaped files (not real alliances): for benchmarks and tests."""
    from casus.network.synth import rows, synthetic
    from casus.schema.atop import write_atop

    syn = synthetic(seed, states=states, alliances=alliances)
    a_rows, m_rows = rows(syn.data)
    try:
        written = write_atop(a_rows, m_rows, out)
    except OSError as e:
        fail([f"casus: could not write to {out}: {e.strerror}"])
    for p in written:
        print(f"wrote {p}")
    print(
        f"{len(syn.data.alliances)} alliances, {len(syn.data.memberships)} member rows, "
        f"{len(syn.states)} states, {syn.first_year}-{syn.last_year}, seed {seed}"
    )


@network_app.command()
def agreement(
    atop_alliances: AlliancesOption = None,
    atop_members: MembersOption = None,
    atop_id: Annotated[
        list[str] | None,
        typer.Option(
            "--atop-id",
            help="ORG=ATOPID: compare this organization with this ATOP alliance (repeatable).",
        ),
    ] = None,
    markdown: Annotated[
        bool, typer.Option("--markdown", help="Print Markdown tables (for the docs).")
    ] = False,
    as_json: JsonOption = False,
    data: DataOption = None,
) -> None:
    """Where casus's encoding of CSTO, NATO, ANZUS and the Rio Treaty agrees with ATOP's coding.

    Membership and dates, the defence obligation, its conditions, consultation; each side
    cited. An organization whose data files are missing, or with no ATOP id, is listed as
    not compared.
    """
    atop = _atop(atop_alliances, atop_members)
    if atop is None:
        fail(["casus: give the ATOP files: --atop-alliances FILE --atop-members FILE"])
    ids: dict[str, int | None] = {}
    for item in atop_id or []:
        org, _, value = item.partition("=")
        try:
            ids[org.strip()] = int(value)
        except ValueError:
            fail([f"casus: --atop-id: expected ORG=ATOPID (an integer), found '{item}'"])
    from casus.network.agreement import agreement as run
    from casus.network.agreement import to_markdown

    results = run(world(data), atop, ids)
    if as_json:
        print_json({"atop": atop.to_dict(), "organizations": [r.to_dict() for r in results]})
        return
    if markdown:
        sys.stdout.write(to_markdown(results, atop.label) + "\n")
        return
    from rich.markup import escape
    from rich.table import Table

    c = _console()
    c.print(f"ATOP data: {escape(atop.label)}")
    for r in results:
        head = f"{r.name} ({r.organization}" + (f", atop:{r.atopid})" if r.atopid else ")")
        if r.problem:
            c.print(f"[bold]{escape(head)}[/]: not compared: {escape(r.problem)}")
            continue
        t = Table(title=head, show_lines=True)
        for col in ("aspect", "casus", "ATOP", "agree?", "note"):
            t.add_column(col, max_width=50 if col in ("casus", "ATOP", "note") else None)
        for row in r.rows:
            mark = {True: "[green]yes[/]", False: "[bold red]no[/]", None: "n/a"}[row.agrees]
            t.add_row(
                escape(row.aspect), escape(row.casus), escape(row.atop), mark, escape(row.note)
            )
        c.print(t)
