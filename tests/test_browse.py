"""Browsing the model: instruments, provisions, one provision, members on a date, places,
propositions and --version, as tables and as JSON, with clean errors for unknown ids."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

import casus
from casus.cli.browse_command import (
    instruments_doc,
    members_doc,
    places_doc,
    propositions_doc,
    provision_doc,
    provisions_doc,
)

ROOT = Path(__file__).resolve().parents[1]
WORLD = casus.load_world()


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "casus", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, "COLUMNS": "100"},
    )


def as_json(*args: str) -> Any:
    out = run(*args, "--json")
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


def test_version() -> None:
    out = run("--version")
    assert out.returncode == 0
    assert out.stdout == f"casus {casus.__version__}\n"


def test_instruments_lists_every_built_in_instrument() -> None:
    rows = as_json("instruments")
    assert [r["id"] for r in rows] == sorted(WORLD.instruments)
    cst = next(r for r in rows if r["id"] == "cst")
    assert cst["organization"] == "csto"
    assert cst["in_force"] == "1994-04-20"
    assert "art_4" in cst["provisions"]
    assert "cst" in run("instruments").stdout


def test_provisions_say_which_version_is_in_force_on_the_date() -> None:
    doc = as_json("provisions", "cst", "--on", "2011-06-01")
    art4 = next(p for p in doc["provisions"] if p["eid"] == "art_4")
    assert art4["in_force"] == "cst/art_4@1994-04-20"
    assert [(v["interval"], v["in_force"]) for v in art4["versions"]] == [
        ("[1994-04-20, 2012-12-19)", True),
        ("[2012-12-19, open)", False),
    ]
    assert {v["text_status"] for v in art4["versions"]} == {"VERIFIED"}
    later = provisions_doc(WORLD, "cst", dt.date(2022, 1, 5))
    assert next(p for p in later["provisions"] if p["eid"] == "art_4")["in_force"] == (
        "cst/art_4@2012-12-19"
    )
    before = provisions_doc(WORLD, "cst", dt.date(1990, 1, 1))
    art4_before = next(p for p in before["provisions"] if p["eid"] == "art_4")
    assert art4_before["in_force"] is None
    assert art4_before["reason"].startswith("not yet in force")
    table = run("provisions", "cst", "--on", "2011-06-01").stdout
    assert "[1994-04-20, 2012-12-19) (in" in table
    assert "cst/art_4@1994-04-20" in table


def test_show_gives_the_text_the_rule_in_words_and_the_propositions_read() -> None:
    doc = as_json("show", "cst/art_4", "--on", "2011-06-01")
    v = doc["version"]
    assert doc["in_force"] == v["citation"] == "cst/art_4@1994-04-20"
    assert v["text"].startswith("If one of the member states is the target of aggression")
    assert v["casus"]["when"] == "all of (aggression_against_party; attack_by_state_or_group)"
    assert v["casus"]["decided_by"] == {"id": "csc", "name": "Collective Security Council"}
    names = [p["name"] for p in v["propositions"]]
    assert names == ["aggression_against_party", "attack_by_state_or_group", "internal_conflict"]
    meanings = WORLD.instruments["cst"].propositions
    assert all(p["meaning"] == meanings[p["name"]] for p in v["propositions"])
    assert v["sources"] and all(s["title"] for s in v["sources"])
    text = run("show", "cst/art_4", "--on", "2011-06-01").stdout
    assert "arises when: all of (aggression_against_party; attack_by_state_or_group)" in text
    assert "internal_conflict: The situation is an internal conflict" in text


def test_show_says_what_a_provision_defines() -> None:
    art6 = provision_doc(WORLD, "north-atlantic-treaty/art_6", dt.date(2024, 6, 1))
    assert art6["version"]["defines"] is not None
    assert "europe" in art6["version"]["defines"]
    art5 = provision_doc(WORLD, "north-atlantic-treaty/art_5", dt.date(2024, 6, 1))
    assert "as north-atlantic-treaty/art_6 defines it" in art5["version"]["casus"]["when"]


def test_show_before_any_version_says_why() -> None:
    doc = provision_doc(WORLD, "cst/art_4", dt.date(1990, 1, 1))
    assert doc["version"] is None
    assert doc["reason"] == "not yet in force: the first version applies from 1994-04-20"
    out = run("show", "cst/art_4", "--on", "1990-01-01")
    assert out.returncode == 0
    assert "Nothing in force on 1990-01-01" in out.stdout


def test_members_on_a_date_with_status_since_and_sources() -> None:
    doc = as_json("members", "csto", "--on", "2022-01-05")
    rows = {m["state"]: m for m in doc["members"]}
    assert rows["AM"]["status"] == "member"
    assert rows["AM"]["since"] == "1994-04-20"
    assert rows["AM"]["sources"] and rows["AM"]["sources"][0]["title"]
    # Uzbekistan suspended its participation in 2012; not a member on 2022-01-05.
    assert rows["UZ"]["status"] != "member"
    assert "Armenia" in run("members", "csto", "--on", "2022-01-05").stdout


def test_members_show_suspended_obligations() -> None:
    doc = members_doc(WORLD, "anzus", dt.date(2001, 9, 14))
    nz = next(m for m in doc["members"] if m["state"] == "NZ")
    assert any(x["bearer"] == "US" and x["towards"] == "NZ" for x in nz["suspended_obligations"])


def test_places_have_no_coordinates() -> None:
    doc = as_json("places")
    assert {p["id"] for p in doc["places"]} == set(WORLD.places)
    assert {a["id"] for a in doc["areas"]} == set(WORLD.areas)
    warsaw = next(p for p in doc["places"] if p["id"] == "warsaw")
    assert warsaw["state"] == "PL" and "europe" in warsaw["areas"]
    assert set(warsaw) == {"id", "name", "state", "areas", "note", "sources"}


def test_propositions_with_meanings_and_who_declares_them() -> None:
    rows = {r["name"]: r for r in as_json("propositions", "csto")}
    assert rows["armed_attack_on_party"]["declared_by"] == ["cst"]
    assert (
        rows["armed_attack_on_party"]["meaning"]
        == (WORLD.instruments["cst"].propositions["armed_attack_on_party"])
    )
    assert all(r["organizations"] == ["csto"] for r in rows.values())
    everything = {r["name"] for r in propositions_doc(WORLD)}
    assert set(rows) < everything
    assert set(WORLD.vocabulary("nato")) <= everything


@pytest.mark.parametrize("org", sorted(WORLD.organizations))
def test_members_answer_for_every_organization(org: str) -> None:
    doc = members_doc(WORLD, org, dt.date(2024, 1, 1))
    assert doc["members"]
    assert json.loads(json.dumps(doc)) == doc


@pytest.mark.parametrize("inst", sorted(WORLD.instruments))
def test_every_provision_of_every_instrument_shows(inst: str) -> None:
    doc = instruments_doc(WORLD)
    assert inst in {r["id"] for r in doc}
    for p in WORLD.instruments[inst].provisions:
        for v in p.versions:
            shown = provision_doc(WORLD, f"{inst}/{p.eid}", v.valid_from)
            assert shown["in_force"] == v.cite(inst, p.eid)
            assert shown["version"]["text"] == v.text
    assert places_doc(WORLD)["places"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["provisions", "cts"],
            "casus: no instrument 'cts' (did you mean cst? known: "
            + ", ".join(sorted(WORLD.instruments))
            + ")",
        ),
        (
            ["show", "cst/art_44"],
            "casus: no provision of cst 'art_44' (did you mean art_4, art_6, art_3? known: "
            "art_1, art_2, art_3, art_4, art_6)",
        ),
        (["show", "art_4"], "casus: expected INSTRUMENT/EID (e.g. cst/art_4), found 'art_4'"),
        (
            ["members", "natto"],
            "casus: no organization 'natto' (did you mean nato, csto? known: "
            + ", ".join(sorted(WORLD.organizations))
            + ")",
        ),
        (
            ["members", "nato", "--on", "2022-02-30"],
            "casus: --on: expected an ISO date YYYY-MM-DD, found '2022-02-30'",
        ),
        (
            ["provisions", "cst", "--on", "soon"],
            "casus: --on: expected an ISO date YYYY-MM-DD, found 'soon'",
        ),
        (
            ["propositions", "natto"],
            "casus: no organization 'natto' (did you mean nato, csto? known: "
            + ", ".join(sorted(WORLD.organizations))
            + ")",
        ),
    ],
)
def test_unknown_ids_exit_2_naming_the_nearest(args: list[str], message: str) -> None:
    out = run(*args)
    assert out.returncode == 2
    assert out.stdout == ""
    assert out.stderr.strip() == message
