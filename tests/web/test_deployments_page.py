"""The deployments page in Chromium (/deployments): every deployment case that
`/api/cases/deployments` gives (the rows of `casus deployments`), one row each with every column,
linked from the cases page and the site's navigation; the CSV link downloads what
`casus deployments --csv` writes. A screenshot is saved to test-artifacts/."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from playwright.sync_api import expect

from .conftest import Browsing, Server

COLUMNS = [
    "Case",
    "Who asked",
    "Legal basis invoked",
    "Deciding organ and rule",
    "Under the treaty",
    "Recorded decision",
    "Under general international law",
    "Consent questions",
    "Force and tasks",
    "Duration",
    "Stated about its lawfulness",
    "Citations",
]


def _rows(server: Server) -> list[dict[str, Any]]:
    rows = server.get_json("/api/cases/deployments")
    assert isinstance(rows, list)
    return rows


def test_the_deployments_page_lists_every_deployment_with_its_columns(
    browsing: Browsing, server: Server, artifacts: Callable[[str], Path]
) -> None:
    rows = _rows(server)
    assert {"kz-2022", "bahrain-2011", "gambia-2017", "lesotho-1998", "kursk-2024"} <= {
        r["case"] for r in rows
    }
    page, guard = browsing.page()
    page.goto("/")
    page.get_by_role("link", name="The deployments at a government's request, side by side").click()
    expect(page).to_have_url(f"{server.url}/deployments")
    expect(page.locator("main[data-ready='deployments']")).to_be_attached()
    expect(page.locator("#deployments thead th")).to_have_text(COLUMNS)
    body = page.locator("#deployments tbody tr")
    expect(body).to_have_count(len(rows))
    for i, r in enumerate(rows):
        tr = page.locator(f"#deployments tr[data-case='{r['case']}']")
        expect(tr.locator("td")).to_have_count(len(COLUMNS))
        expect(body.nth(i)).to_have_attribute("data-case", r["case"])
        expect(tr.locator("td").nth(0)).to_contain_text(r["title"])
        who = r["requested_by"]
        expect(tr.locator("td").nth(1)).to_contain_text(who["person"] or who["state"])
        for basis in r["legal_basis"]:
            expect(tr.locator("td").nth(2)).to_contain_text(basis)
        if r["organ"]:
            expect(tr.locator("td").nth(3)).to_contain_text(r["organ"])
        same = len(set(r["treaty"].values())) == 1
        expect(tr.locator("td").nth(4).locator("li")).to_have_count(1 if same else len(r["treaty"]))
        for reading, outcome in r["treaty"].items():
            shown = "every reading" if same else r["readings"][reading]
            expect(tr.locator("td").nth(4)).to_contain_text(shown)
            expect(tr.locator("td").nth(4)).to_contain_text(outcome.replace("_", " "))
        expect(tr.locator("td").nth(7).locator("li[data-question]")).to_have_count(
            len(r["consent"])
        )
        expect(tr.locator("td").nth(8).locator(".flag")).to_have_count(
            sum(1 for g in r["force"]["figures"] if g["sources_differ"])
        )
        expect(tr.locator("td").nth(10).locator("li")).to_have_count(len(r["stated"]))
        expect(tr.locator("td").nth(11)).to_contain_text(f"{len(r['cites'])} citations")
    kz = page.locator("#deployments tr[data-case='kz-2022']")
    expect(kz).to_contain_text("Kassym-Jomart Tokayev")
    expect(kz).to_contain_text("Collective Security Council")
    # The force's members (its contingents) and a conflict of figures, every value shown.
    kz_row = rows[[r["case"] for r in rows].index("kz-2022")]
    assert kz_row["force"]["contingents"] == ["RU", "BY", "AM", "TJ", "KG"]
    expect(kz.locator("td").nth(8)).to_contain_text("Contingents: RU, BY, AM, TJ, KG")
    deployed = kz.locator("td").nth(8).locator("li").first
    expect(deployed).to_have_text(
        "deployed personnel: 2,030 | more than 2,000 | about 2,000 | 3,600 sources differ"
    )
    expect(deployed.locator(".flag")).to_have_text("sources differ")
    expect(kz.locator("td").nth(4)).to_contain_text("Independent reporting: undetermined")
    expect(kz.locator("td").nth(9)).to_have_text("2022-01-06 to 2022-01-19")
    gm = page.locator("#deployments tr[data-case='gambia-2017']")
    expect(gm).to_contain_text("Adama Barrow")
    kz.get_by_role("link", name=rows[[r["case"] for r in rows].index("kz-2022")]["title"]).click()
    expect(page).to_have_url(f"{server.url}/cases/kz-2022")
    page.go_back()
    expect(page.locator("main[data-ready='deployments']")).to_be_attached()
    page.screenshot(path=str(artifacts("deployments.png")), full_page=True)
    assert guard.foreign == []


def test_the_csv_link_downloads_the_table_casus_deployments_writes(
    browsing: Browsing, server: Server, tmp_path: Path
) -> None:
    import os
    import subprocess
    import sys

    page, _ = browsing.page()
    page.goto("/deployments")
    expect(page.locator("main[data-ready='deployments']")).to_be_attached()
    with page.expect_download() as info:
        page.locator("#deployments-csv").click()
    download = info.value
    assert download.suggested_filename == "casus-deployments.csv"
    got = tmp_path / "got.csv"
    download.save_as(got)
    subprocess.run(
        [sys.executable, "-m", "casus", "deployments", "--csv", str(tmp_path / "cli.csv")],
        check=True,
        capture_output=True,
        env={**os.environ},
    )
    assert got.read_text(encoding="utf-8") == (tmp_path / "cli.csv").read_text(encoding="utf-8")
    lines = got.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 1 + len(_rows(server))


def test_every_page_links_to_the_deployments(browsing: Browsing, server: Server) -> None:
    page, guard = browsing.page()
    for path in ("/", "/cases/kz-2022", "/deployments", "/map?org=csto", "/exercises"):
        page.goto(path)
        link = page.locator("header.site nav").get_by_role("link", name="Deployments")
        expect(link).to_have_attribute("href", "/deployments")
        if path == "/deployments":
            expect(link).to_have_attribute("aria-current", "page")
    assert guard.foreign == []
