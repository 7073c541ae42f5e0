"""The command line: every command works, says what it does, and fails cleanly."""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
COMMANDS = ["cases", "replay", "evaluate", "validate", "schema"]


def run(
    *args: str, cwd: Path | None = None, columns: int = 250
) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "COLUMNS": str(columns)}
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


def test_replay_full_prints_every_part_and_writes_the_report(tmp_path: Path) -> None:
    report = tmp_path / "out" / "kz.html"
    out = run("replay", "kz-2022", "--full", "--report", str(report))
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


FIXTURE = ROOT / "tests" / "fixtures" / "replay-kz-2022"
# A citation cut short: instrument/eid@date, source:id or a source id, ending in an ellipsis.
CUT_CITATION = re.compile(r"(?:[a-z0-9.-]+/[A-Za-z0-9_]+@?[0-9-]*|source:[a-z0-9.-]*)…")


def test_replay_prints_the_short_answer_first(tmp_path: Path) -> None:
    report = tmp_path / "kz.html"
    out = run("replay", "kz-2022", "--report", str(report), columns=100)
    assert out.returncode == 0, out.stderr
    lines = out.stdout.rstrip("\n").split("\n")
    assert len(lines) <= 25, out.stdout
    assert lines[-1] == f"HTML report written to {report.resolve()}"
    assert report.exists()
    text = " ".join(out.stdout.split())  # lines wrap at word boundaries
    for part in (
        "Request kz-2022-01-05",
        "Entitled to ask: yes",
        "Collective Security Council, consensus with the limited",
        "cst/art_4@2012-12-19: yes | no | contested",
        "(requester | independent | all; default: all)",
        "csto-peacekeeping-agreement/art_3@2008-12-26: yes | undetermined | yes",
        "approved (requester) | undetermined (independent) | approved (all)",
        "recorded: approved (2022-01-06): agrees",
        "internal_conflict",
        "deployed personnel (whole force): 2,030 | more than 2,000 | about 2,000 | 3,600",
        "casus replay kz-2022 --full",
        "Under general international law: permitted | contested | contested",
    ):
        assert part in text, part
    assert "…" not in out.stdout
    assert all(len(line) <= 100 and line == line.rstrip() for line in lines)


def _streams(text: str) -> str:
    """The view without its layout: each plain line, and each table's columns read down, with
    whitespace removed (so a word wrapped or a citation folded in a cell reads whole)."""
    cell, border = re.compile(r"[│┃]"), re.compile(r"[┏┓┗┛┡┩└┘┌┐├┤┼┬┴╇╈━─┳┻╭╮╰╯]")
    out: list[str] = []
    block: list[list[str]] = []

    def flush() -> None:
        for j in range(max((len(row) for row in block), default=0)):
            out.append("".join("".join(row[j].split()) for row in block if j < len(row)))
        block.clear()

    for line in text.splitlines():
        if cell.search(line) and not line.lstrip().startswith(("│   ", "├──", "└──")):
            block.append(cell.split(line))
            continue
        if border.search(line) and not border.sub("", line).strip():
            continue
        flush()
        out.append("".join(line.split()))
    flush()
    return "\n".join(out)


def _full_view(doc: dict[str, object], sections: frozenset[str] | None = None) -> str:
    from rich.console import Console

    from casus.cli.render import print_replay

    buf = io.StringIO()
    console = Console(file=buf, width=100, highlight=False, soft_wrap=False)
    print_replay(doc, sections=sections, console=console)
    return buf.getvalue()


def test_full_keeps_every_line_the_replay_printed_before() -> None:
    # The fixture is the default view before the short verdict, rendered from doc.json at 100
    # columns: every line of it is in --full, verbatim or, in a table whose columns now fold
    # citations instead of cutting them, word for word (a word cut with "…" then, whole now).
    doc = json.loads((FIXTURE / "doc.json").read_text(encoding="utf-8"))
    old = (FIXTURE / "default-100-columns.txt").read_text(encoding="utf-8")
    new = _full_view(doc)
    verbatim = set(new.splitlines())
    content = _streams(new)
    lost = []
    for line in old.splitlines():
        if not line.strip() or line in verbatim:
            continue
        for word in re.sub(r"[│┃┏┓┗┛┡┩└┘┌┐├┤┼┬┴╇╈━─┳┻╭╮╰╯]", " ", line).split():
            whole = word[:-1] if word.endswith("…") and len(word) > 1 else word
            if whole not in content:
                lost.append((word, line))
    assert lost == []
    assert CUT_CITATION.search(new) is None
    # The check would see a part go missing.
    without_claims = _full_view(doc, sections=frozenset({"summary", "timeline", "force"}))
    assert "aggression_against_party" in content
    assert "aggression_against_party" not in _streams(without_claims)


def test_full_and_sections_print_whole_citations() -> None:
    out = run("replay", "kz-2022", "--full", "--no-report", columns=100)
    assert out.returncode == 0, out.stderr
    assert CUT_CITATION.search(out.stdout) is None
    assert "csto-peacekeeping-agreement/art_3@2008-12-26" in _streams(out.stdout)
    part = run("replay", "kz-2022", "--section", "force", "--section", "phases", "--no-report")
    assert part.returncode == 0, part.stderr
    assert "Force figures" in part.stdout and "Phases" in part.stdout
    for other in ("Timeline", "Explanation", "Claims (each", "Obligations that follow"):
        assert other not in part.stdout
    rules = run("replay", "kz-2022", "--section", "rules", "--no-report")
    assert "In force that day" in rules.stdout and "Request kz-2022-01-05" in rules.stdout
    assert "Deciding organ" not in rules.stdout


def test_unknown_section_names_the_nearest() -> None:
    out = run("replay", "kz-2022", "--section", "forse")
    assert out.returncode == 2
    assert out.stdout == ""
    assert out.stderr.startswith("casus: --section: no section 'forse' (did you mean force")
    assert "known: summary, timeline, request, rules" in out.stderr


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
