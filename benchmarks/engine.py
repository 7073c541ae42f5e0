"""Benchmarks of the engine: one evaluation of the Kazakhstan request, against a hand-written check.

- evaluate_kz_request: one `casus.evaluate` of the request of 5 January 2022 with its full
  explanation tree (the question compiled once and reused, as every later call reuses it), and
  separately the first call (compiling the question) and the stages without explanation
  (`Question.outcome`, what grids and searches call).
- The baseline, measured in the same run: a hand-written check of 20 rules over a dict of
  facts, each appending a flat cited line (statement, value, citation) — the least a cited
  answer can cost in plain Python.
- by_members: the same request in a synthetic organization of 6, 100 and 300 members (all
  supporting), to show how the cost grows with the number of members.
"""

from __future__ import annotations

import statistics
import timeit
from dataclasses import replace
from typing import Any

import casus
from casus.evaluation.question import compile_question, question
from casus.model.organization import Member, MembershipEvent
from casus.model.world import World

TARGET_MICROSECONDS = 25

# 20 rules: (proposition read, statement, citation).
_RULES = tuple(
    (f"p{i}", f"rule {i}: the condition of article {i} holds", f"instrument/art_{i}@2000-01-01")
    for i in range(20)
)


def hand_written_check(facts: dict[str, bool]) -> dict[str, Any]:
    """The baseline: 20 rules over plain facts, each explained by one flat cited line."""
    lines: list[dict[str, Any]] = []
    ok = True
    for prop, statement, cite in _RULES:
        value = facts.get(prop, False)
        word = "yes" if value else "no"
        lines.append({"statement": f"{statement}: {word}", "value": word, "cites": [cite]})
        ok = ok and value
    return {"outcome": "approved" if ok else "refused", "explanation": lines}


def _per_call(stmt: Any, number: int, repeat: int) -> float:
    return statistics.median(timeit.repeat(stmt, number=number, repeat=repeat)) / number


def _with_members(world: World, n: int) -> World:
    """The CSTO with synthetic members added up to `n`, each a member since its founding."""
    org = world.organizations["csto"]
    start = org.members[0].events[0].date
    taken = {m.state for m in org.members}
    codes = (f"{chr(65 + i // 26)}{chr(65 + i % 26)}" for i in range(26 * 26))
    free = [c for c in codes if c not in taken][: max(0, n - len(org.members))]
    extra = [
        Member(
            state=code,
            name=f"Synthetic member {code}",
            events=[
                MembershipEvent(
                    date=start,
                    status="member",
                    what="synthetic member for the benchmark",
                    sources=list(org.sources[:1]),
                )
            ],
        )
        for code in free
    ]
    big = org.model_copy(update={"members": [*org.members, *extra]})
    return replace(world, organizations={**world.organizations, "csto": big})


def bench_engine(repeat: int = 15) -> dict[str, Any]:
    world = casus.load_world()
    case = world.cases["kz-2022"]
    inv = casus.from_case(case, case.requests[0])
    evaluation = casus.evaluate(world, inv)
    nodes = len(evaluation.explanation.walk())
    facts = {f"p{i}": True for i in range(20)}
    number = 2000

    per_eval = _per_call(lambda: casus.evaluate(world, inv), number, repeat)
    per_base = _per_call(lambda: hand_written_check(facts), number, repeat)
    per_compile = _per_call(lambda: compile_question(world, inv, inv.date), 200, repeat)
    q = question(world, inv)
    values = inv.reading(inv.default_reading).values
    per_stages = _per_call(lambda: q.outcome(values, inv.positions), number, repeat)

    by_members: dict[str, Any] = {}
    for n in (6, 100, 300):
        w = _with_members(world, n) if n > 6 else world
        voters = question(w, inv).voters
        i = replace(inv, positions={**dict.fromkeys(voters, "support"), **inv.positions})
        casus.evaluate(w, i)
        by_members[str(n)] = {
            "members": len(voters),
            "median_microseconds": round(
                _per_call(lambda w=w, i=i: casus.evaluate(w, i), 300, 7) * 1e6, 1
            ),
        }
    small, large = by_members["6"], by_members["300"]
    growth = large["median_microseconds"] / small["median_microseconds"]
    member_ratio = large["members"] / small["members"]
    return {
        "evaluate_kz_request": {
            "median_microseconds": round(per_eval * 1e6, 2),
            "explanation_nodes": nodes,
            "baseline": "a hand-written check of 20 rules with a flat cited explanation",
            "baseline_median_microseconds": round(per_base * 1e6, 2),
            "ratio_to_baseline": round(per_eval / per_base, 2),
            "target_microseconds": TARGET_MICROSECONDS,
            "meets_target": per_eval * 1e6 <= TARGET_MICROSECONDS,
            "first_call_compiling_the_question_microseconds": round(
                (per_compile + per_eval) * 1e6, 1
            ),
            "stages_without_explanation_microseconds": round(per_stages * 1e6, 2),
            "stages_ratio_to_baseline": round(per_stages / per_base, 2),
            "calls_per_run": number,
            "runs": repeat,
        },
        "by_members": {
            **by_members,
            "cost_ratio_300_to_6": round(growth, 2),
            "member_ratio_300_to_6": round(member_ratio, 2),
            "at_most_linear": growth <= member_ratio,
        },
    }


if __name__ == "__main__":
    import json
    import sys

    json.dump(bench_engine(), sys.stdout, indent=2)
    sys.stdout.write("\n")
