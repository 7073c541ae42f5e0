"""Runs the YAML case tests in tests/cases/: a request (of a built-in case, or written inline),
a date, a reading, and what the engine must answer, with key citations.

The format is meant to be read by someone who knows the treaty and not Python; see
tests/cases/README.md.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

import casus
from casus.evaluation.invocation import Invocation
from casus.model.request import RequestFile

CASES_DIR = Path(__file__).parent / "cases"
ALLOWED_TEST_KEYS = {"name", "case", "request", "on", "reading", "positions", "expect"}
ALLOWED_EXPECT_KEYS = {
    "entitled",
    "triggered",
    "not_in_force",
    "organ",
    "rule",
    "limited_format",
    "vote",
    "outcome",
    "outcome_value",
    "agrees",
    "missing",
    "binds",
    "cites",
    "by_reading",
    "bound",
    "assumptions",
}


def _collect() -> list[Any]:
    params = []
    for path in sorted(CASES_DIR.glob("*.yaml")):
        doc = YAML(typ="safe").load(path.read_text(encoding="utf-8"))
        for i, test in enumerate(doc["tests"]):
            params.append(pytest.param(test, id=f"{path.stem}[{i}] {test['name']}"))
    return params


@pytest.fixture(scope="module")
def world() -> casus.World:
    return casus.load_world()


def _invocation(world: casus.World, test: dict[str, Any]) -> Invocation:
    if "case" in test:
        case = world.cases[test["case"]]
        request_id = test.get("request")
        request = next(r for r in case.requests if request_id in (None, r.id))
        inv = casus.from_case(case, request)
    else:
        inv = casus.from_request_file(
            RequestFile.model_validate({"kind": "request", **test["request"]})
        )
    if "positions" in test:
        inv = replace(inv, positions={**inv.positions, **test["positions"]})
    return inv


def _on(test: dict[str, Any]) -> dt.date | None:
    on = test.get("on")
    return dt.date.fromisoformat(str(on)) if on is not None else None


@pytest.mark.parametrize("test", _collect())
def test_case(world: casus.World, test: dict[str, Any]) -> None:
    assert set(test) <= ALLOWED_TEST_KEYS, f"unknown keys: {set(test) - ALLOWED_TEST_KEYS}"
    expect = test["expect"]
    assert set(expect) <= ALLOWED_EXPECT_KEYS, (
        f"unknown expect keys: {set(expect) - ALLOWED_EXPECT_KEYS}"
    )
    ev = casus.evaluate(world, _invocation(world, test), on=_on(test), reading=test.get("reading"))
    doc = ev.to_dict()

    if "entitled" in expect:
        assert doc["entitled"] == expect["entitled"]
    if "triggered" in expect:
        got = {t["provision"]: t for t in doc["triggered"]}
        for cite, want in expect["triggered"].items():
            assert cite in got, f"{cite} not among {sorted(got)}"
            if isinstance(want, dict):
                assert got[cite]["readings"] == {**got[cite]["readings"], **want}, got[cite][
                    "readings"
                ]
            else:
                assert got[cite]["value"] == want
    if "not_in_force" in expect:
        assert sorted(n["provision"] for n in doc["not_in_force"]) == sorted(expect["not_in_force"])
    if "organ" in expect:
        assert (doc["organ"] or {}).get("id") == expect["organ"]
    if "rule" in expect:
        assert (doc["rule"] or {}).get("rule") == expect["rule"]
    if "limited_format" in expect:
        assert (doc["rule"] or {}).get("limited_format") == expect["limited_format"]
    if "vote" in expect:
        assert (doc["vote"] or {}).get("outcome") == expect["vote"]
    if "binds" in expect:
        assert sorted((doc["vote"] or {}).get("binds", [])) == sorted(expect["binds"])
    if "outcome" in expect:
        assert doc["outcome"]["computed"] == expect["outcome"]
    if "outcome_value" in expect:
        assert doc["outcome"]["value"] == expect["outcome_value"]
    if "by_reading" in expect:
        got = {k: v["computed"] for k, v in doc["outcome"]["by_reading"].items()}
        assert got == {
            **got,
            **expect["by_reading"],
        }
    if "agrees" in expect:
        assert doc["outcome"]["agrees"] is expect["agrees"]
    if "missing" in expect:
        missing = sorted({m for t in doc["triggered"] for m in t["missing"]})
        assert missing == sorted(expect["missing"])
    if "bound" in expect:
        # For each state: whether it is bound by the first "must" obligation that names it.
        for state, want in expect["bound"].items():
            values = [
                s["value"]
                for ob in doc["obligations"]
                if ob["modality"] == "must"
                for s in ob["states"]
                if s["state"] == state
            ]
            assert values, f"no obligation names {state}"
            assert values[0] == want, (state, values)
    if "assumptions" in expect:
        # Each assumption the result must show, by id, with its label.
        shown = {a["id"]: a["label"] for a in doc["assumptions"]}
        for aid, label in expect["assumptions"].items():
            assert aid in shown, f"assumption {aid} is not shown; shown: {sorted(shown)}"
            assert shown[aid] == label, (aid, shown[aid])
    if "cites" in expect:
        cited = {c for n in ev.explanation.walk() for c in n.cites}
        for c in expect["cites"]:
            assert c in cited, f"{c} is not cited in the explanation"
