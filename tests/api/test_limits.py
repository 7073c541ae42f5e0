"""The service's limits (docs/reference/limits.md, "The service"): a request body over the limit
is refused with 413 before it is read and before any authentication work (the server's memory
measured while a 300 MB body is sent); JSON nested too deep or holding a NUL is refused with
422; error bodies never name the database's URL or file; a token is never taken from a URL and
never reaches the access log (the event stream takes a single-use, short-lived ticket); failed
token attempts are bounded per client (429 with Retry-After)."""

from __future__ import annotations

import os
import re
import sqlite3
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from casus.api.auth import StreamTickets
from casus.api.limits import FailedAttempts, has_nul, json_depth_exceeds, redact_token

from .conftest import Api, assert_error, pg_database
from .live import free_port, wait_until_up

MiB = 1_048_576
CASUS = [sys.executable, "-m", "casus"]
UVICORN = [sys.executable, "-m", "uvicorn", "--factory", "casus.api.app:create_app"]


# --- a real server process, its memory and its access log -----------------------------------


@dataclass
class Served:
    base: str
    pid: int
    log: Path
    token: str
    proc: subprocess.Popen[bytes]

    def status(self, field: str) -> int:
        """A figure from /proc/PID/status, in bytes (VmRSS: now; VmHWM: the peak so far)."""
        text = Path(f"/proc/{self.pid}/status").read_text()
        m = re.search(rf"^{field}:\s+(\d+) kB$", text, re.MULTILINE)
        assert m is not None, text
        return int(m.group(1)) * 1024


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """`uvicorn --factory casus.api.app:create_app` in its own process, on a fresh SQLite
    store, with its access log (log level info) written to a file."""
    home = tmp_path_factory.mktemp("limits")
    db = str(home / "casus.db")
    env = {**os.environ, "XDG_DATA_HOME": str(home), "CASUS_DB_URL": db, "CASUS_HEARTBEAT": "0.5"}
    made = subprocess.run(
        [
            *CASUS,
            "accounts",
            "create",
            "--role",
            "facilitator",
            "--name",
            "F",
            "--db",
            db,
            "--json",
        ],
        capture_output=True,
        text=True,
        env=env,
        check=True,
        timeout=120,
    )
    token = re.search(r'"token":\s*"([^"]+)"', made.stdout)
    assert token is not None, made.stdout
    port = free_port()
    log = home / "server.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [*UVICORN, "--host", "127.0.0.1", "--port", str(port), "--log-level", "info"],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(base, timeout=60, alive=lambda: proc.poll() is None)
        yield Served(base, proc.pid, log, token.group(1), proc)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def _body(total: int, sent: list[int]) -> Iterator[bytes]:
    """`total` bytes of a JSON-looking body, 1 MiB at a time, counting what was taken."""
    chunk = b"x" * MiB
    yield b'{"case": "kz-2022", "title": "'
    left = total
    while left > 0:
        piece = chunk if left >= MiB else chunk[:left]
        left -= len(piece)
        sent[0] += len(piece)
        yield piece
    yield b'"}'


def _post_huge(served: Served, total: int, *, declare: bool) -> tuple[httpx.Response, int, int]:
    """POST a `total`-byte body without credentials; the answer, the server's peak memory
    while it was sent (sampled every 5 ms, and VmHWM), and how much the client sent."""
    sent = [0]
    peak = [served.status("VmRSS")]
    done = threading.Event()

    def sample() -> None:
        while not done.wait(0.005):
            peak[0] = max(peak[0], served.status("VmRSS"))

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    headers = {"Content-Type": "application/json"}
    if declare:
        headers["Content-Length"] = str(total + len('{"case": "kz-2022", "title": ""}'))
    try:
        with httpx.Client(base_url=served.base, timeout=60) as http:
            r = http.post("/api/exercises", content=_body(total, sent), headers=headers)
    finally:
        done.set()
        sampler.join()
    return r, max(peak[0], served.status("VmHWM")), sent[0]


@pytest.mark.parametrize("declare", [True, False], ids=["content-length", "chunked"])
def test_a_300_mb_body_without_credentials_is_refused_before_it_is_read(
    served: Served, declare: bool
) -> None:
    before = served.status("VmRSS")
    r, peak, sent = _post_huge(served, 300 * MiB, declare=declare)
    error = assert_error(r, 413, "too_large")
    assert error["field"] == "body"
    assert "1 MiB (1,048,576 bytes)" in error["message"]
    print(
        f"\n{'declared' if declare else 'chunked'}: RSS before {before / MiB:.1f} MiB, "
        f"peak {peak / MiB:.1f} MiB; the client sent {sent / MiB:.1f} MiB of 300"
    )
    assert peak < 200 * MiB, f"the server reached {peak / MiB:.0f} MiB"
    # Refused before the credentials were looked at: an unauthenticated small body is a 401.
    with httpx.Client(base_url=served.base) as http:
        assert http.post("/api/exercises", json={"case": "kz-2022"}).status_code == 401
        # And the server still answers.
        assert http.get("/api/health").status_code == 200


def test_no_token_reaches_the_access_log_and_a_ticket_opens_the_stream_once(
    served: Served,
) -> None:
    auth = {"Authorization": f"Bearer {served.token}"}
    with httpx.Client(base_url=served.base, timeout=30) as http:
        r = http.post("/api/exercises", json={"case": "kz-2022"}, headers=auth)
        assert r.status_code == 201, r.text
        xid = r.json()["exercise"]["id"]
        r = http.post(
            f"/api/exercises/{xid}/participants",
            json={"role": "delegation", "state": "KZ", "name": "KZ"},
            headers=auth,
        )
        delegation = r.json()["token"]
        # An old client's ?token=: refused, and blanked before the access log sees it.
        r = http.get(f"/api/exercises/{xid}/events", params={"token": served.token})
        assert_error(r, 400, "token_in_url")
        assert served.token not in r.text
        r = http.get("/api/me", params={"token": delegation, "x": "1"})
        assert_error(r, 400, "token_in_url")
        # The ticket, asked for with the header, opens the stream once.
        r = http.post(
            f"/api/exercises/{xid}/events/ticket",
            headers={"Authorization": f"Bearer {delegation}"},
        )
        assert r.status_code == 201, r.text
        ticket = r.json()
        assert ticket["expires_in"] == 30
        assert ticket["url"] == f"/api/exercises/{xid}/events?ticket={ticket['ticket']}"
        r = http.get(ticket["url"] + "&follow=false")
        assert r.status_code == 200 and '"type":"snapshot"' in r.text
        assert_error(http.get(ticket["url"] + "&follow=false"), 401, "invalid_ticket")
    log = served.log.read_text()
    # The access log recorded these calls (so it is the log that was read) …
    assert f"GET /api/exercises/{xid}/events?ticket=" in log
    assert "token=REDACTED" in log
    # … and shows no token.
    for secret in (served.token, delegation):
        assert secret not in log
        assert secret.split("_")[-1] not in log  # nor the secret part alone
    assert not re.search(r"casus_[0-9a-f]{16}_", log)


# --- in-process tests (TestClient) ----------------------------------------------------------


def _deep(depth: int) -> bytes:
    return b'{"case": "kz-2022", "title": ' + b"[" * (depth - 1) + b"]" * (depth - 1) + b"}"


def test_json_nested_too_deep_is_refused_before_authentication(api: Api) -> None:
    headers = {"Content-Type": "application/json"}
    for who in (None, "fac"):
        r = api.call("POST", "/api/exercises", who, content=_deep(65), headers=headers)
        error = assert_error(r, 422, "invalid")
        assert error["field"] == "body" and "nested at most 64 deep" in error["message"]
    # 64 deep is within the limit: it reaches the schema (a title is not a list).
    r = api.call("POST", "/api/exercises", "fac", content=_deep(64), headers=headers)
    assert assert_error(r, 422, "invalid")["field"] == "body.title"
    # 10,000 deep: refused the same way, quickly, with no RecursionError.
    r = api.call("POST", "/api/exercises", None, content=_deep(10_000), headers=headers)
    assert "nested at most 64 deep" in assert_error(r, 422, "invalid")["message"]


def test_the_json_scan_reads_strings_and_escapes_right() -> None:
    assert not json_depth_exceeds(b'{"a": "[[[[[[[[[[[[[[[["}', 3)
    assert not json_depth_exceeds(b'{"a": "\\"[[[[[[[[[[[[[[[[["}', 3)
    assert json_depth_exceeds(b'{"a": [[{"b": []}]]}', 4)
    assert not json_depth_exceeds(b'{"a": [[{"b": []}]]}', 5)
    assert has_nul(b'{"t": "a\\u0000b"}')
    assert has_nul(b'{"t": "a\\\\\\u0000b"}')  # an escaped backslash, then a NUL
    assert not has_nul(b'{"t": "a\\\\u0000b"}')  # an escaped backslash, then text
    assert redact_token(b"after=3&token=casus_1_2&x=1") == (
        b"after=3&token=REDACTED&x=1",
        True,
    )
    assert redact_token(b"mytoken=1") == (b"mytoken=1", False)


def _no_location(error: dict[str, Any], *where: str) -> None:
    text = repr(error)
    for w in where:
        assert w not in text, text
    assert "://" not in text and "sqlite" not in text.lower() and "postgres" not in text.lower()
    assert not re.search(r"/(tmp|home|work|var)/", text), text


@pytest.fixture
def fresh_pg() -> Iterator[str]:
    """A PostgreSQL database of its own, for a test that damages it."""
    with pg_database("casus_limits") as url:
        yield url


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_a_nul_in_a_title_and_a_failing_store_never_show_where_the_store_is(
    backend: str,
    make_api: Callable[..., Api],
    tmp_path: Path,
    request: pytest.FixtureRequest,
    caplog: pytest.LogCaptureFixture,
) -> None:
    if backend == "sqlite":
        db = str(tmp_path / "nul.db")
        where: tuple[str, ...] = (db, str(tmp_path))
    else:
        db = request.getfixturevalue("fresh_pg")
        where = (db, db.rsplit("/", 1)[-1], "127.0.0.1:5432")
    api = make_api(db)
    r = api.call("POST", "/api/exercises", "fac", json={"case": "kz-2022", "title": "a\x00b"})
    error = assert_error(r, 422, "invalid")
    assert "NUL" in error["message"]
    _no_location(error, *where)
    # The store failing under a write (a table gone): a generic 503, the detail in the log.
    xid = api.exercise("kz-2022")
    if backend == "sqlite":
        with sqlite3.connect(db) as conn:
            conn.execute("DROP TABLE exercise_events")
    else:
        import psycopg

        with psycopg.connect(db.replace("+psycopg", ""), autocommit=True) as conn:
            conn.execute("DROP TABLE exercise_events CASCADE")
    with caplog.at_level("ERROR", logger="casus.api"):
        r = api.call("POST", f"/api/exercises/{xid}/clock", "fac", json={"to": "2022-01-06"})
    error = assert_error(r, 503, "store_error")
    assert "server's log" in error["message"]
    _no_location(error, *where)
    assert "exercise_events" in caplog.text  # the detail is logged on the server


def _client(api: Api, host: str) -> TestClient:
    app = api.client.app
    client = TestClient(app, raise_server_exceptions=False, client=(host, 50000))
    return client  # the lifespan already runs (api.client's); this one only sends requests


def test_failed_token_attempts_are_bounded_per_client(api: Api) -> None:
    app: Any = api.client.app
    failures: FailedAttempts = app.state.auth_failures
    now = [1000.0]
    failures.clock = lambda: now[0]
    bad = {"Authorization": "Bearer casus_0123456789abcdef_" + "x" * 43}
    good = api.as_("fac")
    attacker, other = _client(api, "10.0.0.1"), _client(api, "10.0.0.2")
    for _ in range(10):
        assert_error(attacker.get("/api/me", headers=bad), 401, "invalid_token")
        now[0] += 1
    r = attacker.get("/api/me", headers=bad)
    error = assert_error(r, 429, "too_many_attempts")
    assert error["field"] == "Authorization"
    assert r.headers["Retry-After"] == "50"  # the first failure leaves the window at 1060
    # While limited, even a good token is refused from that client (no oracle), on every
    # route that takes one, the stream's ticket included; public reads still answer.
    assert_error(attacker.get("/api/me", headers=good), 429, "too_many_attempts")
    assert_error(attacker.get("/api/exercises/ex-x/events", params={"ticket": "st_x"}), 429)
    assert attacker.get("/api/health").status_code == 200
    # Another client is not limited.
    assert other.get("/api/me", headers=good).status_code == 200
    # Once the window has passed, the client may try again.
    now[0] += 51
    assert attacker.get("/api/me", headers=good).status_code == 200


def test_the_limiter_forgets_old_failures_and_keeps_memory_bounded() -> None:
    now = [0.0]
    f = FailedAttempts(3, 60, clients=100, clock=lambda: now[0])
    for _ in range(3):
        f.failed("a")
    assert f.retry_after("a") == 60 and f.retry_after("b") == 0
    now[0] = 30
    assert f.retry_after("a") == 30
    now[0] = 60
    assert f.retry_after("a") == 0
    for i in range(1000):
        f.failed(f"c{i}")
    assert len(f._seen) == 100


def test_a_ticket_is_good_once_for_one_exercise_and_expires(api: Api) -> None:
    app: Any = api.client.app
    tickets: StreamTickets = app.state.stream_tickets
    now = [0.0]
    tickets.clock = lambda: now[0]
    xid, yid = api.exercise("kz-2022"), api.exercise("kz-2022")
    api.invite(xid, "KZ", "KZ")

    def ticket(who: str, exercise: str) -> str:
        r = api.call("POST", f"/api/exercises/{exercise}/events/ticket", who)
        assert r.status_code == 201, r.text
        return str(r.json()["ticket"])

    def stream(exercise: str, t: str) -> Any:
        return api.call(
            "GET", f"/api/exercises/{exercise}/events", params={"ticket": t, "follow": "false"}
        )

    t = ticket("KZ", xid)
    assert t.startswith("st_") and len(t) > 40
    assert stream(xid, t).status_code == 200
    assert_error(stream(xid, t), 401, "invalid_ticket")  # spent
    t = ticket("fac", xid)
    assert_error(stream(yid, t), 401, "invalid_ticket")  # another exercise's
    assert_error(stream(xid, t), 401, "invalid_ticket")  # and so spent
    t = ticket("KZ", xid)
    now[0] += 30
    error = assert_error(stream(xid, t), 401, "invalid_ticket")  # expired
    assert error["field"] == "query.ticket" and "30 s" in error["message"]
    now[0] += 1
    t = ticket("KZ", xid)
    now[0] += 29.5
    assert stream(xid, t).status_code == 200  # within its 30 s
    # Only a reader of the exercise gets one; without a token, none.
    assert_error(api.call("POST", f"/api/exercises/{yid}/events/ticket", "KZ"), 403, "forbidden")
    assert_error(api.call("POST", f"/api/exercises/{xid}/events/ticket"), 401, "unauthenticated")


def test_small_bodies_and_every_limit_in_settings(
    make_api: Callable[..., Api], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The limits come from the settings (CASUS_MAX_BODY_BYTES…)."""
    from casus.api.settings import Settings

    monkeypatch.setenv("CASUS_MAX_BODY_BYTES", "2048")
    monkeypatch.setenv("CASUS_MAX_JSON_DEPTH", "5")
    s = Settings()
    assert (s.max_body_bytes, s.max_json_depth) == (2048, 5)
    assert (s.stream_ticket_seconds, s.auth_failures, s.auth_failure_window) == (30, 10, 60)
    api = make_api()
    assert api.ok("POST", "/api/exercises", "fac", json={"case": "kz-2022", "title": "x" * 100})
    r = api.call("POST", "/api/exercises", "fac", json={"case": "kz-2022", "title": "x" * 3000})
    assert "2 KiB (2,048 bytes)" in assert_error(r, 413, "too_large")["message"]
    r = api.call("POST", "/api/exercises", "fac", json={"case": "kz-2022", "t": [[[[[1]]]]]})
    assert "at most 5 deep" in assert_error(r, 422, "invalid")["message"]
