"""The built-in sources: every one has a kind, and none is a lyrics, scraper or mirror site.

A fact rests on its original publisher (a depositary, an official journal, an organization's own
site, established media, peer-reviewed work). A partisan outlet may be the actor of a claim, never
the source of a fact. The deny-list below names the hosts that an audit found cited as sources:
copies of news reports on lyrics sites, a Wikipedia translation, mirrors of an ASPI article and an
EPRS briefing on unrelated domains, a mirror of Eurasianet, a rewrite site, and partisan outlets.
"""

from __future__ import annotations

from pathlib import Path
from typing import get_args
from urllib.parse import urlsplit

import pytest
from ruamel.yaml import YAML

import casus
from casus.model.sources import Source

SOURCES_DIR = Path(casus.__file__).parent / "data" / "sources"

DENIED_HOSTS = {
    # lyrics and scraper sites carrying copies of news reports
    "lyricsworld.eu",
    "mylyrics.eu",
    "aboutlyrics.eu",
    "pledgetimes.com",
    # a Wikipedia translation
    "swiki.se",
    # mirrors on unrelated domains
    "aspistrategist.ru",  # of The Strategist (ASPI), aspistrategist.org.au
    "laurenscitycats.org",  # of an EPRS briefing, europarl.europa.eu
    "alliansfriheten.se",  # of Eurasianet
    # partisan outlets: actors of claims at most, never sources of facts
    "southfront.org",
    "news-front.info",
    "voltairenet.org",
}


def _raw_sources() -> list[tuple[str, dict[str, object]]]:
    yaml = YAML(typ="safe")
    out = []
    for path in sorted(SOURCES_DIR.glob("*.yaml")):
        data = yaml.load(path.read_text(encoding="utf-8"))
        for entry in data["sources"]:
            out.append((path.name, entry))
    return out


def _host(url: str) -> str:
    host = (urlsplit(url).hostname or "").lower()
    return host.removeprefix("www.")


def _denied(host: str) -> str | None:
    for denied in DENIED_HOSTS:
        if host == denied or host.endswith("." + denied):
            return denied
    if "lyrics" in host:
        return host
    return None


def test_sources_are_found() -> None:
    assert len(_raw_sources()) > 300


def source_hosts() -> dict[str, list[str]]:
    """The host of every built-in source address, with the ids of the sources on it."""
    hosts: dict[str, list[str]] = {}
    for _, entry in _raw_sources():
        url = entry.get("url")
        if isinstance(url, str):
            hosts.setdefault(_host(url), []).append(str(entry["id"]))
    return hosts


def test_no_source_is_on_a_denied_host() -> None:
    hosts = source_hosts()
    bad = {host: ids for host, ids in hosts.items() if _denied(host)}
    assert not bad, f"sources on denied hosts: {bad}"


@pytest.mark.parametrize("host", sorted(DENIED_HOSTS | {"mylyrics.eu", "en.news-front.info"}))
def test_the_deny_list_catches(host: str) -> None:
    assert _denied(_host(f"https://www.{host}/a/page")) or _denied(_host(f"https://{host}/"))


def test_every_source_states_its_kind() -> None:
    missing = [f"{name}: {entry['id']}" for name, entry in _raw_sources() if "kind" not in entry]
    assert not missing, f"sources without a kind: {missing}"


def test_every_loaded_source_has_a_known_kind() -> None:
    world = casus.load_world()
    allowed = set(get_args(Source.model_fields["kind"].annotation))
    assert {source.kind for source in world.sources.values()} <= allowed
