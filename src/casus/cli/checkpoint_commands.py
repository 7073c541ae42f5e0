"""`casus audit keygen`, `casus audit head` and `casus audit verify --against`: signed checkpoints
of the record's chains (`casus.store.checkpoint`), kept outside the database.

The edge of the checkpoints: this module reads and writes key files and checkpoint files, reads
the store's logs, and takes the time; the format, the signature and the comparison are pure, in
`casus.store.checkpoint`. Errors exit 2 with one line, never a traceback.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from casus.cli.common import fail

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import (
        Ed25519PrivateKey,
        Ed25519PublicKey,
    )

    from casus.store.checkpoint import Checkpoint, StreamHead
    from casus.store.store import Store

KeyOption = Annotated[
    Path,
    typer.Option(
        "--key",
        help="The deployment's Ed25519 private key (PEM, PKCS#8), as `casus audit keygen` writes.",
        metavar="FILE",
    ),
]


def write_keys(path: Path) -> tuple[Path, str]:
    """A new Ed25519 key in `path` (owner-only) and its public key in `path.pub`; never
    overwrites. Returns the public key's path and the key id."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    from cryptography.hazmat.primitives.serialization import (
        Encoding,
        NoEncryption,
        PrivateFormat,
        PublicFormat,
    )

    from casus.store.checkpoint import key_id

    public_path = path.with_name(path.name + ".pub")
    for p in (path, public_path):
        if p.exists():
            fail([f"casus: {p} exists: a key is never overwritten (move it away first)"])
    private = Ed25519PrivateKey.generate()
    pem = private.private_bytes(Encoding.PEM, PrivateFormat.PKCS8, NoEncryption())
    public_pem = private.public_key().public_bytes(Encoding.PEM, PublicFormat.SubjectPublicKeyInfo)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as f:
            f.write(pem)
        public_path.write_bytes(public_pem)
    except OSError as e:
        fail([f"casus: could not write the key to {path}: {e.strerror}"])
    return public_path, key_id(private.public_key())


def _read(path: Path, what: str) -> bytes:
    if not path.is_file():
        fail([f"casus: {what}: {path} is not a file"])
    try:
        return path.read_bytes()[: 1 << 20]
    except OSError as e:
        fail([f"casus: {what}: could not read {path}: {e.strerror}"])


def read_private_key(path: Path) -> Ed25519PrivateKey:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    from cryptography.hazmat.primitives.serialization import load_pem_private_key

    try:
        key = load_pem_private_key(_read(path, "--key"), password=None)
    except (ValueError, TypeError) as e:
        fail([f"casus: --key: {path} is not an unencrypted PEM private key ({e})"])
    if not isinstance(key, Ed25519PrivateKey):
        fail([f"casus: --key: expected an Ed25519 key in {path}, found {type(key).__name__}"])
    return key


def read_public_key(path: Path) -> Ed25519PublicKey:
    """A public key file, or a private key file (its public half)."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import (
        Ed25519PrivateKey,
        Ed25519PublicKey,
    )
    from cryptography.hazmat.primitives.serialization import load_pem_public_key

    data = _read(path, "--public-key")
    if b"PRIVATE KEY" in data:
        return read_private_key(path).public_key()
    try:
        key = load_pem_public_key(data)
    except (ValueError, TypeError) as e:
        fail([f"casus: --public-key: {path} is not a PEM public key ({e})"])
    if isinstance(key, Ed25519PrivateKey | Ed25519PublicKey):
        return key if isinstance(key, Ed25519PublicKey) else key.public_key()
    fail([f"casus: --public-key: expected an Ed25519 key in {path}, found {type(key).__name__}"])


def stream_logs(store: Store) -> dict[str, dict[int, str]]:
    """Every stream of the store as event number -> hash: `case:ID` and `exercise:ID`."""
    from casus.store.exercises import ExerciseLog

    logs = {f"case:{cid}": {e.seq: e.hash for e in store.events(cid)} for cid in store.case_ids()}
    exercises = ExerciseLog(store)
    for record in exercises.all():
        xid = record.exercise_id
        logs[f"exercise:{xid}"] = {e.seq: e.hash for e in exercises.events(xid)}
    return logs


def heads(logs: dict[str, dict[int, str]]) -> list[StreamHead]:
    from casus.store.checkpoint import StreamHead

    return [StreamHead(name, max(log), log[max(log)]) for name, log in logs.items() if log]


def make_checkpoint(store: Store, key: Ed25519PrivateKey) -> Checkpoint:
    from casus.store.checkpoint import sign

    return sign(key, dt.datetime.now(dt.UTC), heads(stream_logs(store)))


def read_checkpoint(path: Path) -> Checkpoint:
    from casus.store.checkpoint import MalformedCheckpoint, parse

    data = _read(path, "--against")
    try:
        return parse(data.decode("utf-8"))
    except UnicodeDecodeError:
        fail([f"casus: --against: {path} is not UTF-8 text"])
    except MalformedCheckpoint as e:
        fail([f"casus: --against: {path}: {e}"])
