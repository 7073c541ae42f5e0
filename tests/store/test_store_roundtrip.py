"""Round trip: every built-in case imports, exports and re-imports to the identical state, and
replays from the store exactly as from its file. Both backends."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from casus.cases import replay
from casus.cli.app import app
from casus.model.case import Case
from casus.model.world import World
from casus.schema.loader import builtin_files, check_references, load_file
from casus.store.exchange import case_to_yaml


def _builtin_case_files() -> dict[str, Path]:
    out = {}
    for p in builtin_files():
        loaded = load_file(p)
        if isinstance(loaded.model, Case):
            out[loaded.model.id] = p
    return out


def test_every_builtin_case_round_trips(
    open_db: Callable[..., Any], db_url: str, world: World, tmp_path: Path
) -> None:
    store = open_db(db_url)
    assert world.cases, "no built-in case to test"
    for case_id, case in sorted(world.cases.items()):
        first = store.import_case(case, author="user:t", command_id=f"imp-{case_id}")
        assert first is not None and first.recorded
        from_store = store.current(case_id)
        assert from_store == case
        exported = tmp_path / f"{case_id}.yaml"
        exported.write_text(case_to_yaml(from_store, head=store.head(case_id)), encoding="utf-8")
        loaded = load_file(exported, kinds=("case",))
        assert check_references([loaded], world) == []
        assert loaded.model == case
        assert store.import_case(loaded.model, author="user:t", command_id=f"re-{case_id}") is None
        rebuilt = store.as_of(case_id, dt.datetime.now(dt.UTC) + dt.timedelta(seconds=1))
        assert rebuilt == case
        on_store = replay(World(**{**world.__dict__, "cases": {case_id: from_store}}), case_id)
        assert on_store.to_dict() == replay(world, case_id).to_dict()


def test_the_cli_round_trip(db_url: str, world: World, tmp_path: Path) -> None:
    """The commands, on the case the project started from (the API test above covers all)."""
    import json

    runner = CliRunner()
    files = _builtin_case_files()
    for case_id, path in [("kz-2022", files["kz-2022"])]:
        out = runner.invoke(app, ["import", str(path), "--db", db_url, "--author", "user:t"])
        assert out.exit_code == 0, out.stderr
        assert out.stdout.startswith(f"{case_id}: recorded event #1 case_imported (sha256 ")
        target = tmp_path / f"{case_id}.yaml"
        out = runner.invoke(app, ["export", case_id, "--db", db_url, "--out", str(target)])
        assert out.exit_code == 0, out.stderr
        out = runner.invoke(app, ["import", str(target), "--db", db_url])
        assert out.exit_code == 0, out.stderr
        assert out.stdout.startswith(f"{case_id}: unchanged, nothing recorded (head #1)")
        out = runner.invoke(app, ["replay", case_id, "--db", db_url, "--json"])
        assert out.exit_code == 0, out.stderr
        assert json.loads(out.stdout) == replay(world, case_id).to_dict()
        today = dt.datetime.now(dt.UTC).date().isoformat()
        out = runner.invoke(app, ["replay", case_id, "--db", db_url, "--json", "--as-of", today])
        assert out.exit_code == 0, out.stderr
        assert json.loads(out.stdout) == replay(world, case_id).to_dict()
    out = runner.invoke(app, ["log", "kz-2022", "--db", db_url, "--json"])
    assert out.exit_code == 0, out.stderr
    [event] = json.loads(out.stdout)["events"]
    assert (event["seq"], event["type"], event["author"]) == (1, "case_imported", "user:t")
    assert event["payload"]["source"] == "kz-2022.yaml"
    out = runner.invoke(app, ["log", "kz-2022", "--db", db_url])
    assert out.stdout.splitlines()[1].split()[::2] == ["#1", "user:t"]
