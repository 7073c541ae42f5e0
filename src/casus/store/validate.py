"""A case state checked as a case file is: the model, the loader's checks, and (given a world)
references to sources, organizations, organs and provisions.

The store calls this after every event, so that no event can leave a case that would not load
from a file. It reuses the loader's checks rather than restating them, and must not know about
the database.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from casus.model.case import Case
from casus.model.world import World
from casus.schema.loader import Loaded, check_model, check_references
from casus.schema.translate import clean_loc, message, show_path
from casus.store.fold import Rejected


def validate_case(
    data: Any, *, world: World | None, shown: str, touched: dict[str, set[int]] | None = None
) -> Case:
    """The state as a Case, or Rejected with one line per problem (`shown: path: message`).

    `touched` names the items of list fields that changed since the last valid state (None: all
    of them). References are checked for those items only: each reference check concerns one
    item, and walking every source of a long case on every event would make appends O(case)."""
    try:
        case = Case.model_validate(data)
    except ValidationError as e:
        lines = [
            f"{shown}: {show_path(clean_loc(tuple(err['loc'])))}: {message(err, Case)}"
            for err in e.errors()
        ]
        raise Rejected("\n".join(lines)) from None
    problems = [f"{shown}: {show_path(loc)}: {msg}" for loc, msg in check_model(case)]
    if world is not None:
        # An empty text: the loader parses it only to place an error on a line, and a state in
        # the store has no lines. The path and the message are what a writer needs.
        checked, where = (case, None) if touched is None else _only(case, touched)
        loaded = Loaded(Path(shown), shown, "case", checked, "")
        problems += [
            f"{shown}: {_real_path(e.path, where)}: {e.message}"
            for e in check_references([loaded], world)
        ]
    if problems:
        raise Rejected("\n".join(problems))
    return case


def _only(case: Case, touched: dict[str, set[int]]) -> tuple[Case, dict[str, list[int]]]:
    """The case with each list field cut down to its touched items (other fields kept), and for
    each field the real index of every item kept."""
    update: dict[str, Any] = {}
    where: dict[str, list[int]] = {}
    for name in type(case).model_fields:
        value = getattr(case, name)
        if isinstance(value, list):
            keep = sorted(touched.get(name, ()))
            update[name] = [value[i] for i in keep]
            where[name] = keep
    return case.model_copy(update=update), where


def _real_path(path: str, where: dict[str, list[int]] | None) -> str:
    match = re.match(r"^([A-Za-z_]+)\[(\d+)\]", path)
    if where is None or match is None or match.group(1) not in where:
        return path
    real = where[match.group(1)][int(match.group(2))]
    return f"{match.group(1)}[{real}]{path[match.end() :]}"
