"""`casus accounts` and `casus serve` from the command line: a token printed once and only its
hash kept; errors on stderr with exit code 2."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from casus.cli.app import app


def test_accounts_create_prints_a_token_once_and_keeps_only_its_hash(tmp_path: Path) -> None:
    from sqlalchemy import select

    from casus.store import tables
    from casus.store.accounts import Accounts
    from casus.store.store import open_store

    db = str(tmp_path / "a.db")
    out = CliRunner().invoke(
        app, ["accounts", "create", "--role", "facilitator", "--name", "Ana", "--db", db, "--json"]
    )
    assert out.exit_code == 0, out.output
    made = json.loads(out.output)
    assert made["role"] == "facilitator" and made["token"].startswith("casus_")
    with open_store(db) as store:
        assert Accounts(store).authenticate(made["token"]) is not None
        with store.engine.connect() as conn:
            rows = [dict(r._mapping) for r in conn.execute(select(tables.accounts))]
    assert len(rows) == 1 and made["token"] not in json.dumps(rows, default=str)
    listed = CliRunner().invoke(app, ["accounts", "list", "--db", db])
    assert "facilitator" in listed.output and made["token"] not in listed.output


def test_accounts_create_refuses_a_delegation_and_bad_names(tmp_path: Path) -> None:
    db = str(tmp_path / "a.db")
    r = CliRunner().invoke(
        app, ["accounts", "create", "--role", "delegation", "--name", "x", "--db", db]
    )
    assert r.exit_code == 2 and "invited" in r.output
    r = CliRunner().invoke(
        app, ["accounts", "create", "--role", "observer", "--name", " ", "--db", db]
    )
    assert r.exit_code == 2 and "name" in r.output


def test_serve_refuses_a_store_it_cannot_use(tmp_path: Path) -> None:
    r = CliRunner().invoke(app, ["serve", "--db", "mysql://somewhere/db"])
    assert r.exit_code == 2 and "expected a sqlite" in r.output
    r = CliRunner().invoke(app, ["serve", "--db", str(tmp_path / "no" / "such" / "dir" / "x.db")])
    assert r.exit_code == 2
