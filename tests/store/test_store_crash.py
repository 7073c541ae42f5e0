"""A writer killed with SIGKILL mid-stream leaves a store that opens, verifies, and holds
exactly the events whose commits had returned (plus, at most, the one being committed when the
signal came: its commit may have finished without the writer living to say so)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from casus.model.world import World

WRITER = Path(__file__).with_name("crash_writer.py")
KILL_AFTER = 25  # commits reported before the kill


def _lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines() if path.exists() else []


def test_sigkill_mid_stream_loses_no_committed_event(
    open_db: Callable[..., Any], db_url: str, world: World, tmp_path: Path
) -> None:
    open_db(db_url).import_case(world.cases["kz-2022"], author="user:setup", command_id="imp")
    report = tmp_path / "report.txt"
    proc = subprocess.Popen([sys.executable, str(WRITER), db_url, str(report)])
    try:
        deadline = time.monotonic() + 60
        while sum(line.startswith("done") for line in _lines(report)) < KILL_AFTER:
            assert proc.poll() is None, "the writer died before it was killed"
            assert time.monotonic() < deadline, "the writer was too slow"
            time.sleep(0.005)
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.kill()
        proc.wait()
    assert proc.returncode == -signal.SIGKILL
    lines = _lines(report)
    done = {line.split()[1] for line in lines if line.startswith("done ")}
    begun = [line.split()[1] for line in lines if line.startswith("begin ")]
    in_flight = set(begun) - done
    assert len(in_flight) <= 1

    store = open_db(db_url)
    [(case_id, count, finding)] = store.verify()
    assert (case_id, finding) == ("kz-2022", None)
    stored = {e.command_id for e in store.events("kz-2022")} - {"imp"}
    assert done <= stored <= done | in_flight
    assert count == len(stored) + 1
