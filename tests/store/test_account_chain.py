"""Accounts under the chain (revision 0005), on SQLite and PostgreSQL: the accounts made outside
an exercise and their credentials are events of the accounts' log; an exercise's participants
and theirs are events of that exercise's log. So every `accounts` row is derived from a chain,
and `casus audit verify` finds a row forged, changed or deleted behind the service's back
(exit 2, the row named); and a store made at revision 0004 upgrades with its accounts recorded
in the new log, its tokens still good, and every exercise's chain as it was."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import delete, select, text, update
from typer.testing import CliRunner

from casus.cli.app import app
from casus.store import layout, tables
from casus.store.accounts import LOG, Accounts, insert_account, prepare
from casus.store.engine import make_engine, resolve
from casus.store.exercises import Creation, ExerciseCommand, ExerciseLog
from casus.store.migrate import current_revision, upgrade

XID = "ex-chain0001"
FAC = "user:acc-fac000"


def _audit(url: str) -> tuple[int, dict[str, Any], str]:
    r = CliRunner().invoke(app, ["audit", "verify", "--db", url, "--json"])
    out = r.stdout
    return r.exit_code, json.loads(out[: out.rindex("}") + 1]), r.output


def _accounts_entry(doc: dict[str, Any]) -> dict[str, Any]:
    [entry] = [x for x in doc["exercises"] if x["exercise"] == LOG]
    return dict(entry)


def _exercise(store: Any, *, credential: bool = True) -> dict[str, Any]:
    """An exercise on NATO with a PL delegation invited (its account written beside the event,
    as the service does); the delegation's new account."""
    log = ExerciseLog(store)
    created = {"title": "t", "organization": "nato", "start": "2024-06-01"}
    log.append_many(
        XID,
        [ExerciseCommand("exercise_created", created, FAC, "c-create")],
        creation=Creation("t", "nato", None, None),
    )
    new = prepare(
        name="Delegation of Poland",
        role="delegation",
        created_by=FAC,
        now=store.clock(),
        state="PL",
        exercise_id=XID,
        lifetime=dt.timedelta(days=30) if credential else None,
    )
    payload: dict[str, Any] = {
        "account": new.account.account_id,
        "name": new.account.name,
        "role": "delegation",
        "state": "PL",
    }
    if credential:
        payload["credential"] = new.credential.logged()
    log.append_many(
        XID,
        [ExerciseCommand("participant_invited", payload, FAC, "c-invite")],
        alongside=lambda conn: insert_account(conn, new),
    )
    return {"new": new}


@pytest.fixture
def record(db_url: str, open_db: Callable[..., Any]) -> dict[str, Any]:
    """A store with a facilitator, an observer (its token reissued), a second observer (its
    token revoked) and an exercise with a delegation."""
    store = open_db(db_url)
    accounts = Accounts(store)
    fac = accounts.create(name="Facilitator", role="facilitator", created_by="system:test")
    obs = accounts.create(name="Observer", role="observer", created_by="system:test")
    gone = accounts.create(name="Gone", role="observer", created_by="system:test")
    reissued = accounts.reissue(obs.account.account_id, by=fac.account.author)
    accounts.revoke(gone.account.account_id, by=fac.account.author)
    delegation = _exercise(store)["new"]
    return {
        "url": db_url,
        "store": store,
        "fac": fac,
        "obs": obs,
        "obs_token": reissued.token,
        "gone": gone,
        "delegation": delegation,
    }


def test_the_accounts_chain_verifies(record: dict[str, Any]) -> None:
    store = record["store"]
    code, doc, output = _audit(record["url"])
    assert code == 0, output
    assert doc["ok"] is True
    assert _accounts_entry(doc) == {"exercise": LOG, "events": 5, "ok": True, "problem": None}
    # Created, created, created, reissued, revoked: the log holds digests, never a token.
    with store.engine.connect() as conn:
        rows = list(
            conn.execute(select(tables.account_events).order_by(tables.account_events.c.seq))
        )
    assert [r.type for r in rows] == ["account_created"] * 3 + ["token_reissued", "token_revoked"]
    logged = " ".join(r.payload for r in rows)
    for token in (record["fac"].token, record["obs"].token, record["obs_token"]):
        secret = token[len("casus_") + 17 :]  # after the prefix and the token id
        assert len(secret) == 43 and token not in logged and secret not in logged
    # The credentials work as the chain says.
    accounts = Accounts(store)
    assert accounts.authenticate(record["obs"].token) is None  # replaced
    assert accounts.authenticate(record["obs_token"]) is not None
    revoked = accounts.authenticate(record["gone"].token)
    assert revoked is not None and revoked.refusal(store.clock()) == "revoked"


def _forge(store: Any) -> str:
    """A facilitator written straight into the table: its token works, but no chain made it."""
    new = prepare(name="Mallory", role="facilitator", created_by="system:cli", now=store.clock())
    with store.engine.begin() as conn:
        insert_account(conn, new)
    assert Accounts(store).authenticate(new.token) is not None
    return new.account.account_id


def _set(store: Any, account_id: str, **values: Any) -> str:
    a = tables.accounts
    with store.engine.begin() as conn:
        conn.execute(update(a).where(a.c.account_id == account_id).values(**values))
    return account_id


def _delete(store: Any, account_id: str) -> str:
    a = tables.accounts
    with store.engine.begin() as conn:
        conn.execute(delete(a).where(a.c.account_id == account_id))
    return account_id


def _swap_credential(store: Any, account_id: str) -> str:
    """Someone gives the account a token of their own: a new salt and hash."""
    fresh = prepare(name="x", role="observer", created_by="x", now=store.clock())
    return _set(
        store,
        account_id,
        token_id=fresh.row["token_id"],
        token_salt=fresh.row["token_salt"],
        token_hash=fresh.row["token_hash"],
    )


TAMPERING: dict[str, tuple[Callable[[dict[str, Any]], str], str]] = {
    "forged facilitator": (lambda r: _forge(r["store"]), "is in no chain: a forged row"),
    "observer made facilitator": (
        lambda r: _set(r["store"], r["obs"].account.account_id, role="facilitator"),
        "differs from what its chain gives (role)",
    ),
    "revocation undone": (
        lambda r: _set(r["store"], r["gone"].account.account_id, revoked_at=None),
        "differs from what its chain gives (revoked)",
    ),
    "credential swapped": (
        lambda r: _swap_credential(r["store"], r["fac"].account.account_id),
        "differs from what its chain gives (credential)",
    ),
    "expiry pushed back": (
        lambda r: _set(
            r["store"],
            r["delegation"].account.account_id,
            expires_at=dt.datetime(2999, 1, 1, tzinfo=dt.UTC),
        ),
        "differs from what its chain gives (expires_at)",
    ),
    "delegation moved to another state": (
        lambda r: _set(r["store"], r["delegation"].account.account_id, state="US"),
        "differs from what its chain gives (state)",
    ),
    "row deleted": (
        lambda r: _delete(r["store"], r["obs"].account.account_id),
        "is missing: its row was deleted",
    ),
}


@pytest.mark.parametrize("how", list(TAMPERING))
def test_a_tampered_account_row_is_found(record: dict[str, Any], how: str) -> None:
    tamper, expected = TAMPERING[how]
    account_id = tamper(record)
    code, doc, output = _audit(record["url"])
    assert code == 2, output
    assert doc["ok"] is False
    entry = _accounts_entry(doc)
    assert entry["ok"] is False
    assert f"account {account_id} {expected}" in entry["problem"], entry
    assert f"casus: audit failed: case accounts: projection: account {account_id}" in output
    # The exercises' own chains still verify: the finding is the accounts'.
    assert [x["ok"] for x in doc["exercises"] if x["exercise"] != LOG] == [True]


def test_an_edited_event_of_the_accounts_log_is_found(record: dict[str, Any]) -> None:
    store = record["store"]
    ev = tables.account_events
    with store.engine.begin() as conn:
        payload = conn.execute(select(ev.c.payload).where(ev.c.seq == 2)).scalar_one()
        forged = payload.replace('"role":"observer"', '"role":"facilitator"')
        assert forged != payload
        conn.execute(update(ev).where(ev.c.seq == 2).values(payload=forged))
    code, doc, output = _audit(record["url"])
    assert code == 2, output
    assert "event #2: edited" in _accounts_entry(doc)["problem"]


def test_an_empty_store_has_no_accounts_entry(db_url: str, open_db: Callable[..., Any]) -> None:
    open_db(db_url)
    code, doc, output = _audit(db_url)
    assert code == 0, output
    assert [x for x in doc["exercises"] if x["exercise"] == LOG] == []


# --- the migration from revision 0004 ------------------------------------------------------


def _rows(engine: Any, table: str) -> list[dict[str, Any]]:
    t = tables.metadata.tables[table]
    with engine.connect() as conn:
        return [dict(r._mapping) for r in conn.execute(select(t).order_by(*t.primary_key))]


def _insert(conn: Any, table: str, rows: list[dict[str, Any]]) -> None:
    for row in rows:
        names = ", ".join(row)
        conn.execute(
            text(f"INSERT INTO {table} ({names}) VALUES ({', '.join(':' + k for k in row)})"), row
        )


def test_a_store_at_0004_upgrades_with_its_accounts_chained(
    backend: Any, open_db: Callable[..., Any]
) -> None:
    # The record as revision 0004 wrote it: accounts without expiry or revocation, and an
    # exercise whose invitation carries no credential (made at head here, then copied).
    source = open_db(backend.new_url())
    fac = prepare(
        name="Facilitator", role="facilitator", created_by="system:cli", now=source.clock()
    )
    with source.engine.begin() as conn:
        insert_account(conn, fac)
    delegation = _exercise(source, credential=False)["new"]
    old_accounts = [
        {k: v for k, v in r.items() if k not in ("expires_at", "revoked_at")}
        for r in _rows(source.engine, "accounts")
    ]
    events = _rows(source.engine, "exercise_events")
    exercises = _rows(source.engine, "exercises")

    old_url = backend.new_url()
    engine = make_engine(resolve(old_url))
    try:
        upgrade(engine, "0004")
        with engine.begin() as conn:
            assert current_revision(conn) == "0004"
            _insert(conn, "accounts", old_accounts)
            _insert(conn, "exercise_events", events)
            _insert(conn, "exercises", exercises)
    finally:
        engine.dispose()

    store = open_db(old_url)  # opening migrates to head
    with store.engine.connect() as conn:
        assert current_revision(conn) == layout.HEAD_REVISION == "0005"
    # No exercise event changed; every account is now an event of the accounts' log.
    assert _rows(store.engine, "exercise_events") == events
    logged = _rows(store.engine, "account_events")
    assert [r["type"] for r in logged] == ["account_created", "account_created"]
    assert {json.loads(r["payload"])["account"] for r in logged} == {
        fac.account.account_id,
        delegation.account.account_id,
    }
    assert {r["author"] for r in logged} == {"system:migration-0005"}
    # The tokens made before still work, with no expiry.
    accounts = Accounts(store)
    for new in (fac, delegation):
        found = accounts.authenticate(new.token)
        assert found is not None and found.account_id == new.account.account_id
        assert found.expires_at is None and found.refusal(store.clock()) is None
    assert [f for _, _, f in ExerciseLog(store).verify()] == [None, None]
    code, doc, output = _audit(old_url)
    assert code == 0, output
    assert _accounts_entry(doc)["events"] == 2
    # And it keeps recording: a token issued before 0005 is revoked by its digest.
    accounts.revoke(fac.account.account_id, by="system:test")
    assert [f for _, _, f in ExerciseLog(store).verify()] == [None, None]
    forged = _forge(store)
    findings = [f for _, _, f in ExerciseLog(store).verify()]
    assert findings[0] is None and findings[1] is not None
    assert forged in findings[1].detail
