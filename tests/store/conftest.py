"""Fixtures for the store tests: every store test runs on SQLite and on a real PostgreSQL.

PostgreSQL: a database made for this test run (dropped at the end), and a schema per test, so
runs and tests never collide. Where no server answers, the PostgreSQL half skips and says why;
with CI=true it fails instead, since CI must run it.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from casus.model.case import Case
from casus.model.world import World

PG_ADMIN_URL = os.environ.get("CASUS_TEST_PG_URL", "postgresql://postgres@127.0.0.1:5432/test")


@dataclass(frozen=True)
class Backend:
    name: str
    new_url: Callable[[], str]


def _pg_conninfo(url: str) -> str:
    return url


@pytest.fixture(scope="session")
def pg_database() -> Iterator[str]:
    """A fresh database for this run; yields its URL (without a schema)."""
    import psycopg

    try:
        admin = psycopg.connect(_pg_conninfo(PG_ADMIN_URL), autocommit=True, connect_timeout=3)
    except psycopg.OperationalError as e:
        reason = str(e).strip().splitlines()[0]
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI=true and PostgreSQL is unreachable at {PG_ADMIN_URL}: {reason}")
        pytest.skip(f"no PostgreSQL server reachable at {PG_ADMIN_URL} ({reason})")
    name = f"casus_test_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    with admin:
        admin.execute(f'CREATE DATABASE "{name}"')
        base = PG_ADMIN_URL.rsplit("/", 1)[0]
        try:
            yield f"{base}/{name}"
        finally:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _pg_new_url(database_url: str) -> str:
    import psycopg

    schema = f"t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    return f"{database_url}?options=-csearch_path%3D{schema}"


@pytest.fixture(params=["sqlite", "postgresql"])
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> Backend:
    """A backend and a factory of fresh, empty stores on it (a new file or a new schema)."""
    if request.param == "sqlite":
        counter = iter(range(1_000_000))
        return Backend("sqlite", lambda: str(tmp_path / f"store-{next(counter)}.db"))
    database = request.getfixturevalue("pg_database")
    return Backend("postgresql", lambda: _pg_new_url(database))


@pytest.fixture
def db_url(backend: Backend) -> str:
    return backend.new_url()


@pytest.fixture(scope="session")
def world() -> World:
    from casus.schema.loader import load_world

    return load_world()


@pytest.fixture(autouse=True)
def _private_data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No store test touches the user's own store: the default location is a temporary one."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))
    monkeypatch.delenv("CASUS_DB_URL", raising=False)


@pytest.fixture(autouse=True)
def _built_in_world_loaded_once(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    """In-process commands reuse the session's built-in world instead of reading every data file
    again (subprocess tests still load it for real); extra files are loaded as usual."""
    from casus.schema import loader

    original = loader.load_world

    def load_world(extra: Any = (), *, builtin: bool = True) -> World:
        extra = list(extra)
        return world if builtin and not extra else original(extra, builtin=builtin)

    monkeypatch.setattr(loader, "load_world", load_world)


@pytest.fixture
def open_db(world: World) -> Iterator[Callable[..., Any]]:
    """Open stores and close them all at the end of the test."""
    from casus.store.store import open_store

    opened: list[Any] = []

    def _open(url: str, **kwargs: Any) -> Any:
        kwargs.setdefault("world", world)
        store = open_store(url, **kwargs)
        opened.append(store)
        return store

    yield _open
    for s in opened:
        s.close()


def claim(case: Case, ident: str, **changes: Any) -> dict[str, Any]:
    """A new claim for `case`, valid against it: by its first actor, citing a source it cites."""
    base = case.claims[0].model_dump(mode="json")
    base.update(id=ident, quote=None, note=None, status="asserted", date=None)
    base.update(changes)
    return base


@pytest.fixture
def new_claim() -> Callable[..., dict[str, Any]]:
    return claim
