"""The after-action report as a page (`getExerciseReportPage`): one self-contained HTML page of
the same document as `getExerciseReport` — the exercise's requests beside the record, its
events in the log's order, its pledges and participants — with every value escaped, private
notes shown only to whom the JSON shows them, and errors as the one JSON error body."""

from __future__ import annotations

import re

from markupsafe import escape

from .conftest import KZ_REQUEST, Api, assert_error

EVIL = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def _played(api: Api) -> str:
    """An exercise on kz-2022 with markup in every field a user writes: the title, the
    participants' names, a request's person and note, a pledge's units and note."""
    xid = api.exercise("kz-2022", title=f"Drill {EVIL}")
    api.invite(xid, "KZ", "KZ")
    api.invite(xid, "AM", "AM")
    api.invite(xid, f"Observer {EVIL}", None)
    body = {**KZ_REQUEST, "person": f"Tokayev {EVIL}", "note": f"private {EVIL}"}
    api.ok("POST", f"/api/exercises/{xid}/requests", "KZ", json=body)
    api.ok("POST", f"/api/exercises/{xid}/requests/r1/positions", "AM", json={"position": "object"})
    api.ok(
        "POST",
        f"/api/exercises/{xid}/pledges",
        "KZ",
        json={"units": [f"unit {EVIL}"], "personnel": 120, "note": "KZ only note"},
    )
    api.ok("POST", f"/api/exercises/{xid}/end", "fac")
    return xid


def _page(api: Api, xid: str, who: str = "fac", **params: str) -> str:
    r = api.call("GET", f"/api/exercises/{xid}/report.html", who, params=params)
    assert r.status_code == 200, r.text[:500]
    assert r.headers["content-type"].startswith("text/html")
    return str(r.text)


def test_the_page_shows_the_exercise_with_its_events(api: Api) -> None:
    xid = _played(api)
    page = _page(api, xid)
    doc = api.ok("GET", f"/api/exercises/{xid}/report", "fac")
    log = api.ok("GET", f"/api/exercises/{xid}/log", "fac")["events"]
    # Every event of the log, in its order, with what it did.
    rows = re.findall(r'<tr class="event" data-type="([a-z_]+)"><td>(\d+)</td>', page)
    assert rows == [(e["type"], str(e["seq"])) for e in log]
    assert [e["seq"] for e in doc["events"]] == [e["seq"] for e in log]
    for e in log:
        assert str(escape(e["summary"])) in page
    assert {"exercise_created", "request_filed", "position_cast", "pledge_made"} <= {
        t for t, _ in rows
    }
    assert rows[-1][0] == "exercise_ended"
    # The request beside the record, its outcome, the chain's check and the participants.
    assert 'id="request-r1"' in page
    assert "kz-2022-01-05" in page  # the recorded request it is compared with
    assert "the hash chain verifies" in page
    assert f"{len(log)} events" in page
    for p in doc["participants"]:
        assert f'data-account="{p["account"]}"' in page
    assert "KZ: support" in page and "AM: object" in page


def test_injected_markup_is_escaped_everywhere(api: Api) -> None:
    xid = _played(api)
    page = _page(api, xid)
    assert "<script" not in page and "<img" not in page
    assert f"Drill {escape(EVIL)}" in page
    assert f"Observer {escape(EVIL)}" in page
    assert f"unit {escape(EVIL)}" in page
    assert page.count("&lt;script&gt;") >= 3  # the title (twice), a name, the person, a unit
    # Self-contained: no script, no stylesheet or image fetched, no link off the page.
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", page)


def test_private_notes_stay_private_in_the_page(api: Api) -> None:
    xid = _played(api)
    assert "KZ only note" in _page(api, xid, "fac")
    assert "KZ only note" in _page(api, xid, "KZ")
    assert "KZ only note" not in _page(api, xid, "AM")
    assert "KZ only note" not in _page(api, xid, f"Observer {EVIL}")


def test_the_page_as_a_file_to_keep(api: Api) -> None:
    xid = _played(api)
    r = api.call("GET", f"/api/exercises/{xid}/report.html", "fac", params={"download": "true"})
    assert r.status_code == 200
    assert r.headers["content-disposition"] == (f'attachment; filename="{xid}-after-action.html"')
    assert r.text == _page(api, xid)
    assert "content-disposition" not in {k.lower() for k in _page_headers(api, xid)}


def _page_headers(api: Api, xid: str) -> dict[str, str]:
    return dict(api.call("GET", f"/api/exercises/{xid}/report.html", "fac").headers)


def test_a_blank_exercise_renders_too(api: Api) -> None:
    xid = api.exercise("", organization="nato", on="2024-06-01")
    page = _page(api, xid)
    assert "a blank scenario" in page
    assert "No request was filed in the exercise." in page
    assert page.count('<tr class="event"') == 1


def test_errors_are_the_json_error_body(api: Api) -> None:
    xid = _played(api)
    assert_error(api.call("GET", f"/api/exercises/{xid}/report.html"), 401, "unauthenticated")
    assert_error(api.call("GET", "/api/exercises/ex-none/report.html", "fac"), 404, "not_found")
    r = api.call("GET", f"/api/exercises/{xid}/report.html", "fac", params={"download": "maybe"})
    assert_error(r, 422, "invalid")
    yid = api.exercise("kz-2022", who="fac")
    api.invite(yid, "RU2", "RU")
    assert_error(api.call("GET", f"/api/exercises/{xid}/report.html", "RU2"), 403, "forbidden")


def test_the_renderer_escapes_the_document_it_is_given() -> None:
    """The template alone, on a document whose every string is markup."""
    from casus.report.html import render_after_action

    node = {"value": "yes", "statement": EVIL, "cites": [EVIL], "children": []}
    x = {
        "request": "r1",
        "date": "2024-06-01",
        "requester": {"state": "PL", "office": "head_of_state", "person": EVIL},
        "provisions_cited": [EVIL],
        "positions": {"PL": "support"},
        "changes": {"PL": 0},
        "status": "closed",
        "outcome": EVIL,
        "value": "yes",
        "entitled": "yes",
        "explanation": node,
    }
    doc = {
        "exercise": "ex-1",
        "title": EVIL,
        "source_case": None,
        "organization": "nato",
        "status": "ended",
        "start": "2024-06-01",
        "clock": "2024-06-01",
        "participants": [
            {
                "account": "acc-1",
                "name": EVIL,
                "role": "delegation",
                "state": "PL",
                "token_status": "revoked",
            }
        ],
        "requests": [{"exercise": x, "recorded": None, "differences": [EVIL]}],
        "events": [
            {
                "seq": 1,
                "type": "exercise_created",
                "author": EVIL,
                "recorded_at": "t",
                "summary": EVIL,
            }
        ],
        "pledges": {
            "exercise": [{"state": "PL", "units": [EVIL], "personnel": None, "note": EVIL}],
            "recorded_contingents": [],
            "only_in_exercise": ["PL"],
            "only_in_record": [],
        },
        "log": {"events": 1, "head": "0" * 64, "chain": EVIL},
    }
    page = render_after_action(doc)
    assert "<script" not in page and "<img" not in page
    assert page.count("&lt;script&gt;") >= 10
    assert "revoked" in page
