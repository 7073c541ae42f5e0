"""A store on a read-only file system and on a full disk: a clear error, nothing lost.

Each test makes its own small file system (a tmpfs the test mounts, as root), so that the
conditions are real ones and not simulated: SQLite meets EROFS and ENOSPC from the kernel.
"""

from __future__ import annotations

import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from casus.cli.app import app
from casus.model.world import World
from casus.store.errors import StoreError
from casus.store.events import Command

KZ = "kz-2022"


def _mount(point: Path, size: str) -> None:
    point.mkdir(parents=True, exist_ok=True)
    run = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(point)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 0, f"these tests mount a small tmpfs (as root): {run.stderr}"


@pytest.fixture
def mounted(tmp_path: Path) -> Iterator[Callable[[str], Path]]:
    """Mount small tmpfs file systems under tmp_path; all unmounted at the end."""
    points: list[Path] = []

    def make(size: str) -> Path:
        point = tmp_path / f"fs{len(points)}"
        _mount(point, size)
        points.append(point)
        return point

    yield make
    for point in reversed(points):
        subprocess.run(["umount", "-l", str(point)], check=False)


def _cli(*args: str) -> Any:
    return CliRunner().invoke(app, list(args))


def test_a_store_on_a_read_only_file_system_is_read_and_verified_and_refuses_writes(
    mounted: Callable[[str], Path], open_db: Callable[..., Any], world: World, tmp_path: Path
) -> None:
    fs = mounted("16m")
    url = f"sqlite:///{fs / 'casus.db'}"
    store = open_db(url)
    store.import_case(world.cases[KZ], author="user:t", command_id="imp")
    store.close()
    subprocess.run(["mount", "-o", "remount,ro", str(fs)], check=True)
    before = sorted(p.name for p in fs.iterdir())

    verify = _cli("audit", "verify", "--db", url)
    assert verify.exit_code == 0, verify.output
    assert f"ok      {KZ}  1 event(s)" in verify.output
    log = _cli("log", KZ, "--db", url)
    assert log.exit_code == 0, log.output
    assert "case_imported" in log.output

    changed = world.cases[KZ].model_copy(update={"title": "Kazakhstan, retitled"})
    file = tmp_path / "changed.yaml"
    export = _cli("export", KZ, "--db", url, "--out", str(file))
    assert export.exit_code == 0, export.output
    file.write_text(
        file.read_text(encoding="utf-8").replace(world.cases[KZ].title, changed.title),
        encoding="utf-8",
    )
    imported = _cli("import", str(file), "--db", url)
    assert imported.exit_code == 2, imported.output
    assert f"the store at {fs / 'casus.db'} is read-only" in imported.output
    assert "Traceback" not in imported.output
    assert sorted(p.name for p in fs.iterdir()) == before, "reading wrote nothing"


def test_a_full_disk_refuses_the_append_with_a_clear_error_and_keeps_every_acknowledged_event(
    mounted: Callable[[str], Path], open_db: Callable[..., Any], world: World
) -> None:
    fs = mounted("1200k")
    url = f"sqlite:///{fs / 'casus.db'}"
    store = open_db(url)
    store.import_case(world.cases[KZ], author="user:t", command_id="imp")
    claim = world.cases[KZ].claims[0].model_dump(mode="json", by_alias=True)
    acknowledged: list[int] = []
    with pytest.raises(StoreError) as refused:
        for i in range(1000):
            big = {**claim, "id": f"big-{i}", "note": f"{i:08d}" * 5000}
            appended = store.append(KZ, Command("claim_added", {"claim": big}, "user:t", f"c{i}"))
            acknowledged.append(appended.event.seq)
    message = str(refused.value)
    assert message.startswith(f"the store at {fs / 'casus.db'} could not be written: the disk")
    assert "nothing of this change was recorded" in message
    assert "damaged" not in message
    assert acknowledged, "some appends fit before the disk filled"
    assert [e.seq for e in store.events(KZ)] == [1, *acknowledged]
    assert store.verify() == [(KZ, 1 + len(acknowledged), None)]
    ids = {c.id for c in store.current(KZ).claims}
    assert {f"big-{i}" for i in range(len(acknowledged))} <= ids
    assert f"big-{len(acknowledged)}" not in ids
