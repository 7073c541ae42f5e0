"""A cache of validated worlds, so that a command does not re-read and re-validate every data
file on every run.

The key is a digest of casus's version, the versions of Python and pydantic, the size and
modification time of each source file of the models and the loader (the code that defines
what is cached and how it was validated), and each data file's path, size and modification
time: any change to any of them misses the cache. The cache
lives in the user's cache directory (`CASUS_CACHE_DIR` overrides it; `CASUS_CACHE=0` turns it
off).

An entry is the world pickled, preceded by the SHA-256 of the pickle, and it is read by an
unpickler that resolves only casus's own model classes (`casus.model.*`: pydantic models, enums
and the `World` dataclass) and `datetime.date`: every other global a pickle may name (a function,
a module, a builtin) is refused, so a planted or damaged entry can at worst fail to load (and is
then ignored and rebuilt), never run code (the "restricting globals" of Python's `pickle`
documentation). The digest catches a truncated or partly written entry before anything is read.
Plain JSON read back through pydantic was measured: it makes every cached start build the models'
validators, which the pickle never needs (about 1.3 times the CPU of `casus replay --json`).
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import enum
import hashlib
import io
import os
import pickle
import sys
from collections.abc import Sequence
from importlib import resources
from pathlib import Path
from typing import Any

from pydantic import BaseModel

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


_SUFFIX = ".pickle"
_ALLOWED_OUTSIDE = {("datetime", "date"): dt.date}


class _ModelsOnly(pickle.Unpickler):
    """An unpickler that resolves casus's model classes and `datetime.date`, and nothing else."""

    def find_class(self, module: str, name: str) -> Any:
        allowed = _ALLOWED_OUTSIDE.get((module, name))
        if allowed is not None:
            return allowed
        if module.startswith("casus.model.") and "." not in name:
            found = getattr(
                sys.modules.get(module) or __import__(module, fromlist=[name]), name, None
            )
            if isinstance(found, type) and (
                issubclass(found, BaseModel | enum.Enum) or dataclasses.is_dataclass(found)
            ):
                return found
        raise pickle.UnpicklingError(f"the world cache may not name {module}.{name}")


def _path(directory: Path, cache_key: str) -> Path:
    return directory / f"world-{cache_key}{_SUFFIX}"


def dumps(world: World) -> bytes:
    """The world as a cache entry: the SHA-256 of the pickle, a newline, the pickle."""
    body = pickle.dumps(world, protocol=pickle.HIGHEST_PROTOCOL)
    return hashlib.sha256(body).hexdigest().encode() + b"\n" + body


def loads(data: bytes) -> World | None:
    """The world in a cache entry, or None if it is damaged or names anything but models."""
    head, sep, body = data.partition(b"\n")
    if not sep or hashlib.sha256(body).hexdigest().encode() != head:
        return None
    try:
        world = _ModelsOnly(io.BytesIO(body)).load()
    except (pickle.UnpicklingError, EOFError, ValueError, TypeError, AttributeError, ImportError):
        return None
    except (KeyError, IndexError, RecursionError, MemoryError):
        return None
    return world if isinstance(world, World) else None


def read(cache_key: str) -> World | None:
    try:
        data = _path(_directory(), cache_key).read_bytes()
    except OSError:
        return None
    return loads(data)


def write(cache_key: str, world: World) -> None:
    """Store the world; a cache that cannot be written is simply not used, and leaves nothing."""
    directory = _directory()
    tmp = directory / f".world-{cache_key}.{os.getpid()}.tmp"
    try:
        data = dumps(world)
        directory.mkdir(parents=True, exist_ok=True)
        tmp.write_bytes(data)
        tmp.replace(_path(directory, cache_key))
        for old in directory.glob("world-*"):
            if old.name != _path(directory, cache_key).name:
                old.unlink(missing_ok=True)
    except (OSError, ValueError, RecursionError, pickle.PicklingError):
        with contextlib.suppress(OSError):
            tmp.unlink(missing_ok=True)
