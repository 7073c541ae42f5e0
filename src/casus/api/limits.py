"""The service's limits on what a caller may send, enforced before any route runs.

- `BodyLimit`, an ASGI middleware outside the application's routing (so before any
  authentication work): a request whose `Content-Length` exceeds the limit is refused with 413
  at once, its body never read; a body without one (chunked) is counted while it streams in and
  refused as soon as it crosses the limit. A JSON body within the limit is then checked for
  nesting depth and for NUL characters (422), still before any route or dependency runs.
  A token put in a URL (`?token=`) is blanked in the request's query string here, so that the
  access log never shows it, and a call to the API carrying one is refused (400 `token_in_url`).
- `FailedAttempts`: failed token attempts per client, in a sliding window (429 beyond).

Every refusal has the API's one error body (`casus.api.errors.body`).
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections import OrderedDict, deque
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from casus.api.errors import body as error_body

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

#: A JSON string, escapes included (what the depth scan skips over).
_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"', re.DOTALL)
_BRACKETS = re.compile(rb"[\[\]{}]")
#: `\u0000` preceded by an even number of backslashes (so an escape, not an escaped backslash).
_NUL = re.compile(rb"(?<!\\)(?:\\\\)*\\u0000")
#: `token=` in a query string, with its value.
_TOKEN_PARAM = re.compile(rb"(^|&)(token=)[^&]*")

REDACTED = b"REDACTED"
TOKEN_IN_URL = (
    "a token is never taken from a URL (URLs are written to access logs): send it as "
    "Authorization: Bearer TOKEN; for the event stream, POST /api/exercises/{id}/events/ticket "
    "with that header and open the stream with ?ticket=TICKET"
)


def json_depth_exceeds(raw: bytes, limit: int) -> bool:
    """Whether the JSON text nests arrays and objects deeper than `limit` (a top-level array
    or object is depth 1). Linear; cheap when the text has few brackets at all."""
    if raw.count(b"[") + raw.count(b"{") <= limit:
        return False
    depth = 0
    for m in _BRACKETS.finditer(_STRING.sub(b'""', raw)):
        if m.group() in (b"[", b"{"):
            depth += 1
            if depth > limit:
                return True
        else:
            depth -= 1
    return False


def has_nul(raw: bytes) -> bool:
    """Whether a JSON text writes a NUL character (`\\u0000`) in a string."""
    return b"\\u0000" in raw and _NUL.search(raw) is not None


def redact_token(query: bytes) -> tuple[bytes, bool]:
    """The query string with any `token=` value replaced, and whether there was one."""
    if b"token=" not in query:
        return query, False
    redacted, n = _TOKEN_PARAM.subn(rb"\1\2" + REDACTED, query)
    return redacted, n > 0


def _is_json(scope: Scope) -> bool:
    for name, value in scope.get("headers", ()):
        if name == b"content-type":
            kind = bytes(value).split(b";", 1)[0].strip().lower()
            return kind == b"application/json" or kind.endswith(b"+json")
    return False


def _content_length(scope: Scope) -> int | None:
    """The declared length; -1 for a malformed one."""
    for name, value in scope.get("headers", ()):
        if name == b"content-length":
            try:
                n = int(value)
            except ValueError:
                return -1
            return n if n >= 0 else -1
    return None


async def _refuse(
    send: Send, status: int, code: str, message: str, field: str | None, close: bool
) -> None:
    payload = json.dumps(error_body(code, message, field)).encode()
    headers = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(payload)).encode()),
    ]
    if close:  # the rest of the body is not read: the connection cannot carry another request
        headers.append((b"connection", b"close"))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": payload})


def _size(n: int) -> str:
    if n % 1_048_576 == 0:
        return f"{n // 1_048_576} MiB ({n:,} bytes)"
    if n % 1024 == 0:
        return f"{n // 1024} KiB ({n:,} bytes)"
    return f"{n:,} bytes"


class BodyLimit:
    """Refuse a request body over `max_bytes` (413) before it is read, and a JSON body nested
    deeper than `max_depth` or holding a NUL character (422), before any route runs."""

    def __init__(self, app: ASGIApp, *, max_bytes: int, max_depth: int) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.max_depth = max_depth

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        query, had_token = redact_token(scope.get("query_string", b""))
        if had_token:
            scope["query_string"] = query  # in place: the server's access log reads this scope
            if str(scope.get("path", "")).startswith("/api/"):
                await _refuse(send, 400, "token_in_url", TOKEN_IN_URL, "query.token", close=True)
                return
        too_large = (
            f"expected a request body of at most {_size(self.max_bytes)}, "
            "found a larger one; nothing was read or recorded"
        )
        declared = _content_length(scope)
        if declared is not None and declared > self.max_bytes:
            await _refuse(send, 413, "too_large", too_large, "body", close=True)
            return
        if declared == -1:
            await _refuse(
                send, 400, "bad_request", "a malformed Content-Length", "Content-Length", True
            )
            return
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":  # the client left before sending it all
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_bytes:
                await _refuse(send, 413, "too_large", too_large, "body", close=True)
                return
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        raw = b"".join(chunks)
        if raw and _is_json(scope):
            if json_depth_exceeds(raw, self.max_depth):
                await _refuse(
                    send,
                    422,
                    "invalid",
                    f"expected JSON nested at most {self.max_depth} deep, found deeper nesting",
                    "body",
                    close=False,
                )
                return
            if has_nul(raw):
                await _refuse(
                    send,
                    422,
                    "invalid",
                    "expected text without NUL characters (\\u0000), found one",
                    "body",
                    close=False,
                )
                return
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": raw, "more_body": False}
            return await receive()  # after the body: the disconnect, when it comes

        await self.app(scope, replay, send)


class FailedAttempts:
    """Failed token attempts per client in a sliding window: once a client has failed `limit`
    times within `window` seconds, `retry_after` says how long until it may try again. At most
    `clients` clients are remembered (the oldest forgotten first), so memory stays bounded."""

    def __init__(
        self,
        limit: int,
        window: float,
        *,
        clients: int = 10_000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.limit = limit
        self.window = window
        self.clients = clients
        self.clock = clock
        self._seen: OrderedDict[str, deque[float]] = OrderedDict()
        self._lock = threading.Lock()

    def _prune(self, client: str, now: float) -> deque[float] | None:
        times = self._seen.get(client)
        if times is None:
            return None
        while times and times[0] <= now - self.window:
            times.popleft()
        if not times:
            del self._seen[client]
            return None
        return times

    def retry_after(self, client: str) -> int:
        """Seconds until this client may try a token again (0: now)."""
        if not self._seen:  # the common case: nobody has failed lately
            return 0
        with self._lock:
            now = self.clock()
            times = self._prune(client, now)
            if times is None or len(times) < self.limit:
                return 0
            # Free again when the oldest failure that keeps it at the limit leaves the window.
            oldest = times[len(times) - self.limit]
            return max(1, int(oldest + self.window - now + 0.999))

    def failed(self, client: str) -> None:
        with self._lock:
            now = self.clock()
            times = self._prune(client, now)
            if times is None:
                times = self._seen[client] = deque(maxlen=self.limit)
            times.append(now)
            self._seen.move_to_end(client)
            while len(self._seen) > self.clients:
                self._seen.popitem(last=False)
