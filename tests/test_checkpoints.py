"""Signed checkpoints: the format and its signature (pure), the comparison of a log with the
checkpoints it must extend, and the commands end to end on SQLite, including the one thing a
checkpoint is for: a log edited and rehashed by someone with write access to the database passes
`audit verify` and fails `audit verify --against`."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import create_engine, text
from typer.testing import CliRunner

from casus.cli.app import app
from casus.store.audit import own_hash
from casus.store.checkpoint import (
    BadSignature,
    MalformedCheckpoint,
    StreamHead,
    check_signature,
    compare,
    parse,
    sign,
)
from casus.store.store import open_store

KZ_FILE = Path(__file__).resolve().parents[1] / "src" / "casus" / "data" / "cases" / "kz-2022.yaml"
WHEN = dt.datetime(2026, 1, 31, 12, 0, tzinfo=dt.UTC)
H1, H2, H3 = "1" * 64, "2" * 64, "3" * 64


# --- the format and its signature ------------------------------------------------------------


def test_a_checkpoint_reads_back_as_written_and_its_signature_holds() -> None:
    key = Ed25519PrivateKey.generate()
    made = sign(key, WHEN, [StreamHead("case:b", 4, H2), StreamHead("case:a", 7, H1)])
    again = parse(made.text())
    assert again == made
    assert [h.stream for h in again.streams] == ["case:a", "case:b"]  # sorted
    assert again.to_dict()["made_at"] == "2026-01-31T12:00:00.000000Z"
    check_signature(again, key.public_key())  # no exception


def test_a_changed_checkpoint_or_another_key_is_refused() -> None:
    key = Ed25519PrivateKey.generate()
    doc = json.loads(sign(key, WHEN, [StreamHead("case:a", 7, H1)]).text())
    doc["streams"][0]["seq"] = 6  # someone moves the pin back
    with pytest.raises(BadSignature, match="changed after it was signed"):
        check_signature(parse(json.dumps(doc)), key.public_key())
    other = Ed25519PrivateKey.generate()
    good = sign(key, WHEN, [StreamHead("case:a", 7, H1)])
    with pytest.raises(BadSignature, match="signed with key ed25519:"):
        check_signature(good, other.public_key())


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d.pop("signature"), "missing field(s): signature"),
        (lambda d: d.update(extra=1), "unknown field(s): extra"),
        (lambda d: d.update(format="other/1"), "format: expected 'casus-checkpoint/1'"),
        (lambda d: d.update(made_at="2026-01-31T12:00:00"), "made_at: expected a UTC time"),
        (lambda d: d.update(signature="AAAA"), "signature: expected the base64 of 64 bytes"),
        (lambda d: d["streams"][0].update(seq=0), "streams[0].seq: expected an event number"),
        (lambda d: d["streams"][0].update(hash="XYZ"), "streams[0].hash: expected 64 lowercase"),
        (lambda d: d["streams"].append(d["streams"][0]), "streams: a stream is named twice"),
    ],
)
def test_a_malformed_checkpoint_names_its_field(change: object, message: str) -> None:
    doc = json.loads(sign(Ed25519PrivateKey.generate(), WHEN, [StreamHead("s", 1, H1)]).text())
    change(doc)  # type: ignore[operator]
    with pytest.raises(MalformedCheckpoint) as caught:
        parse(json.dumps(doc))
    assert message in str(caught.value)


# --- a log against the checkpoints -----------------------------------------------------------


def _cp(seq: int, digest: str, day: int = 1) -> object:
    when = dt.datetime(2026, 1, day, tzinfo=dt.UTC)
    return sign(Ed25519PrivateKey.generate(), when, [StreamHead("case:a", seq, digest)])


def test_a_log_that_grew_extends_its_checkpoint() -> None:
    assert compare([_cp(2, H2)], {"case:a": {1: H1, 2: H2, 3: H3}}) == []  # type: ignore[list-item]


def test_rewritten_truncated_and_deleted_logs_are_named() -> None:
    (rewritten,) = compare([_cp(2, H2)], {"case:a": {1: H1, 2: H3, 3: H3}})  # type: ignore[list-item]
    assert (rewritten.seq, rewritten.kind) == (2, "rewritten")
    assert "at or before #2" in rewritten.detail
    (truncated,) = compare([_cp(3, H3)], {"case:a": {1: H1, 2: H2}})  # type: ignore[list-item]
    assert (truncated.seq, truncated.kind) == (3, "truncated")
    (deleted,) = compare([_cp(1, H1)], {})  # type: ignore[list-item]
    assert (deleted.stream, deleted.kind) == ("case:a", "deleted")


def test_two_checkpoints_bracket_a_change() -> None:
    log = {1: H1, 2: H2, 3: "9" * 64}
    (d,) = compare([_cp(2, H2, 1), _cp(3, H3, 2)], {"case:a": log})  # type: ignore[list-item]
    assert (d.seq, d.kind) == (3, "rewritten")
    assert "after #2, which an earlier checkpoint holds" in d.detail


# --- the commands, end to end ----------------------------------------------------------------


def _casus(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def _rehash_from_first(db: Path) -> None:
    """What someone with write access can do: change event #1's author and recompute the hash
    of every event from it, and the head the projection records."""
    store = open_store(str(db))
    try:
        events = store.events("kz-2022")
    finally:
        store.close()
    engine = create_engine(f"sqlite:///{db}")
    prev = "0" * 64
    with engine.begin() as conn:
        for e in events:
            author = "user:someone-else" if e.seq == 1 else e.author
            forged = dataclasses.replace(e, author=author, prev_hash=prev)
            digest = own_hash(forged)
            conn.execute(
                text(
                    "UPDATE events SET author = :a, prev_hash = :p, hash = :h "
                    "WHERE case_id = 'kz-2022' AND seq = :s"
                ),
                {"a": author, "p": prev, "h": digest, "s": e.seq},
            )
            prev = digest
        conn.execute(text("UPDATE cases SET head_hash = :h WHERE case_id = 'kz-2022'"), {"h": prev})
    engine.dispose()


def test_keygen_head_and_verify_against_end_to_end(tmp_path: Path) -> None:
    db, key, cp1 = tmp_path / "casus.db", tmp_path / "deploy.key", tmp_path / "cp1.json"
    code, out, _ = _casus("audit", "keygen", "--key", str(key))
    assert code == 0 and "key id      ed25519:" in out
    assert (key.stat().st_mode & 0o777) == 0o600 and (tmp_path / "deploy.key.pub").is_file()
    code, _, err = _casus("audit", "keygen", "--key", str(key))
    assert code == 2 and "a key is never overwritten" in err

    assert _casus("import", str(KZ_FILE), "--db", str(db))[0] == 0
    code, out, _ = _casus("audit", "head", "--key", str(key), "--db", str(db), "--out", str(cp1))
    assert code == 0 and json.loads(out) == json.loads(cp1.read_text())
    (head,) = json.loads(out)["streams"]
    assert (head["stream"], head["seq"]) == ("case:kz-2022", 1)

    # The log grows: a changed file is a second event. The checkpoint is still extended.
    changed = tmp_path / "kz-2022.yaml"
    changed.write_text(
        KZ_FILE.read_text(encoding="utf-8").replace("title: ", "title: (edited) ", 1),
        encoding="utf-8",
    )
    assert _casus("import", str(changed), "--db", str(db))[0] == 0
    pub = str(tmp_path / "deploy.key.pub")
    code, out, _ = _casus(
        "audit", "verify", "--db", str(db), "--against", str(cp1), "--public-key", pub
    )
    assert code == 0, out
    assert "extended unchanged" in out

    # Event #1 edited and every hash after it recomputed: the chain holds, the checkpoint not.
    _rehash_from_first(db)
    code, out, err = _casus("audit", "verify", "--db", str(db))
    assert code == 0, err  # what the chain alone cannot see
    code, out, err = _casus(
        "audit", "verify", "--db", str(db), "--against", str(cp1), "--public-key", pub, "--json"
    )
    assert code == 2
    assert "casus: audit failed: checkpoint: case:kz-2022, event #1: rewritten" in err
    doc = json.loads(out)
    assert doc["ok"] is False and all(c["ok"] for c in doc["cases"])  # the chain holds
    assert doc["diverged"][0]["kind"] == "rewritten" and doc["diverged"][0]["seq"] == 1


def test_verify_against_refuses_a_bad_checkpoint_or_key(tmp_path: Path) -> None:
    db, key = tmp_path / "casus.db", tmp_path / "k"
    assert _casus("audit", "keygen", "--key", str(key))[0] == 0
    assert _casus("import", str(KZ_FILE), "--db", str(db))[0] == 0
    cp = tmp_path / "cp.json"
    assert _casus("audit", "head", "--key", str(key), "--db", str(db), "--out", str(cp))[0] == 0
    other = tmp_path / "other"
    assert _casus("audit", "keygen", "--key", str(other))[0] == 0
    base = ("audit", "verify", "--db", str(db), "--against", str(cp))
    code, _, err = _casus(*base, "--public-key", str(other) + ".pub")
    assert code == 2 and "was signed with key ed25519:" in err
    code, _, err = _casus(*base)
    assert code == 2 and "--against needs --public-key FILE" in err
    cp.write_text("{not json", encoding="utf-8")
    code, _, err = _casus(*base, "--public-key", str(key))
    assert code == 2 and "not JSON" in err and "Traceback" not in err
    code, _, err = _casus("audit", "head", "--key", str(tmp_path / "nope"), "--db", str(db))
    assert code == 2 and "is not a file" in err
