"""Benchmarks of `whatif`: grids and minimal changes, each against evaluating one at a time.

- grid_csto: the full CSTO grid of the Kazakhstan request — every position of the six members
  (4^6) crossed with five binary propositions (2^5): 131,072 combinations — against calling
  `evaluate` once per combination (timed on a sample and taken per combination), and against
  OpenFisca's vectorized cost per person at 1M persons (benchmarks/openfisca_baseline.py, in a
  virtual environment of its own, .venv-openfisca, made on first use).
- grid_32_members: a 32-member consensus organ (the CSTO's six members and 26 synthetic ones)
  crossed with five binary propositions: 4^32 * 2^5 combinations, analysed by the voting rule
  (positions counted, not enumerated).
- minimal_32_members: `--minimal` (up to two changes) on the same 32-member request.
"""

from __future__ import annotations

import json
import random
import statistics
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

import casus
from casus.law.membership import members_on
from casus.model.organization import Member, MembershipEvent
from casus.model.world import World
from casus.whatif.grid import grid
from casus.whatif.minimal import minimal_changes
from casus.whatif.scenario import POSITIONS, Change, apply

PROPS = [
    "armed_attack_on_party",
    "internal_conflict",
    "threat_to_security",
    "threat_to_sovereignty",
    "situation_requires_peacekeeping",
]


def _median(fn: Any, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def _big_world(world: World) -> World:
    org = world.organizations["csto"]
    extra = [
        Member(
            state=f"Q{chr(65 + i)}",
            name=f"Synthetic member {i}",
            events=[
                MembershipEvent(
                    date=org.members[0].events[0].date,
                    status="member",
                    what="synthetic member for the benchmark",
                    sources=list(org.sources[:1]),
                )
            ],
        )
        for i in range(26)
    ]
    big = org.model_copy(update={"members": [*org.members, *extra]})
    return replace(world, organizations={**world.organizations, "csto": big})


ROOT = Path(__file__).resolve().parents[1]
OPENFISCA_VENV = ROOT / ".venv-openfisca"


def openfisca_baseline() -> dict[str, Any]:
    """OpenFisca's cost per person at 1M persons, in a virtual environment of its own."""
    python = OPENFISCA_VENV / "bin" / "python"
    try:
        if not python.exists():
            subprocess.run(
                [sys.executable, "-m", "venv", str(OPENFISCA_VENV)],
                check=True,
                capture_output=True,
                timeout=120,
            )
            subprocess.run(
                [str(python), "-m", "pip", "install", "--quiet", "openfisca-core"],
                check=True,
                capture_output=True,
                timeout=600,
            )
        out = subprocess.run(
            [str(python), str(ROOT / "benchmarks" / "openfisca_baseline.py")],
            check=True,
            capture_output=True,
            text=True,
            timeout=600,
        )
    except (OSError, subprocess.SubprocessError) as e:
        return {"not_measured": f"openfisca-core could not be installed or run: {e}"}
    result: dict[str, Any] = json.loads(out.stdout)
    return result


def bench_whatif(repeat: int = 3, sample: int = 200) -> dict[str, Any]:
    world = casus.load_world()
    case = world.cases["kz-2022"]
    inv = casus.from_case(case, case.requests[0])
    members = ["AM", "BY", "KG", "KZ", "RU", "TJ"]
    variables = [f"position.{m}" for m in members] + [f"proposition.{p}" for p in PROPS]

    grid_seconds = _median(lambda: grid(world, inv, variables), repeat)
    combos = 4**6 * 2**5
    # The case's default reading (every claim) and the requester's, whose claims disagree less:
    # the grid's cost depends on how many casus values the reading leaves open.
    by_reading = {
        r.id: round(
            _median(lambda r=r: grid(world, replace(inv, default_reading=r.id), variables), repeat),
            4,
        )
        for r in inv.readings
    }

    # Baseline: evaluate one combination at a time, on a random sample of combinations.
    rng = random.Random(7)
    samples = [
        [Change(f"position.{m}", rng.choice(POSITIONS)) for m in members]
        + [Change(f"proposition.{p}", rng.choice(["yes", "no"])) for p in PROPS]
        for _ in range(sample)
    ]
    prepared = [apply(world, inv, s, inv.date) for s in samples]

    def one_by_one() -> None:
        for w, i in prepared:
            casus.evaluate(w, i)

    per_eval = _median(one_by_one, repeat) / sample
    per_combo = grid_seconds / combos
    openfisca = openfisca_baseline()

    def ratio(of: dict[str, Any], key: str) -> float | None:
        return round(per_combo * 1e9 / of[key], 1) if key in of else None

    big = _big_world(world)
    voters = [
        m.state for m in members_on(big.organizations["csto"], inv.date) if m.status != "suspended"
    ]
    # The synthetic members support, as the six did: the request is approved, and --minimal
    # looks for what would have turned it.
    inv = replace(inv, positions={**dict.fromkeys(voters, "support"), **inv.positions})
    big_vars = [f"position.{s}" for s in voters] + [f"proposition.{p}" for p in PROPS]
    big_seconds = _median(lambda: grid(big, inv, big_vars), repeat)
    big_grid = grid(big, inv, big_vars)
    minimal_seconds = _median(lambda: minimal_changes(big, inv, max_size=2), repeat)
    minimal = minimal_changes(big, inv, max_size=2)
    return {
        "grid_csto": {
            "combinations": combos,
            "reading": inv.default_reading,
            "median_seconds": round(grid_seconds, 4),
            "median_seconds_by_reading": by_reading,
            "target_seconds": 0.1,
            "meets_target": grid_seconds <= 0.1,
            "per_combination_microseconds": round(per_combo * 1e6, 3),
            "baseline": f"evaluate() once per combination, median over a sample of {sample}",
            "baseline_per_combination_microseconds": round(per_eval * 1e6, 1),
            "speedup_per_combination": round(per_eval / per_combo, 1),
            "target_speedup": 20,
            "openfisca": openfisca,
            "ratio_to_openfisca_calculate": ratio(openfisca, "calculate_nanoseconds_per_person"),
            "ratio_to_openfisca_with_setup": ratio(openfisca, "with_setup_nanoseconds_per_person"),
        },
        "grid_32_members": {
            "members": len(voters),
            "combinations": big_grid.combinations,
            "rows": len(big_grid.rows),
            "median_seconds": round(big_seconds, 4),
            "target_seconds": 0.5,
            "meets_target": big_seconds < 0.5,
            "baseline_per_combination_microseconds": round(per_eval * 1e6, 1),
            "speedup_per_combination": f"{per_eval / (big_seconds / big_grid.combinations):.3g}",
        },
        "minimal_32_members": {
            "members": len(voters),
            "max_size": 2,
            "solutions": len(minimal.solutions),
            "candidates": minimal.candidates,
            "combinations_evaluated": minimal.evaluated,
            "median_seconds": round(minimal_seconds, 4),
            "target_seconds": 1.0,
            "meets_target": minimal_seconds < 1.0,
            "baseline": "one evaluate() per combination tried",
            "baseline_estimate_seconds": round(minimal.evaluated * per_eval, 3),
        },
    }


if __name__ == "__main__":
    json.dump(bench_whatif(), sys.stdout, indent=2)
    sys.stdout.write("\n")
