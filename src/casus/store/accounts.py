"""Accounts of the service (facilitators, delegations, observers) and their bearer tokens.

A token is shown once, when it is made, and never stored: the store keeps a public token id to
find the account by, a per-token random salt, and SHA-256 of salt and secret. The secret is 32
random bytes, so a fast hash is enough (nothing to guess by brute force, unlike a password), and
checking a token costs one indexed read. This module must not know about HTTP or exercises'
rules; who may do what is the service's business (`casus.api.auth`).
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from typing import Any, Literal

from sqlalchemy import Connection, Row, insert, select

from casus.store import tables
from casus.store.store import Store

Role = Literal["facilitator", "delegation", "observer"]
ROLES: tuple[Role, ...] = ("facilitator", "delegation", "observer")
TOKEN_PREFIX = "casus_"
_TOKEN = re.compile(r"^casus_([0-9a-f]{16})_([A-Za-z0-9_-]{43})$")
_NAME = re.compile(r"^[^\x00-\x1f\x7f]{1,200}$")


class AccountError(ValueError):
    """An account that cannot be made as asked (bad role, name or state)."""


@dataclass(frozen=True)
class Account:
    account_id: str
    name: str
    role: Role
    state: str | None
    exercise_id: str | None
    created_at: dt.datetime
    created_by: str

    @property
    def author(self) -> str:
        """How the log names this account as the author of an event."""
        if self.role == "delegation":
            return f"delegation:{self.state}:{self.account_id}"
        return f"user:{self.account_id}"

    def to_dict(self) -> dict[str, Any]:
        return {
            "account": self.account_id,
            "name": self.name,
            "role": self.role,
            "state": self.state,
            "exercise": self.exercise_id,
            "author": self.author,
        }


@dataclass(frozen=True)
class NewAccount:
    """An account about to be written, with the one copy of its token."""

    account: Account
    token: str
    row: dict[str, Any]


def hash_secret(salt: str, secret: str) -> str:
    return hashlib.sha256(bytes.fromhex(salt) + secret.encode("ascii")).hexdigest()


def new_account_id() -> str:
    return f"acc-{secrets.token_hex(6)}"


def prepare(
    *,
    name: str,
    role: str,
    created_by: str,
    now: dt.datetime,
    state: str | None = None,
    exercise_id: str | None = None,
    account_id: str | None = None,
) -> NewAccount:
    """A new account and its token, checked, not yet written (see `insert_account`)."""
    name = name.strip()
    if role not in ROLES:
        raise AccountError(f"expected a role ({', '.join(ROLES)}), found '{role}'")
    if not _NAME.match(name):
        raise AccountError("expected a name of 1 to 200 printable characters")
    if role == "delegation":
        if state is None or not re.match(r"^[A-Z]{2}$", state):
            raise AccountError("a delegation is bound to one state: expected a code like KZ")
        if exercise_id is None:
            raise AccountError("a delegation belongs to an exercise")
    elif state is not None:
        raise AccountError(f"only a delegation is bound to a state, not a {role}")
    token_id = secrets.token_hex(8)
    secret = base64.urlsafe_b64encode(secrets.token_bytes(32)).decode("ascii").rstrip("=")
    salt = secrets.token_hex(16)
    account = Account(
        account_id or new_account_id(),
        name,
        role,  # checked against ROLES above
        state,
        exercise_id,
        now,
        created_by,
    )
    row = {
        "account_id": account.account_id,
        "name": name,
        "role": role,
        "state": state,
        "exercise_id": exercise_id,
        "token_id": token_id,
        "token_salt": salt,
        "token_hash": hash_secret(salt, secret),
        "created_at": now,
        "created_by": created_by,
    }
    return NewAccount(account, f"{TOKEN_PREFIX}{token_id}_{secret}", row)


def insert_account(conn: Connection, new: NewAccount) -> None:
    conn.execute(insert(tables.accounts).values(**new.row))


def _account(row: Row[Any]) -> Account:
    m = row._mapping
    created = m["created_at"]
    if created.tzinfo is None:  # SQLite hands back naive datetimes; the store writes UTC
        created = created.replace(tzinfo=dt.UTC)
    return Account(
        m["account_id"],
        m["name"],
        m["role"],
        m["state"],
        m["exercise_id"],
        created,
        m["created_by"],
    )


class Accounts:
    """The accounts in one store."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def create(
        self,
        *,
        name: str,
        role: str,
        created_by: str,
        state: str | None = None,
        exercise_id: str | None = None,
    ) -> NewAccount:
        new = prepare(
            name=name,
            role=role,
            created_by=created_by,
            now=self.store.clock(),
            state=state,
            exercise_id=exercise_id,
        )
        with self.store._write() as conn:
            insert_account(conn, new)
        return new

    def authenticate(self, token: str) -> Account | None:
        """The account a bearer token belongs to, or None (unknown, malformed or wrong)."""
        match = _TOKEN.match(token)
        if match is None:
            return None
        token_id, secret = match.groups()
        a = tables.accounts
        with self.store._read() as conn:
            row = conn.execute(select(a).where(a.c.token_id == token_id)).first()
        if row is None:
            return None
        expected = row._mapping["token_hash"]
        if not hmac.compare_digest(hash_secret(row._mapping["token_salt"], secret), expected):
            return None
        return _account(row)

    def get(self, account_id: str) -> Account | None:
        a = tables.accounts
        with self.store._read() as conn:
            row = conn.execute(select(a).where(a.c.account_id == account_id)).first()
        return None if row is None else _account(row)

    def list(self, *, exercise_id: str | None = None) -> list[Account]:
        a = tables.accounts
        query = select(a).order_by(a.c.created_at, a.c.account_id)
        if exercise_id is not None:
            query = query.where(a.c.exercise_id == exercise_id)
        with self.store._read() as conn:
            return [_account(r) for r in conn.execute(query)]
