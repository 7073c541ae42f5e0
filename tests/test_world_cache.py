"""The cache of validated worlds: a hit gives the same world; any change to a file misses."""

from __future__ import annotations

import hashlib
import os
import pickle
import shutil
from pathlib import Path
from typing import Any

import pytest

from casus.schema import cache
from casus.schema.errors import DataError
from casus.schema.loader import builtin_files, load_world

TUTORIAL = Path(__file__).resolve().parents[1] / "docs" / "examples" / "tutorial"


@pytest.fixture()
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("CASUS_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("CASUS_CACHE", "1")
    return tmp_path / "cache"


def test_a_hit_gives_the_same_world(cache_dir: Path) -> None:
    fresh = load_world(cache=False)
    first = load_world()
    assert list(cache_dir.glob("world-*.pickle")), "the first load writes the cache"
    second = load_world()
    assert second == fresh == first
    assert second is not first


def test_a_changed_file_misses_the_cache(cache_dir: Path, tmp_path: Path) -> None:
    folder = tmp_path / "tutorial"
    shutil.copytree(TUTORIAL, folder)
    files = [folder / "sources.yaml", folder / "pact.yaml", folder / "alliance.yaml"]
    world = load_world(files)
    assert world.organizations["tutorial-alliance"].organs[0].voting[0].rule == "unanimity"
    text = files[2].read_text(encoding="utf-8").replace("rule: unanimity", "rule: consensus")
    files[2].write_text(text, encoding="utf-8")
    os.utime(files[2], ns=(files[2].stat().st_atime_ns, files[2].stat().st_mtime_ns + 10_000_000))
    assert (
        load_world(files).organizations["tutorial-alliance"].organs[0].voting[0].rule == "consensus"
    )
    files[2].write_text(text.replace("rule: consensus", "rule: majority-ish"), encoding="utf-8")
    with pytest.raises(DataError):
        load_world(files)


def test_a_corrupt_cache_entry_is_rebuilt_not_trusted(cache_dir: Path) -> None:
    load_world()
    key = cache.key(builtin_files())
    assert key is not None
    (cache_dir / f"world-{key}.pickle").write_bytes(b"not a cache entry")
    assert cache.read(key) is None
    assert load_world() == load_world(cache=False)


def test_a_changed_model_module_misses_the_cache() -> None:
    import casus.model.rules as rules

    files = builtin_files()
    before = cache.key(files)
    source = Path(rules.__file__)
    st = source.stat()
    try:
        os.utime(source, ns=(st.st_atime_ns, st.st_mtime_ns + 10**9))
        assert cache.key(files) != before
    finally:
        os.utime(source, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert cache.key(files) == before


def test_an_entry_that_names_anything_but_models_cannot_run_code(
    cache_dir: Path, tmp_path: Path
) -> None:
    """A pickle planted where the cache lives, with a valid digest, runs nothing when read."""
    load_world()
    key = cache.key(builtin_files())
    assert key is not None
    entry = cache_dir / f"world-{key}.pickle"
    marker = tmp_path / "ran"

    class Payload:
        def __reduce__(self) -> tuple[Any, ...]:
            return (marker.write_text, ("code ran",))

    planted = pickle.dumps(Payload())
    entry.write_bytes(hashlib.sha256(planted).hexdigest().encode() + b"\n" + planted)
    assert cache.read(key) is None
    assert load_world() == load_world(cache=False)
    assert not marker.exists()
    # Nor a builtin that could reach one, nor a casus class outside the models.
    for name in (b"builtins\ngetattr", b"casus.cli.app\napp", b"os\nsystem"):
        body = b"c" + name + b"\n."
        entry.write_bytes(hashlib.sha256(body).hexdigest().encode() + b"\n" + body)
        assert cache.read(key) is None, name


def test_a_truncated_or_edited_entry_is_rebuilt(cache_dir: Path) -> None:
    load_world()
    key = cache.key(builtin_files())
    assert key is not None
    entry = cache_dir / f"world-{key}.pickle"
    data = entry.read_bytes()
    entry.write_bytes(data[: len(data) // 2])
    assert cache.read(key) is None, "a partly written entry fails its digest"
    # An entry whose digest matches but which holds something other than a world is refused.
    forged = pickle.dumps({"cases": {}})
    entry.write_bytes(hashlib.sha256(forged).hexdigest().encode() + b"\n" + forged)
    assert cache.read(key) is None
    assert load_world() == load_world(cache=False)


def test_a_failed_write_leaves_no_temporary_file(
    cache_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    world = load_world(cache=False)

    def deep(_: object) -> bytes:
        raise RecursionError("maximum recursion depth exceeded")

    with monkeypatch.context() as m:
        m.setattr(cache, "dumps", deep)
        cache.write("k", world)
    assert not cache_dir.exists() or not list(cache_dir.iterdir())

    def full(self: Path, target: Path) -> Path:
        raise OSError(28, "No space left on device")

    with monkeypatch.context() as m:
        m.setattr(Path, "replace", full)
        cache.write("k", world)
    assert cache_dir.is_dir() and not list(cache_dir.iterdir()), "the written .tmp is removed"
    cache.write("k", world)
    assert [p.name for p in cache_dir.iterdir()] == ["world-k.pickle"]
    again = cache.read("k")
    assert again == world
    assert again is not None
    assert again.case_digest(again.cases["kz-2022"]) == world.case_digest(world.cases["kz-2022"])
