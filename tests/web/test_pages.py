"""The read-only pages in Chromium: the case list, the kz-2022 case page and the map, drawn with
nothing but what this server serves, and the explanation tree worked by keyboard alone."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from playwright.sync_api import Page, expect

from .conftest import Browsing, Server


def _case(server: Server, case_id: str) -> dict[str, Any]:
    doc = server.get_json(f"/api/cases/{case_id}")
    assert isinstance(doc, dict)
    return doc


def _open_case(page: Page, case_id: str = "kz-2022") -> None:
    page.goto(f"/cases/{case_id}")
    expect(page.locator(f"main[data-ready='{case_id}']")).to_be_attached()


def test_case_list_shows_every_case_with_its_organization_and_outcomes(
    browsing: Browsing, server: Server
) -> None:
    cases = server.get_json("/api/cases")
    assert isinstance(cases, list)
    page, _ = browsing.page()
    page.goto("/")
    rows = page.locator("#cases tbody tr")
    expect(rows).to_have_count(len(cases))
    kz = page.locator("#cases tr[data-case='kz-2022']")
    expect(kz).to_contain_text("CSTO Collective Peacekeeping Forces in Kazakhstan")
    expect(kz).to_contain_text("CSTO")
    expect(kz).to_contain_text("2022-01-05")
    expect(kz).to_contain_text("approved")

    page.select_option("#org-filter", "nato")
    expect(page.locator("#cases tbody tr:visible")).to_have_count(
        sum(1 for c in cases if c["organization"] == "nato")
    )
    page.select_option("#org-filter", "")
    kz.get_by_role("link", name="CSTO Collective Peacekeeping Forces in Kazakhstan").click()
    expect(page).to_have_url(f"{server.url}/cases/kz-2022")


def test_the_kz_2022_case_page_and_its_map_render_with_no_request_leaving_the_machine(
    browsing: Browsing, server: Server, artifacts: Callable[[str], Path]
) -> None:
    doc = _case(server, "kz-2022")
    page, guard = browsing.page()
    _open_case(page)

    expect(page.locator("h1")).to_have_text(doc["title"])
    expect(page.locator("ol.timeline > li")).to_have_count(len(doc["timeline"]))
    # The request, its outcome computed beside the recorded one, and the explanation tree.
    request = page.locator("#request-kz-2022-01-05")
    expect(request).to_contain_text("Kassym-Jomart Tokayev")
    expect(request.locator(".outcome .computed")).to_contain_text("approved")
    expect(request.locator(".outcome .recorded")).to_contain_text("approved")
    tree = page.locator("#tree-kz-2022-01-05")
    expect(tree.locator("summary").first).to_contain_text("request kz-2022-01-05")
    expect(tree.locator(".cite-provision").first).to_have_text("cst/art_4@2012-12-19")
    assert tree.locator("a.cite-claim").count() > 0
    assert tree.locator("a.cite-source").count() > 0
    # Claims, every one with its sources; the force with conflicts flagged; the mandate.
    expect(page.locator("#claims-table tbody tr")).to_have_count(len(doc["claims"]))
    conflicts = sum(1 for g in doc["force"]["figures"] if g["conflict"])
    expect(page.locator("#figures .flag")).to_have_count(conflicts)
    expect(page.locator("#figures")).to_contain_text("2,030")
    expect(page.locator("#figures")).to_contain_text("3,600")
    facilities = page.locator("#facilities tbody tr")
    expect(facilities).to_have_count(len(doc["mandate"]["facilities"]))
    expect(facilities.first).to_contain_text("Almaty International Airport")
    expect(page.locator("#sources li")).to_have_count(len(doc["sources"]))
    # The embedded map: the six members of the CSTO on the request's date.
    expect(page.locator("#case-map[data-ready='csto@2022-01-05']")).to_be_attached()
    expect(page.locator("#case-map svg path.country.st-member")).to_have_count(6)
    expect(page.locator("#case-map .members-table tbody tr[data-status='member']")).to_have_count(6)

    page.screenshot(path=str(artifacts("case-kz-2022.png")), full_page=True)
    page.locator("#map").screenshot(path=str(artifacts("case-kz-2022-map.png")))
    assert guard.foreign == []
    assert any(u.endswith("/static/vendor/world-atlas/countries-110m.json") for u in guard.seen)
    assert all(u.startswith(server.url) for u in guard.seen), guard.seen


def test_the_case_page_shows_general_international_law_beside_the_treaty(
    browsing: Browsing, server: Server, artifacts: Callable[[str], Path]
) -> None:
    doc = _case(server, "kz-2022")
    frame = doc["requests"][0]["frames"]["general-international-law"]
    page, guard = browsing.page()
    _open_case(page)
    section = page.locator("#frame-kz-2022-01-05-general-international-law")
    expect(section).to_contain_text("Beside the treaty: general international law")
    expect(section.locator("table.provisions tbody tr")).to_have_count(
        len(frame["evaluation"]["triggered"])
    )
    expect(section).to_contain_text("ilc-arsiwa/art_20@1945-10-24")
    expect(section.locator(".by-reading")).to_contain_text("permitted")
    expect(section.locator(".stated li")).to_have_count(len(frame["stated"]))
    expect(section.locator(".stated")).to_contain_text("legitimate")
    # an outcome whose value is the same word is shown once
    assert "contested contested" not in page.locator("#request-kz-2022-01-05").inner_text()
    section.screenshot(path=str(artifacts("case-kz-2022-frame.png")))
    assert guard.foreign == []


def test_a_claim_cited_in_the_explanation_is_shown_even_when_the_filter_hides_it(
    browsing: Browsing, server: Server
) -> None:
    doc = _case(server, "kz-2022")
    proposition = {c["id"]: c["proposition"] for c in doc["claims"]}
    page, _ = browsing.page()
    _open_case(page)
    explanation = page.locator("#request-kz-2022-01-05 .explanation")
    explanation.get_by_role("button", name="Expand all").click()
    link = explanation.locator("a.cite-claim").first
    claim = (link.get_attribute("href") or "").removeprefix("#claim-")
    other = next(p for p in proposition.values() if p != proposition[claim])
    page.select_option("#proposition-filter", other)
    row = page.locator(f"#claims-table tr[data-claim='{claim}']")
    expect(row).to_be_hidden()
    link.click()
    expect(row).to_be_visible()
    expect(page.locator("#proposition-filter")).to_have_value("")


def _counts_under(reading: dict[str, Any], actor: dict[str, Any], claim: dict[str, Any]) -> bool:
    """casus.law.claims.counts_under, on the replay document's readings and actors."""
    if claim["status"] == "refuted":
        return False
    actors, kinds = reading.get("actors"), reading.get("actor_kinds")
    if actors is None and kinds is None:
        return True
    return claim["by"] in (actors or []) or actor["kind"] in (kinds or [])


def test_claims_filter_by_reading_shows_only_the_claims_that_count(
    browsing: Browsing, server: Server
) -> None:
    doc = _case(server, "kz-2022")
    actors = {a["id"]: a for a in doc["actors"]}
    assert all("actors" in r and "actor_kinds" in r for r in doc["readings"]), (
        "the replay document must say whose claims each reading counts "
        "(readings[].actors and .actor_kinds, from casus.cases.replay)"
    )
    page, _ = browsing.page()
    _open_case(page)
    rows = page.locator("#claims-table tbody tr:visible")
    expect(rows).to_have_count(len(doc["claims"]))

    for reading in doc["readings"]:
        page.locator(f"#reading-{reading['id']}").check()
        counted = [c["id"] for c in doc["claims"] if _counts_under(reading, actors[c["by"]], c)]
        expect(rows).to_have_count(len(counted))
        assert sorted(rows.evaluate_all("rs => rs.map(r => r.dataset.claim)")) == sorted(counted)
    # Under the requester's reading only the Kazakh government's claims count.
    page.locator("#reading-requester").check()
    for by in rows.evaluate_all("rs => rs.map(r => r.cells[2].textContent)"):
        assert "Kazakh" in by or "Tokayev" in by, by

    page.select_option("#proposition-filter", "armed_attack_on_party")
    for prop in rows.evaluate_all("rs => rs.map(r => r.dataset.proposition)"):
        assert prop == "armed_attack_on_party"
    page.locator("#reading-none").check()
    page.select_option("#proposition-filter", "")
    expect(rows).to_have_count(len(doc["claims"]))


def test_the_map_colours_members_by_status_on_the_chosen_date(
    browsing: Browsing, server: Server, artifacts: Callable[[str], Path]
) -> None:
    page, guard = browsing.page()
    page.goto("/map?org=csto&date=2024-06-01")
    expect(page.locator("#map[data-ready='csto@2024-06-01']")).to_be_attached()
    armenia = page.locator("#map svg path[data-iso='051']")
    expect(armenia).to_have_class("country has-status st-participation_frozen")
    expect(page.locator("#map .legend")).to_contain_text("participation frozen (contested): 1")
    expect(page.locator("#map .members-table tr[data-state='AM']")).to_contain_text("contested")
    page.screenshot(path=str(artifacts("map-csto-2024-06-01.png")), full_page=True)

    page.fill("#map-date", "2022-01-05")
    page.locator("#map-date").dispatch_event("change")
    expect(page.locator("#map[data-ready='csto@2022-01-05']")).to_be_attached()
    expect(armenia).to_have_class("country has-status st-member")
    expect(page.locator("#map svg path.country.st-member")).to_have_count(6)
    expect(page).to_have_url(f"{server.url}/map?org=csto&date=2022-01-05")

    page.select_option("#map-org", "nato")
    expect(page.locator("#map[data-ready='nato@2022-01-05']")).to_be_attached()
    expect(page.locator("#map svg path[data-iso='840']")).to_have_class(
        "country has-status st-member"
    )
    assert guard.foreign == []


def test_the_explanation_tree_works_by_keyboard_alone(browsing: Browsing) -> None:
    page, _ = browsing.page()
    _open_case(page)
    # Start at the top of the page and Tab until a step of the explanation that is folded.
    page.locator("body").focus()
    found = False
    for _ in range(600):
        page.keyboard.press("Tab")
        if page.evaluate(
            "() => { const e = document.activeElement;"
            " return e.tagName === 'SUMMARY' && !!e.closest('ul.tree') && !e.parentElement.open; }"
        ):
            found = True
            break
    assert found, "Tab never reached a folded step of the explanation"
    summary = page.locator(":focus")
    details = summary.locator("xpath=..")
    child = details.locator(":scope > ul > li").first
    expect(child).to_be_hidden()
    page.keyboard.press("Enter")
    expect(details).to_have_attribute("open", "")
    expect(child).to_be_visible()
    page.keyboard.press("Enter")
    expect(child).to_be_hidden()
    # The focus ring is visible (a keyboard user sees where they are).
    outline = summary.evaluate("e => getComputedStyle(e).outlineStyle")
    assert outline not in ("", "none"), outline
