"""The historic cases and the computed-versus-recorded table of every built-in case.

docs/reference/cases.md carries, between its two markers, one row per request of every built-in
case: what the engine computes under the case's default reading (by the treaty, and by general
international law for a request for a force) beside what the organ recorded. The test renders
the table from the world and compares: a new case, or a changed answer, shows up as a failure
whose message is the table to paste. Run this file with Python to print the table:

    .venv/bin/python tests/test_historic_cases.py

Also here: the former states the historical cases name (ISO 3166-3), and what each historic case
records that its answer rests on.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import casus
from casus.model.states import resolve_state, state_name, state_numeric

ROOT = Path(__file__).resolve().parents[1]
TABLE_DOC = ROOT / "docs" / "reference" / "cases.md"
BEGIN = "<!-- cases-table:begin -->"
END = "<!-- cases-table:end -->"
GIL = "general-international-law"

HISTORIC = (
    "hungary-1956-10",
    "hungary-1956-11",
    "czechoslovakia-1968",
    "nato-tr-1991-amf",
    "nato-a4-pl-2022-11",
    "rio-1962-cuba",
    "rio-1982-falklands",
    "tj-cis-1993",
)


def _cell(value: object) -> str:
    return "—" if value is None else str(value).replace("|", "\\|")


def render_table(world: casus.World) -> str:
    """The table, one row per request of every built-in case, in case order."""
    lines = [
        "| case | request | date | organization | computed (default reading) "
        "| general international law | recorded | agrees |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for case_id in sorted(world.cases):
        doc = casus.replay(world, case_id).to_dict()
        for rq in doc["requests"]:
            outcome = rq["evaluation"]["outcome"]
            frame = rq["frames"].get(GIL)
            gil = frame["evaluation"]["outcome"]["computed"] if frame else None
            row = (
                case_id,
                rq["id"],
                rq["date"],
                doc["organization"]["id"],
                f"{outcome['computed']} ({outcome['reading']})",
                gil,
                outcome["recorded"],
                outcome["agrees"],
            )
            lines.append("| " + " | ".join(_cell(v) for v in row) + " |")
    return "\n".join(lines)


def _documented() -> str:
    text = TABLE_DOC.read_text(encoding="utf-8")
    assert BEGIN in text and END in text, f"{TABLE_DOC} has lost its table markers"
    return text.split(BEGIN, 1)[1].split(END, 1)[0].strip()


@pytest.fixture(scope="module")
def world() -> casus.World:
    return casus.load_world()


def test_the_docs_table_of_computed_and_recorded_outcomes_is_current(world: casus.World) -> None:
    want = render_table(world)
    assert _documented() == want, (
        f"{TABLE_DOC.relative_to(ROOT)} is out of date; put this between its markers "
        f"(or run `.venv/bin/python tests/test_historic_cases.py`):\n{want}"
    )


def test_every_historic_case_is_built_in_and_in_the_table(world: casus.World) -> None:
    documented = _documented()
    for case_id in HISTORIC:
        assert case_id in world.cases, case_id
        assert f"| {case_id} |" in documented, case_id


# --- former states ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "code", "numeric"),
    [
        ("SU", "SU", "810"),
        ("Soviet Union", "SU", "810"),
        ("USSR", "SU", "810"),
        ("CS", "CS", "200"),
        ("Czechoslovakia", "CS", "200"),
        ("DD", "DD", "278"),
        ("East Germany", "DD", "278"),
        ("German Democratic Republic", "DD", "278"),
    ],
)
def test_former_states_resolve_to_their_iso_3166_3_codes(
    text: str, code: str, numeric: str
) -> None:
    assert resolve_state(text) == code
    assert state_numeric(code) == numeric
    assert state_name(code)


def test_a_current_state_is_never_shadowed_by_a_former_one() -> None:
    assert resolve_state("Czechia") == "CZ"
    assert resolve_state("Czech Republic") == "CZ"
    assert resolve_state("Germany") == "DE"
    assert resolve_state("Russia") == "RU"
    assert resolve_state("Serbia") == "RS"  # ISO reused CS for Serbia and Montenegro; not read


# --- what the historic cases rest on ---------------------------------------------------------


def _replay(world: casus.World, case_id: str) -> dict[str, Any]:
    doc: dict[str, Any] = casus.replay(world, case_id).to_dict()
    return doc


def test_hungary_the_special_committee_could_not_determine_an_invitation(
    world: casus.World,
) -> None:
    for case_id in ("hungary-1956-10", "hungary-1956-11"):
        claims = {c["id"]: c for c in _replay(world, case_id)["claims"]}
        soviet = [c for c in claims.values() if c["proposition"] == "request_by_government"]
        # the invitation is the Soviet Union's claim, disputed, and no one else's
        assert {(c["by"], c["value"], c["status"]) for c in soviet} == {
            ("su-government", "yes", "disputed")
        }
        finding = claims["committee-invitation-not-determined"]
        assert finding["by"] == "un-special-committee"
        assert finding["proposition"] == "invitation_established"
        assert "hu-frus-1955-57-v25-d255" in finding["sources"]


def test_hungary_renounced_the_treaty_on_1_november_and_its_membership_is_contested(
    world: casus.World,
) -> None:
    doc = _replay(world, "hungary-1956-11")
    (rq,) = doc["requests"]
    assert rq["evaluation"]["entitled"] == "contested"
    earlier = _replay(world, "hungary-1956-10")["requests"][0]
    assert earlier["evaluation"]["entitled"] == "yes"


def test_czechoslovakia_each_side_of_the_request_with_its_source(world: casus.World) -> None:
    claims = _replay(world, "czechoslovakia-1968")["claims"]
    by_value: dict[str, set[str]] = {}
    for c in claims:
        if c["proposition"] == "request_by_government":
            assert c["sources"] and c["status"] == "disputed", c["id"]
            by_value.setdefault(c["value"], set()).add(c["by"])
    assert by_value == {"yes": {"su-government"}, "no": {"cs-cpcz-presidium", "cs-government"}}


def test_przewodow_records_that_no_request_was_made(world: casus.World) -> None:
    doc = _replay(world, "nato-a4-pl-2022-11")
    (rq,) = doc["requests"]
    assert "not-made" in rq["id"]
    assert rq["evaluation"]["outcome"]["recorded"] == "no_decision"
    assumptions = {a["id"] for a in doc["assumptions"]}
    assert "request-not-made" in assumptions


def test_the_historic_cases_name_no_source_without_a_kind(world: casus.World) -> None:
    for case_id in HISTORIC:
        for source_id in _replay(world, case_id)["sources"]:
            assert world.sources[source_id].kind, (case_id, source_id)


if __name__ == "__main__":
    print(render_table(casus.load_world()))
