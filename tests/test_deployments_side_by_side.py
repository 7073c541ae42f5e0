"""`casus deployments`: every request for a force side by side, from the replay's document."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import casus
from casus.cases.deployments import CSV_COLUMNS, deployments, to_csv
from casus.evaluation.engine import evaluate_frames

WORLD = casus.load_world()
GIL = "general-international-law"


def test_one_row_per_case_with_a_request_for_a_force_and_the_same_answers_as_the_engine() -> None:
    rows = deployments(WORLD)
    assert {r["case"] for r in rows} >= {"kz-2022", "kg-2010", "nato-a5-2001"}
    for r in rows:
        case = WORLD.cases[r["case"]]
        rq = next(q for q in case.requests if q.id == r["request"])
        frame = evaluate_frames(WORLD, casus.from_case(case, rq))[GIL]
        assert r["frame"] == {k: v["computed"] for k, v in frame.outcome["by_reading"].items()}
        ev = casus.evaluate(WORLD, casus.from_case(case, rq))
        assert r["treaty"] == {k: v["computed"] for k, v in ev.outcome["by_reading"].items()}
    consult_only = {c for c, case in WORLD.cases.items() if c.startswith("nato-a4")}
    assert not consult_only & {r["case"] for r in rows}


def test_kazakhstan_row() -> None:
    (kz,) = deployments(WORLD, ["kz-2022"])
    assert kz["requested_by"]["person"] == "Kassym-Jomart Tokayev"
    assert kz["organ"] == "Collective Security Council"
    assert kz["frame"] == {"all": "contested", "requester": "permitted", "independent": "contested"}
    assert kz["consent"]["armed_attack_from_abroad"] == {
        "all": "contested",
        "requester": "yes",
        "independent": "no",
    }
    assert {s["by"] for s in kz["stated"]} == {"seed-article", "jufil-authors"}
    assert "ilc-arsiwa/art_20@1945-10-24" in kz["cites"]
    assert kz["start"] == "2022-01-06"


def test_csv_has_every_column_and_one_line_per_deployment() -> None:
    rows = deployments(WORLD)
    table = list(csv.DictReader(io.StringIO(to_csv(rows))))
    assert len(table) == len(rows)
    assert tuple(table[0]) == CSV_COLUMNS
    kz = next(t for t in table if t["case"] == "kz-2022")
    assert kz["frame_outcome"] == "requester: permitted; independent: contested; all: contested"


def test_the_command_writes_csv_and_a_report_and_refuses_an_unknown_case(tmp_path: Path) -> None:
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "casus",
            "deployments",
            "kz-2022",
            "--json",
            "--csv",
            str(tmp_path / "d.csv"),
            "--report",
            str(tmp_path / "d.html"),
        ],
        capture_output=True,
        text=True,
    )
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)[0]["case"] == "kz-2022"
    assert (tmp_path / "d.csv").read_text(encoding="utf-8").startswith("case,organization,")
    html = (tmp_path / "d.html").read_text(encoding="utf-8")
    assert "kz-2022" in html and "General international law, per reading" in html
    bad = subprocess.run(
        [sys.executable, "-m", "casus", "deployments", "kz-2023"], capture_output=True, text=True
    )
    assert bad.returncode == 2
    assert bad.stderr.startswith("casus: unknown case 'kz-2023'")
    assert "Traceback" not in bad.stderr
