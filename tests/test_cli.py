"""The command line: every command works, says what it does, and fails cleanly."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
COMMANDS = ["cases", "replay", "evaluate", "validate", "schema"]


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "COLUMNS": "250"}
    return subprocess.run(
        [sys.executable, "-m", "casus", *args],
        capture_output=True,
        text=True,
        cwd=cwd or ROOT,
        env=env,
    )


@pytest.mark.parametrize("command", [None, *COMMANDS])
def test_help_on_every_command(command: str | None) -> None:
    out = run(*([command] if command else []), "--help")
    assert out.returncode == 0
    assert "Usage" in out.stdout
    if command:
        assert len(out.stdout.split("\n")) > 4


def test_cases_lists_kz_2022_with_its_outcome() -> None:
    out = run("cases", "--json")
    assert out.returncode == 0
    rows = {r["id"]: r for r in json.loads(out.stdout)}
    assert rows["kz-2022"]["recorded"] == ["approved"]
    assert rows["kz-2022"]["dates"] == ["2022-01-05"]
    table = run("cases")
    assert "kz-2022" in table.stdout


def test_replay_prints_every_part_and_writes_the_report(tmp_path: Path) -> None:
    report = tmp_path / "out" / "kz.html"
    out = run("replay", "kz-2022", "--report", str(report))
    assert out.returncode == 0, out.stderr
    text = out.stdout
    for part in (
        "Timeline",
        "Request kz-2022-01-05",
        "cst/art_4@2012-12-19",
        "Collective Security Council",
        "limited format",
        "approved",
        "Nikol Pashinyan",
        "Obligations that follow",
        "Force figures",
        "2,030",
        "3,600",
        "Mandate",
        "Host personnel released",
        "Phases",
        "2022-01-19",
        "Explanation",
    ):
        assert part in text, part
    assert f"HTML report written to {report.resolve()}" in " ".join(text.split())
    html = report.read_text(encoding="utf-8")
    assert html.startswith("<!doctype html>")
    assert "What would have had to differ" in html
    assert "position.AM=object" in html  # one member's objection would have turned it


def test_replay_json_is_one_document() -> None:
    out = run("replay", "kz-2022", "--json")
    assert out.returncode == 0
    doc = json.loads(out.stdout)
    assert doc["case"] == "kz-2022"


def test_unknown_case_is_a_clean_error() -> None:
    out = run("replay", "no-such-case")
    assert out.returncode == 2
    assert out.stdout == ""
    assert out.stderr.strip() == "casus: unknown case 'no-such-case' (known cases: kz-2022)" or (
        out.stderr.startswith("casus: unknown case 'no-such-case' (known cases:")
    )
    assert "Traceback" not in out.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["replay", "kz-2022", "--on", "2022-13-01"],
            "casus: --on: expected an ISO date YYYY-MM-DD, found '2022-13-01'",
        ),
        (
            ["replay", "kz-2022", "--reading", "nobody"],
            "casus: no reading 'nobody' (known: requester, independent, all)",
        ),
        (
            ["evaluate", "docs/examples/request-kz-2022.yaml", "--on", "yesterday"],
            "casus: --on: expected an ISO date YYYY-MM-DD, found 'yesterday'",
        ),
    ],
)
def test_bad_options_exit_2_with_a_message(args: list[str], message: str) -> None:
    out = run(*args)
    assert out.returncode == 2
    assert out.stderr.strip() == message
    assert out.stdout == ""


def test_evaluate_a_request_file() -> None:
    out = run("evaluate", "docs/examples/request-kz-2022.yaml", "--on", "2022-01-05", "--json")
    assert out.returncode == 0, out.stderr
    doc = json.loads(out.stdout)
    ev = doc["evaluation"]
    assert ev["on"] == "2022-01-05"
    assert ev["entitled"] == "yes"
    assert ev["outcome"]["computed"] == "approved"
    for key in ("entitled", "triggered", "organ", "rule", "outcome", "obligations", "explanation"):
        assert key in ev
    terminal = run("evaluate", "docs/examples/request-kz-2022.yaml")
    assert terminal.returncode == 0 and "Explanation" in terminal.stdout


def test_evaluate_rejects_a_case_file_as_request(tmp_path: Path) -> None:
    case = ROOT / "src" / "casus" / "data" / "cases" / "kz-2022.yaml"
    out = run("evaluate", str(case))
    assert out.returncode == 2
    assert "expected one of request, found 'case'" in out.stderr


def test_validate_the_built_in_data() -> None:
    files = sorted(str(p) for p in (ROOT / "src" / "casus" / "data").rglob("*.yaml"))
    out = run("validate", *files)
    assert out.returncode == 0, out.stderr
    assert out.stdout.count("ok  ") == len(files)


def test_schema_writes_one_schema_per_kind(tmp_path: Path) -> None:
    out = run("schema", "--out", str(tmp_path))
    assert out.returncode == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "case.schema.json",
        "instrument.schema.json",
        "organization.schema.json",
        "places.schema.json",
        "request.schema.json",
        "sources.schema.json",
    ]


def test_committed_schemas_are_up_to_date(tmp_path: Path) -> None:
    run("schema", "--out", str(tmp_path))
    for fresh in tmp_path.iterdir():
        committed = ROOT / "schemas" / fresh.name
        assert committed.exists(), f"schemas/{fresh.name} is not committed: run `casus schema`"
        assert json.loads(committed.read_text()) == json.loads(fresh.read_text()), (
            f"schemas/{fresh.name} is stale: run `casus schema`"
        )


def test_import_casus_has_no_side_effects_and_is_light() -> None:
    code = (
        "import sys, casus; "
        "heavy = [m for m in ('pydantic', 'ruamel', 'typer', 'rich', 'jinja2') if m in sys.modules]; "
        "print(heavy)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
