"""The `casus` command: replay, evaluate, validate, schema, cases.

Heavy modules (Rich, Jinja2, the engine) are imported inside commands, so that `--help` and
`--json` runs start fast. Errors go to stderr with exit code 2, never as a traceback.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from casus.cli import browse_command, deployments_command, serve_command, store_commands
from casus.cli.common import DataOption, JsonOption
from casus.cli.common import fail as _fail
from casus.cli.common import parse_date as _parse_date
from casus.cli.common import print_json as _print_json
from casus.cli.common import world as _world
from casus.cli.compare_command import compare as _compare
from casus.cli.network_command import network_app as _network_app
from casus.cli.whatif_command import whatif as _whatif

app = typer.Typer(
    name="casus",
    help=(
        "Collective-security treaties as code: replay cases, evaluate requests against dated, "
        "cited rules, and keep an attributed record of the claims each side made."
    ),
    no_args_is_help=True,
    add_completion=True,  # `casus --install-completion` / `--show-completion SHELL`
    pretty_exceptions_enable=False,
)

#: The parts of the full view of a replay, in the order it prints them (`--section`); the
#: renderer (`casus.cli.render.print_replay`) knows them by these names.
_SECTIONS: dict[str, str] = {
    "summary": "the case's title, organization and summary",
    "timeline": "the dated events, with their sources",
    "request": "each request: who asked whom, citing what",
    "rules": "the provisions in force, their text, entitlement, and whether each casus arose",
    "decision": "the deciding organ and its rule, the vote, computed and recorded outcomes",
    "obligations": "the obligations that follow, per member",
    "assumptions": "the labelled assumptions the evaluation and the case rest on",
    "explanation": "the cited explanation tree",
    "frames": "each request for a force under general international law (consent, self-defence)",
    "claims": "every claim: by whom, with what status and sources",
    "force": "the force and every reported figure, conflicts kept",
    "mandate": "facilities guarded, tasks, host personnel released",
    "phases": "deployment, handover, withdrawal",
}

app.command(name="compare")(_compare)
app.add_typer(_network_app, name="network")
app.command(name="whatif")(_whatif)


@app.command()
def cases(data: DataOption = None, as_json: JsonOption = False) -> None:
    """List the built-in cases (and any loaded with --data), with their recorded outcomes."""
    from casus.cli.fast import case_rows

    rows = case_rows(_world(data))
    if as_json:
        _print_json(rows)
        return
    from casus.cli.render import print_cases

    print_cases(rows)


@app.command()
def replay(
    case: Annotated[str, typer.Argument(help="The case id, e.g. kz-2022 (see `casus cases`).")],
    on: Annotated[
        str | None,
        typer.Option(help="Evaluate on this date instead of each request's own (YYYY-MM-DD)."),
    ] = None,
    reading: Annotated[
        str | None,
        typer.Option(
            help="The reading of the facts for the outcome (default: the case's). Each case "
            "defines its own: every case has requester (or alliance) and all; kz-2022 also "
            "independent; `casus replay CASE --json` lists them under readings."
        ),
    ] = None,
    as_json: JsonOption = False,
    full: Annotated[
        bool,
        typer.Option(
            "--full", help="Print the full view: every part, every claim and every citation."
        ),
    ] = False,
    section: Annotated[
        list[str] | None,
        typer.Option(
            "--section",
            metavar="NAME",
            help="Print these parts of the full view (repeatable): "
            + ", ".join(f"{name} ({what})" for name, what in _SECTIONS.items())
            + ".",
        ),
    ] = None,
    report: Annotated[
        Path | None,
        typer.Option(help="Where to write the HTML report (default: casus-output/CASE.html)."),
    ] = None,
    no_report: Annotated[
        bool, typer.Option("--no-report", help="Do not write the HTML report.")
    ] = False,
    data: DataOption = None,
    db: Annotated[
        str | None,
        typer.Option(
            "--db",
            metavar="URL",
            help="The store the case is read from (default: $CASUS_DB_URL, else the local file).",
        ),
    ] = None,
    as_of: Annotated[
        str | None,
        typer.Option(
            "--as-of", help="The case as recorded in the store then (YYYY-MM-DD, end of day UTC)."
        ),
    ] = None,
) -> None:
    """Replay a case end to end, and write its HTML report.

    Prints the short answer first: per request and reading, the provisions in force, whether
    the requester was entitled and each casus arose, the deciding organ and its rule, the
    computed outcome beside the recorded one, the key disputes and the figures the sources
    disagree on; then where the full HTML report is. --full prints every part (the timeline,
    the rules and their text, the vote, the obligations, the assumptions, the explanation, the
    claims, the force, the mandate and the phases); --section picks parts of it. With --json,
    prints one JSON document instead (and writes no report).
    """
    from casus.cases import replay as run_replay
    from casus.evaluation.engine import EvaluationError

    sections = _sections(section)
    world = _world(data)
    on_date = _parse_date(on, "--on")
    # The case as the store records it (seeded from the built-in file on first use).
    world = store_commands.recorded_world(world, case, db=db, as_of=as_of, data=data)
    try:
        result = run_replay(world, case, on=on_date, reading=reading)
    except (EvaluationError, KeyError) as e:
        _fail([f"casus: {e.args[0] if e.args else e}"])
    doc = result.to_dict()
    if as_json:
        _print_json(doc)
        return
    from casus.cli.render import print_replay, print_verdict

    if full or sections:
        print_replay(doc, sections=None if full else sections)
    else:
        print_verdict(doc)
    if not no_report:
        from casus.evaluation.invocation import from_case
        from casus.report.html import write_report
        from casus.whatif.minimal import minimal_changes

        # The report also says what would have had to differ for another outcome.
        recorded_case = world.cases[case]
        doc["whatif"] = [
            minimal_changes(
                world, from_case(recorded_case, rq), on=on_date, reading=reading
            ).to_dict()
            for rq in recorded_case.requests
        ]
        target = report or Path("casus-output") / f"{case}.html"
        try:
            write_report(doc, target)
        except OSError as e:
            _fail([f"casus: could not write the report to {target}: {e.strerror}"])
        print(f"\nHTML report written to {target.resolve()}")


def _sections(given: list[str] | None) -> frozenset[str]:
    """The parts of the full view `--section` names, each checked."""
    import difflib

    for name in given or []:
        if name not in _SECTIONS:
            near = difflib.get_close_matches(name, list(_SECTIONS), n=3, cutoff=0.5)
            hint = f"did you mean {', '.join(near)}? " if near else ""
            _fail([f"casus: --section: no section '{name}' ({hint}known: {', '.join(_SECTIONS)})"])
    return frozenset(given or [])


@app.command()
def evaluate(
    request_file: Annotated[
        Path, typer.Argument(help="A request file (kind: request).", metavar="REQUEST.yaml")
    ],
    on: Annotated[
        str | None,
        typer.Option(help="Evaluate on this date (YYYY-MM-DD); default: the request's date."),
    ] = None,
    reading: Annotated[
        str | None, typer.Option(help="Reading of the facts: requester (default) or all.")
    ] = None,
    as_json: JsonOption = False,
    data: DataOption = None,
) -> None:
    """Evaluate a hypothetical request against the built-in instruments on a date."""
    from casus.cli.fast import evaluation_doc
    from casus.evaluation.engine import EvaluationError
    from casus.evaluation.invocation import from_request_file
    from casus.schema.errors import DataError
    from casus.schema.loader import check_references, load_file

    world = _world(data)
    on_date = _parse_date(on, "--on")
    try:
        loaded = load_file(request_file, kinds=("request",))
    except DataError as e:
        _fail([str(x) for x in e.errors] + [f"casus: {len(e.errors)} error(s) in {request_file}"])
    ref_errors = check_references([loaded], world)
    if ref_errors:
        _fail(
            [str(x) for x in ref_errors] + [f"casus: {len(ref_errors)} error(s) in {request_file}"]
        )
    try:
        doc = evaluation_doc(world, from_request_file(loaded.model), request_file, on_date, reading)
    except (EvaluationError, KeyError) as e:
        _fail([f"casus: {e.args[0] if e.args else e}"])
    if as_json:
        _print_json(doc)
        return
    from casus.cli.render import print_evaluation

    print_evaluation(doc["evaluation"], title=loaded.model.title or loaded.model.id)
    from casus.cli.render import _console, print_frames

    print_frames(doc["frames"], loaded.model.id, _console())


@app.command()
def validate(
    files: Annotated[
        list[Path], typer.Argument(help="Instrument, organization, case, sources or request files.")
    ],
    data: DataOption = None,
) -> None:
    """Check data files and print every error (file:line:col, field, expected, found).

    Checks structure, dates and intervals, and references to sources, actors, claims, organs,
    places and provisions, resolved against the built-in data and the files given.
    """
    import sys

    from casus.schema.errors import DataError, FileError, cap, count
    from casus.schema.limits import max_errors
    from casus.schema.loader import (
        DATA_KINDS,
        Loaded,
        assemble,
        builtin_files,
        check_references,
        check_warnings,
        load_file,
    )

    errors: list[FileError] = []
    loaded: list[Loaded] = []
    for f in files:
        try:
            loaded.append(load_file(f))
        except DataError as e:
            errors.extend(e.errors)
    given = {x.path.resolve() for x in loaded}
    base: list[Loaded] = []
    for p in builtin_files():
        if p.resolve() in given:
            continue
        try:
            base.append(load_file(p))
        except DataError as e:
            errors.extend(e.errors)
    context = base
    extra: list[Loaded] = []
    for p in data or []:
        try:
            extra.append(load_file(p, kinds=DATA_KINDS))
        except DataError as e:
            errors.extend(e.errors)
    world, dup = assemble(context + extra + [x for x in loaded if x.kind != "request"])
    errors.extend(dup)
    errors.extend(check_references(loaded, world))
    warnings = cap(check_warnings(loaded, world), max_errors()) if not errors else []
    for w in warnings:
        print(str(w), file=sys.stderr)
    if errors:
        shown = cap(errors, max_errors())
        _fail(
            [str(e) for e in shown] + [f"casus: {count(errors)} error(s) in {len(files)} file(s)"]
        )
    for x in loaded:
        print(f"ok  {x.shown}  ({x.kind})")


@app.command()
def schema(
    out: Annotated[Path, typer.Option(help="Directory to write the JSON Schemas into.")] = Path(
        "schemas"
    ),
) -> None:
    """Write a JSON Schema for each kind of file (instrument, organization, case, sources, request)."""
    from casus.schema.jsonschema import write_schemas

    try:
        written = write_schemas(out)
    except OSError as e:
        _fail([f"casus: could not write to {out}: {e.strerror}"])
    for p in written:
        print(f"wrote {p}")


# The record's commands (import, export, log, audit verify) live in their own module.
store_commands.register(app)
# The service's commands (serve, accounts) live in their own module.
serve_command.register(app)
# Browsing the model (instruments, provisions, show, members, places, propositions, --version).
browse_command.register(app)
# Deployments side by side (the treaty beside general international law).
deployments_command.register(app)


def main() -> None:
    app()
