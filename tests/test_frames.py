"""General international law beside the treaty: the consent frame, put to the same engine."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import casus
from casus.evaluation.engine import Outcome, evaluate_frames, seeks_force
from casus.evaluation.invocation import from_request_file
from casus.evaluation.question import compile_question
from casus.model.request import RequestFile
from casus.schema.loader import check_model

WORLD = casus.load_world()
GIL = "general-international-law"
ART_20 = "ilc-arsiwa/art_20@1945-10-24"


def _kz_frame() -> Any:
    kz = WORLD.cases["kz-2022"]
    return evaluate_frames(WORLD, casus.from_case(kz, kz.requests[0]))[GIL]


def _request(**grounds: str) -> Any:
    doc: dict[str, Any] = {
        "kind": "request",
        "id": "t",
        "title": "a request for a force",
        "organization": "csto",
        "date": "2022-01-05",
        "requester": {"state": "KZ", "office": "head_of_state", "person": "the President"},
        "provisions_cited": ["csto-peacekeeping-agreement/art_3"],
        "grounds": {"propositions": {"official_request_for_peacekeeping": "yes", **grounds}},
    }
    return from_request_file(RequestFile.model_validate(doc))


def test_kazakhstan_under_general_international_law_is_contested_where_the_sources_are() -> None:
    ev = _kz_frame()
    by_reading = {r: v["computed"] for r, v in ev.outcome["by_reading"].items()}
    # The government's account: an armed attack from abroad (Art. 51); the independent record:
    # no external origin, and the purpose of the force disputed (quashing protest or not).
    assert by_reading == {"requester": "permitted", "independent": "contested", "all": "contested"}
    art_20 = next(t for t in ev.in_force if t.provision == ART_20)
    assert art_20.by_reading["independent"] is casus.Value.CONTESTED
    assert "assistance_quashes_nonviolent_protest" in art_20.contested or (
        art_20.by_reading["all"] is casus.Value.CONTESTED
    )
    cites = {c for n in ev.explanation.walk() for c in n.cites}
    assert {
        ART_20,
        "source:jufil-2023-quashing-protests",
        "claim:rudn-restored-constitutional-order",
    } <= cites
    assert ev.organ is None and ev.vote is None and ev.outcome["recorded"] is None


def test_the_seed_articles_legitimate_is_its_claim_beside_the_one_that_disputes_it() -> None:
    doc = casus.replay(WORLD, "kz-2022").to_dict()
    stated = {c["by"]: c["value"] for c in doc["requests"][0]["frames"][GIL]["stated"]}
    assert stated == {"seed-article": "yes", "jufil-authors": "no"}
    # The computed answer does not read it: no rule reads deployment_lawful.
    ev = _kz_frame()
    assert not any("deployment_lawful" in n.statement for n in ev.explanation.walk())


def test_presumed_defeaters_are_shown_and_a_claim_replaces_them() -> None:
    inv = _request(request_by_government="yes", consent_given_before_deployment="yes")
    ev = evaluate_frames(WORLD, inv)[GIL]
    assert ev.outcome["computed"] == Outcome.PERMITTED
    presumed = [
        n for n in ev.explanation.walk() if ", presumed: no claim speaks to it" in n.statement
    ]
    assert any(n.statement.startswith("consent_vitiated: no, presumed") for n in presumed)
    assert all(
        c.startswith((ART_20, "un-charter/art_51@", "source:")) for n in presumed for c in n.cites
    )
    assert any(a.id == "presumed-consent-vitiated" for a in ev.assumptions)
    vitiated = _request(
        request_by_government="yes", consent_given_before_deployment="yes", consent_vitiated="yes"
    )
    ev = evaluate_frames(WORLD, vitiated)[GIL]
    art_20 = next(t for t in ev.in_force if t.provision == ART_20)
    assert art_20.value is casus.Value.NO


def test_only_a_request_for_a_force_is_put_to_the_frame() -> None:
    nato = next(
        c for c in WORLD.cases.values() if c.organization == "nato" and "art_4" in str(c.requests)
    )
    consult = nato.requests[0]
    inv = casus.from_case(nato, consult)
    assert all(
        p.consequence == "consultation" for p in compile_question(WORLD, inv, inv.date).provisions
    )
    assert not seeks_force(WORLD, inv)
    assert evaluate_frames(WORLD, inv) == {}
    assert seeks_force(WORLD, _request())


def test_the_frame_uses_the_engine_and_not_the_treatys_record() -> None:
    kz = WORLD.cases["kz-2022"]
    inv = casus.from_case(kz, kz.requests[0])
    bare = replace(inv, provisions_cited=(), recorded=None, positions={}, position_sources={})
    direct = compile_question(WORLD, bare, inv.date, GIL).run(bare)
    assert direct.to_dict() == _kz_frame().to_dict()


def test_a_frame_instrument_with_an_organization_or_an_organ_is_refused() -> None:
    inst = WORLD.instruments["ilc-arsiwa"]
    prov = inst.provisions[0]
    version = prov.versions[0]
    assert version.casus is not None
    bad_casus = version.casus.model_copy(update={"decided_by": "csc"})
    bad = inst.model_copy(
        update={
            "organization": "csto",
            "provisions": [
                prov.model_copy(
                    update={"versions": [version.model_copy(update={"casus": bad_casus})]}
                )
            ],
        }
    )
    messages = [m for _, m in check_model(bad)]
    assert any("expected no organization" in m for m in messages)
    assert any("expected no deciding organ" in m for m in messages)
