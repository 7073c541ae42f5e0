"""Every built-in case replays, keeps the JSON contract, and explains itself with citations."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

import casus
from replay_contract import problems

# The checker that ships beside the project, where it is present; the project's own statement of
# the same contract (tests/replay_contract.py) is checked always.
SHARED_CONTRACT = Path(__file__).resolve().parents[2] / "shared" / "checks" / "replay-contract.py"
CITATION = re.compile(r"^[a-z0-9][a-z0-9._-]*/[A-Za-z0-9_]+(__[A-Za-z0-9_]+)*@\d{4}-\d{2}-\d{2}$")
WORLD = casus.load_world()


def _replay_json(case_id: str) -> dict:
    out = subprocess.run(
        [sys.executable, "-m", "casus", "replay", case_id, "--json"],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(out.stdout)


@pytest.mark.parametrize("case_id", sorted(WORLD.cases))
def test_replay_keeps_the_contract(case_id: str) -> None:
    doc = _replay_json(case_id)
    assert problems(doc) == []
    if SHARED_CONTRACT.exists():
        checked = subprocess.run(
            [sys.executable, str(SHARED_CONTRACT)],
            input=json.dumps(doc),
            capture_output=True,
            text=True,
        )
        assert checked.returncode == 0, checked.stdout
        assert checked.stdout.strip().endswith("ok")
    assert doc["case"] == case_id
    for request in doc["requests"]:
        ev = request["evaluation"]
        for trig in ev["triggered"]:
            assert CITATION.match(trig["provision"])


@pytest.mark.parametrize("case_id", sorted(WORLD.cases))
def test_every_explanation_step_cites_a_provision_or_sourced_claims(case_id: str) -> None:
    result = casus.replay(WORLD, case_id)
    claims = {c.id: c for c in WORLD.cases[case_id].claims}
    for ev in result.evaluations:
        for node in ev.explanation.walk():
            assert node.cites or node.children, node.statement
            for cite in node.cites:
                if cite.startswith("claim:"):
                    claim = claims[cite.removeprefix("claim:")]
                    assert claim.sources and all(s in WORLD.sources for s in claim.sources)
                elif cite.startswith("source:"):
                    assert cite.removeprefix("source:") in WORLD.sources
                else:
                    assert CITATION.match(cite), cite


@pytest.mark.parametrize("case_id", sorted(WORLD.cases))
def test_computed_outcome_agrees_with_the_record_or_says_why(case_id: str) -> None:
    for ev in casus.replay(WORLD, case_id).evaluations:
        if ev.outcome["recorded"] is not None and ev.outcome["agrees"] is not True:
            assert ev.outcome.get("difference"), ev.outcome


def test_kz_2022_replay_shows_what_the_case_is_about() -> None:
    doc = casus.replay(WORLD, "kz-2022").to_dict()
    (request,) = doc["requests"]
    assert request["date"] == "2022-01-05"
    assert request["requester"] == {
        "state": "KZ",
        "office": "head_of_state",
        "person": "Kassym-Jomart Tokayev",
    }
    assert "cst/art_4" in request["provisions_cited"]
    ev = request["evaluation"]
    assert ev["entitled"] == "yes"
    art4 = next(t for t in ev["triggered"] if t["provision"] == "cst/art_4@2012-12-19")
    assert art4["readings"] == {"requester": "yes", "independent": "no", "all": "contested"}
    assert ev["organ"]["id"] == "csc"
    assert ev["rule"]["rule"] == "consensus" and ev["rule"]["limited_format"] is True
    assert ev["outcome"]["computed"] == "approved"
    assert ev["outcome"]["recorded"] == "approved"
    assert ev["outcome"]["recorded_date"] == "2022-01-06"
    assert ev["outcome"]["announced_by"]["person"] == "Nikol Pashinyan"
    assert ev["outcome"]["agrees"] is True
    bound = {s["state"] for ob in ev["obligations"] for s in ob["states"] if s["value"] == "yes"}
    assert {"RU", "BY", "AM", "TJ", "KG"} <= bound


def test_kz_2022_force_keeps_every_figure_and_its_source() -> None:
    doc = casus.replay(WORLD, "kz-2022").to_dict()
    figures = [
        (g["contingent"], g["measure"], f["value"], f["by"])
        for g in doc["force"]["figures"]
        for f in g["figures"]
    ]
    values = {(c, m, v) for c, m, v, _ in figures}
    assert (None, "deployed_personnel", 2030) in values
    assert (None, "equipment", 250) in values
    assert (None, "planned_personnel", 2500) in values  # Zas: "about 2,500", "can be increased"
    assert (None, "deployed_personnel", 3600) in values  # the seed article's "3.6 thousand"
    assert (None, "standing_roster", 3600) in values  # the CSTO roster it matches
    assert any(c == "AM" and v == 100 for c, _, v in values)
    by = {v: b for c, m, v, b in figures if c is None and m == "deployed_personnel"}
    assert by[3600] == "seed-article"
    whole = next(
        g
        for g in doc["force"]["figures"]
        if g["contingent"] is None and g["measure"] == "deployed_personnel"
    )
    assert whole["conflict"] is True
    assert all(f["sources"] for g in doc["force"]["figures"] for f in g["figures"])


def test_kz_2022_mandate_and_release_estimate() -> None:
    doc = casus.replay(WORLD, "kz-2022").to_dict()
    mandate = doc["mandate"]
    names = " ".join(f["name"] for f in mandate["facilities"])
    assert "Almaty International Airport" in names
    assert all(
        set(f) >= {"name", "category", "contingents", "sources"} for f in mandate["facilities"]
    )
    released = mandate["host_personnel_released"]
    assert released["computed"] == sum(line["people"] for line in released["lines"])
    assert [r["value"] for r in released["reported"]] == [1600]
    assert mandate["planning_assumptions"], "the computation shows the assumptions behind it"
    assert doc["phases"][-1]["end"] == "2022-01-19"


def test_no_coordinates_anywhere_in_the_data() -> None:
    data = Path(casus.__file__).parent / "data"
    for path in data.rglob("*.yaml"):
        text = path.read_text(encoding="utf-8").lower()
        for word in ("latitude", "longitude", "coordinates:", "lat:", "lon:", "geometry"):
            assert word not in text, f"{path}: {word}"


def test_replay_on_another_date_and_reading_changes_the_rules() -> None:
    result = casus.replay(WORLD, "kz-2022", reading="independent")
    ev = result.evaluations[0]
    assert ev.reading == "independent"
    assert ev.outcome["computed"] != "approved"
    old = casus.replay(WORLD, "kz-2022", on=__import__("datetime").date(2010, 6, 1)).evaluations[0]
    assert any(t.provision == "cst/art_4@1994-04-20" for t in old.triggered)


def test_the_contract_checker_rejects_a_document_that_breaks_it() -> None:
    doc = _replay_json("kz-2022")
    assert problems(doc) == []
    broken = json.loads(json.dumps(doc))
    del broken["force"]
    broken["requests"][0]["evaluation"]["triggered"][0]["provision"] = "cst/art_4"
    broken["requests"][0]["evaluation"]["explanation"]["value"] = "maybe"
    found = problems(broken)
    assert "missing top-level 'force'" in found
    assert any("is not instrument/eid@YYYY-MM-DD" in p for p in found)
    assert any("value 'maybe'" in p for p in found)
