"""The record's commands: bad input fails cleanly (exact message, exit 2, nothing changed), and
`casus replay` reads through the default store, seeding it from the built-in file on first use."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from casus.cases import replay
from casus.cli.app import app
from casus.model.world import World
from casus.store.events import Command

ROOT = Path(__file__).resolve().parents[2]
KZ_FILE = ROOT / "src" / "casus" / "data" / "cases" / "kz-2022.yaml"
UNREACHABLE = "postgresql://postgres@127.0.0.1:1/casus"


def _run(*args: str) -> Any:
    return CliRunner().invoke(app, list(args))


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def damaged(tmp_path: Path, open_db: Callable[..., Any], world: World) -> dict[str, Path]:
    """A truncated store (the first half of a real one) and a file that is no database."""
    good = tmp_path / "good.db"
    store = open_db(str(good))
    store.import_case(world.cases["kz-2022"], author="user:t", command_id="imp")
    store.close()
    data = good.read_bytes()
    truncated = tmp_path / "truncated.db"
    truncated.write_bytes(data[: len(data) // 2])
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"not a database, just text\n" * 200)
    return {"truncated": truncated, "junk": junk}


@pytest.mark.parametrize(
    ("which", "reason"),
    [("truncated", "database disk image is malformed"), ("junk", "file is not a database")],
)
@pytest.mark.parametrize(
    "command",
    [
        ["log", "kz-2022"],
        ["export", "kz-2022"],
        ["audit", "verify"],
        ["import", str(KZ_FILE)],
        ["replay", "kz-2022", "--json"],
    ],
)
def test_a_damaged_database_file(
    damaged: dict[str, Path], which: str, reason: str, command: list[str]
) -> None:
    path = damaged[which]
    before = _digest(path)
    out = _run(*command, "--db", str(path))
    assert out.exit_code == 2
    assert (
        out.stderr.strip() == f"casus: the store at {path} is damaged or not a database: {reason}"
    )
    assert out.stdout == ""
    assert _digest(path) == before


def test_a_damaged_default_store_fails_replay_in_a_real_process(
    damaged: dict[str, Path], tmp_path: Path
) -> None:
    default = tmp_path / "xdg-data" / "casus" / "casus.db"
    default.parent.mkdir(parents=True)
    default.write_bytes(damaged["truncated"].read_bytes())
    out = subprocess.run(
        [sys.executable, "-m", "casus", "replay", "kz-2022", "--json"],
        capture_output=True,
        text=True,
        env={**os.environ, "XDG_DATA_HOME": str(tmp_path / "xdg-data")},
    )
    assert out.returncode == 2
    assert out.stderr.strip() == (
        f"casus: the store at {default} is damaged or not a database: database disk image is malformed"
    )
    assert "Traceback" not in out.stderr and out.stdout == ""


@pytest.mark.parametrize(
    "command",
    [["log", "kz-2022"], ["audit", "verify"], ["import", str(KZ_FILE)], ["replay", "kz-2022"]],
)
def test_an_unreachable_url(command: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    message = f"casus: cannot reach the store at {UNREACHABLE}: Connection refused"
    out = _run(*command, "--db", UNREACHABLE)
    assert (out.exit_code, out.stderr.strip(), out.stdout) == (2, message, "")
    monkeypatch.setenv("CASUS_DB_URL", UNREACHABLE)
    out = _run(*command)
    assert (out.exit_code, out.stderr.strip(), out.stdout) == (2, message, "")


def test_a_case_file_that_does_not_validate_records_nothing(tmp_path: Path, db_url: str) -> None:
    bad = tmp_path / "bad-case.yaml"
    text = KZ_FILE.read_text(encoding="utf-8").replace(
        "organization: csto", "organization: nato-x", 1
    )
    bad.write_text(text, encoding="utf-8")
    out = _run("import", str(bad), "--db", db_url)
    assert out.exit_code == 2
    lines = out.stderr.strip().splitlines()
    assert lines[-1] == f"casus: 1 error(s) in {bad}; nothing was recorded"
    assert lines[0].endswith(
        "organization: expected a known organization (csto), found 'nato-x'"
    ) or (
        "organization: expected a known organization" in lines[0] and "found 'nato-x'" in lines[0]
    )
    empty = tmp_path / "empty.yaml"
    empty.write_text("kind: case\n", encoding="utf-8")
    out = _run("import", str(empty), "--db", db_url)
    assert out.exit_code == 2 and out.stdout == ""
    assert (
        out.stderr.strip().splitlines()[-1].endswith(f"error(s) in {empty}; nothing was recorded")
    )
    out = _run("audit", "verify", "--db", db_url)
    assert (out.exit_code, out.stdout.strip()) == (0, f"no cases in {db_url}")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["log", "kz-2022", "--db", "mysql://localhost/x"],
            "casus: --db: expected a sqlite:///FILE or postgresql://HOST/DATABASE URL or a file path, "
            "found 'mysql://localhost/x'",
        ),
        (
            ["replay", "kz-2022", "--as-of", "last week"],
            "casus: --as-of: expected an ISO date YYYY-MM-DD or time YYYY-MM-DDTHH:MM:SSZ, "
            "found 'last week'",
        ),
    ],
)
def test_bad_options(args: list[str], message: str) -> None:
    out = _run(*args)
    assert (out.exit_code, out.stderr.strip(), out.stdout) == (2, message, "")


def test_an_unknown_case(db_url: str) -> None:
    out = _run("import", str(KZ_FILE), "--db", db_url)
    assert out.exit_code == 0, out.stderr
    shown = out.stdout.rsplit(" in ", 1)[1].strip()
    out = _run("log", "no-such-case", "--db", db_url)
    assert out.exit_code == 2
    assert out.stderr.strip() == (
        f"casus: no case 'no-such-case' in the store at {shown} (cases there: kz-2022)"
    )
    out = _run("replay", "kz-2022", "--db", db_url, "--as-of", "2001-01-01")
    assert out.exit_code == 2
    assert out.stderr.startswith("casus: case kz-2022 was not yet recorded before 2001-01-02")


# --- replay through the default store ------------------------------------------------------


def test_replay_seeds_the_default_store_once_and_prints_the_same(
    tmp_path: Path, world: World, open_db: Callable[..., Any]
) -> None:
    expected = replay(world, "kz-2022").to_dict()
    default = tmp_path / "xdg-data" / "casus" / "casus.db"
    assert not default.exists()
    for _ in range(2):
        out = _run("replay", "kz-2022", "--json")
        assert out.exit_code == 0, out.stderr
        assert json.loads(out.stdout) == expected
    assert default.exists()
    store = open_db(str(default))
    [event] = store.events("kz-2022")
    assert (event.type, event.author) == ("case_imported", "system:casus")
    assert event.command_id.startswith("builtin:kz-2022:0:")
    # An unknown case is reported as before, without touching the store.
    out = _run("replay", "no-such-case")
    assert out.exit_code == 2
    assert out.stderr.startswith("casus: unknown case 'no-such-case' (known cases:")


def _default_store(tmp_path: Path) -> Path:
    path = tmp_path / "xdg-data" / "casus" / "casus.db"
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


def test_replay_reseeds_when_the_builtin_data_changed(
    tmp_path: Path, world: World, open_db: Callable[..., Any]
) -> None:
    store = open_db(str(_default_store(tmp_path)))
    case = world.cases["kz-2022"]
    older = case.model_copy(update={"title": "An older title"})
    store.seed_builtin(older)
    out = _run("replay", "kz-2022", "--json")
    assert out.exit_code == 0, out.stderr
    assert json.loads(out.stdout) == replay(world, "kz-2022").to_dict()
    assert [e.command_id.split(":")[2] for e in store.events("kz-2022")] == ["0", "1"]


def test_replay_shows_what_the_store_recorded_since(
    tmp_path: Path, world: World, open_db: Callable[..., Any], new_claim: Callable[..., Any]
) -> None:
    store = open_db(str(_default_store(tmp_path)))
    case = world.cases["kz-2022"]
    store.seed_builtin(case)
    claim = new_claim(case, "added-in-the-store")
    store.append("kz-2022", Command("claim_added", {"claim": claim}, "user:t", "added"))
    out = _run("replay", "kz-2022", "--json")
    assert out.exit_code == 0, out.stderr
    assert "added-in-the-store" in [c["id"] for c in json.loads(out.stdout)["claims"]]
    # The built-in file does not overwrite the record, however often it is replayed.
    assert store.seed_builtin(case) is None
    assert len(store.events("kz-2022")) == 2


def test_concurrent_first_uses_seed_once(
    tmp_path: Path, world: World, open_db: Callable[..., Any]
) -> None:
    url = str(tmp_path / "shared.db")
    stores = [open_db(url) for _ in range(8)]
    barrier = threading.Barrier(len(stores))

    def seed(s: Any) -> None:
        barrier.wait()
        s.seed_builtin(world.cases["kz-2022"])

    threads = [threading.Thread(target=seed, args=(s,)) for s in stores]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(stores[0].events("kz-2022")) == 1


def test_a_state_recorded_by_an_older_case_model(
    db_url: str, world: World, open_db: Callable[..., Any]
) -> None:
    from sqlalchemy import text

    store = open_db(db_url)
    copy = world.cases["kz-2022"].model_copy(update={"id": "kz-copy"})
    store.import_case(copy, author="user:t", command_id="imp")
    with store.engine.begin() as conn:  # a field this casus's Case no longer has
        conn.execute(
            text("UPDATE cases SET fields = replace(fields, :old, :new)"),
            {"old": '{"actors"', "new": '{"retired":1,"actors"'},
        )
    out = _run("replay", "kz-copy", "--db", db_url, "--json")
    assert out.exit_code == 2 and out.stdout == ""
    assert out.stderr.strip() == (
        "casus: case kz-copy as recorded does not fit this casus's case model "
        "(1 problem(s); first: retired: Extra inputs are not permitted)"
    )
