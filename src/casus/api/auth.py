"""Who is calling, and what they may do.

Callers present `Authorization: Bearer TOKEN`, and nowhere else: a token is never taken from a
URL (URLs end up in access logs). The event stream, which a browser's EventSource opens without
headers, takes a *stream ticket* instead: short-lived, good once, for one exercise, obtained with
the header (`StreamTickets`). Failed token attempts are bounded per client
(`casus.api.limits.FailedAttempts`): beyond the limit, 429 with `Retry-After`. A token
expires (`Settings.token_days` after it is issued) and may be revoked or reissued; a token
checked is trusted for `Settings.token_recheck_seconds` at most, so a revocation anywhere takes
effect on every server process within that. Roles:

- facilitator: creates exercises and manages those it created (participants, clock, decisions,
  end); reads every exercise;
- delegation: bound to one state in one exercise; files requests, casts positions and pledges
  for that state only; reads its exercise;
- observer: read-only; bound to one exercise when invited, or to none (made with the CLI), in
  which case it reads every exercise.

Cases and organizations are the public record: anyone may read them, without a token.
Private notes (on requests, positions, pledges) are seen by their delegation and by
facilitators only.
"""

from __future__ import annotations

import datetime as dt
import secrets
import threading
import time
import uuid
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Header, Request, Security
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from starlette.concurrency import run_in_threadpool

from casus.api.errors import ApiError
from casus.api.limits import FailedAttempts
from casus.api.services import Services, get_services
from casus.store.accounts import Account
from casus.store.canonical import format_time
from casus.store.exercises import ExerciseRecord

bearer = HTTPBearer(
    auto_error=False,
    description="A token from `casus accounts create` or from an invitation to an exercise.",
)

_CHALLENGE = {"WWW-Authenticate": "Bearer"}


def client_of(request: Request) -> str:
    """Whom failed attempts are counted against: the peer's address (behind a proxy, run
    uvicorn with --proxy-headers so that this is the client's)."""
    return request.client.host if request.client is not None else "unknown"


def failures_of(request: Request) -> FailedAttempts:
    failures: FailedAttempts = request.app.state.auth_failures
    return failures


def check_not_limited(failures: FailedAttempts, client: str) -> None:
    """429 while this client has failed too many token attempts lately. Checked before any
    token is looked at (even a cached one), so a limited client learns nothing by guessing."""
    wait = failures.retry_after(client)
    if wait:
        raise ApiError(
            429,
            "too_many_attempts",
            f"too many failed token attempts from this client: try again in {wait} s",
            "Authorization",
            None,
            {"Retry-After": str(wait)},
        )


def _refuse_if_void(account: Account, now: dt.datetime) -> Account:
    """401 for a token revoked or past its expiry (not counted as a failed attempt: the
    caller held a real token, and guessing cannot find one)."""
    refusal = account.refusal(now)
    if refusal == "revoked":
        raise ApiError(
            401,
            "token_revoked",
            "the token has been revoked: ask the facilitator for a new one",
            "Authorization",
            None,
            _CHALLENGE,
        )
    if refusal == "expired":
        assert account.expires_at is not None
        raise ApiError(
            401,
            "token_expired",
            f"the token expired at {format_time(account.expires_at)}: ask for a new one",
            "Authorization",
            None,
            _CHALLENGE,
        )
    return account


def authenticate(
    services: Services, token: str | None, failed: Callable[[], None] | None = None
) -> Account | None:
    if token is None:
        return None
    # A token checked lately is trusted for `token_recheck_seconds` (a read per call spared);
    # after that the store is read again, so that a revocation, a reissue or a deleted
    # account made by any process takes effect here within that time. Unknown tokens are not
    # cached.
    account = services.tokens.get(
        token, lambda: services.accounts.authenticate(token), keep_none=False
    )
    if account is None:
        if failed is not None:
            failed()
        raise ApiError(
            401, "invalid_token", "the token is not recognized", "Authorization", None, _CHALLENGE
        )
    return _refuse_if_void(account, services.store.clock())


async def optional_account(
    request: Request,
    services: Annotated[Services, Depends(get_services)],
    credentials: Annotated[HTTPAuthorizationCredentials | None, Security(bearer)],
) -> Account | None:
    # Dependencies run on the event loop (no thread hop per call); the store is read in a
    # worker thread only for a token not checked lately.
    if credentials is None:
        return None
    failures, client = failures_of(request), client_of(request)
    check_not_limited(failures, client)
    found, account = services.tokens.peek(credentials.credentials)
    if found and account is not None:
        return _refuse_if_void(account, services.store.clock())
    return await run_in_threadpool(
        authenticate, services, credentials.credentials, lambda: failures.failed(client)
    )


def require(account: Account | None) -> Account:
    if account is None:
        raise ApiError(
            401,
            "unauthenticated",
            "this needs a token: Authorization: Bearer TOKEN",
            "Authorization",
            None,
            _CHALLENGE,
        )
    return account


async def caller(account: Annotated[Account | None, Depends(optional_account)]) -> Account:
    """The authenticated caller (401 without a valid token)."""
    return require(account)


async def facilitator(account: Annotated[Account, Depends(caller)]) -> Account:
    if account.role != "facilitator":
        raise ApiError(403, "forbidden", f"only a facilitator may do this, not a {account.role}")
    return account


Caller = Annotated[Account, Depends(caller)]
Facilitator = Annotated[Account, Depends(facilitator)]

IdempotencyKey = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        pattern=r"^[\x21-\x7e]{1,100}$",
        description=(
            "Any 1-100 printable characters without spaces. A retry with the same key records "
            "nothing new and answers with what was first recorded."
        ),
    ),
]


def command_id(account: Account, key: str | None) -> str:
    """The store's idempotency id: the caller's key, scoped to the caller's account."""
    return f"{account.account_id}:{key if key is not None else uuid.uuid4().hex}"


# --- rights over an exercise ----------------------------------------------------------------


def may_read(account: Account, exercise: ExerciseRecord) -> bool:
    if account.role == "facilitator":
        return True
    if account.role == "observer" and account.exercise_id is None:
        return True
    return account.exercise_id == exercise.exercise_id


def check_read(account: Account, exercise: ExerciseRecord) -> None:
    if not may_read(account, exercise):
        raise ApiError(
            403, "forbidden", f"this account does not take part in exercise {exercise.exercise_id}"
        )


def check_manage(account: Account, exercise: ExerciseRecord) -> None:
    if account.role != "facilitator":
        raise ApiError(403, "forbidden", f"only a facilitator may do this, not a {account.role}")
    if exercise.created_by != account.author:
        raise ApiError(
            403,
            "forbidden",
            f"exercise {exercise.exercise_id} is managed by the facilitator who created it",
        )


def check_delegation(account: Account, exercise_id: str, state: str | None) -> str:
    """The state this caller acts for in this exercise; refused unless it is its own."""
    if account.role != "delegation" or account.exercise_id != exercise_id:
        raise ApiError(
            403,
            "forbidden",
            f"only a delegation taking part in exercise {exercise_id} may do this",
        )
    assert account.state is not None
    if state is not None and state != account.state:
        raise ApiError(
            403,
            "not_your_state",
            f"the delegation of {account.state} cannot act for {state}",
            "body.state",
        )
    return account.state


def sees_notes_of(account: Account | None, exercise_id: str, state: str | None) -> bool:
    """Whether the caller may read a private note written by the delegation of `state`."""
    if account is None:
        return False
    if account.role == "facilitator":
        return True
    return (
        account.role == "delegation"
        and account.exercise_id == exercise_id
        and state is not None
        and account.state == state
    )


@dataclass(frozen=True)
class _Ticket:
    account: Account
    exercise_id: str
    expires: float


class StreamTickets:
    """Stream tickets of this process: each good once, for one exercise, for `seconds`.

    A ticket is 32 random bytes (URL-safe), kept only in this process's memory, so it must be
    used at the process that issued it. At most `size` are outstanding (the oldest dropped)."""

    PREFIX = "st_"

    def __init__(
        self, seconds: float, *, size: int = 10_000, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.seconds = seconds
        self.size = size
        self.clock = clock
        self._tickets: OrderedDict[str, _Ticket] = OrderedDict()
        self._lock = threading.Lock()

    def issue(self, account: Account, exercise_id: str) -> str:
        ticket = self.PREFIX + secrets.token_urlsafe(32)
        with self._lock:
            now = self.clock()
            while self._tickets:  # issued in order, so expired ones are at the front
                first = next(iter(self._tickets.values()))
                if first.expires > now and len(self._tickets) < self.size:
                    break
                self._tickets.popitem(last=False)
            self._tickets[ticket] = _Ticket(account, exercise_id, now + self.seconds)
        return ticket

    def redeem(self, ticket: str, exercise_id: str) -> Account | None:
        """The ticket's account, once: a ticket redeemed, expired, unknown or for another
        exercise is None (and is gone)."""
        with self._lock:
            found = self._tickets.pop(ticket, None)
            now = self.clock()
        if found is None or found.expires <= now or found.exercise_id != exercise_id:
            return None
        return found.account


def tickets_of(request: Request) -> StreamTickets:
    tickets: StreamTickets = request.app.state.stream_tickets
    return tickets


def stream_account(
    request: Request, services: Services, exercise_id: str, ticket: str | None
) -> Account:
    """The caller of the event stream: a bearer header, or `?ticket=` (for an EventSource,
    which cannot send headers)."""
    failures, client = failures_of(request), client_of(request)
    header = request.headers.get("authorization")
    if header is not None and header.lower().startswith("bearer "):
        check_not_limited(failures, client)
        token = header[7:].strip()
        return require(authenticate(services, token, lambda: failures.failed(client)))
    if ticket is None:
        return require(None)
    check_not_limited(failures, client)
    account = tickets_of(request).redeem(ticket, exercise_id)
    if account is None:
        failures.failed(client)
        raise ApiError(
            401,
            "invalid_ticket",
            "the stream ticket is not recognized: a ticket is good once, for one exercise, "
            f"for {tickets_of(request).seconds:g} s; ask for a new one "
            f"(POST /api/exercises/{exercise_id}/events/ticket)",
            "query.ticket",
        )
    return account
