"""What every command shares: the data options, JSON output, and failing cleanly (exit 2)."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer

DataOption = Annotated[
    list[Path] | None,
    typer.Option(
        "--data",
        help="Extra instrument, organization, case or sources files to load beside the built-in data.",
    ),
]
JsonOption = Annotated[
    bool, typer.Option("--json", help="Print one JSON document instead of tables.")
]


def fail(lines: list[str]) -> NoReturn:
    for line in lines:
        print(line, file=sys.stderr)
    raise typer.Exit(code=2)


def parse_date(value: str | None, option: str) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        fail([f"casus: {option}: expected an ISO date YYYY-MM-DD, found '{value}'"])


def world(extra: list[Path] | None) -> Any:
    from casus.schema.errors import DataError
    from casus.schema.loader import load_world

    try:
        return load_world(extra or [])
    except DataError as e:
        fail([str(x) for x in e.errors] + [f"casus: {len(e.errors)} error(s); nothing was loaded"])


def print_json(doc: Any) -> None:
    from casus.cli.fast import print_json as write

    write(doc)
