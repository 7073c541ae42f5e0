"""A cache of validated worlds, so that a command does not re-read and re-validate every data
file on every run.

The key is a digest of casus's version, the versions of Python and pydantic, the size and
modification time of each source file of the models and the loader (the code that defines
what is pickled and how it was validated), and each data file's path, size and modification
time: any change to any of them misses the cache. The cache
lives in the user's cache directory (`CASUS_CACHE_DIR` overrides it; `CASUS_CACHE=0` turns it
off). It holds only what casus itself validated from the files; an unreadable or stale entry is
ignored and rebuilt, never trusted.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import sys
from collections.abc import Sequence
from importlib import resources
from pathlib import Path

from casus.model.world import World


def builtin_files() -> list[Path]:
    """The built-in data files, in a stable order."""
    root = Path(str(resources.files("casus") / "data"))
    return sorted(root.rglob("*.yaml"))


def _directory() -> Path:
    override = os.environ.get("CASUS_CACHE_DIR")
    if override:
        return Path(override)
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("casus"))


def enabled() -> bool:
    return os.environ.get("CASUS_CACHE", "1") not in ("0", "false", "no")


def key(paths: Sequence[Path]) -> str | None:
    """The cache key of a set of files, or None if one cannot be read."""
    import pydantic

    import casus

    digest = hashlib.sha256()
    digest.update(f"{casus.__version__}|{sys.version}|{pydantic.VERSION}".encode())
    package = Path(casus.__file__).parent
    code = sorted([*(package / "model").glob("*.py"), *(package / "schema").glob("*.py")])
    for p in [*code, *paths]:
        try:
            st = p.stat()
        except OSError:
            return None
        digest.update(f"\n{p.resolve()}|{st.st_size}|{st.st_mtime_ns}".encode())
    return digest.hexdigest()


def read(cache_key: str) -> World | None:
    path = _directory() / f"world-{cache_key}.pickle"
    try:
        with path.open("rb") as f:
            world = pickle.load(f)
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, TypeError):
        return None
    return world if isinstance(world, World) else None


def write(cache_key: str, world: World) -> None:
    """Store the world; a cache that cannot be written is simply not used."""
    directory = _directory()
    try:
        directory.mkdir(parents=True, exist_ok=True)
        tmp = directory / f".world-{cache_key}.{os.getpid()}.tmp"
        with tmp.open("wb") as f:
            pickle.dump(world, f, protocol=pickle.HIGHEST_PROTOCOL)
        tmp.replace(directory / f"world-{cache_key}.pickle")
        for old in directory.glob("world-*.pickle"):
            if old.name != f"world-{cache_key}.pickle":
                old.unlink(missing_ok=True)
    except OSError:
        return
