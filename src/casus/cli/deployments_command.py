"""`casus deployments`: collective deployments at a government's request, side by side — who
asked and in what capacity, the legal basis, organ and rule, the treaty's and general
international law's outcomes per reading beside the record, force, tasks, duration, the consent
questions, and the conclusions stated about them. JSON, CSV and an HTML report share one
computation (`casus.cases.deployments`)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from casus.cli.common import DataOption, JsonOption, fail, print_json, world


def deployments(
    cases: Annotated[
        list[str] | None,
        typer.Argument(help="Case ids (default: every case with a request for a force)."),
    ] = None,
    as_json: JsonOption = False,
    csv_out: Annotated[
        Path | None, typer.Option("--csv", help="Write the table as CSV to this file.")
    ] = None,
    report: Annotated[
        Path | None, typer.Option("--report", help="Write the table as an HTML page to this file.")
    ] = None,
    data: DataOption = None,
) -> None:
    """Compare deployments at a government's request: the treaty beside general international law."""
    from casus.cases.deployments import deployments as rows_of
    from casus.cases.deployments import to_csv
    from casus.evaluation.engine import EvaluationError

    try:
        rows = rows_of(world(data), cases or [])
    except EvaluationError as e:
        fail([f"casus: {e.args[0]}"])
    from casus.report.html import render_deployments, write_whole

    outputs = [(csv_out, to_csv), (report, render_deployments)]
    for target, render in outputs:
        if target is None:
            continue
        try:
            write_whole(render(rows), target)
        except OSError as e:
            fail([f"casus: could not write {target}: {e.strerror}"])
    if as_json:
        print_json(rows)
        return
    from casus.cli.render import print_deployments

    print_deployments(rows)


def register(app: typer.Typer) -> None:
    app.command()(deployments)
