"""Where the store is and how to connect to it: URLs, the default SQLite file, engines, and
database errors turned into `StoreError`s.

The default is one SQLite file in the user's data directory, created on first use. PostgreSQL
is chosen by URL (`--db` or `CASUS_DB_URL`) and reached with psycopg 3. Nothing here runs at
import: engines are built when a command asks for one. This module must not know the tables.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from casus.store.errors import Damaged, StoreError, Unreachable

ENV_URL = "CASUS_DB_URL"
DEFAULT_FILE = "casus.db"
#: How long a SQLite writer waits for another writer's lock before giving up (milliseconds).
BUSY_TIMEOUT_MS = 30_000
#: How long a PostgreSQL connection attempt may take (seconds): an unreachable host fails fast.
CONNECT_TIMEOUT_S = 5


@dataclass(frozen=True)
class Target:
    """A store's location: the URL SQLAlchemy is given, and how to name it in messages."""

    url: str
    shown: str
    backend: str  # "sqlite" or "postgresql"
    path: Path | None = None  # the SQLite file
    is_default: bool = False

    @property
    def read_only(self) -> bool:
        """A SQLite file that exists in a folder nobody may write (a read-only file system, a
        read-only copy): it is opened read-only and immutable, so reading it writes nothing
        (no journal-mode switch, no lock files) and every write is refused with a clear error."""
        if self.backend != "sqlite" or self.path is None or not self.path.is_file():
            return False
        return not os.access(self.path.parent, os.W_OK) or not os.access(self.path, os.W_OK)


def default_path() -> Path:
    from platformdirs import user_data_dir

    return Path(user_data_dir("casus", appauthor=False)) / DEFAULT_FILE


def resolve(db: str | None) -> Target:
    """The store named by `db` (a URL or a file path), else by CASUS_DB_URL, else the default."""
    if db is None or db == "":
        db = os.environ.get(ENV_URL) or None
    if db is None:
        path = default_path()
        return Target(f"sqlite+pysqlite:///{path}", str(path), "sqlite", path, is_default=True)
    if "://" not in db:
        path = Path(db).expanduser()
        return Target(f"sqlite+pysqlite:///{path}", str(path), "sqlite", path)
    scheme, _, rest = db.partition("://")
    base = scheme.split("+", 1)[0].lower()
    if base == "sqlite":
        if rest in ("", "/") or rest.startswith("/:memory:"):
            raise StoreError(
                f"--db: expected a SQLite file, found '{db}' (an in-memory store keeps nothing)"
            )
        path = Path(rest[1:]) if rest.startswith("/") else Path(rest)
        return Target(f"sqlite+pysqlite:///{path}", str(path), "sqlite", path)
    if base in ("postgresql", "postgres"):
        return Target(
            f"postgresql+psycopg://{rest}", _hide_password(f"postgresql://{rest}"), "postgresql"
        )
    raise StoreError(
        f"--db: expected a sqlite:///FILE or postgresql://HOST/DATABASE URL or a file path, found '{db}'"
    )


def _hide_password(url: str) -> str:
    return re.sub(r"://([^:/@]+):[^@]*@", r"://\1:***@", url)


def make_engine(target: Target) -> Any:
    """An engine for the target. SQLite: WAL, a busy timeout, full sync, and writes that take
    the write lock when they begin (so a read-then-append cannot deadlock on lock upgrade)."""
    from sqlalchemy import create_engine, event

    if target.backend == "sqlite":
        assert target.path is not None
        read_only = target.read_only
        if target.is_default and not read_only:
            target.path.parent.mkdir(parents=True, exist_ok=True)
        url = target.url
        if read_only:
            # SQLite's URI form: mode=ro opens it for reading, immutable=1 takes no locks and
            # needs no -wal/-shm files (which a read-only folder could not hold).
            url = f"sqlite+pysqlite:///file:{target.path}?mode=ro&immutable=1&uri=true"
        engine = create_engine(
            url,
            connect_args={"timeout": BUSY_TIMEOUT_MS / 1000, "check_same_thread": False},
            pool_size=8,
            max_overflow=64,
        )

        @event.listens_for(engine, "connect")
        def _on_connect(dbapi_connection: Any, _record: Any) -> None:
            # pysqlite's own transaction handling begins late and never as IMMEDIATE; switch it
            # off and let the "begin" hook below say BEGIN itself.
            dbapi_connection.isolation_level = None
            cursor = dbapi_connection.cursor()
            try:
                cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
                # Reading the schema first: on a file that is not a database this fails before
                # the journal mode below could write anything to it.
                cursor.execute("SELECT count(*) FROM sqlite_master").fetchone()
                if read_only:
                    return
                cursor.execute("PRAGMA journal_mode = WAL")
                # FULL: a commit that returned survives a power cut too, not only a killed process.
                cursor.execute("PRAGMA synchronous = FULL")
                cursor.execute("PRAGMA foreign_keys = ON")
            finally:
                cursor.close()

        @event.listens_for(engine, "begin")
        def _on_begin(conn: Any) -> None:
            mode = conn.get_execution_options().get("casus_write", False)
            conn.exec_driver_sql("BEGIN IMMEDIATE" if mode else "BEGIN")

        return engine
    return create_engine(
        target.url,
        connect_args={"connect_timeout": CONNECT_TIMEOUT_S},
        pool_size=8,
        max_overflow=64,
        pool_timeout=60,
    )


def _reason(error: BaseException) -> str:
    orig = getattr(error, "orig", None) or error
    text = str(orig).strip()
    first = text.splitlines()[0].strip() if text else type(orig).__name__
    # psycopg: 'connection failed: connection to server at "127.0.0.1", port 1 failed: Connection refused'
    tail = first.rsplit(" failed: ", 1)
    return tail[-1].strip() if len(tail) == 2 else first


@contextmanager
def translated(target: Target) -> Iterator[None]:
    """Database errors from the driver, as StoreErrors that name the store and the reason."""
    from sqlalchemy import exc

    try:
        yield
    except exc.DBAPIError as e:
        if isinstance(e, exc.IntegrityError):
            raise
        reason = _reason(e)
        low = reason.lower()
        if target.backend == "sqlite" and (
            "not a database" in low or "malformed" in low or "disk i/o" in low
        ):
            raise Damaged(
                f"the store at {target.shown} is damaged or not a database: {reason}"
            ) from None
        if e.connection_invalidated or (target.backend == "postgresql" and _is_connect_error(e)):
            raise Unreachable(f"cannot reach the store at {target.shown}: {reason}") from None
        if "readonly database" in low or "read-only" in low:
            raise StoreError(
                f"the store at {target.shown} is read-only (its file or folder cannot be "
                f"written): it can be read and verified, not changed ({reason})"
            ) from None
        if "database or disk is full" in low:
            raise StoreError(
                f"the store at {target.shown} could not be written: the disk is full; nothing "
                f"of this change was recorded ({reason})"
            ) from None
        if "unable to open database file" in low:
            raise Unreachable(f"cannot open the store at {target.shown}: {reason}") from None
        raise StoreError(f"the store at {target.shown} failed: {reason}") from None


def _is_connect_error(e: Any) -> bool:
    text = str(getattr(e, "orig", e))
    return "connection" in text.lower() and ("failed" in text.lower() or "refused" in text.lower())
