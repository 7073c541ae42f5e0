"""Every example file in docs/examples validates and evaluates as the docs say."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

import casus
from casus.schema.loader import check_references, load_file

EXAMPLES = sorted((Path(__file__).resolve().parents[1] / "docs" / "examples").glob("*.yaml"))
WORLD = casus.load_world()


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_example_validates_and_evaluates(path: Path) -> None:
    loaded = load_file(path)
    assert check_references([loaded], WORLD) == []
    if loaded.kind == "request":
        ev = casus.evaluate(WORLD, casus.from_request_file(loaded.model))
        assert ev.explanation.cites or ev.explanation.children


def test_request_example_1_as_documented() -> None:
    rf = load_file(EXAMPLES[0].parent / "request-kz-2022.yaml").model
    ev = casus.evaluate(WORLD, casus.from_request_file(rf), on=dt.date(2022, 1, 5))
    assert ev.entitled.value == "yes"
    assert ev.outcome["computed"] == "approved"
    old = casus.evaluate(WORLD, casus.from_request_file(rf), on=dt.date(2011, 6, 1))
    (art4,) = old.triggered
    assert art4.provision == "cst/art_4@1994-04-20"
    assert art4.value.value == "undetermined"
    assert sorted(art4.missing) == ["aggression_against_party", "attack_by_state_or_group"]


def test_request_example_2_as_documented() -> None:
    rf = load_file(EXAMPLES[0].parent / "request-armenia-2022.yaml").model
    ev = casus.evaluate(WORLD, casus.from_request_file(rf), reading="all")
    art4 = next(t for t in ev.triggered if t.eid == "art_4")
    assert "armed_attack_on_party" in art4.contested
    assert not art4.cited
    assert ev.outcome["computed"] == "undetermined"
    assert ev.vote is not None and set(ev.vote.missing) == {"BY", "KZ", "KG", "RU", "TJ"}
