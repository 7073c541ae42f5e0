"""The record's benchmark: events appended per second (one writer, eight writers), the cost of
one append as the case grows (10, 100, 1,000 and 5,000 events), and the time to rebuild a
10,000-event case, on SQLite and on PostgreSQL.

Each figure has a baseline measured in the same run on the same backend and engine (so the same
journal mode, sync setting and pool): plain INSERTs of rows of the same size into a table with no
constraints, one transaction each, for appends (interleaved with them, round by round, so that
drift hits both); a plain SELECT of the same 10,000 rows with their
payloads parsed, for the rebuild. The ratio says what the log costs on top of the database.

Run alone (`python benchmarks/store.py`) or from `benchmarks/run.py` (`make bench`).
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

PG_ADMIN_URL = os.environ.get("CASUS_BENCH_PG_URL", "postgresql://postgres@127.0.0.1:5432/test")
SINGLE = 240  # appends by one writer (three rounds)
WRITERS = 8
EACH = 30  # appends by each of the eight writers
REBUILD = 10_000  # events in the case rebuilt
CURVE = (10, 100, 1_000, 5_000)  # events in the case an append is measured at
PER_ROUND = 20  # appends (and plain INSERTs) per round; three rounds at each size
TARGET = 3  # an append to a case of 5,000 events: at most this many plain INSERTs


def _small_case() -> Any:
    """kz-2022 without its claims, timeline, force and mandate: a case whose validation is cheap,
    so that the figures are about the log rather than about one large case."""
    from casus.schema.loader import load_world

    world = load_world()
    case = world.cases["kz-2022"]
    requests = [r.model_copy(update={"grounds": []}) for r in case.requests]
    small = case.model_copy(
        update={
            "id": "bench",
            "claims": [],
            "timeline": [],
            "force": None,
            "mandate": None,
            "phases": [],
            "requests": requests,
        }
    )
    return world, small, case.claims[0].model_dump(mode="json")


def _claim(template: dict[str, Any], ident: str) -> dict[str, Any]:
    return template | {"id": ident, "quote": None, "note": None}


@contextmanager
def _pg_database() -> Iterator[str | None]:
    try:
        import psycopg

        admin = psycopg.connect(PG_ADMIN_URL, autocommit=True, connect_timeout=3)
    except Exception:  # reported as skipped: the benchmark runs where PostgreSQL does not
        yield None
        return
    name = f"casus_bench_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    with admin:
        admin.execute(f'CREATE DATABASE "{name}"')
        try:
            yield f"{PG_ADMIN_URL.rsplit('/', 1)[0]}/{name}"
        finally:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _writer_process(
    url: str,
    kind: str,
    n: int,
    prefix: str,
    template: dict[str, Any],
    case_id: str,
    barrier: Any,
    results: Any,
) -> None:
    """One of the eight writers, in its own process (as API workers would be): appends `n`
    events (or, for the baseline, plain INSERTs) once all writers are ready."""
    from casus.schema.loader import load_world
    from casus.store.canonical import canonical_json
    from casus.store.events import Command
    from casus.store.store import open_store

    store = open_store(url, world=load_world())
    try:
        raw = _raw_table(store.engine)
        sample = canonical_json({"claim": _claim(template, "sample-claim")})
        barrier.wait()
        t0 = time.perf_counter()
        for i in range(n):
            if kind == "store":
                ident = f"{prefix}-{i}"
                claim = _claim(template, ident)
                store.append(case_id, Command("claim_added", {"claim": claim}, "user:b", ident))
            else:
                with store.engine.begin() as conn:
                    conn.execute(raw.insert().values(payload=sample))
        results.put((t0, time.perf_counter()))
    finally:
        store.close()


def _processes(url: str, kind: str, template: dict[str, Any], case_id: str) -> float:
    """Seconds from the moment eight writer processes start together to the last one's end."""
    import multiprocessing

    ctx = multiprocessing.get_context("spawn")  # no engine or lock crosses a fork
    barrier = ctx.Barrier(WRITERS)
    results = ctx.Queue()
    procs = [
        ctx.Process(
            target=_writer_process,
            args=(
                url,
                kind,
                EACH,
                f"{kind}{w}-{uuid.uuid4().hex[:6]}",
                template,
                case_id,
                barrier,
                results,
            ),
        )
        for w in range(WRITERS)
    ]
    for p in procs:
        p.start()
    spans = [results.get(timeout=300) for _ in procs]
    for p in procs:
        p.join()
        if p.exitcode != 0:
            raise RuntimeError(f"a writer process failed ({p.exitcode})")
    return max(end for _, end in spans) - min(start for start, _ in spans)


def _raw_table(engine: Any) -> Any:
    from sqlalchemy import Column, Integer, MetaData, Table, Text

    meta = MetaData()
    table = Table(
        "bench_raw", meta, Column("id", Integer, primary_key=True), Column("payload", Text)
    )
    meta.create_all(engine)
    return table


def _bench_backend(url: str, world: Any, case: Any, template: dict[str, Any]) -> dict[str, Any]:
    from casus.store.canonical import canonical_json
    from casus.store.events import Command
    from casus.store.store import open_store, rebuild

    store = open_store(url, world=world)
    try:
        store.import_case(case, author="user:bench", command_id=f"imp-{uuid.uuid4()}")
        raw = _raw_table(store.engine)
        sample = canonical_json({"claim": _claim(template, "sample-claim")})

        def append(ident: str, case_id: str = case.id) -> None:
            store.append(
                case_id,
                Command("claim_added", {"claim": _claim(template, ident)}, "user:bench", ident),
            )

        def insert(n: int) -> None:
            for _ in range(n):
                with store.engine.begin() as conn:
                    conn.execute(raw.insert().values(payload=sample))

        # One writer, interleaved with the baseline in three rounds so that drift hits both.
        store_t, raw_t = [], []
        per_round = SINGLE // 3
        for r in range(3):
            t0 = time.perf_counter()
            for i in range(per_round):
                append(f"s{r}-{i}")
            store_t.append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            insert(per_round)
            raw_t.append(time.perf_counter() - t0)
        single = per_round / statistics.median(store_t)
        single_raw = per_round / statistics.median(raw_t)

        conc_t = _processes(url, "store", template, case.id)
        raw_conc_t = _processes(url, "raw", template, case.id)
        concurrent = WRITERS * EACH / conc_t
        concurrent_raw = WRITERS * EACH / raw_conc_t

        # One append as the case grows: a case of each size, then rounds of appends to it,
        # each round followed by as many plain INSERTs.
        curve: dict[str, Any] = {}
        for size in CURVE:
            sized = _case_of(store, case, f"bench-{size}", size, template)
            store_t, raw_t = [], []
            for r in range(3):
                t0 = time.perf_counter()
                for i in range(PER_ROUND):
                    append(f"{sized}-r{r}-{i}", sized)
                store_t.append(time.perf_counter() - t0)
                t0 = time.perf_counter()
                insert(PER_ROUND)
                raw_t.append(time.perf_counter() - t0)
            cost = statistics.median(store_t) / PER_ROUND
            base = statistics.median(raw_t) / PER_ROUND
            curve[str(size)] = {
                "append_ms": round(cost * 1000, 3),
                "baseline_ms": round(base * 1000, 3),
                "ratio_to_baseline": round(cost / base, 2),
            }

        # A 10,000-event case, written in batches (one transaction each), then rebuilt.
        big = case.model_copy(update={"id": "bench-big"})
        _case_of(store, case, big.id, REBUILD, template)
        t0 = time.perf_counter()
        events = store.events(big.id)
        rebuilt = rebuild(big.id, events)
        rebuild_t = time.perf_counter() - t0
        assert len(events) == REBUILD and len(rebuilt.claims) == REBUILD - 1
        from sqlalchemy import select

        from casus.store import tables

        t0 = time.perf_counter()
        with store.engine.connect() as conn:
            rows = conn.execute(
                select(tables.events)
                .where(tables.events.c.case_id == big.id)
                .order_by(tables.events.c.seq)
            ).all()
            parsed = [json.loads(r.payload) for r in rows]
        read_t = time.perf_counter() - t0
        assert len(parsed) == REBUILD
        assert all(f is None for _, _, f in store.verify())
    finally:
        store.close()
    return {
        "single_writer": {
            "events_per_second": round(single, 1),
            "baseline": "plain INSERT + COMMIT of a row of the same payload, same engine",
            "baseline_per_second": round(single_raw, 1),
            "ratio_to_baseline": round(single / single_raw, 3),
            "events": per_round * 3,
        },
        "eight_writers": {
            "events_per_second": round(concurrent, 1),
            "baseline": "the same plain INSERTs from eight processes",
            "baseline_per_second": round(concurrent_raw, 1),
            "ratio_to_baseline": round(concurrent / concurrent_raw, 3),
            "events": WRITERS * EACH,
            "writers": f"{WRITERS} processes, all appending to one case",
        },
        "append_curve": {
            "what": "one claim_added append (its own transaction) to a case of this many events",
            "baseline": "plain INSERT + COMMIT of a row of the same payload, same engine",
            "events": curve,
            "appends_per_size": PER_ROUND * 3,
            "target": f"at {CURVE[-1]} events, at most {TARGET}x the baseline",
            "meets_target": curve[str(CURVE[-1])]["ratio_to_baseline"] <= TARGET,
        },
        "rebuild_10000": {
            "seconds": round(rebuild_t, 3),
            "what": "read the log, check every hash, fold 10,000 events, validate the case",
            "baseline": "SELECT the same 10,000 rows and parse their payloads",
            "baseline_seconds": round(read_t, 3),
            "ratio_to_baseline": round(rebuild_t / read_t, 2),
            "target": "at most 2x the baseline",
            "meets_target": rebuild_t / read_t <= 2,
        },
    }


def _case_of(store: Any, case: Any, case_id: str, events: int, template: dict[str, Any]) -> str:
    """A case of `events` events: an import, then claims in batches of 1,000 (one transaction
    each)."""
    from casus.store.events import Command

    store.import_case(
        case.model_copy(update={"id": case_id}),
        author="user:bench",
        command_id=f"imp-{case_id}-{uuid.uuid4()}",
    )
    batch = 1000
    for b in range(0, events - 1, batch):
        commands = [
            Command(
                "claim_added",
                {"claim": _claim(template, f"{case_id}-{i}")},
                "user:bench",
                f"{case_id}-{uuid.uuid4()}",
            )
            for i in range(b, min(b + batch, events - 1))
        ]
        store.append_many(case_id, commands)
    return case_id


def _table(doc: dict[str, Any]) -> str:
    """The curve and the rebuild, one line each, for a person reading the run."""
    lines = []
    for backend in ("sqlite", "postgresql"):
        result = doc.get(backend, {})
        if "skipped" in result:
            lines.append(f"{backend}: skipped ({result['skipped']})")
            continue
        for size, v in result["append_curve"]["events"].items():
            lines.append(
                f"{backend:10} append at {size:>5} events: {v['append_ms']:7.3f} ms, "
                f"plain INSERT {v['baseline_ms']:7.3f} ms, ratio {v['ratio_to_baseline']:5.2f}"
            )
        r = result["rebuild_10000"]
        lines.append(
            f"{backend:10} rebuild of 10,000 events: {r['seconds']:.3f} s, plain read "
            f"{r['baseline_seconds']:.3f} s, ratio {r['ratio_to_baseline']:.2f}"
        )
    return "\n".join(lines)


def bench_store() -> dict[str, Any]:
    world, case, template = _small_case()
    out: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as tmp:
        out["sqlite"] = _bench_backend(str(Path(tmp) / "bench.db"), world, case, template)
    with _pg_database() as url:
        if url is None:
            out["postgresql"] = {"skipped": f"no PostgreSQL server at {PG_ADMIN_URL}"}
        else:
            out["postgresql"] = _bench_backend(url, world, case, template)
    return out


if __name__ == "__main__":
    t0 = time.perf_counter()
    doc = bench_store()
    doc["wall_seconds"] = round(time.perf_counter() - t0, 1)
    json.dump(doc, sys.stdout, indent=2)
    sys.stdout.write("\n")
    sys.stderr.write(_table(doc) + "\n")
