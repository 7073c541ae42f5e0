"""The general-international-law frame for the collective deployments beside Kazakhstan's: the
GCC in Bahrain (2011) and ECOWAS in The Gambia (2017). The case-test format has no key for the
frame, so these expectations are here: the consent rule (ILC Art. 20) per reading, contested
where the sources are, and each disputed characterization attributed."""

from __future__ import annotations

from typing import Any

import pytest

import casus
from casus.evaluation.engine import evaluate_frames
from casus.model.request import RequestFile

WORLD = casus.load_world()
ART_20 = "ilc-arsiwa/art_20@1945-10-24"
FRAME = "general-international-law"


def _frame(case_id: str) -> dict[str, Any]:
    (request,) = casus.replay(WORLD, case_id).to_dict()["requests"]
    frame: dict[str, Any] = request["frames"][FRAME]
    return frame


def _consent(frame: dict[str, Any]) -> dict[str, str]:
    triggered = {t["provision"]: t for t in frame["evaluation"]["triggered"]}
    readings: dict[str, str] = triggered[ART_20]["readings"]
    return readings


# Per reading: the consent rule's value, and the frame's outcome (requester, other side or
# commission, independent, all).
FRAME_EXPECTED = {
    "bahrain-2011": (
        ("requester", "commission", "independent", "all"),
        ("yes", "yes", "undetermined", "contested"),
        ("permitted", "permitted", "undetermined", "contested"),
    ),
    "gambia-2017": (
        ("requester", "incumbent", "independent", "all"),
        ("undetermined", "no", "no", "contested"),
        ("undetermined", "undetermined", "undetermined", "undetermined"),
    ),
}


@pytest.mark.parametrize("case_id", sorted(FRAME_EXPECTED))
def test_consent_is_contested_only_where_the_sources_disagree(case_id: str) -> None:
    readings, consent, outcomes = FRAME_EXPECTED[case_id]
    frame = _frame(case_id)
    assert _consent(frame) == dict(zip(readings, consent, strict=True))
    outcome = frame["evaluation"]["outcome"]
    got = {k: v["computed"] for k, v in outcome["by_reading"].items()}
    assert got == dict(zip(readings, outcomes, strict=True))
    assert outcome["recorded"] is None


def test_gambia_scholars_conclusions_stand_beside_the_frame() -> None:
    stated = {(s["by"], s["value"]) for s in _frame("gambia-2017")["stated"]}
    assert {("helal", "no"), ("babatunde", "no")} <= stated


def test_gambia_request_by_government_has_each_side_with_its_source() -> None:
    doc = casus.replay(WORLD, "gambia-2017").to_dict()
    claims = [c for c in doc["claims"] if c["proposition"] == "request_by_government"]
    by_value: dict[str, set[str]] = {}
    for c in claims:
        assert c["sources"], c["id"]
        by_value.setdefault(c["value"], set()).add(c["by"])
    assert {"barrow", "uk-mission"} <= by_value["yes"]
    assert {"helal", "gm-national-assembly"} <= by_value["no"]
    kinds = {c["proposition"] for c in doc["claims"]}
    assert {"requester_internationally_recognised", "requester_in_effective_control"} <= kinds


def test_gambia_request_by_the_president_elect_before_the_oath_is_not_the_governments() -> None:
    rf = RequestFile.model_validate(
        {
            "kind": "request",
            "id": "gm-president-elect",
            "organization": "ecowas",
            "date": "2017-01-19",
            "requester": {"state": "GM", "office": "other", "person": "Adama Barrow"},
            "provisions_cited": ["ecowas-mechanism-protocol/art_25"],
        }
    )
    frames = evaluate_frames(WORLD, casus.from_request_file(rf))
    doc = frames[FRAME].to_dict()
    assert doc["entitled"] == "no"
    assert doc["outcome"]["computed"] != "permitted"


@pytest.mark.parametrize(
    ("case_id", "prop", "actor", "value"),
    [
        ("bahrain-2011", "deployment_is_occupation", "bh-opposition", "yes"),
        ("bahrain-2011", "deployment_is_occupation", "bh-government", "no"),
        ("bahrain-2011", "deployment_is_interference_in_internal_affairs", "ir-mfa", "yes"),
        ("bahrain-2011", "deployment_is_invasion", "us-government", "no"),
        ("gambia-2017", "resolution_2337_authorizes_force", "unsc", "no"),
    ],
)
def test_characterizations_are_claims_by_those_who_made_them(
    case_id: str, prop: str, actor: str, value: str
) -> None:
    doc = casus.replay(WORLD, case_id).to_dict()
    assert any(
        c["proposition"] == prop and c["by"] == actor and c["value"] == value for c in doc["claims"]
    )


@pytest.mark.parametrize(
    ("case_id", "figures"),
    [
        ("bahrain-2011", {1000, 500, 2000, 5000, 1500}),
        ("gambia-2017", {7000, 205, 200, 4000, 2500, 500}),
    ],
)
def test_force_figures_are_kept_per_source(case_id: str, figures: set[int]) -> None:
    doc = casus.replay(WORLD, case_id).to_dict()
    got = {
        f["value"]
        for group in doc["force"]["figures"]
        for f in group["figures"]
        if f["value"] is not None
    }
    assert figures <= got
