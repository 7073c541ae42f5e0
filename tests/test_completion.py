"""Shell completion (Typer's): `casus --show-completion` prints a script for the shell, and the
script's protocol completes commands and options; the light start path is left as it was."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

CASUS = Path(sys.executable).with_name("casus")  # the console script, named `casus`


def _casus(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(CASUS), *args],
        capture_output=True,
        text=True,
        env={**os.environ, **env},
        timeout=60,
    )


# Typer detects the shell it runs under; with detection off, the shell is given by name.
GIVEN = {"_TYPER_COMPLETE_TEST_DISABLE_SHELL_DETECTION": "1"}


@pytest.mark.parametrize(
    ("shell", "expected"),
    [
        ("bash", "complete -o default -F _casus_completion casus"),
        ("zsh", "#compdef casus"),
        ("fish", "complete --command casus"),
    ],
)
def test_show_completion_prints_the_script_for_the_shell_given(shell: str, expected: str) -> None:
    out = _casus("--show-completion", shell, **GIVEN)
    assert out.returncode == 0, out.stderr
    assert expected in out.stdout
    assert "_CASUS_COMPLETE" in out.stdout


def test_the_help_lists_the_completion_options() -> None:
    out = _casus("--help", COLUMNS="120")
    assert out.returncode == 0
    assert "--install-completion" in out.stdout and "--show-completion" in out.stdout


@pytest.mark.parametrize(
    ("words", "cword", "expected"),
    [
        ("casus rep", "1", "replay"),
        ("casus network --dyad", "2", "--dyad-year"),
        ("casus replay kz-2022 --no-rep", "3", "--no-report"),
    ],
)
def test_the_bash_script_protocol_completes_commands_and_options(
    words: str, cword: str, expected: str
) -> None:
    # What the bash script runs on Tab: the words so far in the environment, no arguments.
    out = _casus(COMP_WORDS=words, COMP_CWORD=cword, _CASUS_COMPLETE="complete_bash")
    assert out.returncode == 0, out.stderr
    assert expected in out.stdout.split()
