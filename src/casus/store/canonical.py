"""Canonical JSON and the hash chain: the bytes an event's hash is computed over.

Pure functions over plain values (and pydantic models, dumped to them). They must not know about
databases: the audit and the writers call the same `event_hash`, so what is verified is exactly
what was written. Only the standard library at run time: the fast reader assembles a case's text
with `case_text` too.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from casus.store.layout import ITEM_FIELDS

if TYPE_CHECKING:
    from pydantic import BaseModel

#: The "previous hash" of the first event of every case.
GENESIS = "0" * 64


def canonical_json(value: Any) -> str:
    """One text for one value: sorted keys, no insignificant spaces, UTF-8 kept as is.

    NaN and infinities are refused, since JSON has no spelling for them that every reader agrees on.
    """
    return json.dumps(
        value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    )


def sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def format_time(moment: dt.datetime) -> str:
    """UTC, microseconds, a trailing Z: the one spelling of a recorded time that is hashed."""
    if moment.tzinfo is None:
        raise ValueError("recorded times must be timezone-aware")
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


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
    """The canonical text of an event's own fields (the payload is already canonical JSON)."""
    return canonical_json(
        {
            "author": author,
            "case": case_id,
            "command": command_id,
            "payload_sha256": sha256_text(payload),
            "recorded_at": format_time(recorded_at),
            "seq": seq,
            "type": type,
        }
    )


def event_hash(prev_hash: str, content: str) -> str:
    """SHA-256 of the previous event's hash chained with this event's canonical content."""
    return sha256_text(prev_hash + "\n" + content)


def model_text(model: BaseModel) -> str:
    """A model's canonical JSON: what a case's state is stored and compared as."""
    return canonical_json(model.model_dump(mode="json", by_alias=True))


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
