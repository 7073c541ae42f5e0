"""casus network: YAML case tests, the fast matrix against the round-by-round cascade
(property-based), the ATOP import and its malformed files, the synthetic generator, the
agreement table, and the command line."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import os
import subprocess
import sys
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML

import casus
from casus.model.common import Value
from casus.network.agreement import agreement, to_markdown
from casus.network.builtin import BuiltinProvider, builtin_table
from casus.network.cascade import Cascade, cascade
from casus.network.links import KINDS, Bearer, Combined, Pool, PoolTable, Provider
from casus.network.matrix import matrix
from casus.network.synth import rows, synthetic
from casus.schema.atop import parse_atop, read_atop, write_atop
from casus.schema.errors import DataError

ROOT = Path(__file__).resolve().parents[1]
NETWORK_DIR = Path(__file__).parent / "network"
ATOP_DIR = Path(__file__).parent / "fixtures" / "atop"
FICTIONAL = ATOP_DIR / "fictional"
WORLD = casus.load_world()

# --- YAML case tests --------------------------------------------------------------------------

EXPECT_KEYS = {
    "must_act",
    "may_act",
    "must_act_includes",
    "may_act_includes",
    "not_drawn",
    "attacker_side_must",
    "attacker_side_may",
    "conflicted",
    "conflicts",
    "cited",
    "not_bound",
    "why_not_bound",
    "rounds",
}
TEST_KEYS = {
    "name",
    "attacker",
    "target",
    "on",
    "place",
    "organizations",
    "data",
    "atop",
    "instruments",
    "expect",
}


def _collect() -> list[Any]:
    params = []
    for path in sorted(NETWORK_DIR.glob("*.yaml")):
        doc = YAML(typ="safe").load(path.read_text(encoding="utf-8"))
        for i, test in enumerate(doc["tests"]):
            params.append(pytest.param(test, id=f"yaml {path.stem}[{i}] {test['name'][:60]}"))
    return params


@cache
def _world(data: tuple[str, ...]) -> casus.World:
    if not data:
        return WORLD
    return casus.load_world([NETWORK_DIR / p for p in data])


@cache
def _atop(alliances: str, members: str) -> Any:
    return read_atop(NETWORK_DIR / alliances, NETWORK_DIR / members)


def _run(test: dict[str, Any]) -> Cascade:
    on = dt.date.fromisoformat(str(test["on"]))
    providers: list[Provider] = []
    if test.get("instruments", True):
        providers.append(
            BuiltinProvider(
                _world(tuple(test.get("data", ()))),
                on,
                attacker=test["attacker"],
                place=test.get("place"),
                organizations=test.get("organizations"),
            )
        )
    if "atop" in test:
        providers.append(_atop(test["atop"]["alliances"], test["atop"]["members"]).pools_on(on))
    return cascade(
        Combined(tuple(providers)),
        attacker=test["attacker"],
        target=test["target"],
        on=on,
        place=test.get("place"),
    )


@pytest.mark.parametrize("test", _collect())
def test_yaml_case(test: dict[str, Any]) -> None:
    assert set(test) <= TEST_KEYS, f"unknown keys: {set(test) - TEST_KEYS}"
    expect = test["expect"]
    assert set(expect) <= EXPECT_KEYS, f"unknown expect keys: {set(expect) - EXPECT_KEYS}"
    result = _run(test)
    sets = result.sets()
    must = set(sets.target_firm)
    may = set(sets.target_possible - sets.target_firm)
    if "must_act" in expect:
        assert must == set(expect["must_act"])
    if "may_act" in expect:
        assert may == set(expect["may_act"])
    assert set(expect.get("must_act_includes", ())) <= must
    assert set(expect.get("may_act_includes", ())) <= may
    drawn = set(sets.target_possible | sets.attacker_possible)
    assert not set(expect.get("not_drawn", ())) & drawn
    if "attacker_side_must" in expect:
        assert set(sets.attacker_firm) == set(expect["attacker_side_must"])
    if "attacker_side_may" in expect:
        assert set(sets.attacker_possible - sets.attacker_firm) == set(expect["attacker_side_may"])
    if "conflicted" in expect:
        assert set(sets.conflicted) == set(expect["conflicted"])
    kinds = {f"{c.state}: {c.kind}" for c in result.conflicts}
    assert set(expect.get("conflicts", ())) <= kinds
    links = {
        f"{link.bearer}: {link.cite} -> {link.towards}" for d in result.drawn() for link in d.links
    }
    links |= {
        f"{link.bearer}: {link.cite} -> {link.towards}"
        for c in result.conflicts
        for link in (*c.for_target, *c.for_attacker)
    }
    for cited in expect.get("cited", ()):
        assert cited in links, f"{cited} not among {sorted(links)[:20]}..."
    released: dict[str, set[str]] = {}
    reasons: dict[str, str] = {}
    for link in result.released:
        released.setdefault(link.cite, set()).add(link.bearer)
        reasons[link.cite] = (reasons.get(link.cite, "") + " " + (link.note or "")).strip()
    for cite, states in expect.get("not_bound", {}).items():
        assert set(states) <= released.get(cite, set()), (cite, released)
    for cite, text in expect.get("why_not_bound", {}).items():
        assert text in reasons.get(cite, ""), reasons.get(cite)
    first = {d.state: d.round for d in result.drawn()}
    for state, r in expect.get("rounds", {}).items():
        assert first.get(state) == r, (state, first.get(state))


# --- the fast matrix is exactly the round-by-round cascade ------------------------------------

STATES = [f"S{i}" for i in range(9)]
_bearers = st.builds(
    Bearer,
    st.sampled_from(STATES),
    st.sampled_from(["must", "may"]),
    st.sampled_from(list(Value)),
)
_pools = st.builds(
    lambda kind, ben, bearers, i: Pool(f"p{i}", kind, "atop", "duty", tuple(ben), tuple(bearers)),
    st.sampled_from(KINDS),
    st.lists(st.sampled_from(STATES), min_size=1, max_size=4, unique=True),
    st.lists(_bearers, min_size=1, max_size=4),
    st.integers(0, 99),
)


@given(st.lists(_pools, max_size=24), st.integers(2, len(STATES)))
@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_matrix_equals_round_by_round_cascade(pools: list[Pool], n: int) -> None:
    universe = STATES[:n]
    kept = tuple(
        dataclasses.replace(
            p,
            beneficiaries=tuple(s for s in p.beneficiaries if s in universe),
            bearers=tuple(b for b in p.bearers if b.state in universe),
        )
        for p in pools
    )
    table = PoolTable(dt.date(2000, 1, 1), tuple(p for p in kept if p.beneficiaries and p.bearers))
    m = matrix(table, universe)
    for attacker, target, sets in m.rows():
        assert sets == cascade(table, attacker=attacker, target=target, on=table.on).sets(), (
            attacker,
            target,
        )


def test_matrix_equals_cascade_on_synthetic_atop_scale_years() -> None:
    syn = synthetic(3, states=60, alliances=200)
    for year in (1900, 1960, 2010):
        on = dt.date(year, 6, 30)
        table = syn.data.pools_on(on)
        m = matrix(table, syn.states_on(on))
        for i, (attacker, target, sets) in enumerate(m.rows()):
            if i % 41 == 0:
                assert sets == cascade(table, attacker=attacker, target=target, on=on).sets()


def test_matrix_on_the_encoded_instruments_matches_their_cascade() -> None:
    on = dt.date(2022, 6, 1)
    m = matrix(builtin_table(WORLD, on))
    for attacker, target in (("RU", "EE"), ("GR", "TR"), ("KG", "TJ"), ("US", "CA")):
        slow = cascade(
            BuiltinProvider(WORLD, on, attacker=attacker), attacker=attacker, target=target, on=on
        )
        assert m.cell(attacker, target) == slow.sets(), (attacker, target)
    assert "LV" in m.cell("RU", "EE").target_possible
    assert "GR" in m.cell("GR", "TR").conflicted


# --- the ATOP import ---------------------------------------------------------------------------


def _fixture() -> Any:
    return read_atop(ATOP_DIR / "alliances.csv", ATOP_DIR / "members.csv")


def test_atop_fixture_reads_the_facts_it_transcribes() -> None:
    data = _fixture()
    assert set(data.alliances) == {3180, 3215, 4220}
    cst = data.alliances[4220]
    assert str(cst.begin) == "1992-05-15"
    assert "defence" in cst.obligations and cst.conditional["defence"] is False
    nato = data.alliances[3180]
    assert nato.conditional["defence"] is True
    nz = next(m for m in data.members(3215) if m.state == "NZ")
    assert nz.end == dt.date(1986, 9, 17)
    defence = nz.commitment("defence")
    assert defence is not None and defence.conditions == ("location",)
    uz = sorted((m.start, m.end) for m in data.members(4220) if m.state == "UZ")
    assert uz == [
        (dt.date(1992, 5, 15), dt.date(1999, 4, 20)),
        (dt.date(2006, 8, 17), dt.date(2012, 6, 28)),
    ]
    on = data.pools_on(dt.date(2010, 1, 1))
    members = {p.cite: set(p.beneficiaries) for p in on.pools if p.kind == "defence"}
    assert members["atop:4220"] == {"RU", "BY", "AM", "TJ", "KG", "KZ", "UZ"}
    assert "NZ" not in members["atop:3215"]
    link = next(x for x in on.links("US") if x.bearer == "FR" and x.kind == "defence")
    assert link.cite == "atop:3180" and link.value is Value.UNDETERMINED
    assert link.row == f"{ATOP_DIR / 'members.csv'}:20"
    assert link.conditions == (
        "location: only where the conflict takes place in a specified location",
    )


def _text(name: str) -> str:
    return (ATOP_DIR / name).read_text(encoding="utf-8")


def _patched(name: str, *edits: tuple[str, str]) -> str:
    text = _text(name)
    for old, new in edits:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    return text


def _drop_columns(text: str, *columns: str) -> str:
    lines = [line.split(",") for line in text.splitlines()]
    idx = [lines[0].index(c) for c in columns]
    return "\n".join(",".join(f for i, f in enumerate(row) if i not in idx) for row in lines) + "\n"


MALFORMED: list[tuple[str, str, str, list[str]]] = [
    (
        "missing columns",
        _text("alliances.csv"),
        _drop_columns(_text("members.csv"), "dayent", "defcoloc"),
        [
            "members.csv:1: missing columns dayent, defcoloc: expected ATOP's member-level layout "
            "(v5.x column names), found 38 columns (atopid, member, yrent, moent, yrexit, moexit, "
            "dayexit, phase, defense, offense, neutral, nonagg, …)"
        ],
    ),
    (
        "a date that does not exist",
        _text("alliances.csv"),
        _patched("members.csv", ("4220,705,1992,5,15,", "4220,705,1992,4,31,")),
        ["members.csv:51:5: dayent: expected a date that exists, found 1992-04-31"],
    ),
    (
        "a year that is not a number",
        _patched("alliances.csv", ("3215,3525,1951,", "3215,3525,19x1,")),
        _text("members.csv"),
        ["alliances.csv:3:3: begyr: expected an integer, found '19x1'"],
    ),
    (
        "an unknown COW code",
        _text("alliances.csv"),
        _patched("members.csv", ("3215,920,", "3215,999,")),
        [
            "members.csv:46:2: member: expected a COW state code casus knows (see "
            "casus.network.cow), found '999'"
        ],
    ),
    (
        "an obligation flag that is not 0 or 1, and an unknown alliance",
        _text("alliances.csv"),
        _patched(
            "members.csv",
            ("3215,2,1951,9,1,0,0,0,0,1,", "3215,2,1951,9,1,0,0,0,0,2,"),
            ("3215,900,", "3216,900,"),
        ),
        [
            "members.csv:44:10: defense: expected 0 or 1, found '2'",
            "members.csv:45:1: atopid: expected an alliance of alliances.csv, found '3216'",
        ],
    ),
    (
        "an exit before the entry",
        _text("alliances.csv"),
        _patched("members.csv", ("3215,920,1951,9,1,1986,9,17,", "3215,920,1951,9,1,1950,9,17,")),
        [
            "members.csv:46:6: yrexit: expected an exit after the entry (1951-09-01), found 1950-09-17"
        ],
    ),
]


@pytest.mark.parametrize(
    ("alliances", "members", "errors"),
    [pytest.param(a, m, e, id=name) for name, a, m, e in MALFORMED],
)
def test_malformed_atop_files_name_file_line_column_expected_found(
    alliances: str, members: str, errors: list[str]
) -> None:
    with pytest.raises(DataError) as info:
        parse_atop(alliances, "alliances.csv", members, "members.csv")
    assert [str(e) for e in info.value.errors] == errors


@pytest.mark.parametrize(
    "scenario", [0, 1, 3], ids=["missing columns", "a bad date", "an unknown COW code"]
)
def test_malformed_atop_files_exit_2_from_the_command_line(scenario: int, tmp_path: Path) -> None:
    _, alliances, members, errors = MALFORMED[scenario]
    (tmp_path / "alliances.csv").write_text(alliances, encoding="utf-8")
    (tmp_path / "members.csv").write_text(members, encoding="utf-8")
    out = subprocess.run(
        [
            *(sys.executable, "-m", "casus", "network", "--attacker", "RU", "--target", "KZ"),
            *("--on", "2010-01-01", "--no-instruments", "--atop-alliances", "alliances.csv"),
            *("--atop-members", "members.csv"),
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    assert out.returncode == 2
    assert out.stdout == ""
    assert out.stderr.splitlines() == [*errors, f"casus: {len(errors)} error(s) in the ATOP files"]


def test_a_file_that_is_not_utf8_exits_2(tmp_path: Path) -> None:
    (tmp_path / "latin1.csv").write_bytes("atopid,member\n4220,\xe9\n".encode("latin-1"))
    out = subprocess.run(
        [
            *(sys.executable, "-m", "casus", "network", "agreement"),
            *("--atop-alliances", str(ATOP_DIR / "alliances.csv"), "--atop-members", "latin1.csv"),
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    assert out.returncode == 2
    assert out.stderr.splitlines() == [
        "latin1.csv:2: expected UTF-8 text, found the byte 0xe9",
        "casus: 1 error(s) in the ATOP files",
    ]


def test_atop_reader_is_tolerant_of_extra_columns_and_blank_conditions() -> None:
    members = _text("members.csv").splitlines()
    header = members[0] + ",cowsys,notes"
    body = [line + ",1,free text" for line in members[1:]]
    body[0] = body[0].replace(
        "3180,2,1949,4,4,1951,6,19,1,1,0,0,1,1,1,", "3180,2,1949,4,4,1951,6,19,1,1,0,0,1,1,,"
    )
    data = parse_atop(_text("alliances.csv"), "a.csv", "\n".join([header, *body]), "m.csv")
    us = next(m for m in data.members(3180) if m.state == "US" and m.phase == 1)
    c = us.commitment("defence")
    assert c is not None and c.conditional is None and c.labels() == ("conditionality not coded",)


# --- synthetic data ----------------------------------------------------------------------------


def test_synthetic_data_is_deterministic_and_atop_scale() -> None:
    a = synthetic(7)
    b = synthetic(7)
    assert rows(a.data) == rows(b.data)
    assert rows(synthetic(8).data) != rows(a.data)
    assert len(a.data.alliances) == 750
    assert len(a.states) == 200
    years = {m.start.year for m in a.data.memberships}
    assert min(years) == 1816 and max(years) <= 2018
    modern = a.states_on(dt.date(2010, 6, 30))
    assert 150 <= len(modern) <= 200


def test_synthetic_files_read_back_as_the_same_facts(tmp_path: Path) -> None:
    syn = synthetic(11, states=50, alliances=80)
    written = write_atop(*rows(syn.data), tmp_path)
    back = read_atop(*written)
    assert len(back.memberships) == len(syn.data.memberships)
    for x, y in zip(back.memberships, syn.data.memberships, strict=True):
        assert (x.atopid, x.state, x.entry, x.exit, x.commitments) == (
            y.atopid,
            y.state,
            y.entry,
            y.exit,
            y.commitments,
        )
    on = dt.date(1990, 1, 1)
    assert matrix(back.pools_on(on)).cells == matrix(syn.data.pools_on(on)).cells


# --- the agreement table -----------------------------------------------------------------------

AGREEMENT_DOC = ROOT / "docs" / "reference" / "atop-agreement.md"
MARKER = "<!-- generated: everything below is the output of the command above -->"


def test_agreement_doc_is_the_commands_output(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    data = read_atop(
        Path("tests/fixtures/atop/alliances.csv"), Path("tests/fixtures/atop/members.csv")
    )
    generated = to_markdown(agreement(WORLD, data), data.label)
    committed = AGREEMENT_DOC.read_text(encoding="utf-8").split(MARKER, 1)[1].strip()
    assert committed == generated.strip(), (
        "regenerate: casus network agreement --atop-alliances tests/fixtures/atop/alliances.csv "
        "--atop-members tests/fixtures/atop/members.csv --markdown (below the marker in "
        "docs/reference/atop-agreement.md)"
    )


def test_agreement_finds_the_documented_differences() -> None:
    results = {r.organization: r for r in agreement(WORLD, _fixture())}
    cst = {row.aspect: row for row in results["csto"].rows}
    assert cst["begins"].agrees is True
    assert cst["defence conditional (any condition)"].agrees is False
    assert "decision rules" in cst["defence conditional (any condition)"].note
    anzus = {row.aspect: row for row in results["anzus"].rows}
    assert "1986-09-17" in anzus["member NZ"].atop
    assert anzus["defence conditional on location"].agrees is True
    assert results["tiar"].problem is not None and "--atop-id" in results["tiar"].problem


def test_agreement_handles_an_organization_that_is_missing() -> None:
    world = dataclasses.replace(
        WORLD, organizations={k: v for k, v in WORLD.organizations.items() if k != "nato"}
    )
    results = {r.organization: r for r in agreement(world, _fixture(), {"tiar": 9999})}
    assert results["nato"].problem == (
        "casus has no organization 'nato' loaded (its data files are missing)"
    )
    assert (
        results["tiar"].problem is not None
        and "hold no alliance atop:9999" in results["tiar"].problem
    )


# --- the command line --------------------------------------------------------------------------


def _casus(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "casus", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, "COLUMNS": "200"},
    )


FICTIONAL_ARGS = (
    "--no-instruments",
    "--atop-alliances",
    str(FICTIONAL / "alliances.csv"),
    "--atop-members",
    str(FICTIONAL / "members.csv"),
)


def test_cli_matrix_csv_and_json() -> None:
    out = _casus("network", "--matrix", "--on", "2000-01-01", *FICTIONAL_ARGS)
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert lines[0] == (
        "attacker,target,target_side_must,target_side_may,attacker_side_must,attacker_side_may,conflicted"
    )
    assert "CO,VE,BR EC GY,SR,EC,,BR CO EC" in lines
    assert len(lines) == 1 + 7 * 6
    out = _casus("network", "--matrix", "--on", "2000-01-01", "--json", *FICTIONAL_ARGS)
    doc = json.loads(out.stdout)
    pair = next(p for p in doc["pairs"] if p["attacker"] == "CO" and p["target"] == "VE")
    assert pair["target_side"] == {"must": ["BR", "EC", "GY"], "may": ["SR"]}


def test_cli_pair_json_and_table() -> None:
    out = _casus(
        "network",
        "--attacker",
        "co",
        "--target",
        "ve",
        "--on",
        "2000-01-01",
        "--json",
        *FICTIONAL_ARGS,
    )
    assert out.returncode == 0, out.stderr
    doc = json.loads(out.stdout)
    assert doc["target_side"] == {"must": ["BR", "EC", "GY"], "may": ["SR"]}
    assert [r["round"] for r in doc["rounds"]] == [1, 2]
    assert doc["sources"]["instruments"] is None
    assert any("RECALLED" in n for n in doc["notes"])
    out = _casus(
        "network", "--attacker", "CO", "--target", "VE", "--on", "2000-01-01", *FICTIONAL_ARGS
    )
    assert out.returncode == 0, out.stderr
    assert "Conflicted" in out.stdout and "atop:9004" in out.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ("network", "--attacker", "RU", "--target", "RU", "--on", "2022-01-01"),
            "casus: --attacker and --target must be different states",
        ),
        (
            ("network", "--attacker", "RU", "--target", "EE"),
            "casus: --on DATE is required (YYYY-MM-DD)",
        ),
        (
            ("network", "--target", "EE", "--on", "2022-01-01"),
            "casus: --attacker and --target are required (or --matrix)",
        ),
        (
            (
                "network",
                "--attacker",
                "RU",
                "--target",
                "EE",
                "--on",
                "2022-01-01",
                "--atop-members",
                "x.csv",
            ),
            "casus: --atop-alliances and --atop-members go together: give both files",
        ),
        (
            (
                "network",
                "--attacker",
                "RU",
                "--target",
                "EE",
                "--on",
                "2022-01-01",
                "--place",
                "atlantis",
            ),
            "casus: --place: expected a place id of the gazetteer, found 'atlantis' "
            "(every place: `casus places`)",
        ),
        (
            ("network", "agreement"),
            "casus: give the ATOP files: --atop-alliances FILE --atop-members FILE",
        ),
    ],
)
def test_cli_errors_exit_2(args: tuple[str, ...], message: str) -> None:
    out = _casus(*args)
    assert out.returncode == 2
    assert out.stderr.splitlines() == [message]


def test_cli_synth_writes_readable_files(tmp_path: Path) -> None:
    out = _casus(
        "network",
        "synth",
        "--out",
        str(tmp_path),
        "--seed",
        "5",
        "--states",
        "30",
        "--alliances",
        "40",
    )
    assert out.returncode == 0, out.stderr
    assert "40 alliances" in out.stdout
    data = read_atop(tmp_path / "alliances.csv", tmp_path / "members.csv")
    assert len(data.alliances) == 40
