"""The pictures in Chromium: the static HTML report's timeline, vote board and force chart, and
the same pictures on the live case page, with the right number of marks for kz-2022 (one per
event, one per member of the organ, one bar per figure a source gave as a number), each citing
what it stands for on hover; and the live page's section links landing at the section's top.
Screenshots of each picture are saved to test-artifacts/."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Locator, Page, expect

import casus
from casus.report.html import write_report

from .conftest import Browsing, Server


def _kz(server: Server) -> dict[str, Any]:
    doc = server.get_json("/api/cases/kz-2022")
    assert isinstance(doc, dict)
    return doc


def _counts(doc: dict[str, Any]) -> dict[str, int]:
    figures = [f for g in doc["force"]["figures"] for f in g["figures"]]
    return {
        "event": len(doc["timeline"]),
        "phase": len(doc["phases"]),
        "member": len(doc["requests"][0]["evaluation"]["vote"]["joined"]),
        "figure": sum(1 for f in figures if f["value"] is not None),
        "figure-words": sum(1 for f in figures if f["value"] is None),
        "conflict": sum(1 for g in doc["force"]["figures"] if g["conflict"]),
    }


def _check_pictures(root: Page | Locator, doc: dict[str, Any]) -> dict[str, Locator]:
    counts = _counts(doc)
    timeline = root.locator("svg[data-picture='timeline']")
    board = root.locator("svg[data-picture='board-kz-2022-01-05']")
    force = root.locator("svg[data-picture='force']")
    expect(timeline.locator("[data-mark='event']")).to_have_count(counts["event"])
    expect(timeline.locator("[data-mark='request']")).to_have_count(1)
    expect(timeline.locator("[data-mark='decision']")).to_have_count(1)
    expect(timeline.locator("[data-mark='phase']")).to_have_count(counts["phase"])
    expect(board.locator("[data-mark='member']")).to_have_count(counts["member"])
    assert counts["member"] == 6
    expect(board.locator("[data-mark='member'][data-position='support']")).to_have_count(6)
    expect(force.locator("[data-mark='figure']")).to_have_count(counts["figure"])
    expect(force.locator("[data-mark='figure-words']")).to_have_count(counts["figure-words"])
    expect(force.locator("[data-mark='conflict']")).to_have_count(counts["conflict"])
    # Both figures of the disagreement are drawn, and each cites its source on hover.
    tokayev = force.locator("[data-figure='kz-president-2030-personnel'] > title")
    expect(tokayev).to_contain_text("rbc-ua-2022-01-10-2030")
    seed = force.locator("[data-figure='seed-3600'] > title")
    expect(seed).to_contain_text("seed-article-ismagambet-2022")
    first = timeline.locator("[data-mark='event']").first.locator("title")
    expect(first).to_contain_text(doc["timeline"][0]["sources"][0])
    # Drawn, not just present: each picture has a size on the screen.
    for svg in (timeline, board, force):
        box = svg.bounding_box()
        assert box is not None and box["width"] > 300 and box["height"] > 60
    return {"timeline": timeline, "board": board, "force": force}


def test_the_static_report_draws_its_pictures_in_chromium(
    browsing: Browsing, server: Server, tmp_path: Path, artifacts: Callable[[str], Path]
) -> None:
    doc = casus.replay(casus.load_world(), "kz-2022").to_dict()
    target = write_report(doc, tmp_path / "kz-2022.html")
    page, guard = browsing.page()
    page.goto(target.as_uri())
    drawn = _check_pictures(page, doc)
    for name, svg in drawn.items():
        page.locator(
            f"figure:has(svg[data-picture='{svg.get_attribute('data-picture')}'])"
        ).screenshot(path=str(artifacts(f"report-kz-2022-{name}.png")))
    assert guard.foreign == []
    assert all(u.startswith("file://") for u in guard.seen), guard.seen


def test_the_live_case_page_draws_the_same_pictures(
    browsing: Browsing, server: Server, artifacts: Callable[[str], Path]
) -> None:
    doc = _kz(server)
    page, guard = browsing.page()
    page.goto("/cases/kz-2022")
    expect(page.locator("main[data-ready='kz-2022']")).to_be_attached()
    drawn = _check_pictures(page, doc)
    expect(page.locator("#timeline svg[data-picture='timeline']")).to_be_visible()
    expect(
        page.locator("#request-kz-2022-01-05 svg[data-picture='board-kz-2022-01-05']")
    ).to_be_visible()
    expect(page.locator("#force svg[data-picture='force']")).to_be_visible()
    # The page's marks are the API's: nothing is laid out in the browser.
    pictures = server.get_json("/api/cases/kz-2022/pictures")
    assert isinstance(pictures, dict)
    xs = (
        drawn["timeline"]
        .locator("[data-mark='event']")
        .evaluate_all("els => els.map(e => e.getAttribute('cx'))")
    )
    assert xs == [
        m["attrs"]["cx"] for m in pictures["timeline"]["marks"] if m["data"].get("mark") == "event"
    ]
    for name, svg in drawn.items():
        svg.screenshot(path=str(artifacts(f"case-kz-2022-{name}.png")))
    assert guard.foreign == []


#: The live page's section links: the section's id and the link's text.
SECTIONS = {
    "timeline": "Timeline",
    "requests": "Request and evaluation",
    "map": "Map",
    "claims": "Claims",
    "force": "Force",
    "mandate": "Mandate",
}


def _heading_top(page: Page, section: str) -> float:
    top: float = page.locator(f"#{section}-h").evaluate("h => h.getBoundingClientRect().top")
    return top


def _sticky_bottom(page: Page) -> float:
    """The bottom of anything fixed or sticky at the top of the window (0 if nothing is)."""
    bottom: float = page.evaluate(
        """() => Math.max(0, ...[...document.querySelectorAll('body *')]
            .filter(e => ['fixed', 'sticky'].includes(getComputedStyle(e).position))
            .map(e => e.getBoundingClientRect())
            .filter(r => r.top <= 0 && r.bottom > 0).map(r => r.bottom))"""
    )
    return bottom


@pytest.mark.parametrize("section", SECTIONS)
def test_a_section_link_lands_with_the_section_heading_at_the_top(
    browsing: Browsing, section: str
) -> None:
    page, _ = browsing.page()
    page.goto("/cases/kz-2022")
    expect(page.locator("main[data-ready='kz-2022']")).to_be_attached()
    expect(page.locator("#case-map[data-ready='csto@2022-01-05']")).to_be_attached()
    page.locator("nav.toc").get_by_role("link", name=SECTIONS[section], exact=True).click()
    expect(page).to_have_url(f"{page.url.split('#')[0]}#{section}")
    page.wait_for_timeout(300)  # let the hashchange handler's scroll settle
    top = _heading_top(page, section)
    sticky = _sticky_bottom(page)
    assert sticky <= top <= sticky + 12, f"#{section} heading at {top:.0f} px (sticky {sticky:.0f})"


def test_a_link_to_a_section_from_elsewhere_lands_at_its_top(browsing: Browsing) -> None:
    page, _ = browsing.page()
    page.goto("/cases/kz-2022#force")
    expect(page.locator("main[data-ready='kz-2022']")).to_be_attached()
    expect(page.locator("#case-map[data-ready='csto@2022-01-05']")).to_be_attached()
    page.wait_for_timeout(300)
    top = _heading_top(page, "force")
    assert 0 <= top <= 12, f"#force heading at {top:.0f} px"
    assert page.evaluate("window.scrollY") > 1000, "the page did scroll down to the section"


def _drawn_marks(svg: Locator) -> list[dict[str, Any]]:
    """Each element the page drew in a picture: its tag, attributes, data, text and title."""
    marks: list[dict[str, Any]] = svg.evaluate(
        """svg => [...svg.children].filter(e => e.tagName !== 'title').map(e => {
            const attrs = {}, data = {};
            for (const a of e.attributes) {
              if (a.name.startsWith('data-')) data[a.name.slice(5)] = a.value;
              else attrs[a.name] = a.value;
            }
            const title = [...e.children].find(c => c.tagName === 'title');
            const text = [...e.childNodes].filter(n => n.nodeType === Node.TEXT_NODE)
              .map(n => n.data).join('');
            return {tag: e.tagName, attrs, data, text: text || null,
                    title: title ? title.textContent : null};
        })"""
    )
    return marks


@pytest.mark.parametrize("case_id", ["kz-2022", "gambia-2017", "bahrain-2011"])
def test_every_mark_the_api_sends_is_drawn_with_every_attribute(
    browsing: Browsing, server: Server, case_id: str
) -> None:
    pictures = server.get_json(f"/api/cases/{case_id}/pictures")
    assert isinstance(pictures, dict)
    page, guard = browsing.page()
    page.goto(f"/cases/{case_id}")
    expect(page.locator(f"main[data-ready='{case_id}']")).to_be_attached()
    drawn = [pictures["timeline"], *pictures["boards"]]
    if pictures["force"] is not None:
        drawn.append(pictures["force"])
    else:
        expect(page.locator("svg[data-picture='force']")).to_have_count(0)
    expect(page.locator("svg[data-picture]")).to_have_count(len(drawn))
    for p in drawn:
        svg = page.locator(f"svg[data-picture='{p['id']}']")
        expect(svg).to_have_attribute("viewBox", f"0 0 {p['width']} {p['height']}")
        expect(svg).to_have_attribute("aria-label", p["label"])
        assert _drawn_marks(svg) == p["marks"], p["id"]
    assert guard.foreign == []


HOSTILE = {
    "id": "timeline",
    "label": "<img src=x onerror=window.pwned=1>",
    "width": 400,
    "height": 100,
    "marks": [
        {
            "tag": "rect",
            "attrs": {
                "x": "1",
                "y": "2",
                "width": "30",
                "height": "20",
                "onclick": "window.pwned=1",
                "onload": "window.pwned=1",
                "href": "javascript:window.pwned=1",
                "xlink:href": "javascript:window.pwned=1",
                "style": "fill:url(http://example.org/x)",
                "fill": "#2c4f9e",
            },
            "text": None,
            "title": "<script>window.pwned=1</script>",
            "data": {"mark": "event", "x onclick": "window.pwned=1"},
        },
        {
            "tag": "script",
            "attrs": {},
            "text": "window.pwned = 1",
            "title": None,
            "data": {},
        },
        {
            "tag": "foreignObject",
            "attrs": {"width": "10", "height": "10"},
            "text": "<img src=x onerror=window.pwned=1>",
            "title": None,
            "data": {},
        },
        {
            "tag": "text",
            "attrs": {"x": "5", "y": "60", "onmouseover": "window.pwned=1"},
            "text": "<b>not markup</b>",
            "title": None,
            "data": {"mark": "label"},
        },
    ],
}


def test_a_hostile_picture_is_drawn_as_text_with_no_script_handler_or_link(
    browsing: Browsing, server: Server
) -> None:
    """Pictures come from the API as data: an element outside the five a picture uses, an event
    handler, a link, a style or markup in a text is never run, loaded or parsed."""
    page, guard = browsing.page()
    page.route(
        "**/api/cases/kz-2022/pictures",
        lambda route: route.fulfill(
            json={"timeline": HOSTILE, "boards": [], "force": None},
        ),
    )
    page.goto("/cases/kz-2022")
    expect(page.locator("main[data-ready='kz-2022']")).to_be_attached()
    svg = page.locator("svg[data-picture='timeline']")
    expect(svg).to_be_attached()
    rect = svg.locator("rect")
    rect.dispatch_event("click")
    svg.locator("text").dispatch_event("mouseover")
    assert _drawn_marks(svg) == [
        {
            "tag": "rect",
            "attrs": {"x": "1", "y": "2", "width": "30", "height": "20", "fill": "#2c4f9e"},
            "data": {"mark": "event"},
            "text": None,
            "title": "<script>window.pwned=1</script>",
        },
        {
            "tag": "text",
            "attrs": {"x": "5", "y": "60"},
            "data": {"mark": "label"},
            "text": "<b>not markup</b>",
            "title": None,
        },
    ]
    expect(svg).to_have_attribute("aria-label", HOSTILE["label"])
    expect(page.locator("#picture-timeline figcaption")).to_contain_text(HOSTILE["label"])
    assert page.locator("#main script, #main img, #main foreignObject").count() == 0
    assert page.evaluate("window.pwned") is None
    assert guard.foreign == []


def test_without_its_pictures_the_case_page_still_shows_every_table(
    browsing: Browsing, server: Server
) -> None:
    doc = _kz(server)
    page, guard = browsing.page()
    page.route(
        "**/api/cases/kz-2022/pictures",
        lambda route: route.fulfill(
            status=404, json={"error": {"code": "not_found", "message": "no pictures"}}
        ),
    )
    page.goto("/cases/kz-2022")
    expect(page.locator("main[data-ready='kz-2022']")).to_be_attached()
    expect(page.locator("svg[data-picture]")).to_have_count(0)
    expect(page.locator("#timeline")).to_contain_text("The pictures could not be loaded")
    expect(page.locator("ol.timeline > li")).to_have_count(len(doc["timeline"]))
    expect(page.locator("#claims-table tbody tr")).to_have_count(len(doc["claims"]))
    expect(page.locator("#figures")).to_contain_text("3,600")
    assert guard.foreign == []
