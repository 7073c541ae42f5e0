"""The pictures' layout (casus.report.pictures): one mark per thing drawn, each citing what it
stands for, and the force's figures drawn per source with their disagreements visible."""

from __future__ import annotations

import itertools
from typing import Any

import pytest

import casus
from casus.report.pictures import TAGS, board, force_chart, mark, pictures, timeline

WORLD = casus.load_world()


def _doc(case_id: str) -> dict[str, Any]:
    doc: dict[str, Any] = casus.replay(WORLD, case_id).to_dict()
    return doc


KZ = _doc("kz-2022")


def _marks(picture: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return [m for m in picture["marks"] if m["data"].get("mark") == kind]


def test_the_timeline_draws_every_request_decision_phase_and_event_with_its_sources() -> None:
    t = timeline(KZ)
    events = _marks(t, "event")
    assert len(events) == len(KZ["timeline"])
    for m, e in zip(events, KZ["timeline"], strict=True):
        assert e["event"] in m["title"]
        assert all(s in m["title"] for s in e["sources"])
    requests = _marks(t, "request")
    assert [m["data"]["request"] for m in requests] == [rq["id"] for rq in KZ["requests"]]
    assert "Kassym-Jomart Tokayev" in requests[0]["title"]
    decisions = _marks(t, "decision")
    assert [m["data"]["outcome"] for m in decisions] == ["approved"]
    assert "Collective Security Council" in decisions[0]["title"]
    phases = _marks(t, "phase")
    assert [m["data"]["phase"] for m in phases] == [p["id"] for p in KZ["phases"]]
    handover = next(m for m in phases if m["data"]["phase"] == "handover")
    assert "end was not recorded" in handover["title"]


def test_the_timeline_keeps_dates_in_order_and_marks_a_long_gap() -> None:
    t = timeline(KZ)
    xs = [float(m["attrs"]["cx"]) for m in _marks(t, "event")]
    dates = [e["date"] for e in KZ["timeline"]]
    assert len(dates) == len(xs)
    points = list(zip(dates, xs, strict=True))
    for (d1, x1), (d2, x2) in itertools.pairwise(points):
        assert (x1 < x2) if d1 < d2 else (x1 == x2)
    # The Türk visit of March 2023 is 14 months after the last January 2022 date.
    assert any(m["text"] == "14 months later" for m in t["marks"])
    request_x = float(_marks(t, "request")[0]["attrs"]["d"].split(",")[0][1:])
    same_day = [x for d, x in zip(dates, xs, strict=True) if d == KZ["requests"][0]["date"]]
    assert request_x == same_day[0]


def test_the_board_has_one_mark_per_member_in_the_column_of_its_position() -> None:
    b = board(KZ["requests"][0])
    assert b is not None
    members = _marks(b, "member")
    vote = KZ["requests"][0]["evaluation"]["vote"]
    assert sorted(m["data"]["state"] for m in members) == sorted(vote["joined"])
    assert {m["data"]["position"] for m in members} == {"support"}
    kz = next(m for m in members if m["data"]["state"] == "KZ")
    assert "Kazakhstan" in kz["title"] and "inferred" in kz["title"]
    assert "sputnik-2022-01-05-tokayev-appeal" in kz["title"]
    assert any("approved" in (m["text"] or "") for m in b["marks"])


def test_the_board_shows_who_blocks_and_who_has_no_recorded_position() -> None:
    rq = _doc("kg-2010")["requests"][0]
    b = board(rq)
    assert b is not None
    by_state = {m["data"]["state"]: m for m in _marks(b, "member")}
    vote = rq["evaluation"]["vote"]
    assert set(by_state) == {*vote["joined"], *vote["not_joined"], *vote["missing"]}
    assert by_state["RU"]["data"]["position"] == "object"
    assert by_state["RU"]["attrs"]["stroke-width"] == "3"
    assert "blocks the decision" in by_state["RU"]["title"]
    assert by_state["KG"]["data"]["position"] == "support"
    for s in vote["missing"]:
        assert by_state[s]["data"]["position"] == "none"
    counts = {m["data"]["position"]: int(m["data"]["count"]) for m in _marks(b, "column")}
    assert counts == {"support": 1, "object": 1, "abstain": 0, "absent": 0, "none": 5}


def test_a_board_with_abstentions_and_absences() -> None:
    rq = _doc("rio-2019-ve")["requests"][0]
    b = board(rq)
    assert b is not None
    positions = {p["state"]: p["position"] for p in rq["decision"]["positions"]}
    drawn = {m["data"]["state"]: m["data"]["position"] for m in _marks(b, "member")}
    assert drawn == positions


def test_no_board_where_no_organ_voted_and_no_position_was_recorded() -> None:
    rq = _doc("nato-a5-2001")["requests"][0]
    assert board(rq) is None


def test_the_force_chart_draws_one_bar_per_figure_and_every_figure_given_in_words() -> None:
    chart = force_chart(KZ)
    assert chart is not None
    figures = [f for g in KZ["force"]["figures"] for f in g["figures"]]
    bars = _marks(chart, "figure")
    words = _marks(chart, "figure-words")
    assert [m["data"]["figure"] for m in bars] == [
        f["id"] for f in figures if f["value"] is not None
    ]
    assert [m["data"]["figure"] for m in words] == [f["id"] for f in figures if f["value"] is None]
    seed = next(m for m in bars if m["data"]["figure"] == "seed-3600")
    assert "Andre Ismagambet" in seed["title"] and "seed-article-ismagambet-2022" in seed["title"]


def test_the_force_chart_makes_the_disagreement_visible() -> None:
    chart = force_chart(KZ)
    assert chart is not None
    groups = KZ["force"]["figures"]
    assert len(_marks(chart, "conflict")) == sum(1 for g in groups if g["conflict"])
    deployed = next(g for g in groups if g["measure"] == "deployed_personnel" and g["conflict"])
    bars = {m["data"]["figure"]: m for m in _marks(chart, "figure")}
    width = {f["id"]: float(bars[f["id"]]["attrs"]["width"]) for f in deployed["figures"]}
    colour = {f["id"]: bars[f["id"]]["attrs"]["fill"] for f in deployed["figures"]}
    # Tokayev's 2,030 and the seed article's 3,600 are both drawn, to one scale, apart.
    assert width["kz-president-2030-personnel"] < width["seed-3600"]
    assert width["kz-president-2030-personnel"] / width["seed-3600"] == pytest.approx(
        2030 / 3600, abs=0.01
    )
    assert colour["kz-president-2030-personnel"] == colour["kz-authorities-2030-personnel"]
    assert colour["kz-president-2030-personnel"] != colour["seed-3600"]
    lines = {m["data"]["value"] for m in _marks(chart, "disagreement")}
    assert {"2000", "2030", "3600"} <= lines
    assert any(m["text"] == "sources differ: 2,030 / 2,000 / 3,600" for m in chart["marks"])


def test_every_built_in_case_has_its_pictures_and_uses_only_known_elements() -> None:
    for case_id in sorted(WORLD.cases):
        doc = _doc(case_id)
        p = pictures(doc)
        assert len(_marks(p["timeline"], "event")) == len(doc["timeline"]), case_id
        drawn = [p["timeline"], *p["boards"], *([p["force"]] if p["force"] else [])]
        for picture in drawn:
            assert picture["width"] > 0 and picture["height"] > 0
            for m in picture["marks"]:
                assert m["tag"] in TAGS
                assert "style" not in m["attrs"], "presentation attributes only"
        if doc["force"] and doc["force"]["figures"]:
            assert p["force"] is not None, case_id


def test_a_mark_is_only_an_element_of_the_known_set() -> None:
    with pytest.raises(ValueError, match="no <script>"):
        mark("script")
    assert mark("rect", stroke_width=1.25)["attrs"] == {"stroke-width": "1.2"}
