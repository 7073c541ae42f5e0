"""`casus whatif`: change inputs and re-evaluate; minimal changes; grids."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from casus.cli.common import DataOption, JsonOption, fail, parse_date, print_json, world


def whatif(
    case: Annotated[
        str, typer.Argument(help="A case id (see `casus cases`), or a request file with --file.")
    ],
    set_: Annotated[
        list[str] | None,
        typer.Option(
            "--set",
            help="A change VARIABLE=VALUE (repeatable): position.AM=object, proposition.NAME=yes, "
            "proposition.NAME@READING=no, claim.ID.status=refuted, claim.ID.value=no, membership.UZ=member. "
            "A state may be named by its ISO 3166-1 alpha-2 or alpha-3 code or English short name "
            "(position.Armenia=object).",
        ),
    ] = None,
    request: Annotated[
        str | None, typer.Option(help="Which request of the case (default: the first).")
    ] = None,
    on: Annotated[
        str | None,
        typer.Option(help="Evaluate on this date (YYYY-MM-DD): the rules in force then."),
    ] = None,
    reading: Annotated[str | None, typer.Option(help="The reading of the facts.")] = None,
    minimal: Annotated[
        bool,
        typer.Option(
            "--minimal", help="List every minimal set of changes that would turn the outcome."
        ),
    ] = False,
    max_size: Annotated[
        int, typer.Option(help="With --minimal: the largest set of changes to consider.")
    ] = 2,
    grid_vars: Annotated[
        list[str] | None,
        typer.Option(
            "--grid", help="Tabulate the outcome over every value of these variables (repeatable)."
        ),
    ] = None,
    fmt: Annotated[
        str, typer.Option("--format", help="With --grid: table, csv or json.")
    ] = "table",
    file: Annotated[
        bool, typer.Option("--file", help="CASE is a request file (kind: request).")
    ] = False,
    as_json: JsonOption = False,
    data: DataOption = None,
) -> None:
    """Change any input of an evaluation and see what changes.

    With --set, evaluates the request as recorded and with the changes, and shows the
    difference in the outcome and in the explanation. With --minimal, lists every minimal set of
    changes (positions, propositions under the reading, membership, the date) that would turn
    the outcome, each with its explanation. With --grid, tabulates the outcome over every
    combination of the chosen variables.
    """
    from casus.evaluation.engine import EvaluationError
    from casus.evaluation.invocation import from_case, from_request_file
    from casus.whatif.grid import grid
    from casus.whatif.minimal import minimal_changes, with_changes
    from casus.whatif.scenario import check_changes, check_grid, check_reading, parse_change

    w = world(data)
    day = parse_date(on, "--on")
    if fmt not in ("table", "csv", "json"):
        fail([f"casus: --format: expected table, csv or json, found '{fmt}'"])
    if max_size < 1 or max_size > 4:
        fail([f"casus: --max-size: expected a number from 1 to 4, found {max_size}"])
    try:
        if file:
            from casus.schema.errors import DataError
            from casus.schema.loader import check_references, load_file

            try:
                loaded = load_file(Path(case), kinds=("request",))
            except DataError as e:
                fail([str(x) for x in e.errors] + [f"casus: {len(e.errors)} error(s) in {case}"])
            errors = check_references([loaded], w)
            if errors:
                fail([str(x) for x in errors] + [f"casus: {len(errors)} error(s) in {case}"])
            inv = from_request_file(loaded.model)
        else:
            c = w.cases.get(case)
            if c is None:
                fail([f"casus: unknown case '{case}' (known cases: {', '.join(sorted(w.cases))})"])
            rq = next((r for r in c.requests if request in (None, r.id)), None)
            if rq is None:
                fail(
                    [
                        f"casus: case '{case}' has no request '{request}' (it has: {', '.join(r.id for r in c.requests)})"
                    ]
                )
            inv = from_case(c, rq)
        check_reading(inv, reading)
        changes = [parse_change(s) for s in set_ or []]
        check_changes(w, inv, changes, day or inv.date)
        doc: dict[str, Any]
        if grid_vars:
            variables = check_grid(w, inv, grid_vars, day or inv.date)
            g = grid(w, inv, variables, on=day, reading=reading)
            if fmt == "csv":
                sys.stdout.write(g.to_csv())
                return
            doc = {"grid": g.to_dict()}
            if fmt == "json" or as_json:
                print_json(doc)
                return
            from casus.cli.render import print_grid

            print_grid(doc["grid"])
            return
        if minimal:
            doc = {
                "minimal": minimal_changes(
                    w, inv, on=day, reading=reading, max_size=max_size
                ).to_dict()
            }
            if as_json:
                print_json(doc)
                return
            from casus.cli.render import print_minimal

            print_minimal(doc["minimal"])
            return
        doc = {
            "changes": [str(c) for c in changes],
            "difference": with_changes(w, inv, changes, on=day, reading=reading).to_dict(),
        }
    except (EvaluationError, KeyError) as e:
        fail([f"casus: {e.args[0] if e.args else e}"])
    if as_json:
        print_json(doc)
        return
    from casus.cli.render import print_whatif

    print_whatif(doc)
