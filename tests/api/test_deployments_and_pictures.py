"""Deployments side by side and a replay's pictures through the API: the rows are exactly what
`casus deployments --json` and `--csv` give (one computation, `casus.cases.deployments`); the
pictures are what the HTML report draws (`casus.report.pictures`)."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import casus
from casus.model.world import World
from casus.report.pictures import pictures

from .conftest import Api, assert_error


def _cli(*args: str) -> str:
    out = subprocess.run(
        [sys.executable, "-m", "casus", "deployments", *args],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ},
    )
    return out.stdout


def test_the_deployments_are_what_casus_deployments_prints(api: Api, tmp_path: Path) -> None:
    rows = api.ok("GET", "/api/cases/deployments")
    assert rows == json.loads(_cli("--json"))
    assert {"kz-2022", "bahrain-2011", "gambia-2017", "lesotho-1998", "kursk-2024"} <= {
        r["case"] for r in rows
    }
    r = api.call("GET", "/api/cases/deployments.csv")
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/csv")
    assert "attachment" in r.headers["content-disposition"]
    _cli("--csv", str(tmp_path / "d.csv"))
    assert r.text == (tmp_path / "d.csv").read_text(encoding="utf-8")
    lines = list(csv.DictReader(io.StringIO(r.text)))
    assert [x["case"] for x in lines] == [x["case"] for x in rows]


def test_an_imported_case_with_a_request_for_a_force_joins_the_deployments(
    api: Api, world: World
) -> None:
    from casus.store.store import open_store

    before = {r["case"] for r in api.ok("GET", "/api/cases/deployments")}
    case = world.cases["kz-2022"].model_copy(update={"id": "kz-copy", "title": "A copy"})
    with open_store(api.db, world=world) as store:
        store.import_case(case, author="user:t", command_id="copy")
    after = {r["case"]: r for r in api.ok("GET", "/api/cases/deployments")}
    assert set(after) == before | {"kz-copy"}
    assert after["kz-copy"]["title"] == "A copy"


def test_a_case_s_pictures_are_the_report_s(api: Api, world: World) -> None:
    got = api.ok("GET", "/api/cases/kz-2022/pictures")
    assert got == json.loads(json.dumps(pictures(casus.replay(world, "kz-2022").to_dict())))
    members = [m for m in got["boards"][0]["marks"] if m["data"].get("mark") == "member"]
    assert len(members) == 6
    assert_error(api.call("GET", "/api/cases/no-such-case/pictures"), 404, "not_found")
