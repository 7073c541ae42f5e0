"""Signed checkpoints: the heads of the record's chains, pinned outside the database.

A hash chain shows that no event was changed *unless the whole chain after it was recomputed*:
whoever can write the database can edit an event and rehash every later one, and `audit verify`
will find nothing wrong. A checkpoint closes that gap. It names, for each stream (a case's log,
an exercise's, the accounts' log), the last event's number and hash at a moment, and is signed
with the deployment's Ed25519 key. Kept elsewhere (a ticket, an e-mail, a notary, another
machine), it lets anyone with the public key check later that the log still *extends* it: the
event at that number still has that hash, so (the chain being intact) every event up to it is
the one that was checkpointed.

The format (`docs/reference/checkpoints.md`) is JSON; what is signed is its canonical bytes: the
document without `signature`, keys sorted, no whitespace, UTF-8. Pure: no files, no database,
no clock; keys come in as objects, logs as mappings. The CLI reads the key file and the store.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

FORMAT = "casus-checkpoint/1"
_HASH = re.compile(r"[0-9a-f]{64}")
_KEY_ID = re.compile(r"ed25519:[0-9a-f]{16}")
_FIELDS = {"format", "made_at", "key_id", "streams", "signature"}


class MalformedCheckpoint(ValueError):
    """Not a checkpoint this casus can read; `str()` names the field."""


class BadSignature(ValueError):
    """The checkpoint's signature does not hold under the key given."""


@dataclass(frozen=True, order=True)
class StreamHead:
    """One stream's last event as the store recorded it: `case:ID`, `exercise:ID`, `accounts`."""

    stream: str
    seq: int
    hash: str


@dataclass(frozen=True)
class Checkpoint:
    made_at: dt.datetime
    key_id: str
    streams: tuple[StreamHead, ...]
    signature: str  # base64 of the 64-byte Ed25519 signature

    def head(self, stream: str) -> StreamHead | None:
        return next((h for h in self.streams if h.stream == stream), None)

    def to_dict(self) -> dict[str, Any]:
        return _unsigned(self.made_at, self.key_id, self.streams) | {"signature": self.signature}

    def text(self) -> str:
        """The document as casus writes it: indented, keys sorted, a final newline."""
        return json.dumps(self.to_dict(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


Kind = Literal["rewritten", "truncated", "deleted"]


@dataclass(frozen=True)
class Divergence:
    """Where a stream's log no longer extends a checkpoint."""

    stream: str
    seq: int  # the first event number at which the log is known to differ
    kind: Kind
    detail: str

    def message(self) -> str:
        return f"{self.stream}, event #{self.seq}: {self.kind}: {self.detail}"


def key_id(public: Ed25519PublicKey) -> str:
    """`ed25519:` and the first 16 hex digits of the SHA-256 of the raw 32-byte public key."""
    raw = public.public_bytes(Encoding.Raw, PublicFormat.Raw)
    return "ed25519:" + hashlib.sha256(raw).hexdigest()[:16]


def _time(value: dt.datetime) -> str:
    if value.tzinfo is None:
        raise ValueError("a checkpoint's time must be timezone-aware")
    return value.astimezone(dt.UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")


def _unsigned(made_at: dt.datetime, kid: str, streams: Sequence[StreamHead]) -> dict[str, Any]:
    return {
        "format": FORMAT,
        "made_at": _time(made_at),
        "key_id": kid,
        "streams": [{"stream": h.stream, "seq": h.seq, "hash": h.hash} for h in sorted(streams)],
    }


def canonical_bytes(made_at: dt.datetime, kid: str, streams: Sequence[StreamHead]) -> bytes:
    """What the signature covers: the document without `signature`, canonical JSON."""
    doc = _unsigned(made_at, kid, streams)
    return json.dumps(doc, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def sign(
    private: Ed25519PrivateKey, made_at: dt.datetime, streams: Sequence[StreamHead]
) -> Checkpoint:
    names = [h.stream for h in streams]
    if len(set(names)) != len(names):
        raise ValueError("a checkpoint names each stream once")
    kid = key_id(private.public_key())
    heads = tuple(sorted(streams))
    signature = private.sign(canonical_bytes(made_at, kid, heads))
    # The time as written: the signature is over microseconds in UTC, and parse() reads that.
    when = dt.datetime.fromisoformat(_time(made_at))
    return Checkpoint(when, kid, heads, base64.b64encode(signature).decode())


def parse(text: str) -> Checkpoint:
    """A checkpoint from its JSON text; MalformedCheckpoint names what is wrong."""
    try:
        doc = json.loads(text)
    except (json.JSONDecodeError, RecursionError) as e:
        raise MalformedCheckpoint(f"not JSON: {e}") from None
    if not isinstance(doc, dict):
        raise MalformedCheckpoint("expected a JSON object")
    unknown = sorted(set(doc) - _FIELDS)
    missing = sorted(_FIELDS - set(doc))
    if unknown:
        raise MalformedCheckpoint(f"unknown field(s): {', '.join(unknown)}")
    if missing:
        raise MalformedCheckpoint(f"missing field(s): {', '.join(missing)}")
    if doc["format"] != FORMAT:
        raise MalformedCheckpoint(f"format: expected '{FORMAT}', found {doc['format']!r}")
    made_at = doc["made_at"]
    if not isinstance(made_at, str) or not made_at.endswith("Z"):
        raise MalformedCheckpoint("made_at: expected a UTC time like 2026-01-31T12:00:00.000000Z")
    try:
        when = dt.datetime.fromisoformat(made_at)
    except ValueError:
        raise MalformedCheckpoint(f"made_at: not an ISO time: {made_at!r}") from None
    if not isinstance(doc["key_id"], str) or not _KEY_ID.fullmatch(doc["key_id"]):
        raise MalformedCheckpoint("key_id: expected 'ed25519:' and 16 hex digits")
    signature = doc["signature"]
    try:
        ok = isinstance(signature, str) and len(base64.b64decode(signature, validate=True)) == 64
    except binascii.Error:
        ok = False
    if not ok:
        raise MalformedCheckpoint("signature: expected the base64 of 64 bytes")
    if not isinstance(doc["streams"], list):
        raise MalformedCheckpoint("streams: expected a list")
    heads: list[StreamHead] = []
    for i, item in enumerate(doc["streams"]):
        heads.append(_stream(i, item))
    if len({h.stream for h in heads}) != len(heads):
        raise MalformedCheckpoint("streams: a stream is named twice")
    return Checkpoint(when, doc["key_id"], tuple(sorted(heads)), signature)


def _stream(i: int, item: Any) -> StreamHead:
    where = f"streams[{i}]"
    if not isinstance(item, dict) or set(item) != {"stream", "seq", "hash"}:
        raise MalformedCheckpoint(f"{where}: expected exactly stream, seq and hash")
    stream, seq, digest = item["stream"], item["seq"], item["hash"]
    if not isinstance(stream, str) or not stream:
        raise MalformedCheckpoint(f"{where}.stream: expected a stream name")
    if not isinstance(seq, int) or isinstance(seq, bool) or seq < 1:
        raise MalformedCheckpoint(f"{where}.seq: expected an event number (1 or more)")
    if not isinstance(digest, str) or not _HASH.fullmatch(digest):
        raise MalformedCheckpoint(f"{where}.hash: expected 64 lowercase hex digits")
    return StreamHead(stream, seq, digest)


def check_signature(checkpoint: Checkpoint, public: Ed25519PublicKey) -> None:
    """Raise BadSignature unless the checkpoint was signed by this key, as it stands."""
    kid = key_id(public)
    if kid != checkpoint.key_id:
        raise BadSignature(
            f"the checkpoint was signed with key {checkpoint.key_id}, not with {kid}"
        )
    data = canonical_bytes(checkpoint.made_at, checkpoint.key_id, checkpoint.streams)
    try:
        public.verify(base64.b64decode(checkpoint.signature), data)
    except InvalidSignature:
        raise BadSignature(
            f"the signature does not hold under key {kid}: the checkpoint was changed after it "
            "was signed"
        ) from None


def compare(
    checkpoints: Sequence[Checkpoint], logs: Mapping[str, Mapping[int, str]]
) -> list[Divergence]:
    """Per stream named by any checkpoint, where the log (each event number's hash, as stored
    now) no longer extends it, or nothing when every checkpoint's head is still in its log.

    One head hash cannot say which earlier event was changed: the log differs at or before the
    checkpoint's number. With several checkpoints, the earliest one the log no longer extends
    is named, with the latest earlier one it still does, which brackets the change."""
    out: list[Divergence] = []
    streams = sorted({h.stream for c in checkpoints for h in c.streams})
    for stream in streams:
        pinned = sorted(
            ((h, c) for c in checkpoints if (h := c.head(stream)) is not None),
            key=lambda p: (p[0].seq, p[1].made_at),
        )
        log = logs.get(stream)
        if not log:
            h, c = pinned[0]
            out.append(
                Divergence(
                    stream,
                    1,
                    "deleted",
                    f"the checkpoint of {_time(c.made_at)} holds #{h.seq} of it, and the store "
                    "holds no such stream now",
                )
            )
            continue
        last = max(log)
        held: StreamHead | None = None
        for h, c in pinned:
            if h.seq > last:
                out.append(
                    Divergence(
                        stream,
                        last + 1,
                        "truncated",
                        f"the log ends at #{last}; the checkpoint of {_time(c.made_at)} holds "
                        f"#{h.seq}",
                    )
                )
                break
            if log.get(h.seq) != h.hash:
                since = (
                    f" (and after #{held.seq}, which an earlier checkpoint holds)" if held else ""
                )
                out.append(
                    Divergence(
                        stream,
                        h.seq,
                        "rewritten",
                        f"its hash is not the one the checkpoint of {_time(c.made_at)} pinned: "
                        f"the log was changed at or before #{h.seq}{since}, and its chain "
                        "recomputed if `audit verify` finds no fault",
                    )
                )
                break
            held = h
    return out
