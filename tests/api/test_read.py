"""The public record through the API: the case list, the replay document exactly as
`casus replay CASE --json` prints it, organizations' members on a date with their ISO codes,
and the error body for bad reads."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from casus.model.world import World

from .conftest import Api, assert_error


def test_health_needs_nothing(api: Api) -> None:
    assert api.ok("GET", "/api/health") == {"status": "ok", "backend": "sqlite"}


def test_the_case_list_has_every_built_in_case_with_its_recorded_outcomes(
    api: Api, world: World
) -> None:
    rows = api.ok("GET", "/api/cases")
    assert [r["id"] for r in rows] == sorted(world.cases)
    kz = next(r for r in rows if r["id"] == "kz-2022")
    assert kz == {
        "id": "kz-2022",
        "title": world.cases["kz-2022"].title,
        "organization": "csto",
        "dates": ["2022-01-05"],
        "recorded": ["approved"],
        "hypothetical": False,
    }


def test_a_case_is_the_replay_document_casus_replay_json_prints(api: Api) -> None:
    doc = api.ok("GET", "/api/cases/kz-2022")
    out = subprocess.run(
        [sys.executable, "-m", "casus", "replay", "kz-2022", "--json", "--db", api.db],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ},
    )
    assert doc == json.loads(out.stdout)
    assert doc["requests"][0]["evaluation"]["outcome"]["computed"] == "approved"


def test_a_case_on_another_date_and_reading(api: Api) -> None:
    doc = api.ok("GET", "/api/cases/kz-2022", params={"reading": "independent"})
    assert doc["requests"][0]["evaluation"]["reading"] == "independent"
    doc = api.ok("GET", "/api/cases/kz-2022", params={"on": "2011-06-01"})
    assert doc["requests"][0]["evaluation"]["on"] == "2011-06-01"


def test_an_imported_case_is_listed_and_served(api: Api, world: World) -> None:
    from casus.store.store import open_store

    case = world.cases["kz-2022"].model_copy(update={"id": "kz-copy", "title": "A copy"})
    with open_store(api.db, world=world) as store:
        store.import_case(case, author="user:t", command_id="copy")
    assert "kz-copy" in [r["id"] for r in api.ok("GET", "/api/cases")]
    assert api.ok("GET", "/api/cases/kz-copy")["title"] == "A copy"


def test_bad_reads_are_4xx_with_the_error_body(api: Api) -> None:
    assert_error(api.call("GET", "/api/cases/no-such-case"), 404, "not_found")
    e = assert_error(api.call("GET", "/api/cases/kz-2022", params={"on": "2022-13-01"}), 422)
    assert e["field"] == "query.on"
    e = assert_error(api.call("GET", "/api/cases/kz-2022", params={"reading": "nobody"}), 422)
    assert e["field"] == "query.reading"
    assert_error(api.call("GET", "/api/organizations/nope/members"), 404, "not_found")
    e = assert_error(api.call("GET", "/api/organizations/csto/members", params={"on": "x"}), 422)
    assert e["field"] == "query.on"
    assert_error(api.call("GET", "/api/no/such/path"), 404, "not_found")
    assert_error(api.call("DELETE", "/api/cases"), 405, "method_not_allowed")


def test_members_on_a_date_with_iso_codes_status_and_sources(api: Api) -> None:
    doc = api.ok("GET", "/api/organizations/csto/members", params={"on": "2024-06-01"})
    assert doc["on"] == "2024-06-01"
    by_state = {m["state"]: m for m in doc["members"]}
    am = by_state["AM"]
    assert am["numeric"] == "051"
    assert am["status"] == "participation_frozen"
    assert am["participates"] == "contested"
    assert am["contested"] and am["sources"]
    assert by_state["KZ"]["numeric"] == "398"
    assert by_state["KZ"]["status"] == "member"
    uz = by_state["UZ"]
    assert uz["status"] in ("suspended", "withdrawn") and uz["participates"] == "no"
    early = api.ok("GET", "/api/organizations/csto/members", params={"on": "1990-01-01"})
    assert {m["status"] for m in early["members"]} == {"not_yet_member"}


def test_every_member_of_every_organization_has_a_numeric_code(api: Api, world: World) -> None:
    for org in world.organizations.values():
        doc = api.ok("GET", f"/api/organizations/{org.id}/members")
        missing = [m["state"] for m in doc["members"] if m["numeric"] is None]
        assert not missing, (org.id, missing)
        assert all(len(m["numeric"]) == 3 for m in doc["members"])
    names = {o["id"] for o in api.ok("GET", "/api/organizations")}
    assert names == set(world.organizations)


def test_the_openapi_document_and_the_docs_page(api: Api) -> None:
    doc = api.ok("GET", "/openapi.json")
    assert doc["paths"]["/api/cases"]["get"]["operationId"] == "listCases"
    assert api.call("GET", "/docs").status_code == 200
