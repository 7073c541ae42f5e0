"""A request names its place by gazetteer id or writes it inline (by name, with the state it
belongs to and the areas it lies in); who holds a place is dated (HeldBy reads the holding in
force on the date); and bad places are refused by `casus validate` with file:line and the
nearest names."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

import casus
from casus.evaluation.engine import EvaluationError
from casus.model.common import Value
from casus.model.places import Holding, InlinePlace, held_by, in_areas
from casus.model.request import RequestFile
from casus.model.rules import HeldBy, Situation, compile_expr

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def world() -> casus.World:
    return casus.load_world()


def _request(**extra: Any) -> dict[str, Any]:
    return {
        "kind": "request",
        "id": "tst-place-request",
        "organization": "us-japan",
        "date": "2024-06-01",
        "requester": {"state": "JP", "office": "head_of_government", "person": "(hypothetical)"},
        "provisions_cited": ["us-japan-1960/art_5"],
        "grounds": {"propositions": {"armed_attack_on_party": "yes"}},
        **extra,
    }


def _evaluate(world: casus.World, on: str | None = None, **extra: Any) -> casus.Evaluation:
    inv = casus.from_request_file(RequestFile.model_validate(_request(**extra)))
    return casus.evaluate(world, inv, on=dt.date.fromisoformat(on) if on else None)


def _statements(ev: casus.Evaluation) -> list[str]:
    return [n.statement for n in ev.explanation.walk()]


def _art5(ev: casus.Evaluation) -> str:
    doc = ev.to_dict()
    (t,) = [t for t in doc["triggered"] if t["provision"].startswith("us-japan-1960/art_5")]
    return str(t["value"])


# --- naming the place -------------------------------------------------------------------------


def test_a_place_named_by_gazetteer_id_is_read_from_the_gazetteer(world: casus.World) -> None:
    ev = _evaluate(world, place="okinawa-island")
    assert _art5(ev) == "yes"
    held = [s for s in _statements(ev) if "is under the administration of JP" in s]
    assert held and all("gazetteer place okinawa-island" in s for s in held)


def test_a_place_written_inline_by_name_and_state_is_read_as_written(world: casus.World) -> None:
    inline = {"name": "Hachijo-jima", "state": "Japan", "areas": ["pacific_area"]}
    ev = _evaluate(world, place=inline)
    assert _art5(ev) == "yes"
    held = [s for s in _statements(ev) if "Hachijo-jima is under the administration of JP" in s]
    assert held and all("as written in the request" in s for s in held)
    # The state is read as alpha-2, whatever form it was written in.
    rf = RequestFile.model_validate(_request(place=inline))
    assert isinstance(rf.place, InlinePlace) and rf.place.state == "JP"


def test_an_inline_place_of_another_state_is_outside_art_5(world: casus.World) -> None:
    ev = _evaluate(world, place={"name": "Busan", "state": "KR", "areas": ["pacific_area"]})
    assert _art5(ev) == "no"
    assert ev.to_dict()["outcome"]["computed"] != "obligations_arise"


def test_an_inline_place_lies_somewhere() -> None:
    with pytest.raises(ValueError, match="at least one area"):
        InlinePlace.model_validate({"name": "Nowhere", "state": "JP"})


def test_an_unknown_place_id_is_an_evaluation_error_with_the_nearest(world: casus.World) -> None:
    with pytest.raises(EvaluationError, match="nearest known: senkaku-islands"):
        _evaluate(world, place="senkaku-island")


# --- dated holding ----------------------------------------------------------------------------


def test_held_by_reads_the_holder_on_each_date(world: casus.World) -> None:
    """Okinawa: administered by the United States until 15 May 1972, by Japan from that day."""
    before = _evaluate(world, on="1970-06-01", place="okinawa-island")
    after = _evaluate(world, on="1975-06-01", place="okinawa-island")
    assert _art5(before) == "no"
    assert _art5(after) == "yes"
    assert before.to_dict()["outcome"]["computed"] == "casus_not_established"
    assert after.to_dict()["outcome"]["computed"] == "obligations_arise"
    (then,) = [s for s in _statements(before) if s.startswith("who holds Okinawa Island")]
    (now,) = [s for s in _statements(after) if s.startswith("who holds Okinawa Island")]
    assert "US holds administration" in then and "JP" not in then.split(":", 1)[1]
    assert "JP holds administration" in now and "US holds" not in now
    # One holder on each date: the context node is not contested by a holding that ended.
    nodes = {n.statement: n.value for n in before.explanation.walk()}
    assert nodes[then] is Value.YES


def test_held_by_on_the_day_of_the_change_is_the_new_holder(world: casus.World) -> None:
    place = world.places["okinawa-island"]
    day = dt.date(1972, 5, 15)
    assert held_by(place, {"JP"}, "administration", day).value is Value.YES
    assert held_by(place, {"US"}, "administration", day).value is Value.NO
    assert held_by(place, {"US"}, "administration", day - dt.timedelta(days=1)).value is Value.YES


def test_held_by_two_dates_two_holders_inline_and_the_condition() -> None:
    place = InlinePlace(
        name="An island handed over",
        areas=["pacific_area"],
        holders=[
            Holding(state="US", kind="administration", valid_to=dt.date(1972, 5, 15)),
            Holding(state="JP", kind="administration", valid_from=dt.date(1972, 5, 15)),
        ],
    )
    cond = HeldBy.model_validate({"held_by": "affected_party", "as": "administration"})
    for on, want in ((dt.date(1970, 1, 1), Value.NO), (dt.date(1980, 1, 1), Value.YES)):
        sit = Situation(on, place, "JP", frozenset({"JP", "US"}))
        value, node = compile_expr(cond, sit, "t/art_5@1960-06-23").explain({}, [], [])
        assert value is want, (on, node.statement)
        assert "as written in the request" in node.statement
    # Sovereignty answers for administration only when nothing of that kind is stated.
    owned = InlinePlace(name="Own island", state="JP", areas=["pacific_area"])
    assert held_by(owned, {"JP"}, "administration", dt.date(2000, 1, 1)).value is Value.YES


def test_contested_administration_is_contested_never_yes(world: casus.World) -> None:
    ev = _evaluate(world, place="senkaku-islands")
    assert _art5(ev) == "contested"
    assert ev.to_dict()["outcome"]["computed"] == "contested"
    text = "\n".join(_statements(ev))
    assert "claimed by the Government of the United States (President Obama), 2014-04-24" in text
    assert "claimed by the Government of the People's Republic of China" in text


def test_a_claim_is_not_read_before_it_was_made(world: casus.World) -> None:
    ev = _evaluate(world, on="2010-06-01", place="senkaku-islands")
    text = "\n".join(_statements(ev))
    assert "President Obama" not in text and "2014" not in text


def test_an_area_that_rests_on_a_later_claim_is_open_not_no(world: casus.World) -> None:
    """Second Thomas Shoal lies in the Treaty's Pacific area only on the US statement of
    1 Mar 2019: before it the question is open (undetermined), from it the claim answers."""
    shoal = world.places["second-thomas-shoal"]
    before = in_areas(shoal, ["pacific_area"], dt.date(2018, 6, 1))
    after = in_areas(shoal, ["pacific_area"], dt.date(2019, 3, 1))
    assert before.value is Value.UNDETERMINED and "2019" not in before.words()
    assert after.value is Value.YES and "Pompeo" in after.words()
    assert in_areas(shoal, ["north_atlantic_area"], dt.date(2024, 1, 1)).value is Value.NO


def test_unverified_holdings_carry_their_label(world: casus.World) -> None:
    ev = _evaluate(world, on="1975-06-01", place="okinawa-island")
    assert any("[VERIFY]" in s for s in _statements(ev))


# --- bad input: casus validate exits 2 with file:line and the nearest names --------------------

GOOD = """kind: request
id: tst-bad-place
organization: us-japan
date: 2024-06-01
requester: {state: JP, office: head_of_government, person: (hypothetical)}
grounds:
  propositions: {armed_attack_on_party: "yes"}
"""


def _validate(tmp_path: Path, text: str) -> subprocess.CompletedProcess[str]:
    (tmp_path / "request.yaml").write_text(text, encoding="utf-8")
    return subprocess.run(
        [sys.executable, "-m", "casus", "validate", "request.yaml"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )


def test_validate_an_unknown_place_name(tmp_path: Path) -> None:
    out = _validate(tmp_path, GOOD + "place: senkaku-island\n")
    assert out.returncode == 2 and out.stdout == ""
    first = out.stderr.splitlines()[0]
    assert first.startswith("request.yaml:8:1: place: expected the id of a known place, found ")
    assert "nearest known: senkaku-islands" in first
    assert "or write the place inline" in first


def test_validate_an_inline_place_with_an_unknown_state(tmp_path: Path) -> None:
    place = "place:\n  name: Hachijo-jima\n  state: Japn\n  areas: [pacific_area]\n"
    out = _validate(tmp_path, GOOD + place)
    assert out.returncode == 2 and out.stdout == ""
    assert out.stderr.splitlines() == [
        "request.yaml:10:3: place.state: expected a state: an ISO 3166-1 alpha-2 or alpha-3 "
        "code or an English short name, e.g. PL, POL or Poland; nearest: JP Japan, PN Pitcairn, "
        "JO Jordan; found 'Japn'",
        "casus: 1 error(s) in 1 file(s)",
    ]


def test_validate_an_inline_place_with_an_unknown_area(tmp_path: Path) -> None:
    place = "place:\n  name: Hachijo-jima\n  state: JP\n  areas: [pacific_aera]\n"
    out = _validate(tmp_path, GOOD + place)
    assert out.returncode == 2
    first = out.stderr.splitlines()[0]
    assert first.startswith("request.yaml:11:")
    assert "place.areas[0]: expected the id of a known area, found 'pacific_aera'" in first


def test_validate_an_inline_place_with_a_misspelt_key(tmp_path: Path) -> None:
    place = "place:\n  name: Hachijo-jima\n  stat: JP\n  areas: [pacific_area]\n"
    out = _validate(tmp_path, GOOD + place)
    assert out.returncode == 2
    first = out.stderr.splitlines()[0]
    assert first.startswith("request.yaml:10:3: place.stat: ")
    assert "did you mean 'state'?" in first


def test_validate_a_good_inline_place(tmp_path: Path) -> None:
    place = "place:\n  name: Hachijo-jima\n  state: JP\n  areas: [pacific_area]\n"
    out = _validate(tmp_path, GOOD + place)
    assert out.returncode == 0, out.stderr
