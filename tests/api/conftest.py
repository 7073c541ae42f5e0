"""Fixtures for the service's tests: an application on a fresh SQLite store (one per test), its
test client with the lifespan running, and accounts with their tokens.

The world is loaded once per session and handed to every application. Servers started as real
processes (the PostgreSQL two-process test) load their own.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from casus.model.world import World

PG_ADMIN_URL = os.environ.get("CASUS_TEST_PG_URL", "postgresql://postgres@127.0.0.1:5432/test")


@contextmanager
def pg_database(prefix: str) -> Iterator[str]:
    """A fresh PostgreSQL database (dropped after); skips where no server answers (fails with
    CI=true, since CI must run it)."""
    import psycopg

    try:
        admin = psycopg.connect(PG_ADMIN_URL, autocommit=True, connect_timeout=3)
    except psycopg.OperationalError as e:
        reason = str(e).strip().splitlines()[0]
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI=true and PostgreSQL is unreachable at {PG_ADMIN_URL}: {reason}")
        pytest.skip(f"no PostgreSQL server reachable at {PG_ADMIN_URL} ({reason})")
    name = f"{prefix}_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    with admin:
        admin.execute(f'CREATE DATABASE "{name}"')
        try:
            yield f"{PG_ADMIN_URL.rsplit('/', 1)[0]}/{name}"
        finally:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def pg_url() -> Iterator[str]:
    with pg_database("casus_api") as url:
        yield url


@pytest.fixture(scope="session")
def world() -> World:
    from casus.schema.loader import load_world

    return load_world()


@pytest.fixture(autouse=True)
def _private_data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No test touches the user's own store."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))
    monkeypatch.delenv("CASUS_DB_URL", raising=False)


@dataclass
class Api:
    """A running application: its client, its store's URL, and helpers to act as someone."""

    client: TestClient
    db: str
    tokens: dict[str, str] = field(default_factory=dict)

    def as_(self, who: str | None) -> dict[str, str]:
        """Headers for a named account (None: no credentials)."""
        return {} if who is None else {"Authorization": f"Bearer {self.tokens[who]}"}

    def account(self, who: str, role: str) -> str:
        from casus.store.accounts import Accounts
        from casus.store.store import open_store

        with open_store(self.db) as store:
            token = Accounts(store).create(name=who, role=role, created_by="system:test").token
        self.tokens[who] = token
        return token

    def call(self, method: str, path: str, who: str | None = None, **kw: Any) -> Any:
        headers = {**self.as_(who), **kw.pop("headers", {})}
        return self.client.request(method, path, headers=headers, **kw)

    def ok(self, method: str, path: str, who: str | None = None, **kw: Any) -> Any:
        r = self.call(method, path, who, **kw)
        assert r.status_code < 300, (r.status_code, r.text[:2000])
        return r.json()

    def exercise(self, case: str = "kz-2022", who: str = "fac", **body: Any) -> str:
        payload = {"case": case, **body} if case else body
        return str(self.ok("POST", "/api/exercises", who, json=payload)["exercise"]["id"])

    def invite(self, xid: str, name: str, state: str | None, who: str = "fac") -> str:
        body = {"role": "delegation" if state else "observer", "name": name}
        if state:
            body["state"] = state
        r = self.ok("POST", f"/api/exercises/{xid}/participants", who, json=body)
        self.tokens[name] = r["token"]
        return str(r["token"])


def start_api(world: World, db: str) -> tuple[Api, TestClient]:
    """An application on the store at `db`, its lifespan running, with a facilitator `fac`."""
    from casus.api.app import create_app
    from casus.api.settings import Settings

    app = create_app(Settings(db_url=db, poll_interval=0.05, heartbeat=0.5), world=world)
    client = TestClient(app, raise_server_exceptions=False)
    client.__enter__()
    api = Api(client, db)
    api.account("fac", "facilitator")
    return api, client


@pytest.fixture
def make_api(world: World, tmp_path: Path) -> Iterator[Callable[..., Api]]:
    stack: list[TestClient] = []

    def make(db: str | None = None) -> Api:
        api, client = start_api(world, db or str(tmp_path / f"api-{len(stack)}.db"))
        stack.append(client)
        return api

    yield make
    for client in reversed(stack):
        client.__exit__(None, None, None)


@pytest.fixture(scope="module")
def module_api(world: World, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Api]:
    """One application for a whole module, for tests that change nothing in it."""
    api, client = start_api(world, str(tmp_path_factory.mktemp("api") / "module.db"))
    try:
        yield api
    finally:
        client.__exit__(None, None, None)


@pytest.fixture
def api(make_api: Callable[..., Api]) -> Api:
    return make_api()


def assert_error(r: Any, status: int | tuple[int, ...], code: str | None = None) -> dict[str, Any]:
    """A response with the one error body; returns its `error`."""
    statuses = (status,) if isinstance(status, int) else status
    assert r.status_code in statuses, (r.status_code, r.text[:1000])
    body = r.json()
    assert set(body) == {"error"}, body
    error = body["error"]
    assert isinstance(error["code"], str) and error["code"]
    assert isinstance(error["message"], str) and error["message"]
    assert "field" in error
    if code is not None:
        assert error["code"] == code, error
    return dict(error)


KZ_REQUEST = {
    "office": "head_of_state",
    "person": "Kassym-Jomart Tokayev",
    "provisions_cited": ["cst/art_4", "csto-peacekeeping-agreement/art_3"],
    "grounds": ["kz-president-act-of-aggression", "kz-mfa-armed-aggression"],
}
CSTO_2022 = ("KZ", "AM", "BY", "KG", "RU", "TJ")
