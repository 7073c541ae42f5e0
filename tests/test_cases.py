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
from casus.evaluation.engine import evaluate_frames
from casus.evaluation.invocation import Invocation
from casus.model.request import RequestFile

CASES_DIR = Path(__file__).parent / "cases"
ALLOWED_TEST_KEYS = {"name", "case", "request", "on", "reading", "positions", "frame", "expect"}
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
    inv, on, reading = _invocation(world, test), _on(test), test.get("reading")
    if "frame" in test:
        # The same request put to a frame of general international law (the consent rules),
        # whose answer has the shape of any evaluation: every expect key applies to it.
        frames = evaluate_frames(world, inv, on=on, reading=reading)
        assert test["frame"] in frames, f"not put to {test['frame']}: {sorted(frames)}"
        ev = frames[test["frame"]]
    else:
        ev = casus.evaluate(world, inv, on=on, reading=reading)
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


# --- The Kazakhstan case's record: what a reader of the replay must find in it --------------

KZ_SEED_PROPOSITIONS = {
    # the seed article's own claims, each with its status; the other side beside it where a
    # source for it was found
    "unrest_coordinated_by_foreign_special_services": None,
    "foreign_invasion": "no",
    "foreign_militants_among_attackers": "no",
    "deployment_lawful": "no",  # read by no rule: the conclusion stated, beside the frames
    "operation_only_option": "no",
}


def _kz_replay() -> dict[str, Any]:
    world = casus.load_world()
    return casus.replay(world, "kz-2022").to_dict()


def test_kz_default_reading_is_every_claim_and_the_evaluation_says_so() -> None:
    doc = _kz_replay()
    assert doc["default_reading"] == "all"
    evaluation = doc["requests"][0]["evaluation"]
    assert evaluation["reading"] == "all"


def test_kz_state_broadcasters_are_not_independent_media() -> None:
    doc = _kz_replay()
    kinds = {a["id"]: (a["kind"], a["state"]) for a in doc["actors"]}
    assert kinds["qazaqtv"] == ("government", "KZ")
    assert kinds["russian-tv"] == ("government", "RU")
    independent = next(r for r in doc["readings"] if r["id"] == "independent")
    assert "government" not in (independent["actor_kinds"] or [])


def test_kz_seed_article_claims_are_attributed_with_the_other_side() -> None:
    doc = _kz_replay()
    by_prop: dict[str, list[dict[str, Any]]] = {}
    for c in doc["claims"]:
        by_prop.setdefault(c["proposition"], []).append(c)
    for prop, other_side in KZ_SEED_PROPOSITIONS.items():
        claims = by_prop.get(prop, [])
        seed = [c for c in claims if c["by"] == "seed-article"]
        assert seed, f"no seed-article claim on {prop}"
        assert all(c["status"] in {"disputed", "unverified"} for c in seed), prop
        assert all(c["quote"] and c["sources"] for c in seed), prop
        if other_side:
            assert any(c["value"] == other_side and c["by"] != "seed-article" for c in claims), prop


def test_kz_critics_characterizations_are_claims_by_those_who_made_them() -> None:
    doc = _kz_replay()
    claims = {c["id"]: c for c in doc["claims"]}
    for prop in ("deployment_is_intervention", "deployment_is_occupation"):
        values = {c["value"] for c in claims.values() if c["proposition"] == prop}
        assert values == {"yes", "no"}, prop
    assert claims["ablyazov-occupation"]["by"] == "ablyazov"
    assert claims["ablyazov-occupation"]["status"] == "unverified"


def test_kz_death_toll_keeps_every_figure_with_its_source() -> None:
    doc = _kz_replay()
    sources = set(doc["sources"])
    figures: dict[str, set[str]] = {}
    for c in doc["claims"]:
        if c["proposition"].startswith("death_toll_"):
            assert c["sources"], c["id"]
            assert set(c["sources"]) <= sources, c["id"]
            figures.setdefault(c["proposition"], set()).add(c["by"])
    for n in (164, 225, 227, 230, 232, 238, 241):
        assert f"death_toll_{n}" in figures, n
    assert "fidh" in figures["death_toll_238"]
    assert "hrw" in figures["death_toll_232"]
    assert "ngo-coalition-2022-07" in figures["death_toll_241"]
    assert "death_toll_above_official_figures" in figures


def test_kz_independent_reporting_beyond_hrw_meduza_and_bne() -> None:
    doc = _kz_replay()
    by = {c["by"] for c in doc["claims"]}
    assert {"amnesty", "ohchr", "ap", "us-secretary-of-state"} <= by
    timeline_sources = {s for e in doc["timeline"] for s in e["sources"]}
    assert {
        "osce-pa-2022-01-06",
        "ena-2022-01-11-osce-chair",
        "europarl-2022-01-20-resolution",
    } <= (timeline_sources)
