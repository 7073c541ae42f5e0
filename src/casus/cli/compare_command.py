"""`casus compare`: one event under several alliances, side by side."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from casus.cli.common import DataOption, JsonOption, fail, parse_date, print_json, world
from casus.cli.network_command import place_option, state_option


def compare(
    target: Annotated[
        str,
        typer.Option(
            help="The state attacked or threatened: ISO 3166-1 alpha-2 or alpha-3, or name (FR, FRA, France)."
        ),
    ],
    on: Annotated[str, typer.Option(help="The date of the event (YYYY-MM-DD).")],
    event: Annotated[
        str, typer.Option(help="armed-attack-by-state, terrorist-attack or threat.")
    ] = "armed-attack-by-state",
    attacker: Annotated[
        str | None,
        typer.Option(help="The attacking state, if a state: ISO code or name (RU, RUS, Russia)."),
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

    day = parse_date(on, "--on")
    assert day is not None
    b = state_option(target, "--target")
    a = state_option(attacker, "--attacker") if attacker is not None else None
    w = world(data)
    place_option(w, place)
    try:
        result = run_compare(
            w,
            event=event,
            target=b,
            on=day,
            attacker=a,
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
