"""Turn pydantic's validation errors into 'expected …, found …' messages with field paths."""

from __future__ import annotations

import difflib
import types
import typing
from typing import Any

from pydantic import BaseModel
from pydantic_core import ErrorDetails

from casus.model import rules

_TAG_MODELS: dict[str, type[BaseModel]] = {f"expr:{c.key}": c for c in rules.CONDITIONS}

_PATTERN_MEANING = {
    r"^[a-z0-9][a-z0-9._-]*$": "a lower-case identifier (letters, digits, '.', '_', '-')",
    r"^[A-Z]{2}$": "a two-letter ISO 3166-1 country code in capitals, e.g. KZ",
    r"^[a-z][a-z0-9_]*$": "a proposition name in snake_case, e.g. armed_attack_on_party",
}


_ID_PATTERN = r"^[a-z0-9][a-z0-9._-]*$"


def _looks_like_a_path(value: Any) -> bool:
    """An id written like a path (`../x`, `a/b`, `C:\\x`): refused by the id pattern, and said so."""
    return isinstance(value, str) and (
        "/" in value or "\\" in value or value.startswith(".") or ":" in value
    )


def clean_loc(loc: tuple[int | str, ...]) -> tuple[int | str, ...]:
    """The location in the document: without the union tags pydantic inserts."""
    return tuple(
        p for p in loc if not (isinstance(p, str) and (p.startswith("expr:") or p == "[key]"))
    )


def show_path(loc: tuple[int | str, ...]) -> str:
    out = ""
    for p in loc:
        if isinstance(p, int):
            out += f"[{p}]"
        else:
            out += ("." if out else "") + p
    return out


def found(value: Any) -> str:
    if value is None:
        return "nothing (null)"
    if isinstance(value, dict):
        keys = ", ".join(str(k) for k in list(value)[:6])
        return f"a mapping with keys {keys}" if value else "an empty mapping"
    if isinstance(value, list):
        return f"a list of {len(value)} item{'s' if len(value) != 1 else ''}"
    if isinstance(value, bool):
        return f"the boolean {str(value).lower()}"
    if isinstance(value, (int, float)):
        return f"the number {value}"
    text = str(value)
    if len(text) > 60:
        text = text[:57] + "..."
    return f"'{text}'"


def _unwrap(tp: Any) -> list[Any]:
    """The model classes a field annotation may hold (through Optional, list, dict, Annotated)."""
    origin = typing.get_origin(tp)
    if origin is typing.Annotated:
        return _unwrap(typing.get_args(tp)[0])
    if origin in (typing.Union, types.UnionType):
        out: list[Any] = []
        for a in typing.get_args(tp):
            out.extend(_unwrap(a))
        return out
    if origin in (list, tuple, set, frozenset):
        return _unwrap(typing.get_args(tp)[0])
    if origin is dict:
        return _unwrap(typing.get_args(tp)[1])
    if isinstance(tp, type) and issubclass(tp, BaseModel):
        return [tp]
    return []


def model_at(root: type[BaseModel], loc: tuple[int | str, ...]) -> type[BaseModel] | None:
    """The model class at a (raw, tagged) location, if the location lands on a model."""
    current: type[BaseModel] | None = root
    for part in loc:
        if current is None:
            return None
        if isinstance(part, int):
            continue
        if part in _TAG_MODELS:
            current = _TAG_MODELS[part]
            continue
        if part.startswith("expr:"):
            return None
        field = current.model_fields.get(part)
        if field is None:
            field = next((f for f in current.model_fields.values() if f.alias == part), None)
        if field is None:
            return None
        candidates = _unwrap(field.annotation)
        current = candidates[0] if len(candidates) == 1 else None
    return current


def field_names(model: type[BaseModel]) -> list[str]:
    return [f.alias or name for name, f in model.model_fields.items()]


def message(error: ErrorDetails, root: type[BaseModel]) -> str:
    kind = error["type"]
    value = error.get("input")
    ctx = error.get("ctx") or {}
    loc = tuple(error["loc"])
    if kind == "missing":
        return f"expected the required field '{clean_loc(loc)[-1]}', found it missing"
    if kind == "extra_forbidden":
        key = str(loc[-1])
        model = model_at(root, loc[:-1])
        if model is not None:
            names = field_names(model)
            close = difflib.get_close_matches(key, names, n=1)
            hint = f" (did you mean '{close[0]}'?)" if close else ""
            return f"expected one of the keys {', '.join(names)}, found unknown key '{key}'{hint}"
        return f"expected no key '{key}' here, found it (unknown key)"
    if kind == "literal_error":
        return f"expected one of {ctx.get('expected')}, found {found(value)}"
    if kind in (
        "date_from_datetime_parsing",
        "date_parsing",
        "date_type",
        "date_from_datetime_inexact",
    ):
        why = f" ({ctx['error']})" if "error" in ctx else ""
        return f"expected an ISO date YYYY-MM-DD, found {found(value)}{why}"
    if kind == "string_pattern_mismatch":
        pattern = str(ctx.get("pattern", ""))
        meaning = _PATTERN_MEANING.get(pattern, f"text matching {pattern}")
        if pattern == _ID_PATTERN and _looks_like_a_path(value):
            meaning += ", never a path"
        return f"expected {meaning}, found {found(value)}"
    if kind == "string_type":
        return f"expected text, found {found(value)}"
    if kind in ("int_parsing", "int_type", "int_from_float"):
        return f"expected a whole number, found {found(value)}"
    if kind in ("float_parsing", "float_type"):
        return f"expected a number, found {found(value)}"
    if kind in ("bool_parsing", "bool_type"):
        return f"expected true or false, found {found(value)}"
    if kind == "list_type":
        return f"expected a list, found {found(value)}"
    if kind in ("dict_type", "model_type", "model_attributes_type"):
        return f"expected a mapping, found {found(value)}"
    if kind == "too_short":
        return (
            f"expected at least {ctx.get('min_length')} item(s), found {ctx.get('actual_length')}"
        )
    if kind == "too_long":
        return f"expected at most {ctx.get('max_length')}, found {ctx.get('actual_length')}"
    if kind in ("greater_than_equal", "less_than_equal", "greater_than", "less_than"):
        bound = next(iter(ctx.values()), "?")
        words = {
            "greater_than_equal": "at least",
            "less_than_equal": "at most",
            "greater_than": "more than",
            "less_than": "less than",
        }[kind]
        return f"expected a number {words} {bound}, found {found(value)}"
    if kind == "expression":
        return f"{error['msg']}; found {found(value)}"
    if kind == "string_too_long":
        return f"expected at most {ctx.get('max_length')} characters, found {len(str(value))}"
    return f"expected a valid value ({error['msg']}), found {found(value)}"
