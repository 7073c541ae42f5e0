"""Canonical JSON and the hash chain: the bytes an event's hash is computed over.

Pure functions over plain values (and pydantic models, dumped to them). They must not know about
databases: the audit and the writers call the same `event_hash`, so what is verified is exactly
what was written. Only the standard library at run time: the fast reader assembles a case's text
with `case_text` too.
"""

from __future__ import annotations

import datetime as dt
import json
from builtins import type as type_of
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from casus.model.canonical import canonical_json, model_text, sha256_text
from casus.store.layout import ITEM_FIELDS

__all__ = [
    "GENESIS",
    "canonical_json",
    "case_text",
    "event_content",
    "event_hash",
    "model_text",
    "sha256_text",
    "split_state",
]

#: The "previous hash" of the first event of every case.
GENESIS = "0" * 64


#: JSON's string spelling with UTF-8 kept as is: what `canonical_json` writes for a string.
_quoted: Callable[[str], str] = json.encoder.encode_basestring


def format_time(moment: dt.datetime) -> str:
    """UTC, microseconds, a trailing Z: the one spelling of a recorded time that is hashed."""
    if moment.tzinfo is None:
        raise ValueError("recorded times must be timezone-aware")
    utc = moment.astimezone(dt.UTC)
    if utc.year < 1000:  # strftime's %Y does not pad the year to four digits
        return utc.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    return utc.replace(tzinfo=None).isoformat(timespec="microseconds") + "Z"


def event_content(
    *,
    case_id: str,
    seq: int,
    type: str,
    payload: str,
    author: str,
    recorded_at: dt.datetime,
    command_id: str,
) -> str:
    """The canonical text of an event's own fields (the payload is already canonical JSON).

    Exactly `canonical_json` of the mapping {author, case, command, payload_sha256, recorded_at,
    seq, type}, written out in that (sorted) order: it is computed for every event that is
    written or verified, so it is spelled directly rather than through the general encoder
    (`tests/store/test_store_canonical.py` holds the two equal)."""
    if type_of(seq) is not int:
        raise TypeError(f"seq must be an int, found {type_of(seq).__name__}")
    return (
        f'{{"author":{_quoted(author)},"case":{_quoted(case_id)},'
        f'"command":{_quoted(command_id)},"payload_sha256":"{sha256_text(payload)}",'
        f'"recorded_at":"{format_time(recorded_at)}","seq":{seq},"type":{_quoted(type)}}}'
    )


def event_hash(prev_hash: str, content: str) -> str:
    """SHA-256 of the previous event's hash chained with this event's canonical content."""
    return sha256_text(prev_hash + "\n" + content)


def split_state(state: Mapping[str, Any]) -> tuple[str, dict[str, list[str]]]:
    """A case's JSON form as stored: the canonical text of its fields other than the item
    fields, and the canonical text of each item of each item field, in order."""
    fields = {k: v for k, v in state.items() if k not in ITEM_FIELDS}
    items = {name: [canonical_json(item) for item in state.get(name, [])] for name in ITEM_FIELDS}
    return canonical_json(fields), items


def case_text(fields: str | Mapping[str, Any], items: Mapping[str, Sequence[str]]) -> str:
    """The canonical text of the whole case from its stored parts (`split_state`'s inverse):
    exactly `canonical_json` of the case, since canonical JSON is built part by part."""
    parts = {
        k: canonical_json(v)
        for k, v in (json.loads(fields) if isinstance(fields, str) else fields).items()
    }
    for name in ITEM_FIELDS:
        parts[name] = "[" + ",".join(items.get(name, ())) + "]"
    return "{" + ",".join(f"{canonical_json(k)}:{parts[k]}" for k in sorted(parts)) + "}"
