"""casus benchmarks: prints one JSON document.

Each figure comes with a baseline measured in the same run, and the ratio between them, because
the machines are shared and noisy: absolute times drift, ratios hold.

- engine: one in-process `evaluate` of the Kazakhstan request of 5 January 2022, with its full
  explanation tree, against a hand-written 20-rule check with a flat cited explanation; the
  first call (compiling the question); the stages without explanation; and the cost at 6, 100
  and 300 members (benchmarks/engine.py).
- replay_process: the wall time of `casus replay kz-2022 --json` as a fresh process (the light
  start path), against `python -c pass`, run alternately: with bytecode cached, with
  PYTHONDONTWRITEBYTECODE=1, and with no bytecode at all.
- whatif: grids and minimal changes (benchmarks/whatif.py), each against one evaluate per
  combination; the full CSTO grid also against OpenFisca, whose script
  (benchmarks/openfisca_baseline.py) whatif.py runs in its own virtual environment.
- store: the record (benchmarks/store.py): events appended per second by one writer and by eight,
  and the time to rebuild a 10,000-event case, on SQLite and PostgreSQL, each against plain
  INSERTs / SELECTs on the same backend.
- network: `casus network --matrix` on synthetic ATOP-scale data (benchmarks/network.py): one
  year, and every year 1816-2018, each against the per-pair round-by-round cascade and a bare
  per-pair search, sampled and extrapolated.
- load: the service (benchmarks/load.py): 200 delegations casting and changing positions across
  20 exercises for 60 s against one server, on SQLite and PostgreSQL, against GET /api/health.
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import time
from typing import Any


def _wall(cmd: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    return time.perf_counter() - start


def _process_pair(cmd: list[str], env: dict[str, str], runs: int) -> dict[str, Any]:
    base_cmd = [sys.executable, "-c", "pass"]
    _wall(cmd, env)  # warm-up: file cache, bytecode (where it may be written), the world cache
    _wall(base_cmd, env)
    times, base_times, ratios = [], [], []
    for _ in range(runs):
        r = _wall(cmd, env)
        b = _wall(base_cmd, env)
        times.append(r)
        base_times.append(b)
        ratios.append(r / b)
    ratio = statistics.median(ratios)
    return {
        "median_seconds": round(statistics.median(times), 4),
        "baseline_median_seconds": round(statistics.median(base_times), 4),
        "ratio_to_baseline_median": round(ratio, 2),
        "target_ratio_to_baseline": 10,
        "meets_target": ratio <= 10,
    }


def bench_replay_process(runs: int = 9) -> dict[str, Any]:
    """`casus replay kz-2022 --json` as a fresh process (the light start path), three ways:
    with bytecode cached; with PYTHONDONTWRITEBYTECODE=1 (cached bytecode is still read, none
    is written); and with no bytecode at all (an empty PYTHONPYCACHEPREFIX as well: every module
    compiled on every run). Each beside `python -c pass` under the same environment."""
    import os
    import tempfile

    cmd = [sys.executable, "-m", "casus", "replay", "kz-2022", "--json"]
    env = dict(os.environ)
    no_write = {**env, "PYTHONDONTWRITEBYTECODE": "1"}
    with tempfile.TemporaryDirectory() as empty:
        no_bytecode = {**no_write, "PYTHONPYCACHEPREFIX": empty}
        return {
            "command": "python -m casus replay kz-2022 --json",
            "baseline": "python -c pass, run alternately in the same loop and environment",
            "runs": runs,
            "bytecode_cached": _process_pair(cmd, env, runs),
            "PYTHONDONTWRITEBYTECODE=1": _process_pair(cmd, no_write, runs),
            "no_bytecode": _process_pair(cmd, no_bytecode, runs),
            # What importing pydantic's model machinery alone costs, on the same scale: the
            # floor of any start that builds pydantic model classes.
            "pydantic_import_alone": _process_pair(
                [sys.executable, "-c", "from pydantic import BaseModel, Field"], env, runs
            ),
        }


def main() -> None:
    # benchmarks/ is sys.path[0] when this file runs as a script (make bench).
    from engine import bench_engine
    from load import bench_load
    from network import bench_network
    from store import bench_store
    from whatif import bench_whatif

    benches = {
        "engine": bench_engine,
        "replay_process": bench_replay_process,
        "whatif": bench_whatif,
        "store": bench_store,
        "network": bench_network,
        "load": bench_load,
    }
    doc: dict[str, Any] = {}
    failed = []
    for name, bench in benches.items():
        # One benchmark that fails does not lose the others' figures: it is reported, and the
        # run exits non-zero.
        try:
            doc[name] = bench()
        except Exception as e:  # reported in the document and by the exit code
            doc[name] = {"error": f"{type(e).__name__}: {e}"}
            failed.append(name)
        print(f"benchmark {name}: {'failed' if name in failed else 'done'}", file=sys.stderr)
    doc["python"] = sys.version.split()[0]
    json.dump(doc, sys.stdout, indent=2)
    sys.stdout.write("\n")
    if failed:
        sys.exit(f"benchmarks failed: {', '.join(failed)}")


if __name__ == "__main__":
    main()
