"""`casus compare`: one event under several alliances, side by side."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from casus.cli.common import DataOption, JsonOption, fail, parse_date, print_json, world


def compare(
    target: Annotated[
        str, typer.Option(help="The state attacked or threatened (ISO code, e.g. FR).")
    ],
    on: Annotated[str, typer.Option(help="The date of the event (YYYY-MM-DD).")],
    event: Annotated[
        str, typer.Option(help="armed-attack-by-state, terrorist-attack or threat.")
    ] = "armed-attack-by-state",
    attacker: Annotated[
        str | None, typer.Option(help="The attacking state, if a state (ISO code).")
    ] = None,
    place: Annotated[
        str | None, typer.Option(help="Where it happens: a place id of the gazetteer.")
    ] = None,
    organization: Annotated[
        list[str] | None,
        typer.Option("--organization", help="Only these organizations (repeatable)."),
    ] = None,
    as_json: JsonOption = False,
    data: DataOption = None,
) -> None:
    """Evaluate one event under every alliance's rules, side by side.

    Shows which casus arise, who decides and by what rule, and what each member must or may do,
    with citations. The event's facts are stipulated; positions are unknown, so the outcome is
    also shown as it would be if every member joined.
    """
    from casus.cases.compare import compare as run_compare
    from casus.evaluation.engine import EvaluationError

    w = world(data)
    day = parse_date(on, "--on")
    assert day is not None
    try:
        result = run_compare(
            w,
            event=event,
            target=target.upper(),
            on=day,
            attacker=attacker.upper() if attacker else None,
            place=place,
            organizations=organization,
        )
    except (EvaluationError, KeyError) as e:
        fail([f"casus: {e.args[0] if e.args else e}"])
    doc = result.to_dict()
    if as_json:
        print_json(doc)
        return
    from casus.cli.render import print_comparison

    print_comparison(doc)
    sys.stdout.flush()
