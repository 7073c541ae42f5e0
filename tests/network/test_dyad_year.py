"""Directed dyad-years (`casus network --dyad-year`): the counting rule on hand-made pools, then
known dyads of the built-in instruments with their Correlates-of-War codes, then the command's
CSV header, its JSON and its refusals."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from functools import cache

import pytest
from typer.testing import CliRunner

from casus.cli.app import app
from casus.model.common import Value
from casus.network.cow import code_on
from casus.network.dyadyear import COLUMNS, DyadYear, builtin_dyad_years, dyad_years
from casus.network.links import Bearer, Kind, Pool, PoolTable
from casus.schema.loader import load_world

HEADER = (
    "ccode1,ccode2,year,defense,offense,neutral,nonagg,consul,"
    "state1,state2,instruments,citations,contested"
)


def _pool(cite: str, kind: Kind, towards: str, *bearers: tuple[str, Value]) -> Pool:
    return Pool(
        cite, kind, "casus", "duty", (towards,), tuple(Bearer(s, "must", v) for s, v in bearers)
    )


def _table(day: dt.date, pools: list[Pool]) -> PoolTable:
    return PoolTable(day, tuple(pools))


def _by_pair(rows: list[DyadYear]) -> dict[tuple[str, str], list[int]]:
    out: dict[tuple[str, str], list[int]] = {}
    for r in rows:
        out.setdefault((r.state1, r.state2), []).append(r.year)
    return out


# --- the counting rule -------------------------------------------------------------------------


def test_a_year_counts_when_the_obligation_holds_on_any_day_of_it() -> None:
    # US owes CA from 10 Mar 2001 until 1 Jan 2004 (the day it stops holding), contested from
    # 1 Jul 2003; consultation only in 2002.
    def table_on(day: dt.date) -> PoolTable:
        pools = []
        if dt.date(2001, 3, 10) <= day < dt.date(2004, 1, 1):
            value = Value.CONTESTED if day >= dt.date(2003, 7, 1) else Value.UNDETERMINED
            pools.append(_pool("t/art_5@2001-03-10", "defence", "CA", ("US", value)))
        if dt.date(2002, 1, 1) <= day < dt.date(2003, 1, 1):
            pools.append(_pool("t/art_4@2002-01-01", "consultation", "CA", ("US", Value.YES)))
        return _table(day, pools)

    changes = [
        dt.date(2001, 3, 10),
        dt.date(2002, 1, 1),
        dt.date(2003, 1, 1),
        dt.date(2003, 7, 1),
        dt.date(2004, 1, 1),
    ]
    rows = dyad_years(table_on, changes, 2000, 2005)
    assert [(r.state1, r.state2, r.year) for r in rows] == [
        ("US", "CA", 2001),
        ("US", "CA", 2002),
        ("US", "CA", 2003),
    ]
    y2001, y2002, y2003 = rows
    assert (y2001.ccode1, y2001.ccode2) == (2, 20)
    assert y2001.kinds == {"defence"} and y2002.kinds == {"defence", "consultation"}
    assert y2002.citations == ("t/art_4@2002-01-01", "t/art_5@2001-03-10")
    assert y2003.contested == ("t/art_5@2001-03-10",) and y2002.contested == ()
    assert y2002.row() == [
        "2",
        "20",
        "2002",
        "1",
        "0",
        "0",
        "0",
        "1",
        "US",
        "CA",
        "t",
        "t/art_4@2002-01-01 t/art_5@2001-03-10",
        "",
    ]


def test_an_obligation_that_does_not_hold_or_draws_no_one_in_gives_no_row() -> None:
    def table_on(day: dt.date) -> PoolTable:
        return _table(
            day,
            [
                _pool(
                    "anzus/art_4@1952-04-29", "defence", "NZ", ("US", Value.NO), ("AU", Value.YES)
                ),
                _pool("anzus/art_4@1952-04-29", "other", "AU", ("US", Value.YES)),
            ],
        )

    rows = dyad_years(table_on, [], 1990, 1990)
    assert [(r.state1, r.state2) for r in rows] == [("AU", "NZ")]


def test_the_range_is_checked() -> None:
    with pytest.raises(ValueError, match="before the first"):
        dyad_years(lambda day: _table(day, []), [], 2001, 2000)


def test_a_state_that_changed_cow_code_has_the_code_of_each_part_of_the_year() -> None:
    assert code_on("DE", dt.date(1990, 10, 2)) == 260
    assert code_on("DE", dt.date(1990, 10, 3)) == 255
    assert code_on("US", dt.date(1990, 1, 1)) == 2
    assert code_on("RU", dt.date(2022, 1, 1)) == 365
    assert code_on("KZ", dt.date(2022, 1, 1)) == 705
    assert code_on("XX", dt.date(2022, 1, 1)) is None


# --- the built-in instruments ------------------------------------------------------------------


@cache
def _builtin(org: str, first: int, last: int) -> tuple[DyadYear, ...]:
    return tuple(builtin_dyad_years(load_world([]), first, last, organizations=[org]))


def test_nato_usa_canada_defence_and_consultation_from_1949() -> None:
    rows = [r for r in _builtin("nato", 1947, 1952) if (r.state1, r.state2) == ("US", "CA")]
    assert [r.year for r in rows] == [1949, 1950, 1951, 1952]  # in force 24 Aug 1949
    for r in rows:
        assert (r.ccode1, r.ccode2) == (2, 20)
        assert r.kinds == {"defence", "consultation"}
        assert "north-atlantic-treaty/art_5@1949-08-24" in r.citations
        assert r.instruments == ("north-atlantic-treaty",)
    later = [r for r in _builtin("nato", 2024, 2025) if (r.state1, r.state2) == ("US", "CA")]
    assert [r.year for r in later] == [2024, 2025]
    # Directed both ways.
    assert any((r.state1, r.state2) == ("CA", "US") for r in _builtin("nato", 2024, 2025))


def test_germany_is_260_until_unification_and_255_from_it() -> None:
    rows = [r for r in _builtin("nato", 1989, 1991) if (r.state1, r.state2) == ("US", "DE")]
    assert [(r.ccode2, r.year) for r in rows] == [
        (255, 1990),
        (255, 1991),
        (260, 1989),
        (260, 1990),
    ]


def test_csto_armenia_and_russia_both_ways_with_codes() -> None:
    rows = _builtin("csto", 1993, 2025)
    pairs = _by_pair(list(rows))
    assert pairs[("RU", "AM")] == list(range(1994, 2026))  # the CST in force 20 Apr 1994
    assert pairs[("AM", "RU")] == list(range(1994, 2026))
    ru_am = {r.year: r for r in rows if (r.state1, r.state2) == ("RU", "AM")}
    assert (ru_am[2000].ccode1, ru_am[2000].ccode2) == (365, 371)
    assert ru_am[2000].kinds == {"defence", "consultation"}
    assert "cst/art_4@1994-04-20" in ru_am[2000].citations
    assert "cst/art_4@2012-12-19" in ru_am[2013].citations  # the 2010 protocol's Art. 4
    kz = [r for r in rows if r.state1 == "KZ" and r.state2 == "RU"]
    assert kz and all((r.ccode1, r.ccode2) == (705, 365) for r in kz)


def test_anzus_us_obligations_towards_new_zealand_end_in_1986() -> None:
    pairs = _by_pair(list(_builtin("anzus", 1951, 1988)))
    assert pairs[("US", "NZ")] == list(range(1952, 1987))  # suspended 11 Aug 1986
    assert pairs[("US", "AU")] == list(range(1952, 1989))


# --- the command -------------------------------------------------------------------------------


def _run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, ["network", *args])
    return result.exit_code, result.stdout, result.stderr


def test_csv_header_is_exact_and_rows_match_the_json() -> None:
    code, out, _ = _run("--format", "csv", "--dyad-year", "--from", "2022", "--to", "2023",
                        "--organization", "csto")  # fmt: skip
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == HEADER == ",".join(COLUMNS)
    assert "365,705,2022,1,0,0,0,1,RU,KZ,cst,cst/art_2@2012-12-19 cst/art_4@2012-12-19," in lines
    code, doc_text, _ = _run("--dyad-year", "--from", "2022", "--to", "2023",
                             "--organization", "csto", "--json")  # fmt: skip
    assert code == 0
    doc = json.loads(doc_text)
    assert doc["columns"] == list(COLUMNS) and (doc["from"], doc["to"]) == (2022, 2023)
    from_csv = list(csv.DictReader(io.StringIO(out)))
    assert len(from_csv) == len(doc["rows"]) > 0
    for c, j in zip(from_csv, doc["rows"], strict=True):
        assert c["ccode1"] == str(j["ccode1"]) and c["year"] == str(j["year"])
        assert c["citations"] == " ".join(j["citations"])
        assert c["defense"] == str(j["defense"])


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--dyad-year", "--from", "2025", "--to", "2020"], "casus: --to 2020 is before --from 2025"),
        (["--dyad-year", "--format", "text"], "casus: --format: --matrix and --dyad-year print csv or json"),
        (["--dyad-year", "--on", "2022-01-01"], "casus: --dyad-year takes --from/--to years"),
        (["--dyad-year", "--from", "0"], "casus: --from: expected a year (1-9998), found 0"),
        (["--dyad-year", "--organization", "nope", "--from", "2020", "--to", "2020"], "unknown organization 'nope'"),
        (["--from", "2020", "--on", "2022-01-01", "--matrix"], "casus: --from and --to go with --dyad-year"),
        (["--on", "2022-01-01", "--target", "KZ", "--attacker", "RU", "--format", "csv"], "a cascade prints text or json"),
    ],
)  # fmt: skip
def test_bad_options_exit_2_with_one_line(args: list[str], message: str) -> None:
    code, out, err = _run(*args)
    assert code == 2
    assert message in err
    assert out == "" and "Traceback" not in err
