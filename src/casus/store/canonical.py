"""Canonical JSON and the hash chain: the bytes an event's hash is computed over.

Pure functions over plain values (and pydantic models, dumped to them). They must not know about
databases: the audit and the writers call the same `event_hash`, so what is verified is exactly
what was written.
"""

from __future__ import annotations

import datetime as dt

from casus.model.canonical import canonical_json, model_text, sha256_text

__all__ = ["GENESIS", "canonical_json", "event_content", "event_hash", "model_text", "sha256_text"]

#: The "previous hash" of the first event of every case.
GENESIS = "0" * 64


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
