"""The light start path (`casus.cli.fast`): the same documents as the full command line, without
Typer, Rich, SQLAlchemy or the YAML loader, and the full command line for everything else."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from casus.cli import fast
from casus.cli.app import app
from casus.schema.loader import load_world

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "docs" / "examples"
CASES = sorted(load_world().cases)


@pytest.fixture(autouse=True)
def _own_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Each test reads its own default store (the built-in cases are seeded by the full path).
    monkeypatch.setenv("CASUS_DB_URL", f"sqlite:///{tmp_path / 'casus.db'}")


def full(*args: str) -> object:
    result = CliRunner().invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


@pytest.mark.parametrize("case", CASES)
def test_replay_json_is_the_full_commands_document(case: str) -> None:
    expected = full("replay", case, "--json")  # seeds the store, as the first run does
    assert fast.light(["replay", case, "--json"]) == expected


def test_replay_options_are_honoured() -> None:
    expected = full("replay", "kz-2022", "--json", "--on", "2023-01-01", "--reading", "all")
    assert fast.light(["replay", "kz-2022", "--on=2023-01-01", "--reading", "all", "--json"]) == (
        expected
    )


@pytest.mark.parametrize("request_file", sorted(EXAMPLES.glob("request-*.yaml")))
def test_evaluate_json_is_the_full_commands_document(request_file: Path) -> None:
    expected = full("evaluate", str(request_file), "--json")
    assert fast.light(["evaluate", str(request_file), "--json"]) == expected


def test_cases_json_is_the_full_commands_document() -> None:
    assert fast.light(["cases", "--json"]) == full("cases", "--json")


@pytest.mark.parametrize(
    "argv",
    [
        [],
        ["--help"],
        ["replay", "kz-2022"],  # tables and a report: the full command
        ["replay", "kz-2022", "--json", "--help"],
        ["replay", "kz-2022", "--json", "--data", "x.yaml"],
        ["replay", "kz-2022", "--json", "--db", "sqlite:///x.db"],
        ["replay", "kz-2022", "--json", "--as-of", "2024-01-01"],
        ["replay", "kz-2022", "--json", "--on"],
        ["replay", "kz-2022", "--json", "--json"],
        ["replay", "kz-2022", "--json=yes"],
        ["replay", "--json"],
        ["replay", "a", "b", "--json"],
        ["cases", "extra", "--json"],
        ["validate", "x.yaml"],
    ],
)
def test_anything_else_goes_to_the_full_command_line(argv: list[str]) -> None:
    assert fast.light(argv) is None


def test_errors_are_the_full_command_lines() -> None:
    # An unknown case, a bad date: the light path steps aside and the full one reports.
    assert fast.light(["replay", "no-such-case", "--json"]) is None
    assert fast.light(["replay", "kz-2022", "--json", "--on", "yesterday"]) is None
    assert fast.light(["evaluate", "missing.yaml", "--json"]) is None


def test_an_unseeded_store_goes_to_the_full_path() -> None:
    # The full path seeds the built-in case; after that the light path reads it.
    assert fast.light(["replay", "kz-2022", "--json"]) is None
    full("replay", "kz-2022", "--json")
    assert fast.light(["replay", "kz-2022", "--json"]) is not None


def test_a_case_changed_in_the_store_is_the_stores(tmp_path: Path) -> None:
    from casus.store.store import open_store

    world = load_world()
    changed = world.cases["kz-2022"].model_copy(update={"title": "As the store records it"})
    with open_store(os.environ["CASUS_DB_URL"], world=world) as store:
        store.import_case(changed, author="user:test", command_id="test-change")
    doc = fast.light(["replay", "kz-2022", "--json"])
    assert doc == full("replay", "kz-2022", "--json")
    assert "As the store records it" in json.dumps(doc)


def test_a_fresh_process_imports_neither_typer_nor_the_store_engine(tmp_path: Path) -> None:
    env = {**os.environ, "CASUS_DB_URL": f"sqlite:///{tmp_path / 'casus.db'}"}
    seed = [sys.executable, "-m", "casus", "replay", "kz-2022", "--json"]
    first = subprocess.run(seed, capture_output=True, text=True, env=env, check=True)
    probe = (
        "import sys, runpy\n"
        "sys.argv = ['casus', 'replay', 'kz-2022', '--json']\n"
        "runpy.run_module('casus', run_name='__main__')\n"
        "heavy = sorted(m for m in ('typer', 'click', 'rich', 'sqlalchemy', 'ruamel', 'jinja2')"
        " if any(k == m or k.startswith(m + '.') for k in sys.modules))\n"
        "print('HEAVY', heavy, file=sys.stderr)\n"
    )
    second = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, env=env, check=True
    )
    assert "HEAVY []" in second.stderr
    assert second.stdout == first.stdout


def test_help_is_still_complete() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "casus", "--help"], capture_output=True, text=True, check=True
    )
    for command in ("replay", "evaluate", "cases", "whatif", "compare", "network", "serve"):
        assert command in out.stdout
