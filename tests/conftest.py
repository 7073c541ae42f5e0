"""The whole suite runs against its own data and cache directories, never the user's: the
default store (a SQLite file in the user's data directory) and the cache of validated worlds
are created afresh under a temporary directory, for this process and every command it starts."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest

_HOME: str | None = None


def pytest_configure(config: pytest.Config) -> None:
    global _HOME
    _HOME = tempfile.mkdtemp(prefix="casus-tests-")
    # platformdirs follows the XDG variables on Linux: the default store and the cache go here.
    os.environ["XDG_DATA_HOME"] = str(Path(_HOME) / "data")
    os.environ["XDG_CACHE_HOME"] = str(Path(_HOME) / "cache")
    os.environ.pop("CASUS_DB_URL", None)
    os.environ.pop("CASUS_CACHE_DIR", None)


def pytest_unconfigure(config: pytest.Config) -> None:
    if _HOME is not None:
        shutil.rmtree(_HOME, ignore_errors=True)
