"""Counterfactuals: --set, --minimal against brute force, --grid against one-by-one evaluation."""

from __future__ import annotations

import itertools
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import casus
from casus.evaluation.invocation import Invocation
from casus.whatif.diff import succeeds
from casus.whatif.grid import grid
from casus.whatif.minimal import minimal_changes, with_changes
from casus.whatif.scenario import Change, apply, parse_change

ROOT = Path(__file__).resolve().parents[1]
WORLD = casus.load_world()
KZ = WORLD.cases["kz-2022"]
BASE = casus.from_case(KZ, KZ.requests[0])
MEMBERS = ["AM", "BY", "KG", "KZ", "RU", "TJ"]
PROPS = ["armed_attack_on_party", "internal_conflict", "situation_requires_peacekeeping"]


def brute_force(
    inv: Invocation, atoms: tuple[Change, ...], max_size: int
) -> set[frozenset[Change]]:
    """Every minimal set of atoms (one per variable) that turns the outcome, by full evaluation."""
    base = casus.evaluate(WORLD, inv)
    turning: list[frozenset[Change]] = []
    for size in range(1, max_size + 1):
        for combo in itertools.combinations(atoms, size):
            if len({c.variable for c in combo}) < size:
                continue
            w, i = apply(WORLD, inv, combo, inv.date)
            if succeeds(casus.evaluate(WORLD if w is WORLD else w, i)) != succeeds(base):
                turning.append(frozenset(combo))
    return {t for t in turning if not any(o < t for o in turning)}


def _minimal_sets(
    inv: Invocation, max_size: int
) -> tuple[set[frozenset[Change]], tuple[Change, ...]]:
    result = minimal_changes(WORLD, inv, max_size=max_size, include_dates=False)
    return {frozenset(s.changes) for s in result.solutions}, result.atoms


def test_kz_minimal_changes_under_the_requesters_reading_include_an_objection_and_the_internal_conflict_reading() -> (
    None
):
    result = minimal_changes(WORLD, BASE, reading="requester", max_size=2)
    sets = {tuple(str(c) for c in s.changes) for s in result.solutions}
    assert result.direction == "break"
    for m in MEMBERS:
        assert (f"position.{m}=object",) in sets
    assert any("proposition.internal_conflict=yes" in s for s in sets)
    for s in result.solutions:
        assert s.difference.to_dict()["turned"] is True
        assert s.evaluation.explanation.cites or s.evaluation.explanation.children


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    positions=st.fixed_dictionaries(
        {m: st.sampled_from(["support", "object", "abstain", "absent"]) for m in MEMBERS}
    ),
    props=st.fixed_dictionaries({p: st.sampled_from(["yes", "no"]) for p in PROPS}),
)
def test_minimal_agrees_with_brute_force(positions: dict[str, str], props: dict[str, str]) -> None:
    changes = [Change(f"position.{m}", v) for m, v in positions.items()]
    changes += [Change(f"proposition.{p}", v) for p, v in props.items()]
    world, inv = apply(WORLD, BASE, changes, BASE.date)
    assert world is WORLD
    found, atoms = _minimal_sets(inv, 2)
    assert found == brute_force(inv, atoms, 2)


def test_grid_agrees_with_one_by_one_evaluation() -> None:
    variables = [
        "position.AM",
        "position.RU",
        "proposition.internal_conflict",
        "proposition.situation_requires_peacekeeping",
    ]
    g = grid(WORLD, BASE, variables)
    assert g.combinations == 4 * 4 * 2 * 2 == len(g.rows)
    for row in g.records():
        changes = [Change(v, row[v]) for v in variables]
        w, i = apply(WORLD, BASE, changes, BASE.date)
        assert casus.evaluate(w, i).outcome["computed"] == row["outcome"], row


def test_grid_counts_positions_of_a_large_organ_by_the_voting_rule() -> None:
    # 32 members of a consensus organ: 4^32 position combinations, counted, not enumerated.
    from casus.model.organization import Member, MembershipEvent

    org = WORLD.organizations["csto"]
    extra = [
        Member(
            state=f"Q{chr(65 + i)}",
            name=f"Member {i}",
            events=[
                MembershipEvent(
                    date=KZ.requests[0].date.replace(year=2000),
                    status="member",
                    what="synthetic member for the test",
                    sources=list(org.sources[:1]),
                )
            ],
        )
        for i in range(26)
    ]
    big = org.model_copy(update={"members": [*org.members, *extra]})
    world = type(WORLD)(**{**WORLD.__dict__, "organizations": {**WORLD.organizations, "csto": big}})
    from casus.law.membership import members_on

    voters = [m.state for m in members_on(big, BASE.date) if m.status != "suspended"]
    assert len(voters) == 32
    g = grid(world, BASE, [f"position.{s}" for s in voters] + ["proposition.internal_conflict"])
    assert g.combinations == 4**32 * 2
    assert len(g.rows) < 20_000
    approved = sum(r[g.columns.index("combinations")] for r in g.rows if r[-1] == "approved")
    # Every member supports: one combination of positions, for either value of internal_conflict
    # (the Peacekeeping Agreement's casus does not read it, so the request stays grounded).
    assert approved == 2


def test_set_changes_the_outcome_and_says_where() -> None:
    d = with_changes(WORLD, BASE, [parse_change("position.AM=object")]).to_dict()
    assert d["outcome"] == {"before": "approved", "after": "refused"}
    assert d["turned"] is True
    assert any("objected by AM" in s["after"]["statement"] for s in d["explanation"])


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("position.AM", "expected VARIABLE=VALUE, found 'position.AM'"),
        (
            "position.AM=veto",
            "position.AM: expected one of support, object, abstain, absent, found 'veto'",
        ),
        (
            "weather.AM=rain",
            "expected a variable position.STATE, proposition.NAME, claim.ID.status, claim.ID.value or membership.STATE, found 'weather.AM'",
        ),
    ],
)
def test_bad_changes_are_rejected(text: str, message: str) -> None:
    with pytest.raises(casus.EvaluationError) as e:
        parse_change(text)
    assert str(e.value) == message


def test_cli_whatif_json_and_errors() -> None:
    env = {**os.environ, "COLUMNS": "200"}
    out = subprocess.run(
        [sys.executable, "-m", "casus", "whatif", "kz-2022", "--minimal", "--json"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
    )
    assert out.returncode == 0, out.stderr
    doc = json.loads(out.stdout)["minimal"]
    assert doc["baseline"] == "approved" and doc["solutions"]
    bad = subprocess.run(
        [sys.executable, "-m", "casus", "whatif", "kz-2022", "--set", "position.AM=veto"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
    )
    assert bad.returncode == 2
    assert (
        bad.stderr.strip()
        == "casus: position.AM: expected one of support, object, abstain, absent, found 'veto'"
    )
    csv = subprocess.run(
        [
            sys.executable,
            "-m",
            "casus",
            "whatif",
            "kz-2022",
            "--grid",
            "position.AM",
            "--grid",
            "proposition.internal_conflict",
            "--format",
            "csv",
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
    )
    assert csv.returncode == 0
    lines = csv.stdout.strip().splitlines()
    assert lines[0].startswith("proposition.internal_conflict,position.AM,combinations")
    assert len(lines) == 1 + 8


def test_a_misspelt_proposition_is_refused_with_the_nearest_names() -> None:
    from casus.evaluation.engine import EvaluationError

    with pytest.raises(EvaluationError, match="nearest: internal_conflict"):
        apply(WORLD, BASE, [parse_change("proposition.internal_conflct=yes")], BASE.date)
    # A proposition only a claim of the case speaks to is a proposition of this request.
    claimed = next(iter(KZ.claims)).proposition
    apply(WORLD, BASE, [parse_change(f"proposition.{claimed}=yes")], BASE.date)
