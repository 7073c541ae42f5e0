"""Hostile files: `casus validate` refuses each at once, within bounded time and memory.

Each file is written by the test; `casus validate` runs in a subprocess with resource limits
(address space 300 MB, CPU 2 s) and must exit 2 with the exact message, well inside a wall-clock
bound. The limits themselves are in `casus.schema.limits` (docs/reference/limits.md).
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from casus.schema import limits
from casus.schema.loader import builtin_files
from casus.schema.yamlio import read_text, scan

MEMORY = 300 * 1024 * 1024
CPU_SECONDS = 2
WALL_SECONDS = 20  # a hang (a FIFO read) would hit this; a refusal takes well under a second


def _bounded() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY, MEMORY))
    resource.setrlimit(resource.RLIMIT_CPU, (CPU_SECONDS, CPU_SECONDS))


@dataclass(frozen=True)
class Run:
    returncode: int
    stdout: str
    stderr: str
    seconds: float


def validate(cwd: Path, *args: str, bounded: bool = True, env: dict[str, str] | None = None) -> Run:
    environ = {**os.environ, "PYTHONIOENCODING": "utf-8", "NO_COLOR": "1", "COLUMNS": "200"}
    environ.pop(limits.MAX_ERRORS_VARIABLE, None)
    environ.update(env or {})
    start = time.monotonic()
    proc = subprocess.run(
        [sys.executable, "-m", "casus", "validate", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=environ,
        timeout=WALL_SECONDS,
        preexec_fn=_bounded if bounded else None,
        check=False,
    )
    return Run(proc.returncode, proc.stdout, proc.stderr, time.monotonic() - start)


def refused(run: Run, *lines: str) -> None:
    assert run.returncode == 2, run.stderr[-2000:]
    assert run.stdout == ""
    assert run.stderr.splitlines() == [*lines, "casus: 1 error(s) in 1 file(s)"]


def alias_bomb() -> str:
    """Nine levels of nine aliases: 9**9 (387 million) values once expanded, in 400 bytes."""
    lines = ["kind: sources", "a: &a [x, x, x, x, x, x, x, x, x]"]
    for prev, name in zip("abcdefgh", "bcdefghi", strict=True):
        lines.append(f"{name}: &{name} [{', '.join([f'*{prev}'] * 9)}]")
    return "\n".join([*lines, "sources: []"]) + "\n"


def test_an_alias_bomb_is_refused_at_the_alias_that_crosses_the_limit(tmp_path: Path) -> None:
    (tmp_path / "bomb.yaml").write_text(alias_bomb(), encoding="utf-8")
    run = validate(tmp_path, "bomb.yaml")
    refused(
        run,
        "bomb.yaml:7:16: f[2]: expected at most 250,000 values in a file, each alias counted as "
        "the values it repeats, found more with this alias (*e)",
    )


def test_nesting_10000_deep_is_refused_without_a_recursion_error(tmp_path: Path) -> None:
    (tmp_path / "deep.yaml").write_text(
        "kind: sources\nsources: " + "[" * 10_000 + "]" * 10_000 + "\n", encoding="utf-8"
    )
    run = validate(tmp_path, "deep.yaml")
    refused(
        run,
        "deep.yaml:2:73: sources" + "[0]" * 63 + ": expected mappings and lists nested at most "
        "64 deep, found deeper nesting here",
    )
    assert "RecursionError" not in run.stderr


def test_a_huge_file_is_refused_from_its_size_before_it_is_read(tmp_path: Path) -> None:
    huge = tmp_path / "huge.yaml"
    with huge.open("wb") as f:
        f.truncate(200 * 1024 * 1024)  # sparse: 200 MB that take no disk
    run = validate(tmp_path, "huge.yaml")
    refused(
        run,
        "huge.yaml: expected a file of at most 4 MiB (4,194,304 bytes), found 200 MiB "
        "(209,715,200 bytes)",
    )


def test_dev_zero_is_refused_as_a_device(tmp_path: Path) -> None:
    run = validate(tmp_path, "/dev/zero")
    refused(run, "/dev/zero: expected a regular file, found a character device")


def test_a_fifo_is_refused_at_once_and_never_opened(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe.yaml")
    run = validate(tmp_path, "pipe.yaml")  # no writer: opening it for reading would block
    refused(run, "pipe.yaml: expected a regular file, found a FIFO (named pipe)")


def test_each_hostile_file_is_refused_in_well_under_a_second_of_loading(tmp_path: Path) -> None:
    """The refusals themselves, in-process: each takes milliseconds (the subprocess runs above
    are dominated by the interpreter's start and the built-in data)."""
    (tmp_path / "bomb.yaml").write_text(alias_bomb(), encoding="utf-8")
    (tmp_path / "deep.yaml").write_text("x: " + "[" * 10_000 + "]" * 10_000, encoding="utf-8")
    with (tmp_path / "huge.yaml").open("wb") as f:
        f.truncate(200 * 1024 * 1024)
    os.mkfifo(tmp_path / "pipe.yaml")
    for name in ("bomb.yaml", "deep.yaml", "huge.yaml", "pipe.yaml", "/dev/zero"):
        start = time.perf_counter()
        text, err = read_text(tmp_path / name, name)
        problems = scan(text, name) if text is not None else [err]
        assert problems, name
        assert time.perf_counter() - start < 0.5, name


def many_errors() -> str:
    """An instrument with 100,000 errors (20 provisions of 5,000 versions that are numbers),
    within every other limit."""
    provisions = "".join(
        f"  - eid: art_{i}\n    heading: H\n    versions: [{', '.join(['1'] * 5000)}]\n"
        for i in range(20)
    )
    return (
        "kind: instrument\nid: tst-many\ntitle: Many\nform: treaty\nsources: [tst-treaty]\n"
        "provisions:\n" + provisions
    )


def test_a_file_with_100000_errors_prints_at_most_n_plus_one_lines(tmp_path: Path) -> None:
    """100 errors (the default), then '… and 99,900 more'; the summary counts them all. Only
    the memory is bounded here: building 100,000 values takes ruamel a few seconds of CPU."""
    (tmp_path / "many.yaml").write_text(many_errors(), encoding="utf-8")
    run = validate(tmp_path, "many.yaml", bounded=False)
    assert run.returncode == 2
    lines = run.stderr.splitlines()
    assert len(lines) == limits.DEFAULT_MAX_ERRORS + 2
    assert lines[0] == (
        "many.yaml:9:16: provisions[0].versions[0]: expected a mapping, found the number 1"
    )
    assert lines[-2] == (
        "many.yaml: … and 99,900 more error(s) (not shown: CASUS_MAX_ERRORS sets how many are "
        "shown per file)"
    )
    assert lines[-1] == "casus: 100000 error(s) in 1 file(s)"


def test_casus_max_errors_sets_how_many_are_shown(tmp_path: Path) -> None:
    (tmp_path / "many.yaml").write_text(many_errors(), encoding="utf-8")
    run = validate(tmp_path, "many.yaml", bounded=False, env={"CASUS_MAX_ERRORS": "5"})
    lines = run.stderr.splitlines()
    assert len(lines) == 5 + 2
    assert lines[-2].startswith("many.yaml: … and 99,995 more error(s)")


@pytest.mark.parametrize("value", ["0", "-3", "many", ""])
def test_a_bad_casus_max_errors_falls_back_to_the_default(
    value: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(limits.MAX_ERRORS_VARIABLE, value)
    assert limits.max_errors() == limits.DEFAULT_MAX_ERRORS


def test_no_limit_refuses_a_built_in_file() -> None:
    """The limits are far above the built-in data (see the module's docstring)."""
    for path in builtin_files():
        text, err = read_text(path, str(path))
        assert err is None and text is not None
        assert len(text.encode("utf-8")) * 10 < limits.MAX_FILE_BYTES
        assert scan(text, str(path)) == [], path
