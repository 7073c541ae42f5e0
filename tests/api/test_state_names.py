"""The API reads a state as the CLI and request files do: alpha-2, alpha-3 or English name,
stored as alpha-2; anything else is a 422 with the one error body, naming the nearest states."""

from __future__ import annotations

from casus.model.states import EXPECTED

from .conftest import KZ_REQUEST, Api, assert_error


def test_a_delegation_invited_by_alpha_3_or_name_is_stored_as_alpha_2(api: Api) -> None:
    xid = api.exercise("kz-2022")
    for name, state in (("Kazakhstan", "Kazakhstan"), ("Russia", "RUS"), ("Armenia", "am")):
        api.invite(xid, name, state)
    ex = api.ok("GET", f"/api/exercises/{xid}", "fac")
    assert sorted(p["state"] for p in ex["participants"]) == ["AM", "KZ", "RU"]
    # The request names its own state by name: the same state as the delegation's.
    body = {**KZ_REQUEST, "state": "Kazakhstan", "affected_state": "KAZ"}
    filed = api.ok("POST", f"/api/exercises/{xid}/requests", "Kazakhstan", json=body)
    rq = filed["exercise"]["requests"][0]
    assert rq["state"] == "KZ" and rq["affected_state"] == "KZ"


def test_an_unknown_state_is_a_422_naming_the_nearest(api: Api) -> None:
    xid = api.exercise("kz-2022")
    r = api.call(
        "POST",
        f"/api/exercises/{xid}/participants",
        "fac",
        json={"role": "delegation", "name": "x", "state": "Kazakstan"},
    )
    error = assert_error(r, 422, "invalid")
    assert error["field"] == "body.state"
    assert error["message"] == (
        f"body.state: {EXPECTED}; nearest: KZ Kazakhstan, PK Pakistan, UZ Uzbekistan"
    )
    r = api.call(
        "POST",
        f"/api/exercises/{xid}/participants",
        "fac",
        json={"role": "delegation", "name": "x", "state": "XX"},
    )
    assert assert_error(r, 422, "invalid")["message"] == f"body.state: {EXPECTED}"
