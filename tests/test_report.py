"""The HTML report: self-contained, and it carries what the terminal view shows."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import casus
from casus.report.html import render_report, write_report

WORLD = casus.load_world()


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.loads: list[str] = []
        self.ids: set[str] = set()
        self.anchors: list[str] = []
        self.tags: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        self.tags.append(tag)
        if a.get("id"):
            self.ids.add(a["id"] or "")
        if tag in ("script", "img", "iframe", "link", "audio", "video", "source"):
            self.loads.append(f"{tag} {a}")
        if tag == "a" and (a.get("href") or "").startswith("#"):
            self.anchors.append((a.get("href") or "")[1:])


def _report() -> str:
    return render_report(casus.replay(WORLD, "kz-2022").to_dict())


def test_report_is_self_contained() -> None:
    html = _report()
    parser = _Collector()
    parser.feed(html)
    assert parser.loads == [], "the report loads nothing: no scripts, images, fonts or stylesheets"
    assert not re.search(r"url\(", html), "no CSS urls"
    assert "@import" not in html


def test_report_internal_links_resolve() -> None:
    parser = _Collector()
    parser.feed(_report())
    missing = sorted({a for a in parser.anchors if a not in parser.ids})
    assert missing == []


def test_report_has_every_part() -> None:
    html = _report()
    for part in (
        'id="timeline"',
        "Request kz-2022-01-05",
        "cst/art_4@2012-12-19",
        "Collective Security Council",
        "with the limited format",
        "Explanation",
        'id="claims"',
        "kz-mfa-armed-aggression",
        'id="force"',
        "2,030",
        "(sources differ)",
        'id="mandate"',
        "Almaty International Airport",
        "Host personnel released",
        'id="phases"',
        'id="sources"',
    ):
        assert part in html, part


def test_report_escapes_text(tmp_path: Path) -> None:
    doc = casus.replay(WORLD, "kz-2022").to_dict()
    doc["title"] = "<script>alert(1)</script>"
    target = write_report(doc, tmp_path / "r.html")
    text = target.read_text(encoding="utf-8")
    assert "<script>alert(1)</script>" not in text
    assert "&lt;script&gt;" in text
    assert not (tmp_path / "r.html.tmp").exists()


def test_cascade_drawing_is_self_contained_and_cites_every_line(tmp_path: Path) -> None:
    import json
    import os
    import subprocess
    import sys

    target = tmp_path / "cascade.html"
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "casus",
            "network",
            "--attacker",
            "RU",
            "--target",
            "PL",
            "--on",
            "2024-06-01",
            "--place",
            "warsaw",
            "--report",
            str(target),
            "--json",
        ],
        capture_output=True,
        text=True,
        env={**os.environ, "COLUMNS": "200"},
    )
    assert out.returncode == 0, out.stderr
    doc = json.loads(out.stdout)
    html = target.read_text(encoding="utf-8")
    parser = _Collector()
    parser.feed(html)
    assert parser.loads == []
    assert "<svg" in html
    joined = [d for r in doc["rounds"] for d in r["joined"]]
    assert joined, "NATO members are drawn in when Warsaw is attacked"
    for d in joined:
        for link in d["links"]:
            assert link["cite"] in html
    assert "north-atlantic-treaty/art_5@" in html


def test_source_addresses_are_links_only_for_web_addresses() -> None:
    doc = casus.replay(WORLD, "kz-2022").to_dict()
    web = next(s for s in doc["sources"].values() if (s["url"] or "").startswith("https://"))
    doc["sources"]["evil"] = {
        "title": "t",
        "publisher": "p",
        "date": None,
        "url": "javascript:alert(1)",
        "kind": "press",
    }
    html = render_report(doc)
    assert f'href="{web["url"]}"' in html
    assert 'href="javascript:' not in html
    assert "[treaty text]" in html or "[press]" in html


def test_no_doubled_outcome_words() -> None:
    html = _report()
    assert 'v-contested">contested</span>' in html
    for word in ("contested", "undetermined"):
        # the value's badge followed by the same word as the computed outcome
        assert not re.search(rf'v-{word}">{word}</span>\s+{word}\b', html), word


class _Svg(HTMLParser):
    """The report's inline SVG: its pictures, their marks by kind, and any style attribute."""

    def __init__(self) -> None:
        super().__init__()
        self.pictures: list[str] = []
        self.marks: dict[tuple[str, str], int] = {}
        self.styles = 0
        self._svg = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "svg" and a.get("data-picture"):
            self._svg = a["data-picture"] or ""
            self.pictures.append(self._svg)
        if self._svg and a.get("data-mark"):
            key = (self._svg, a["data-mark"] or "")
            self.marks[key] = self.marks.get(key, 0) + 1
        if self._svg and "style" in a:
            self.styles += 1

    def handle_endtag(self, tag: str) -> None:
        if tag == "svg":
            self._svg = ""


def test_report_draws_the_timeline_the_vote_board_and_the_force_chart() -> None:
    doc = casus.replay(WORLD, "kz-2022").to_dict()
    svg = _Svg()
    svg.feed(render_report(doc))
    assert svg.pictures == ["timeline", "board-kz-2022-01-05", "force"]
    assert svg.marks[("timeline", "event")] == len(doc["timeline"])
    assert svg.marks[("timeline", "request")] == 1
    assert svg.marks[("timeline", "decision")] == 1
    assert svg.marks[("timeline", "phase")] == len(doc["phases"])
    assert svg.marks[("board-kz-2022-01-05", "member")] == 6
    numeric = [f for g in doc["force"]["figures"] for f in g["figures"] if f["value"] is not None]
    assert svg.marks[("force", "figure")] == len(numeric)
    assert svg.marks[("force", "conflict")] == sum(
        1 for g in doc["force"]["figures"] if g["conflict"]
    )
    assert svg.styles == 0


def test_report_pictures_escape_what_they_cite() -> None:
    doc = casus.replay(WORLD, "kz-2022").to_dict()
    doc["timeline"][0]["event"] = "<script>alert(1)</script>"
    doc["force"]["figures"][0]["figures"][0]["text"] = '"><script>alert(2)</script>'
    html = render_report(doc)
    assert "<script>" not in html
    assert "&lt;script&gt;alert(1)" in html
