"""The `casus` command: replay, evaluate, validate, schema, cases.

Heavy modules (Rich, Jinja2, the engine) are imported inside commands, so that `--help` and
`--json` runs start fast. Errors go to stderr with exit code 2, never as a traceback.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from casus.cli import serve_command, store_commands
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
    add_completion=False,
    pretty_exceptions_enable=False,
)

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
        typer.Option(help="The reading of the facts for the outcome (default: the case's)."),
    ] = None,
    as_json: JsonOption = False,
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

    Shows the timeline, the request, the rules in force, whether the requester was entitled,
    whether each casus arose under each reading of the facts, the deciding organ and its rule,
    the computed outcome beside the recorded one, the obligations, the force, the mandate and
    the phases. With --json, prints one JSON document instead (and writes no report).
    """
    from casus.cases import replay as run_replay
    from casus.evaluation.engine import EvaluationError

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
    from casus.cli.render import print_replay

    print_replay(doc)
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
    from casus.schema.errors import DataError, FileError
    from casus.schema.loader import (
        Loaded,
        assemble,
        builtin_files,
        check_references,
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
            extra.append(load_file(p))
        except DataError as e:
            errors.extend(e.errors)
    world, dup = assemble(context + extra + [x for x in loaded if x.kind != "request"])
    errors.extend(dup)
    errors.extend(check_references(loaded, world))
    if errors:
        _fail([str(e) for e in errors] + [f"casus: {len(errors)} error(s) in {len(files)} file(s)"])
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


def main() -> None:
    app()
