"""Benchmark of `casus network --matrix` on synthetic ATOP-scale data (benchmarks/run.py calls it).

The data: `casus.network.synth.synthetic(0)`, about 200 states and 750 alliances, 1816-2018 (made
up, ATOP-shaped). For one year (the largest, 2018) and for every year from 1816 to 2018, the fast
matrix (`casus.network.matrix.matrix`: bitsets and closures) is timed against two simple
one-at-a-time baselines measured in the same run, on a sample of pairs and extrapolated to every
pair:

- `cascade`: the per-pair round-by-round cascade `casus network` runs for one pair
  (`casus.network.cascade.cascade`, with its citations);
- `bare_bfs`: a lean per-pair breadth-first search over sets, without citations, computing the
  same five sets (a stricter baseline: the ratio against it is the conservative figure).

Every sampled pair is checked: both baselines must give exactly the matrix's sets.
"""

from __future__ import annotations

import datetime as dt
import random
import statistics
import time
from typing import Any

from casus.network.cascade import Sets, cascade
from casus.network.links import RESTRAINTS, PoolTable
from casus.network.matrix import matrix
from casus.network.synth import synthetic

FIRST, LAST = 1816, 2018
ONE_YEAR = 2018


def _on(year: int) -> dt.date:
    return dt.date(year, 6, 30)


class BareBFS:
    """The simple baseline: per-state neighbour sets, then one BFS per side for each pair."""

    def __init__(self, table: PoolTable) -> None:
        self.nb: dict[tuple[str, bool], dict[str, set[str]]] = {}
        self.restrainers: dict[str, set[str]] = {}
        for pool in table.pools:
            if pool.kind in RESTRAINTS:
                for y in pool.beneficiaries:
                    got = self.restrainers.setdefault(y, set())
                    got.update(b.state for b in pool.bearers if b.holds and b.state != y)
                continue
            if pool.kind not in ("defence", "offence"):
                continue
            for firm in (False, True):
                by = self.nb.setdefault((pool.kind, firm), {})
                for y in pool.beneficiaries:
                    got = by.setdefault(y, set())
                    got.update(
                        b.state
                        for b in pool.bearers
                        if b.state != y and (b.firm if firm else b.holds)
                    )

    def _bfs(self, kind: str, firm: bool, root: str, excluded: str) -> set[str]:
        nb = self.nb.get((kind, firm), {})
        seen = {root}
        frontier = [root]
        while frontier:
            new = []
            for y in frontier:
                for x in nb.get(y, ()):
                    if x != excluded and x not in seen:
                        seen.add(x)
                        new.append(x)
            frontier = new
        return seen

    def pair(self, attacker: str, target: str) -> Sets:
        dp = self._bfs("defence", False, target, attacker)
        df = self._bfs("defence", True, target, attacker)
        gp = self._bfs("offence", False, attacker, target)
        gf = self._bfs("offence", True, attacker, target)
        conflicted = (dp & gp) - {attacker, target}
        nb_def = self.nb.get(("defence", False), {})
        if any(attacker in nb_def.get(s, ()) for s in dp):
            conflicted.add(attacker)
        nb_off = self.nb.get(("offence", False), {})
        if any(target in nb_off.get(s, ()) for s in gp):
            conflicted.add(target)
        r_att = set().union(*(self.restrainers.get(z, set()) for z in gp))
        conflicted |= (dp - {target}) & r_att
        r_tgt = set().union(*(self.restrainers.get(z, set()) for z in dp))
        conflicted |= gp & r_tgt
        return Sets(
            frozenset(df - {target}),
            frozenset(dp - {target}),
            frozenset(gf - {attacker}),
            frozenset(gp - {attacker}),
            frozenset(conflicted),
        )


def _sample(states: list[str], k: int, rng: random.Random) -> list[tuple[str, str]]:
    pairs = []
    for _ in range(k):
        a, b = rng.sample(states, 2)
        pairs.append((a, b))
    return pairs


def _baselines(
    table: PoolTable,
    states: list[str],
    pairs: list[tuple[str, str]],
    bare_pairs: list[tuple[str, str]],
    m: Any,
) -> dict[str, Any]:
    """Seconds per pair for each baseline on the sampled pairs, checked against the matrix."""
    ok = True
    start = time.perf_counter()
    for a, b in pairs:
        ok &= cascade(table, attacker=a, target=b, on=table.on).sets() == m.cell(a, b)
    per_cascade = (time.perf_counter() - start) / len(pairs)
    start = time.perf_counter()
    bare = BareBFS(table)
    setup = time.perf_counter() - start
    start = time.perf_counter()
    for a, b in bare_pairs:
        ok &= bare.pair(a, b) == m.cell(a, b)
    per_bare = (time.perf_counter() - start) / len(bare_pairs)
    n = len(states)
    return {
        "pairs": n * (n - 1),
        "cascade_seconds_per_pair": per_cascade,
        "bare_setup_seconds": setup,
        "bare_seconds_per_pair": per_bare,
        "cascade_extrapolated": per_cascade * n * (n - 1),
        "bare_extrapolated": setup + per_bare * n * (n - 1),
        "equal": ok,
    }


def bench_network(
    seed: int = 0, one_year_pairs: int = 20, one_year_bare_pairs: int = 400, per_year_pairs: int = 2
) -> dict[str, Any]:
    rng = random.Random(seed)
    start = time.perf_counter()
    syn = synthetic(seed)
    synth_seconds = time.perf_counter() - start

    # One year.
    on = _on(ONE_YEAR)
    table = syn.data.pools_on(on)
    states = syn.states_on(on)
    runs = []
    m = None
    for _ in range(3):
        start = time.perf_counter()
        m = matrix(table, states)
        runs.append(time.perf_counter() - start)
    assert m is not None
    fast = statistics.median(runs)
    base = _baselines(
        table,
        states,
        _sample(states, one_year_pairs, rng),
        _sample(states, one_year_bare_pairs, rng),
        m,
    )
    one_year = {
        "year": ONE_YEAR,
        "date": on.isoformat(),
        "states": len(states),
        "pairs": base["pairs"],
        "pools_in_force": len(table.pools),
        "drawn_in_total": m.drawn_in_total(),
        "median_seconds": round(fast, 4),
        "runs": 3,
        "target_seconds": 1.0,
        "meets_target": fast < 1.0,
        "baseline_cascade": {
            "what": "per-pair round-by-round cascade with citations (casus.network.cascade)",
            "sampled_pairs": one_year_pairs,
            "seconds_per_pair": round(base["cascade_seconds_per_pair"], 5),
            "extrapolated_seconds": round(base["cascade_extrapolated"], 1),
        },
        "ratio_to_cascade": round(base["cascade_extrapolated"] / fast, 1),
        "baseline_bare_bfs": {
            "what": "per-pair breadth-first search over sets, no citations",
            "sampled_pairs": one_year_bare_pairs,
            "seconds_per_pair": round(base["bare_seconds_per_pair"], 6),
            "extrapolated_seconds": round(base["bare_extrapolated"], 2),
        },
        "ratio_to_bare_bfs": round(base["bare_extrapolated"] / fast, 1),
        "sampled_pairs_equal_matrix": base["equal"],
    }

    # Every year.
    total = 0.0
    slowest = (0.0, 0)
    cascade_est = 0.0
    bare_est = 0.0
    equal = True
    sampled = 0
    pairs_total = 0
    for year in range(FIRST, LAST + 1):
        on = _on(year)
        start = time.perf_counter()
        table = syn.data.pools_on(on)
        states = syn.states_on(on)
        m = matrix(table, states)
        elapsed = time.perf_counter() - start
        total += elapsed
        slowest = max(slowest, (elapsed, year))
        if len(states) < 2:
            continue
        base = _baselines(
            table,
            states,
            _sample(states, per_year_pairs, rng),
            _sample(states, 4 * per_year_pairs, rng),
            m,
        )
        cascade_est += base["cascade_extrapolated"]
        bare_est += base["bare_extrapolated"]
        equal &= base["equal"]
        sampled += per_year_pairs
        pairs_total += base["pairs"]
    all_years = {
        "years": f"{FIRST}-{LAST}",
        "count": LAST - FIRST + 1,
        "pairs": pairs_total,
        "seconds": round(total, 2),
        "slowest_year": slowest[1],
        "slowest_year_seconds": round(slowest[0], 4),
        "target_seconds": 120,
        "meets_target": total < 120,
        "baseline_cascade": {
            "what": "per-pair round-by-round cascade with citations, sampled in every year",
            "sampled_pairs": sampled,
            "extrapolated_seconds": round(cascade_est, 0),
        },
        "ratio_to_cascade": round(cascade_est / total, 1),
        "baseline_bare_bfs": {
            "what": "per-pair breadth-first search over sets, sampled in every year",
            "sampled_pairs": 4 * sampled,
            "extrapolated_seconds": round(bare_est, 1),
        },
        "ratio_to_bare_bfs": round(bare_est / total, 1),
        "sampled_pairs_equal_matrix": equal,
    }
    return {
        "data": {
            "what": "synthetic ATOP-shaped data (casus.network.synth), not real alliances",
            "seed": seed,
            "states": len(syn.states),
            "alliances": len(syn.data.alliances),
            "member_rows": len(syn.data.memberships),
            "generated_in_seconds": round(synth_seconds, 2),
        },
        "matrix_one_year": one_year,
        "matrix_every_year": all_years,
    }


if __name__ == "__main__":
    import json
    import sys

    json.dump(bench_network(), sys.stdout, indent=2)
    sys.stdout.write("\n")
