"""A live exercise in Chromium, one browser context per participant: the facilitator creates an
exercise from kz-2022 and invites the six delegations; Kazakhstan's delegation files the request;
the others cast their positions; every open page's positions board follows without a reload; the
outcome and its explanation appear."""

from __future__ import annotations

import json
import re
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

from playwright.sync_api import Page, expect

from .conftest import Browsing, Server

CSTO_ON_2022_01_05 = ["AM", "BY", "KZ", "KG", "RU", "TJ"]


def _log_in(page: Page, token: str) -> None:
    page.fill("#token", token)
    page.get_by_role("button", name="Log in").click()
    expect(page.locator("#account")).to_be_visible()


def _api(server: Server, path: str, token: str) -> Any:
    req = urllib.request.Request(server.url + path, headers={"Authorization": f"Bearer {token}"})
    with urllib.request.urlopen(req, timeout=30) as r:
        return json.loads(r.read())


def _row(page: Page, state: str) -> Any:
    return page.locator(f"#board-r1 tr[data-state='{state}']")


def test_six_delegations_play_kz_2022_and_every_board_follows(
    browsing: Browsing, server: Server, artifacts: Callable[[str], Path]
) -> None:
    # The facilitator logs in, creates the exercise from the case, invites the delegations.
    facilitator, _ = browsing.page()
    facilitator.goto("/exercises")
    _log_in(facilitator, server.facilitator_token)
    facilitator.select_option("#new-case", "kz-2022")
    facilitator.get_by_role("button", name="Create the exercise").click()
    facilitator.wait_for_url(re.compile(r"/exercises/ex-[0-9a-f]+$"))
    exercise_id = facilitator.url.rsplit("/", 1)[1]
    expect(facilitator.locator(f"main[data-ready='{exercise_id}']")).to_be_attached()
    expect(facilitator.locator("#clock")).to_have_text("2022-01-05")
    expect(facilitator.locator("#board-empty")).to_be_visible()

    invite = facilitator.locator("#invite-delegations")
    expect(invite.locator("input[name=invite]:checked")).to_have_count(6)
    invite.get_by_role("button", name="Invite the selected delegations").click()
    tokens = facilitator.locator("#tokens li")
    expect(tokens).to_have_count(6)
    token_of = {
        state: facilitator.locator(f"#tokens li[data-state='{state}'] input.token").input_value()
        for state in CSTO_ON_2022_01_05
    }
    assert all(t.startswith("casus_") for t in token_of.values())
    expect(facilitator.locator("#participants-list li")).to_have_count(6)

    # Each delegation in its own browser context (its own sessionStorage), live.
    pages: dict[str, Page] = {}
    for state in CSTO_ON_2022_01_05:
        page, _ = browsing.page()
        page.goto(f"/exercises/{exercise_id}")
        _log_in(page, token_of[state])
        expect(page.locator(f"main[data-ready='{exercise_id}']")).to_be_attached()
        expect(page.locator("#act-h")).to_have_text(f"Your delegation: {state}")
        expect(page.locator("#live[data-live='open']")).to_be_attached()
        pages[state] = page
    every = [facilitator, *pages.values()]
    expect(facilitator.locator("#live[data-live='open']")).to_be_attached()

    # Kazakhstan's delegation files the request, prefilled from the recorded one.
    kz = pages["KZ"]
    form = kz.locator("#file-request")
    expect(form).to_contain_text("Prefilled from the recorded request kz-2022-01-05")
    expect(kz.locator("#rq-office")).to_have_value("head_of_state")
    # From an office the treaty does not entitle, the engine refuses it and says why.
    kz.select_option("#rq-office", "parliament")
    form.get_by_role("button", name="File the request").click()
    expect(kz.locator("#act-status")).to_contain_text("not entitled")
    expect(facilitator.locator("#board-empty")).to_be_visible()
    kz.select_option("#rq-office", "head_of_state")
    form.get_by_role("button", name="File the request").click()
    expect(kz.locator("#act-status")).to_contain_text("Request filed")
    for page in every:  # no reload: the event stream brings it
        expect(_row(page, "KZ")).to_have_attribute("data-position", "support")
        expect(page.locator("#request-r1")).to_be_visible()

    # The others cast their positions; every page follows each one.
    for state in ["RU", "BY", "AM", "TJ", "KG"]:
        page = pages[state]
        cast = page.locator("#cast-r1")
        cast.locator("#position-r1-support").check()
        cast.get_by_role("button", name="Cast the position").click()
        expect(page.locator("#act-status")).to_contain_text(f"Recorded: {state} support on r1")
        for other in every:
            expect(_row(other, state)).to_have_attribute("data-position", "support")

    # The outcome and its explanation, on every page.
    view = _api(server, f"/api/exercises/{exercise_id}", server.facilitator_token)
    outcome = view["board"]["requests"][0]["outcome"]
    assert outcome["computed"] == "approved", outcome
    for page in every:
        expect(page.locator("#board-r1 .computed")).to_have_text("approved")
        expect(page.locator("#request-r1 .outcome .computed")).to_contain_text("approved")
        tree = page.locator("#tree-r1")
        expect(tree.locator("summary").first).to_contain_text("request r1 by KZ")
        expect(tree).to_contain_text("Collective Security Council")
        expect(tree.locator(".cite-provision").first).to_be_visible()

    # A change of position reaches every board too, and the outcome follows it.
    ru = pages["RU"]
    ru.locator("#position-r1-object").check()
    ru.get_by_role("button", name="Change the position").click()
    expect(ru.locator("#act-status")).to_contain_text("Recorded: RU object on r1")
    changed = _api(server, f"/api/exercises/{exercise_id}", server.facilitator_token)
    after = changed["board"]["requests"][0]["outcome"]["computed"]
    assert after != "approved", after
    for page in every:
        expect(_row(page, "RU")).to_have_attribute("data-position", "object")
        expect(page.locator("#board-r1 .computed")).to_have_text(after.replace("_", " "))

    # Every page followed the stream with a ticket; no URL any page asked for carries a token.
    urls = [url for guard in browsing.guards for url in guard.seen]
    assert any("/events?ticket=st_" in url for url in urls), urls
    for url in urls:
        assert "token=" not in url and "casus_" not in url, url

    kz.screenshot(path=str(artifacts("exercise-kz-delegation.png")), full_page=True)
    facilitator.screenshot(path=str(artifacts("exercise-facilitator.png")), full_page=True)
