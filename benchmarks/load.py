"""The service under load: 200 concurrent delegations casting and changing positions across 20
exercises for 60 s against one `casus serve` process, on SQLite and on PostgreSQL.

Each delegation sends one position a second (support, object, abstain in turn; the first is a
cast, the rest are changes), each with its own Idempotency-Key: 200 requests per second in all,
on a fixed schedule (a request is not held back because the one before was slow, so queueing
shows in the latency). Twenty more clients send `GET /api/health` once a second under the same
load: the baseline, a call that touches no table, measured in the same run.

After the run the server is stopped and the store is read directly: every acknowledged position
(answered 200) must be in its exercise's log exactly once, under its idempotency id, and every
exercise's chain and projection must verify (`ExerciseLog.verify`). Target: p99 under 100 ms at
200 requests per second.

Loopback only; bounded in time (CASUS_LOAD_SECONDS, default 60, per backend) and so in count.
Run alone (`python benchmarks/load.py`) or from `benchmarks/run.py` (`make bench`).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

PG_ADMIN_URL = os.environ.get("CASUS_BENCH_PG_URL", "postgresql://postgres@127.0.0.1:5432/test")
SECONDS = float(os.environ.get("CASUS_LOAD_SECONDS", "60"))
#: Seconds of the same load before the measured window: caches fill (tokens, scenarios,
#: evaluations) and the first casts of 200 delegations arrive; not counted in the latencies.
WARMUP = float(os.environ.get("CASUS_LOAD_WARMUP", "5"))
EXERCISES = 20
PER_EXERCISE = 10  # delegations per exercise: 200 in all
RATE = 1.0  # positions per second per delegation
BASELINE_CLIENTS = 20
#: NATO members on 2024-06-01, the requester first: ten delegations per exercise.
STATES = ("PL", "US", "DE", "FR", "GB", "IT", "ES", "NL", "NO", "CA")
POSITIONS = ("support", "object", "abstain")
TARGET_P99_MS = 100.0
TARGET_RPS = 200.0


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    k = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
    return ordered[k]


def _figures(latencies: list[float], seconds: float) -> dict[str, Any]:
    ms = [x * 1000 for x in latencies]
    return {
        "requests": len(ms),
        "requests_per_second": round(len(ms) / seconds, 1),
        "p50_ms": round(_percentile(ms, 0.50), 2),
        "p99_ms": round(_percentile(ms, 0.99), 2),
        "max_ms": round(max(ms), 2) if ms else None,
        "mean_ms": round(statistics.fmean(ms), 2) if ms else None,
    }


@contextmanager
def _server(db_url: str, home: Path) -> Iterator[str]:
    """One `casus serve` process on a free loopback port."""
    import httpx

    port = _free_port()
    env = {**os.environ, "CASUS_DB_URL": db_url, "XDG_DATA_HOME": str(home)}
    log = (home / "server.log").open("wb")
    proc = subprocess.Popen(
        [sys.executable, "-m", "casus", "serve", "--port", str(port), "--log-level", "warning"],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"the server exited: see {home / 'server.log'}")
            try:
                if httpx.get(f"{base}/api/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise TimeoutError("the server did not answer within 60 s")
            time.sleep(0.1)
        yield base
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


async def _setup(http: Any, fac: str) -> list[dict[str, Any]]:
    """Twenty blank NATO exercises, ten delegations each, Poland's request filed in each."""
    auth = {"Authorization": f"Bearer {fac}"}

    async def one(n: int) -> dict[str, Any]:
        r = await http.post(
            "/api/exercises",
            json={"organization": "nato", "on": "2024-06-01", "title": f"load {n}"},
            headers=auth,
        )
        r.raise_for_status()
        xid = r.json()["exercise"]["id"]
        delegations = []
        for state in STATES[:PER_EXERCISE]:
            r = await http.post(
                f"/api/exercises/{xid}/participants",
                json={"role": "delegation", "state": state, "name": f"{state} {n}"},
                headers=auth,
            )
            r.raise_for_status()
            body = r.json()
            delegations.append(
                {"state": state, "token": body["token"], "account": body["participant"]["account"]}
            )
        r = await http.post(
            f"/api/exercises/{xid}/requests",
            json={
                "office": "head_of_government",
                "provisions_cited": ["north-atlantic-treaty/art_4"],
                "propositions": {"threat_to_territorial_integrity": "yes"},
            },
            headers={"Authorization": f"Bearer {delegations[0]['token']}"},
        )
        r.raise_for_status()
        return {"id": xid, "delegations": delegations}

    return list(await asyncio.gather(*(one(n) for n in range(EXERCISES))))


class _Connection:
    """One keep-alive HTTP/1.1 connection on loopback, one request at a time.

    The load is generated with asyncio streams rather than an HTTP client library: on a
    two-core machine the client shares the CPU with the server, and a general client's
    per-request cost (pooling, header models) would be measured as the server's latency."""

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def request(
        self, method: str, path: str, headers: dict[str, str], body: bytes = b""
    ) -> tuple[int, bytes]:
        if self.writer is None or self.writer.is_closing():
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        assert self.reader is not None
        lines = [f"{method} {path} HTTP/1.1", f"Host: {self.host}:{self.port}"]
        lines += [f"{k}: {v}" for k, v in headers.items()]
        if body:
            lines += ["Content-Type: application/json", f"Content-Length: {len(body)}"]
        self.writer.write(("\r\n".join(lines) + "\r\n\r\n").encode() + body)
        await self.writer.drain()
        head = await self.reader.readuntil(b"\r\n\r\n")
        status = int(head.split(b" ", 2)[1])
        length = 0
        for line in head.split(b"\r\n")[1:]:
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                length = int(value)
        return status, await self.reader.readexactly(length)

    async def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            with contextlib.suppress(Exception):
                await self.writer.wait_closed()


async def _drive(base: str, fac: str) -> dict[str, Any]:
    import httpx

    async with httpx.AsyncClient(base_url=base, timeout=60) as http:
        exercises = await _setup(http, fac)
    host, port = base.removeprefix("http://").split(":")
    acked: dict[str, set[str]] = {x["id"]: set() for x in exercises}
    sent: dict[str, set[str]] = {x["id"]: set() for x in exercises}
    latencies: list[float] = []
    baseline: list[float] = []
    errors: Counter[str] = Counter()
    start = time.perf_counter() + 1.0
    measured = start + WARMUP
    end = measured + SECONDS

    async def at(moment: float) -> None:
        delay = moment - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)

    async def delegation(xid: str, d: dict[str, Any], offset: float) -> None:
        conn = _Connection(host, int(port))
        headers = {"Authorization": f"Bearer {d['token']}"}
        path = f"/api/exercises/{xid}/requests/r1/positions"
        i = 0
        moment = start + offset
        try:
            while moment < end:
                await at(moment)
                key = f"load-{i}"
                sent[xid].add(f"{d['account']}:{key}")
                body = json.dumps({"position": POSITIONS[i % len(POSITIONS)]}).encode()
                t0 = time.perf_counter()
                try:
                    status, _ = await asyncio.wait_for(
                        conn.request("POST", path, {**headers, "Idempotency-Key": key}, body), 30
                    )
                except (OSError, asyncio.IncompleteReadError, TimeoutError) as e:
                    errors[type(e).__name__] += 1
                    await conn.close()
                    conn = _Connection(host, int(port))
                else:
                    if t0 >= measured:
                        latencies.append(time.perf_counter() - t0)
                    if status == 200:
                        acked[xid].add(f"{d['account']}:{key}")
                    else:
                        errors[str(status)] += 1
                i += 1
                # On schedule; a client that fell more than a second behind skips ahead
                # rather than bursting.
                moment = max(moment + 1 / RATE, time.perf_counter() - 1.0)
        finally:
            await conn.close()

    async def health(offset: float) -> None:
        conn = _Connection(host, int(port))
        moment = start + offset
        try:
            while moment < end:
                await at(moment)
                t0 = time.perf_counter()
                try:
                    status, _ = await asyncio.wait_for(conn.request("GET", "/api/health", {}), 30)
                    if status == 200 and t0 >= measured:
                        baseline.append(time.perf_counter() - t0)
                except (OSError, asyncio.IncompleteReadError, TimeoutError) as e:
                    errors[f"health {type(e).__name__}"] += 1
                    await conn.close()
                    conn = _Connection(host, int(port))
                moment = max(moment + 1.0, time.perf_counter() - 1.0)
        finally:
            await conn.close()

    total = EXERCISES * PER_EXERCISE
    tasks = [
        delegation(x["id"], d, ((n * PER_EXERCISE + k) / total) / RATE)
        for n, x in enumerate(exercises)
        for k, d in enumerate(x["delegations"])
    ]
    tasks += [health(j / BASELINE_CLIENTS) for j in range(BASELINE_CLIENTS)]
    await asyncio.gather(*tasks)
    elapsed = SECONDS  # the measured window (every latency counted was sent within it)
    return {
        "exercises": exercises,
        "acked": acked,
        "sent": sent,
        "latencies": latencies,
        "baseline": baseline,
        "errors": dict(errors),
        "elapsed": elapsed,
    }


def _check(db_url: str, run: dict[str, Any]) -> dict[str, Any]:
    """Every acknowledged position in its log exactly once; every chain verified."""
    from casus.store.exercises import ExerciseLog
    from casus.store.store import open_store

    missing = duplicates = unacknowledged = events = 0
    with open_store(db_url) as store:
        log = ExerciseLog(store)
        for x in run["exercises"]:
            xid = x["id"]
            counted = Counter(
                e.command_id
                for e in log.events(xid)
                if e.type in ("position_cast", "position_changed")
            )
            events += sum(counted.values())
            acked = run["acked"][xid]
            missing += sum(1 for c in acked if counted[c] == 0)
            duplicates += sum(1 for c in counted if counted[c] > 1)
            # Sent and recorded but not acknowledged: a request whose answer was lost (a
            # timeout). The requester's own support, recorded with its request, was not sent.
            unacknowledged += sum(1 for c in counted if c in run["sent"][xid] and c not in acked)
        verified = log.verify()
    bad = [f.message() for _, _, f in verified if f is not None]
    return {
        "acknowledged": sum(len(a) for a in run["acked"].values()),
        "position_events_in_logs": events,
        "acknowledged_missing_from_log": missing,
        "recorded_more_than_once": duplicates,
        "recorded_but_not_acknowledged": unacknowledged,
        "every_acknowledged_position_once": missing == 0 and duplicates == 0,
        "chains_verified": len(verified),
        "chain_failures": bad,
        "every_chain_verifies": not bad and len(verified) == EXERCISES,
    }


def _run_backend(db_url: str, home: Path) -> dict[str, Any]:
    from casus.store.accounts import Accounts
    from casus.store.store import open_store

    with open_store(db_url) as store:
        fac = Accounts(store).create(name="load", role="facilitator", created_by="system:bench")
    with _server(db_url, home) as base:
        run = asyncio.run(_drive(base, fac.token))
    positions = _figures(run["latencies"], run["elapsed"])
    base_figures = _figures(run["baseline"], run["elapsed"])
    check = _check(db_url, run)
    return {
        "delegations": EXERCISES * PER_EXERCISE,
        "exercises": EXERCISES,
        "seconds": round(run["elapsed"], 1),
        "warmup_seconds_not_measured": WARMUP,
        "positions": positions,
        "errors": run["errors"],
        "baseline": "GET /api/health (no table touched), 20 clients at 1/s, under the same load",
        "baseline_figures": base_figures,
        "p99_ratio_to_baseline": round(positions["p99_ms"] / base_figures["p99_ms"], 2)
        if base_figures["requests"]
        else None,
        "target": {"p99_ms": TARGET_P99_MS, "requests_per_second": TARGET_RPS},
        "meets_target": positions["p99_ms"] < TARGET_P99_MS
        and positions["requests_per_second"] >= TARGET_RPS * 0.95
        and not run["errors"],
        "check": check,
    }


@contextmanager
def _pg_database() -> Iterator[str | None]:
    import psycopg

    try:
        admin = psycopg.connect(PG_ADMIN_URL, autocommit=True, connect_timeout=3)
    except psycopg.OperationalError:
        yield None
        return
    name = f"casus_load_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    with admin:
        admin.execute(f'CREATE DATABASE "{name}"')
        try:
            yield f"{PG_ADMIN_URL.rsplit('/', 1)[0]}/{name}"
        finally:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def bench_load() -> dict[str, Any]:
    """The load benchmark on SQLite and on PostgreSQL (skipped, with the reason, without one)."""
    out: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="casus-load-") as tmp:
        home = Path(tmp)
        (home / "sqlite").mkdir()
        out["sqlite"] = _run_backend(str(home / "sqlite" / "load.db"), home / "sqlite")
        with _pg_database() as url:
            if url is None:
                out["postgresql"] = {"skipped": f"no PostgreSQL server at {PG_ADMIN_URL}"}
            else:
                (home / "postgresql").mkdir()
                out["postgresql"] = _run_backend(url, home / "postgresql")
    return out


if __name__ == "__main__":
    json.dump(bench_load(), sys.stdout, indent=2)
    sys.stdout.write("\n")
