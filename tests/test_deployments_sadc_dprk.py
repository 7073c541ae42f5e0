"""SADC in Lesotho (1998) and Mozambique (2021), and DPRK troops in Kursk under the Russia-DPRK
Treaty (2024): the answers under general international law (the consent frame) beside the
treaty's, which tests/cases/deployments-sadc-dprk.yaml checks.

A request is put to the frame only when a treaty provision in force on the date sends a force
(`seeks_force`). Lesotho 1998 and Russia's statement of 24 Oct 2024 find none in force, so their
replays carry no frame; the frame's answer for them is computed here directly, by the same
engine, to show what the attributed claims give.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

import casus
from casus.evaluation.engine import evaluate_frames, seeks_force
from casus.evaluation.invocation import Invocation
from casus.evaluation.question import question
from casus.model.request import RequestFile

FRAME = "general-international-law"
ART_20 = "ilc-arsiwa/art_20@1945-10-24"
ART_51 = "un-charter/art_51@1945-10-24"


@pytest.fixture(scope="module")
def world() -> casus.World:
    return casus.load_world()


def _inv(world: casus.World, case: str, request: str | None = None) -> Invocation:
    c = world.cases[case]
    r = next(x for x in c.requests if request in (None, x.id))
    return casus.from_case(c, r)


def _frame(world: casus.World, inv: Invocation) -> dict[str, Any]:
    """The frame's evaluation, as evaluate_frames computes it, whether or not the treaty has a
    provision in force on the date."""
    bare = replace(inv, provisions_cited=(), recorded=None, positions={}, position_sources={})
    return question(world, bare, None, FRAME).run(bare, None).to_dict()


def _readings(doc: dict[str, Any]) -> dict[str, dict[str, str]]:
    return {t["provision"]: t["readings"] for t in doc["triggered"]}


def _by_reading(doc: dict[str, Any]) -> dict[str, str]:
    return {k: v["computed"] for k, v in doc["outcome"]["by_reading"].items()}


def _replay_request(world: casus.World, case: str, request: str) -> dict[str, Any]:
    doc = casus.replay(world, case).to_dict()
    return next(r for r in doc["requests"] if r["id"] == request)


# --- Lesotho 1998 -----------------------------------------------------------------------------


def test_lesotho_no_treaty_provision_in_force_yet_the_frame_applies(
    world: casus.World,
) -> None:
    # A request for a force made before its treaty applies is still one: general
    # international law answers it beside the treaty's gap.
    inv = _inv(world, "lesotho-1998")
    assert seeks_force(world, inv)
    assert set(evaluate_frames(world, inv)) == {FRAME}
    request = _replay_request(world, "lesotho-1998", "ls-1998-09-22")
    assert set(request["frames"]) == {FRAME}
    outcome = request["evaluation"]["outcome"]
    assert outcome["computed"] == "no_provision_in_force"
    nearest = {n["provision"]: n["in_force_from"] for n in outcome["nearest_in_force"]}
    assert nearest == {
        "sadc-protocol-2001/art_11__para_3__d": "2004-03-02",
        "sadc-mutual-defence-pact/art_6": "2008-01-01",
    }


def test_lesotho_consent_is_contested_by_the_opposition(world: casus.World) -> None:
    doc = _frame(world, _inv(world, "lesotho-1998"))
    assert _readings(doc)[ART_20] == {
        "intervening": "undetermined",
        "independent": "yes",
        "all": "contested",
    }
    art_20 = next(t for t in doc["triggered"] if t["provision"] == ART_20)
    assert art_20["contested"] == ["request_by_government"]
    assert _by_reading(doc) == {
        "intervening": "undetermined",
        "independent": "permitted",
        "all": "undetermined",
    }
    # No claim says the forces went beyond the consent: the frame presumes they did not, and
    # says so among its assumptions.
    shown = {a["id"] for a in doc["assumptions"]}
    assert "presumed-conduct-beyond-consent" in shown


def test_lesotho_stated_conclusions_are_each_sides_claims(world: casus.World) -> None:
    claims = world.cases["lesotho-1998"].claims
    stated = {(c.by, c.value) for c in claims if c.proposition == "deployment_lawful"}
    assert stated == {("za-government", "yes"), ("likoti", "no")}
    sadc = {(c.by, c.value) for c in claims if c.proposition == "sadc_authorized_operation"}
    assert sadc == {("za-government", "yes"), ("likoti", "no")}
    assert all(c.status == "disputed" for c in claims if c.proposition == "deployment_lawful")


# --- SAMIM 2021 -------------------------------------------------------------------------------


def test_samim_frame_permits_on_the_invitation(world: casus.World) -> None:
    request = _replay_request(world, "mozambique-samim-2021", "mz-2021-06-23")
    frame = request["frames"][FRAME]["evaluation"]
    assert _by_reading(frame) == {
        "requester": "undetermined",
        "independent": "permitted",
        "all": "permitted",
    }
    assert _readings(frame)[ART_51]["all"] == "undetermined"
    # the treaty: Art. 6 undetermined, the Summit's approval recorded beside it
    outcome = request["evaluation"]["outcome"]
    assert outcome["computed"] == "undetermined"
    assert outcome["recorded"] == "approved"


def test_samim_troops_staying_on_is_reported_but_no_withdrawal_of_consent(
    world: casus.World,
) -> None:
    """South Africa kept troops after SAMIM ended (AIM); no source says Mozambique withdrew its
    consent, so the frame presumes it was not withdrawn and shows the presumption."""
    claims = world.cases["mozambique-samim-2021"].claims
    assert any(c.proposition == "south_african_troops_stayed_after_samim" for c in claims)
    assert not any(c.proposition == "consent_withdrawn_forces_stayed" for c in claims)
    doc = _frame(world, _inv(world, "mozambique-samim-2021"))
    presumed = {a["id"]: a["label"] for a in doc["assumptions"]}
    assert presumed["presumed-consent-withdrawn-forces-stayed"] == "INTERPRETATION"


DEFEATERS = [
    # No source in the notes says the Lesotho force went beyond Mosisili's request (Art. 20;
    # the Definition of Aggression, Art. 3(e)).
    pytest.param(
        "ls-beyond-consent",
        "1998-09-22",
        {"state": "LS", "office": "head_of_government", "person": "Pakalitha Mosisili"},
        {"conduct_beyond_consent": "yes"},
        "source:gil-unga-3314",
        id="tasks beyond the terms of consent (Lesotho)",
    ),
    # No source says Mozambique withdrew its consent while troops stayed (ICJ, Armed Activities).
    pytest.param(
        "mz-consent-withdrawn",
        "2024-08-01",
        {"state": "MZ", "office": "head_of_state", "person": "Filipe Nyusi"},
        {"consent_withdrawn_forces_stayed": "yes"},
        "source:gil-icj-armed-activities-2005",
        id="consent withdrawn, then forces stayed (Mozambique)",
    ),
]


@pytest.mark.parametrize(("rid", "date", "requester", "defeater", "cite"), DEFEATERS)
def test_a_stipulated_defeater_ends_the_lawful_basis_of_consent(
    world: casus.World,
    rid: str,
    date: str,
    requester: dict[str, str],
    defeater: dict[str, str],
    cite: str,
) -> None:
    """Had a claim said so (stipulated here), Art. 20 would give no lawful basis."""
    doc = _frame(world, _stipulated(rid, date, requester, defeater))
    assert _readings(doc)[ART_20]["all"] == "no"
    cited = {c for n in _walk(doc["explanation"]) for c in n["cites"]}
    assert cite in cited


# --- Kursk 2024-2025 --------------------------------------------------------------------------


def test_kursk_before_entry_into_force_is_put_to_the_frame(world: casus.World) -> None:
    inv = _inv(world, "kursk-2024", "ru-2024-10-24")
    assert seeks_force(world, inv)
    request = _replay_request(world, "kursk-2024", "ru-2024-10-24")
    assert set(request["frames"]) == {FRAME}
    outcome = request["evaluation"]["outcome"]
    assert outcome["computed"] == "no_provision_in_force"
    assert outcome["nearest_in_force"] == [
        {
            "provision": "ru-dprk-treaty-2024/art_4",
            "in_force_until": None,
            "in_force_from": "2024-12-04",
        }
    ]
    assert outcome["agrees"] is False


def test_kursk_frame_consent_open_self_defence_on_the_parties_claims(world: casus.World) -> None:
    request = _replay_request(world, "kursk-2024", "ru-2025-04-28")
    frame = request["frames"][FRAME]
    ev = frame["evaluation"]
    assert _readings(ev)[ART_20]["all"] == "undetermined"
    art_20 = next(t for t in ev["triggered"] if t["provision"] == ART_20)
    assert art_20["missing"] == ["consent_given_before_deployment"]
    assert art_20["contested"] == ["conduct_conflicts_with_peremptory_norm"]
    # Self-defence on the Parties' claims; barred where the claim that Russia's own war is an
    # aggression counts (the exception aggressor-requester); contested under every claim.
    assert _readings(ev)[ART_51] == {
        "parties": "yes",
        "others": "undetermined",
        "independent": "no",
        "all": "contested",
    }
    stated = {(c["by"], c["value"]) for c in frame["stated"]}
    assert stated == {
        ("ru-president", "yes"),
        ("kp-cmc", "yes"),
        ("ejiltalk-2024", "no"),
        ("kr-mofa", "no"),
        ("nato-sg", "no"),
    }


def test_kursk_self_defence_question_is_a_claim_pair(world: casus.World) -> None:
    claims = world.cases["kursk-2024"].claims
    pair = {
        (c.by, c.value) for c in claims if c.proposition == "self_defence_available_to_requester"
    }
    assert ("ru-president", "yes") in pair and ("jurist-experts", "no") in pair


def test_kursk_troop_figures_are_kept_apart(world: casus.World) -> None:
    force = world.cases["kursk-2024"].force
    assert force is not None
    values = {f.value for f in force.figures if f.measure == "deployed_personnel" and f.value}
    assert {1500, 3000, 10000, 11000, 12000, 15000} <= values


def _walk(node: dict[str, Any]) -> list[dict[str, Any]]:
    out = [node]
    for child in node.get("children", []):
        out.extend(_walk(child))
    return out


def _stipulated(
    rid: str, date: str, requester: dict[str, str], defeater: dict[str, str]
) -> Invocation:
    """A request to SADC with consent stipulated as given before the deployment, and one
    defeater of it stipulated too (no source in the notes supports it)."""
    grounds = {"request_by_government": "yes", "consent_given_before_deployment": "yes"}
    return casus.from_request_file(
        RequestFile.model_validate(
            {
                "kind": "request",
                "id": rid,
                "organization": "sadc",
                "date": date,
                "requester": requester,
                "grounds": {"propositions": {**grounds, **defeater}},
            }
        )
    )
