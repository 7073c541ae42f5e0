"""A case state checked as a case file is: the model, the loader's checks, and (given a world)
references to sources, organizations, organs and provisions.

The store calls this after every event, so that no event can leave a case that would not load
from a file. It reuses the loader's checks rather than restating them, and must not know about
the database.

An import is checked whole (`validate_case`). Any other event changes a few items of a case that
was valid before it, so `validate_change` checks those items only: each against its own model,
then the loader's checks on a case made of the case's other fields, the items changed and the
claims they refer to. The rules of the loader that span items are kept that way: a duplicate id
is refused by the fold, which looks the id up among all the case's items; a reference to a claim
is checked against the claim itself, looked up; claims are never removed or renamed but by an
import, so an item that was not changed cannot have lost what it refers to.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, get_args

from pydantic import BaseModel, TypeAdapter, ValidationError
from pydantic.fields import FieldInfo

from casus.model.case import Case
from casus.model.world import World
from casus.schema.loader import Loaded, check_model, check_references
from casus.schema.translate import clean_loc, message, show_path
from casus.store.canonical import canonical_json
from casus.store.fold import Fold, Rejected
from casus.store.layout import ITEM_FIELDS


def validate_case(data: Any, *, world: World | None, shown: str) -> Case:
    """The state as a Case, or Rejected with one line per problem (`shown: path: message`)."""
    try:
        case = Case.model_validate(data)
    except ValidationError as e:
        raise Rejected("\n".join(_lines(e, (), shown))) from None
    _check(case, None, (case, None), world=world, shown=shown)
    return case


Where = dict[str, list[int]] | None


def _check(
    case: Case, where: Where, references: tuple[Case, Where], *, world: World | None, shown: str
) -> None:
    """The loader's checks of `case`, and its checks of references of `references` (given a
    world); `where` gives, for each list field, the real index of every item kept."""
    problems = [
        f"{shown}: {_real_path(show_path(loc), where)}: {_real_path(msg, where, _CITED)}"
        for loc, msg in check_model(case)
    ]
    if world is not None:
        # An empty text: the loader parses it only to place an error on a line, and a state in
        # the store has no lines. The path and the message are what a writer needs.
        loaded = Loaded(Path(shown), shown, "case", references[0], "")
        problems += [
            f"{shown}: {_real_path(e.path, references[1])}: {e.message}"
            for e in check_references([loaded], world)
        ]
    if problems:
        raise Rejected("\n".join(problems))


_AT_START = re.compile(r"^([A-Za-z_]+)\[(\d+)\]")
#: A path a message cites (a duplicate names where the first one is).
_CITED = re.compile(r"(?<=\(first at )([A-Za-z_]+)\[(\d+)\]")


def _real_path(text: str, where: Where, pattern: re.Pattern[str] = _AT_START) -> str:
    """`text` with the path it starts with (or, given `pattern`, the paths it cites) naming
    the real index of the item, where `where` kept only some items of a list field."""
    if where is None:
        return text

    def real(match: re.Match[str]) -> str:
        name, index = match.group(1), int(match.group(2))
        return f"{name}[{where[name][index]}]" if name in where else match.group(0)

    return pattern.sub(real, text, count=0 if pattern is _CITED else 1)


#: Each field of a case with its constraints (a case's fields other than its items are checked
#: one by one, as they are when the case is).
def _field_type(field: FieldInfo) -> TypeAdapter[Any]:
    annotation: Any = field.annotation
    return TypeAdapter(Annotated[(annotation, *field.metadata)] if field.metadata else annotation)


_FIELD_TYPES = {name: _field_type(f) for name, f in Case.model_fields.items()}
#: The model of one item of each item field.
_ITEM_TYPES: dict[str, type[BaseModel]] = {
    name: get_args(Case.model_fields[name].annotation)[0] for name in ITEM_FIELDS
}
#: Fields a change checks only when it changed them: what is in them refers to sources, and was
#: checked when it was last written.
_UNLESS_CHANGED: dict[str, Any] = {"force": None, "mandate": None, "assumptions": []}


def case_fields(data: Mapping[str, Any], *, shown: str) -> dict[str, Any]:
    """A case's fields other than its item fields, each as its model (Rejected if one is not)."""
    out: dict[str, Any] = {}
    lines: list[str] = []
    for name, adapter in _FIELD_TYPES.items():
        if name in ITEM_FIELDS:
            continue
        try:
            out[name] = adapter.validate_python(data[name]) if name in data else None
        except ValidationError as e:
            lines += _lines(e, (name,), shown)
    unknown = sorted(set(data) - set(_FIELD_TYPES))
    lines += [f"{shown}: {k}: Extra inputs are not permitted" for k in unknown]
    if lines:
        raise Rejected("\n".join(lines))
    return out


@dataclass(frozen=True)
class Change:
    """What a change wrote, as checked: the items changed (field -> index held in the fold ->
    model) and, when the event changed them, the case's other fields."""

    items: dict[str, dict[int, BaseModel]]
    fields: dict[str, Any] | None


def validate_change(
    fold: Fold, fields: dict[str, Any], *, world: World | None, shown: str
) -> Change:
    """The items `fold` changed, checked as `validate_case` would check them in the whole case.

    `fields` are the case's other fields before the change, as `case_fields` gives them; the
    fold holds the items it changed and may look up the claims they refer to."""
    assert fold.state is not None and fold.touched is not None
    if fold.fields_changed:
        fields = case_fields(
            {k: v for k, v in fold.state.items() if k not in ITEM_FIELDS}, shown=shown
        )
    # The claims the touched requests refer to, looked up (and so held) by the fold.
    for i in fold.touched.get("requests", ()):
        request = fold.state["requests"][i]
        decision = request.get("decision") or {}
        for ref in (*request.get("grounds", ()), *decision.get("reasons", ())):
            fold.find("claims", ref)
    held: dict[str, list[BaseModel]] = {}
    lines: list[str] = []
    for name in ITEM_FIELDS:
        model = _ITEM_TYPES[name]
        held[name] = []
        for i, item in enumerate(fold.state.get(name, ())):
            try:
                held[name].append(model.model_validate(item))
            except ValidationError as e:
                lines += _lines(e, (name, fold.position(name, i)), shown)
    if lines:
        raise Rejected("\n".join(lines))
    base = fields if fold.fields_changed else fields | _UNLESS_CHANGED
    whole = {name: range(len(held[name])) for name in ITEM_FIELDS}
    case, where = _partial(base, held, whole, fold)
    # The references of actors and readings are to each other, checked above.
    refs = base if fold.fields_changed else base | {"actors": [], "readings": []}
    _check(case, where, _partial(refs, held, fold.touched, fold), world=world, shown=shown)
    return Change(
        {name: {i: held[name][i] for i in sorted(ix)} for name, ix in fold.changed.items()},
        fields if fold.fields_changed else None,
    )


def _partial(
    fields: dict[str, Any],
    held: dict[str, list[BaseModel]],
    keep: Mapping[str, Iterable[int]],
    fold: Fold,
) -> tuple[Case, dict[str, list[int]]]:
    """A case of `fields` and the items held that `keep` names, and where each item really is."""
    items: dict[str, Any] = {}
    where: dict[str, list[int]] = {}
    for name in ITEM_FIELDS:
        indexes = sorted(keep.get(name, ()))
        items[name] = [held[name][i] for i in indexes]
        where[name] = [fold.position(name, i) for i in indexes]
    return Case.model_construct(**fields, **items), where


def fields_text(fields: Mapping[str, Any]) -> str:
    """The canonical JSON of a case's fields other than its item fields (`case_fields`' models)."""
    return canonical_json(
        {k: _FIELD_TYPES[k].dump_python(v, mode="json", by_alias=True) for k, v in fields.items()}
    )


def _lines(e: ValidationError, prefix: tuple[str | int, ...], shown: str) -> list[str]:
    """One line per error, each placed in the whole case (`prefix` is where the value is)."""
    out = []
    for err in e.errors():
        err["loc"] = (*prefix, *err["loc"])
        out.append(f"{shown}: {show_path(clean_loc(tuple(err['loc'])))}: {message(err, Case)}")
    return out
