"""Accounts of the service (facilitators, delegations, observers) and their bearer tokens.

A token is shown once, when it is made, and never stored: the store keeps a public token id to
find the account by, a per-token random salt, and SHA-256 of salt and secret. The secret is 32
random bytes, so a fast hash is enough (nothing to guess by brute force, unlike a password), and
checking a token costs one indexed read. A token may expire (`expires_at`) and be revoked
(`revoked_at`); reissuing gives the account a new token and forgets the old one.

The accounts table is derived from hash-chained logs, so that `casus audit verify` finds a row
written behind the service's back: the accounts made outside an exercise (and their credentials)
are events of the accounts' log (`account_events`, one chain named `accounts`); an exercise's
participants and their credentials are events of that exercise's log. A log holds a credential
only as its digest (`credential_digest`: SHA-256 over the token id, salt and salted hash), never
the token. This module must not know about HTTP or exercises' rules; who may do what is the
service's business (`casus.api.auth`).
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import json
import random
import re
import secrets
import time
from dataclasses import dataclass
from typing import Any, Literal

from sqlalchemy import Connection, Row, insert, select, update
from sqlalchemy import exc as sa_exc

from casus.store import tables
from casus.store.audit import Finding, Head, derived_rows, verify_chain
from casus.store.canonical import GENESIS, canonical_json, format_time
from casus.store.errors import Conflict
from casus.store.events import Event, chained
from casus.store.store import MAX_ATTEMPTS, Store, _event, _utc

Role = Literal["facilitator", "delegation", "observer"]
ROLES: tuple[Role, ...] = ("facilitator", "delegation", "observer")
TOKEN_PREFIX = "casus_"
#: The name the accounts' log is chained under (as a case's log is under the case's id).
LOG = "accounts"
_TOKEN = re.compile(r"^casus_([0-9a-f]{16})_([A-Za-z0-9_-]{43})$")
_NAME = re.compile(r"^[^\x00-\x1f\x7f]{1,200}$")


class AccountError(ValueError):
    """An account that cannot be made as asked (bad role, name or state)."""


class UnknownAccount(AccountError):
    """No account by that id."""


@dataclass(frozen=True)
class Account:
    account_id: str
    name: str
    role: Role
    state: str | None
    exercise_id: str | None
    created_at: dt.datetime
    created_by: str
    expires_at: dt.datetime | None = None
    revoked_at: dt.datetime | None = None

    @property
    def author(self) -> str:
        """How the log names this account as the author of an event."""
        if self.role == "delegation":
            return f"delegation:{self.state}:{self.account_id}"
        return f"user:{self.account_id}"

    def refusal(self, now: dt.datetime) -> Literal["revoked", "expired"] | None:
        """Why the account's token is not accepted at `now`, if it is not."""
        if self.revoked_at is not None:
            return "revoked"
        if self.expires_at is not None and self.expires_at <= now:
            return "expired"
        return None

    def to_dict(self) -> dict[str, Any]:
        return {
            "account": self.account_id,
            "name": self.name,
            "role": self.role,
            "state": self.state,
            "exercise": self.exercise_id,
            "author": self.author,
        }


def hash_secret(salt: str, secret: str) -> str:
    return hashlib.sha256(bytes.fromhex(salt) + secret.encode("ascii")).hexdigest()


def credential_digest(token_id: str, salt: str, token_hash: str) -> str:
    """What a log records of a credential: it commits to the stored row's credential columns
    and gives nothing that could be presented as a token."""
    return hashlib.sha256(
        f"casus-credential\n{token_id}\n{salt}\n{token_hash}".encode()
    ).hexdigest()


@dataclass(frozen=True)
class Credential:
    """A token just made: the one copy of it, and what the store keeps of it."""

    token: str
    token_id: str
    salt: str
    token_hash: str
    expires_at: dt.datetime | None

    @property
    def digest(self) -> str:
        return credential_digest(self.token_id, self.salt, self.token_hash)

    def logged(self) -> dict[str, Any]:
        """The credential as an event records it."""
        return {
            "digest": self.digest,
            "expires_at": None if self.expires_at is None else format_time(self.expires_at),
        }

    def columns(self) -> dict[str, Any]:
        return {
            "token_id": self.token_id,
            "token_salt": self.salt,
            "token_hash": self.token_hash,
            "expires_at": self.expires_at,
            "revoked_at": None,
        }


def new_credential(now: dt.datetime, lifetime: dt.timedelta | None) -> Credential:
    """A fresh token, good for `lifetime` from `now` (None: until revoked)."""
    token_id = secrets.token_hex(8)
    secret = base64.urlsafe_b64encode(secrets.token_bytes(32)).decode("ascii").rstrip("=")
    salt = secrets.token_hex(16)
    return Credential(
        f"{TOKEN_PREFIX}{token_id}_{secret}",
        token_id,
        salt,
        hash_secret(salt, secret),
        None if lifetime is None else now + lifetime,
    )


@dataclass(frozen=True)
class NewAccount:
    """An account about to be written, with the one copy of its token."""

    account: Account
    token: str
    row: dict[str, Any]
    credential: Credential


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
    lifetime: dt.timedelta | None = None,
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
    credential = new_credential(now, lifetime)
    account = Account(
        account_id or new_account_id(),
        name,
        role,  # checked against ROLES above
        state,
        exercise_id,
        now,
        created_by,
        credential.expires_at,
    )
    row = {
        "account_id": account.account_id,
        "name": name,
        "role": role,
        "state": state,
        "exercise_id": exercise_id,
        "created_at": now,
        "created_by": created_by,
        **credential.columns(),
    }
    return NewAccount(account, credential.token, row, credential)


def insert_account(conn: Connection, new: NewAccount) -> None:
    conn.execute(insert(tables.accounts).values(**new.row))


def replace_credential(conn: Connection, account_id: str, credential: Credential) -> None:
    """The account's token replaced by a new one: the old one is no longer found."""
    a = tables.accounts
    conn.execute(update(a).where(a.c.account_id == account_id).values(**credential.columns()))


def revoke_credential(conn: Connection, account_id: str, now: dt.datetime) -> None:
    a = tables.accounts
    conn.execute(update(a).where(a.c.account_id == account_id).values(revoked_at=now))


def _when(value: dt.datetime | None) -> dt.datetime | None:
    return None if value is None else _utc(value)


def _account(row: Row[Any]) -> Account:
    m = row._mapping
    return Account(
        m["account_id"],
        m["name"],
        m["role"],
        m["state"],
        m["exercise_id"],
        _utc(m["created_at"]),  # SQLite hands back naive datetimes; the store writes UTC
        m["created_by"],
        _when(m["expires_at"]),
        _when(m["revoked_at"]),
    )


class Accounts:
    """The accounts in one store."""

    def __init__(self, store: Store) -> None:
        self.store = store

    # --- accounts outside an exercise: the accounts' log ----------------------------------

    def create(
        self,
        *,
        name: str,
        role: str,
        created_by: str,
        state: str | None = None,
        exercise_id: str | None = None,
        lifetime: dt.timedelta | None = None,
    ) -> NewAccount:
        """An account outside any exercise (a facilitator, an observer of everything),
        recorded in the accounts' log with its row, in one transaction."""
        new = prepare(
            name=name,
            role=role,
            created_by=created_by,
            now=self.store.clock(),
            state=state,
            exercise_id=exercise_id,
            lifetime=lifetime,
        )
        payload = {
            "account": new.account.account_id,
            "name": new.account.name,
            "role": new.account.role,
            "state": state,
            "exercise": exercise_id,
            "created_by": created_by,
            "credential": new.credential.logged(),
        }
        command = f"account:{new.account.account_id}:created"
        self._record(
            "account_created", payload, created_by, command, lambda c: insert_account(c, new)
        )
        return new

    def reissue(
        self, account_id: str, *, by: str, lifetime: dt.timedelta | None = None
    ) -> Credential:
        """A new token for an account outside any exercise; the old one is refused at once."""
        self._outside(account_id)
        credential = new_credential(self.store.clock(), lifetime)
        payload = {"account": account_id, "credential": credential.logged()}
        self._record(
            "token_reissued",
            payload,
            by,
            f"account:{account_id}:reissued:{credential.digest[:16]}",
            lambda c: replace_credential(c, account_id, credential),
        )
        return credential

    def revoke(self, account_id: str, *, by: str) -> None:
        """The token of an account outside any exercise refused from now on."""
        found = self._outside(account_id)
        if found.revoked_at is not None:
            raise AccountError(f"the token of {account_id} is revoked already")
        digest = self.digest_of(account_id)
        assert digest is not None
        now = self.store.clock()
        self._record(
            "token_revoked",
            {"account": account_id, "digest": digest},
            by,
            f"account:{account_id}:revoked:{digest[:16]}",
            lambda c: revoke_credential(c, account_id, now),
        )

    def _outside(self, account_id: str) -> Account:
        found = self.get(account_id)
        if found is None:
            raise UnknownAccount(f"no account '{account_id}'")
        if found.exercise_id is not None:
            raise AccountError(
                f"account {account_id} takes part in exercise {found.exercise_id}: its token is "
                "reissued or revoked by the exercise's facilitator"
            )
        return found

    def _record(
        self, type_: str, payload: dict[str, Any], author: str, command_id: str, write: Any
    ) -> Event:
        text = canonical_json(payload)
        for attempt in range(MAX_ATTEMPTS):
            try:
                with self.store._write() as conn:
                    event = self._append(conn, type_, text, author, command_id)
                    write(conn)
                    return event
            except sa_exc.IntegrityError:
                # Another writer took the next number first; read the new head and try again.
                time.sleep(random.uniform(0, 0.002 * (attempt + 1)))
        raise Conflict(f"the accounts' log: could not append after {MAX_ATTEMPTS} attempts")

    def _append(
        self, conn: Connection, type_: str, payload: str, author: str, command_id: str
    ) -> Event:
        h = tables.account_log
        head = conn.execute(
            select(h.c.head_seq, h.c.head_hash, h.c.head_recorded_at)
            .where(h.c.log_id == LOG)
            .with_for_update()
        ).first()
        seq = 1 if head is None else head.head_seq + 1
        prev = GENESIS if head is None else head.head_hash
        now = self.store.clock()
        moment = now if head is None else max(now, _utc(head.head_recorded_at))
        event = chained(LOG, seq, type_, payload, author, moment, command_id, prev)
        conn.execute(
            insert(tables.account_events).values(
                seq=seq,
                type=type_,
                payload=payload,
                author=author,
                recorded_at=moment,
                command_id=command_id,
                prev_hash=prev,
                hash=event.hash,
            )
        )
        values = {"head_seq": seq, "head_hash": event.hash, "head_recorded_at": moment}
        if head is None:
            conn.execute(insert(h).values(log_id=LOG, **values))
        else:
            conn.execute(update(h).where(h.c.log_id == LOG).values(**values))
        return event

    # --- reading ---------------------------------------------------------------------------

    def authenticate(self, token: str) -> Account | None:
        """The account a bearer token belongs to, or None (unknown, malformed or wrong). A
        revoked or expired token still finds its account: `Account.refusal` says why not."""
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

    def digest_of(self, account_id: str) -> str | None:
        """The digest of the account's current credential (what a log records of it)."""
        a = tables.accounts
        with self.store._read() as conn:
            row = conn.execute(
                select(a.c.token_id, a.c.token_salt, a.c.token_hash).where(
                    a.c.account_id == account_id
                )
            ).first()
        return None if row is None else credential_digest(*row)

    def list(self, *, exercise_id: str | None = None) -> list[Account]:
        a = tables.accounts
        query = select(a).order_by(a.c.created_at, a.c.account_id)
        if exercise_id is not None:
            query = query.where(a.c.exercise_id == exercise_id)
        with self.store._read() as conn:
            return [_account(r) for r in conn.execute(query)]

    # --- auditing --------------------------------------------------------------------------

    def any(self) -> bool:
        """Whether the store holds an account or an event of the accounts' log."""
        with self.store._read() as conn:
            for t in (tables.accounts, tables.account_events):
                if conn.execute(select(t).limit(1)).first() is not None:
                    return True
        return False

    def verify(self) -> tuple[int, Finding | None]:
        """The accounts' log's chain, then every row of `accounts` against what the chains
        give (the accounts' log and the exercises' participants): (events, the first problem
        or None). A row in no chain, or differing from its chain, is a problem."""
        ev, h, a, x = (
            tables.account_events,
            tables.account_log,
            tables.accounts,
            tables.exercises,
        )
        with self.store._read(snapshot=True) as conn:
            events = [_event(r, "log") for r in conn.execute(_log_rows(ev).order_by(ev.c.seq))]
            head = conn.execute(
                select(h.c.head_seq, h.c.head_hash).where(h.c.log_id == LOG)
            ).first()
            rows = list(conn.execute(select(a)))
            states = [json.loads(s) for (s,) in conn.execute(select(x.c.state))]
        finding = verify_chain(LOG, events, None if head is None else Head(*head))
        if finding is not None:
            return len(events), finding
        try:
            expected = _derived(events, states)
        except (KeyError, TypeError, ValueError) as e:
            return len(events), Finding(
                LOG, len(events), "projection", f"the log does not fold: {e}"
            )
        actual = {r._mapping["account_id"]: _row_view(r._mapping) for r in rows}
        return len(events), derived_rows(LOG, "account", expected, actual)


def _log_rows(ev: Any) -> Any:
    from sqlalchemy import literal

    return select(
        literal(LOG).label("log"),
        ev.c.seq,
        ev.c.type,
        ev.c.payload,
        ev.c.author,
        ev.c.recorded_at,
        ev.c.command_id,
        ev.c.prev_hash,
        ev.c.hash,
    )


def _row_view(m: Any) -> dict[str, Any]:
    """The columns of an account row that its chain fixes."""
    expires = m["expires_at"]
    return {
        "name": m["name"],
        "role": m["role"],
        "state": m["state"],
        "exercise": m["exercise_id"],
        "created_by": m["created_by"],
        "credential": credential_digest(m["token_id"], m["token_salt"], m["token_hash"]),
        "expires_at": None if expires is None else format_time(_utc(expires)),
        "revoked": m["revoked_at"] is not None,
    }


def _derived(events: list[Event], states: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Each account as the chains give it: the accounts' log folded, then every exercise's
    participants (whose credential events are their exercise's; one invited before revision
    0005 keeps the credential the accounts' log recorded for it)."""
    out: dict[str, dict[str, Any]] = {}
    for e in events:
        p = e.data()
        if e.type == "account_created":
            out[p["account"]] = {
                "name": p["name"],
                "role": p["role"],
                "state": p["state"],
                "exercise": p["exercise"],
                "created_by": p["created_by"],
                "credential": p["credential"]["digest"],
                "expires_at": p["credential"]["expires_at"],
                "revoked": False,
            }
        elif e.type == "token_reissued":
            c = p["credential"]
            out[p["account"]] |= {
                "credential": c["digest"],
                "expires_at": c["expires_at"],
                "revoked": False,
            }
        elif e.type == "token_revoked":
            out[p["account"]]["revoked"] = True
        else:
            raise ValueError(f"event #{e.seq}: unknown type '{e.type}'")
    for state in states:
        for who in state["participants"]:
            earlier = out.get(who["account"], {})
            token = who.get("token")
            out[who["account"]] = {
                "name": who["name"],
                "role": who["role"],
                "state": who["state"],
                "exercise": state["id"],
                "created_by": who["invited_by"],
                "credential": token["digest"] if token else earlier.get("credential"),
                "expires_at": token.get("expires_at") if token else earlier.get("expires_at"),
                "revoked": token["revoked"] if token else earlier.get("revoked", False),
            }
    return out
