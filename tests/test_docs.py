"""Every example in the documentation runs: each `casus` line of a ```sh block exits 0, and each
```python block executes, from the repository's root."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PAGES = [*sorted((ROOT / "docs").rglob("*.md")), ROOT / "README.md"]
BLOCK = re.compile(r"```(sh|python)\n(.*?)```", re.DOTALL)


def _blocks(lang: str) -> list[object]:
    found = []
    for page in PAGES:
        for i, match in enumerate(BLOCK.finditer(page.read_text(encoding="utf-8"))):
            if match.group(1) != lang:
                continue
            rel = page.relative_to(ROOT)
            if lang == "python":
                found.append(pytest.param(match.group(2), id=f"{rel}#{i}"))
                continue
            for line in match.group(2).splitlines():
                command = line.split("  #")[0].strip()
                if command.startswith("casus "):
                    found.append(pytest.param(command, id=f"{rel}: {command[:70]}"))
    return found


@pytest.mark.parametrize("command", _blocks("sh"))
def test_shell_example_runs(command: str, tmp_path: Path) -> None:
    # The README's store examples share one database: here, one of this test run's own.
    example_db = Path(os.environ["XDG_DATA_HOME"]).parent / "casus-example.db"
    # The checkpoint example's key and checkpoint live beside it (a key is never overwritten).
    here = str(example_db.parent / "casus-example")
    args = [a.replace("/tmp/casus-example", here) for a in shlex.split(command)[1:]]
    if args and args[0] == "replay" and "--json" not in args:
        args += ["--report", str(tmp_path / "report.html")]
    if args and args[0] == "schema":
        args = ["schema", "--out", str(tmp_path / "schemas")]
    out = subprocess.run(
        [sys.executable, "-m", "casus", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, "COLUMNS": "200"},
    )
    assert out.returncode == 0, out.stderr


@pytest.mark.parametrize("code", _blocks("python"))
def test_python_example_runs(code: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    exec(compile(code, "<docs>", "exec"), {"__name__": "__docs__"})
