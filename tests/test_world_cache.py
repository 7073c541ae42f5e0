"""The cache of validated worlds: a hit gives the same world; any change to a file misses."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

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
    (cache_dir / f"world-{key}.pickle").write_bytes(b"not a pickle")
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
