"""The light start path of the `casus` command.

`casus replay CASE --json`, `casus evaluate FILE --json` and `casus cases --json` are what
scripts and services run most, and each answer takes about a millisecond; building the command
tree (Typer, Click, Rich) and validating the data files would cost hundreds of times that. Here
those three are answered from the validated world in the cache, with the same functions the
full command calls, and print the same document byte for byte.

Only the plain successful path runs here. Anything else (`--help`, an option this parser does
not know, a world not yet cached, a store that needs seeding, an error of any kind) goes to the
full command line, which parses, seeds and reports exactly as it always does; nothing here
writes to the store, to the cache or to a file. This module must not import Typer, Rich or
the full command tree.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from casus.evaluation.invocation import Invocation
    from casus.model.world import World

#: The options each light command accepts: option -> takes a value.
_OPTIONS: dict[str, dict[str, bool]] = {
    "replay": {"--json": False, "--on": True, "--reading": True, "--no-report": False},
    "evaluate": {"--json": False, "--on": True, "--reading": True},
    "cases": {"--json": False},
}


class _Full(Exception):
    """This command is for the full command line."""


def main() -> None:
    """The `casus` command: the light path when it applies, else the full command line."""
    try:
        doc = light(sys.argv[1:])
    except _Full:
        doc = None
    if doc is None:
        from casus.cli.app import main as full

        full()
        return
    print_json(doc)


def print_json(doc: Any) -> None:
    sys.stdout.write(json.dumps(doc, ensure_ascii=False, indent=2) + "\n")


def light(argv: Sequence[str]) -> Any:
    """The JSON document the full command would print for `argv`, or None when the full
    command line must answer it."""
    parsed = _parse(argv)
    if parsed is None:
        return None
    command, positional, options = parsed
    try:
        world = _cached_world()
        if command == "cases":
            return case_rows(world)
        on = dt.date.fromisoformat(options["--on"]) if "--on" in options else None
        reading = options.get("--reading")
        if command == "replay":
            return _replay(world, positional, on, reading)
        return _evaluate(world, positional, on, reading)
    except _Full:
        return None
    except Exception:
        return None


def _parse(argv: Sequence[str]) -> tuple[str, str, dict[str, str]] | None:
    if not argv or argv[0] not in _OPTIONS:
        return None
    command, rest = argv[0], list(argv[1:])
    known = _OPTIONS[command]
    options: dict[str, str] = {}
    positional: list[str] = []
    while rest:
        token = rest.pop(0)
        name, eq, value = token.partition("=")
        if token.startswith("-"):
            if name not in known or name in options:
                return None
            if known[name]:
                if not eq:
                    if not rest or rest[0].startswith("-"):
                        return None
                    value = rest.pop(0)
                options[name] = value
            elif eq:
                return None
            else:
                options[name] = ""
        else:
            positional.append(token)
    if "--json" not in options:
        return None
    if len(positional) != (0 if command == "cases" else 1):
        return None
    return command, positional[0] if positional else "", options


def _cached_world() -> World:
    """The built-in world as the cache holds it; not cached yet: the full path loads it."""
    from casus.schema import cache

    if not cache.enabled():
        raise _Full
    key = cache.key(cache.builtin_files())
    world = cache.read(key) if key is not None else None
    if world is None:
        raise _Full
    return world


def case_rows(world: World) -> list[dict[str, Any]]:
    """`casus cases`: every case with its requests' dates and recorded outcomes."""
    rows = []
    for c in sorted(world.cases.values(), key=lambda c: c.id):
        rows.append(
            {
                "id": c.id,
                "title": c.title,
                "organization": c.organization,
                "dates": [r.date.isoformat() for r in c.requests],
                "recorded": [
                    r.decision.outcome if r.decision else "no_decision" for r in c.requests
                ],
                "hypothetical": c.hypothetical,
            }
        )
    return rows


def _replay(world: World, case_id: str, on: dt.date | None, reading: str | None) -> Any:
    from dataclasses import replace

    from casus.cases import replay
    from casus.cli.recorded import current_from_store

    builtin = world.cases.get(case_id)
    if builtin is None:
        raise _Full
    case = current_from_store(world, builtin, case_id, None)
    if case is None:
        raise _Full  # not in the store yet, or changed there: the full path seeds or reads it
    if case is not builtin:
        world = replace(world, cases={**world.cases, case_id: case})
    return replay(world, case_id, on=on, reading=reading).to_dict()


def _evaluate(world: World, file: str, on: dt.date | None, reading: str | None) -> Any:
    from casus.evaluation.invocation import from_request_file
    from casus.schema.loader import check_references, load_file

    path = Path(file)
    loaded = load_file(path, kinds=("request",))
    if check_references([loaded], world):
        raise _Full
    return evaluation_doc(world, from_request_file(loaded.model), path, on, reading)


def evaluation_doc(
    world: World, inv: Invocation, path: Path, on: dt.date | None, reading: str | None
) -> dict[str, Any]:
    """`casus evaluate --json`: the request, its file, its evaluation under the treaty and,
    for a request for a force, under general international law (`frames`)."""
    from casus.evaluation.engine import evaluate, evaluate_frames, frame_document

    return {
        "request": inv.id,
        "file": str(path),
        "evaluation": evaluate(world, inv, on=on, reading=reading).to_dict(),
        "frames": {
            name: frame_document(name, ev, inv.claims.values(), inv.actors)
            for name, ev in evaluate_frames(world, inv, on=on, reading=reading).items()
        },
    }
