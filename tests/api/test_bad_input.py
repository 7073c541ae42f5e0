"""Bad input to every endpoint gives a 4xx with the machine-readable error body, naming the
field at fault where there is one; never a 500. (Generated inputs: test_fuzz.py.)"""

from __future__ import annotations

from typing import Any

import pytest

from .conftest import KZ_REQUEST, Api, assert_error

LONG = "x" * 5000

# (method, path, who, keyword arguments of the call, expected status(es), field or None)
CASES: list[tuple[str, str, str | None, dict[str, Any], int | tuple[int, ...], str | None]] = [
    ("GET", "/api/cases/{long}", None, {}, (404, 422), None),
    ("GET", "/api/cases/kz-2022", None, {"params": {"on": "yesterday"}}, 422, "query.on"),
    ("GET", "/api/cases/kz-2022", None, {"params": {"reading": "Not An Id"}}, 422, "query.reading"),
    (
        "GET",
        "/api/organizations/csto/members",
        None,
        {"params": {"on": "2022-02-30"}},
        422,
        "query.on",
    ),
    ("GET", "/api/organizations/xx/members", None, {}, 404, "path.org_id"),
    ("GET", "/api/me", "garbage", {}, 401, "Authorization"),
    ("POST", "/api/exercises", "fac", {"json": {}}, 422, "body.case"),
    (
        "POST",
        "/api/exercises",
        "fac",
        {"json": {"case": "kz-2022", "organization": "csto"}},
        422,
        "body.case",
    ),
    ("POST", "/api/exercises", "fac", {"json": {"case": "nope"}}, 404, None),
    ("POST", "/api/exercises", "fac", {"json": {"organization": "nato"}}, 422, "body.on"),
    (
        "POST",
        "/api/exercises",
        "fac",
        {"json": {"organization": "xx", "on": "2024-01-01"}},
        422,
        "body.organization",
    ),
    (
        "POST",
        "/api/exercises",
        "fac",
        {"json": {"case": "kz-2022", "colour": "red"}},
        422,
        "body.colour",
    ),
    (
        "POST",
        "/api/exercises",
        "fac",
        {"json": {"case": "kz-2022", "title": LONG}},
        422,
        "body.title",
    ),
    (
        "POST",
        "/api/exercises",
        "fac",
        {"content": b"{not json", "headers": {"Content-Type": "application/json"}},
        (400, 422),
        None,
    ),
    ("POST", "/api/exercises", "fac", {"json": [1, 2]}, 422, "body"),
    (
        "POST",
        "/api/exercises",
        "fac",
        {"json": {"case": "kz-2022"}, "headers": {"Idempotency-Key": "has space"}},
        422,
        "header.Idempotency-Key",
    ),
    ("GET", "/api/exercises/{long}", "fac", {}, (404, 422), None),
    ("GET", "/api/exercises/ex-none", "fac", {}, 404, None),
    ("GET", "/api/exercises/{x}/log", "fac", {"params": {"after": "-1"}}, 422, "query.after"),
    (
        "GET",
        "/api/exercises/{x}/events",
        "fac",
        {"params": {"after": "many", "follow": "false"}},
        422,
        "query.after",
    ),
    (
        "GET",
        "/api/exercises/{x}/events",
        None,
        {"params": {"token": "nope", "follow": "false"}},
        400,
        "query.token",
    ),
    (
        "GET",
        "/api/exercises/{x}/events",
        None,
        {"params": {"ticket": "st_nope", "follow": "false"}},
        401,
        "query.ticket",
    ),
    ("GET", "/api/exercises/ex-none/report", "fac", {}, 404, None),
    (
        "POST",
        "/api/exercises/{x}/participants",
        "fac",
        {"json": {"role": "king", "name": "x"}},
        422,
        "body.role",
    ),
    (
        "POST",
        "/api/exercises/{x}/participants",
        "fac",
        {"json": {"role": "delegation", "name": "x"}},
        422,
        "body.state",
    ),
    (
        "POST",
        "/api/exercises/{x}/participants",
        "fac",
        {"json": {"role": "delegation", "name": "x", "state": "Kazakstan"}},
        422,
        "body.state",
    ),
    (
        "POST",
        "/api/exercises/{x}/participants",
        "fac",
        {"json": {"role": "delegation", "name": "x", "state": "US"}},
        422,
        "body.state",
    ),
    (
        "POST",
        "/api/exercises/{x}/participants",
        "fac",
        {"json": {"role": "observer", "name": "x", "state": "KZ"}},
        422,
        "body.state",
    ),
    (
        "POST",
        "/api/exercises/{x}/participants",
        "fac",
        {"json": {"role": "observer", "name": ""}},
        422,
        "body.name",
    ),
    ("POST", "/api/exercises/{x}/clock", "fac", {"json": {"to": "soon"}}, 422, "body.to"),
    ("POST", "/api/exercises/{x}/clock", "fac", {"json": {"to": "2020-01-01"}}, 409, "body.to"),
    (
        "POST",
        "/api/exercises/{x}/requests",
        "KZ",
        {"json": {**KZ_REQUEST, "office": "king"}},
        422,
        "body.office",
    ),
    (
        "POST",
        "/api/exercises/{x}/requests",
        "KZ",
        {"json": {**KZ_REQUEST, "grounds": ["no-such-claim"]}},
        422,
        "body.grounds",
    ),
    (
        "POST",
        "/api/exercises/{x}/requests",
        "KZ",
        {"json": {**KZ_REQUEST, "provisions_cited": ["cst/art_99"]}},
        422,
        None,
    ),
    (
        "POST",
        "/api/exercises/{x}/requests",
        "KZ",
        {"json": {**KZ_REQUEST, "propositions": {"armed_attack_on_party": "yes"}}},
        422,
        "body.propositions",
    ),
    (
        "POST",
        "/api/exercises/{x}/requests",
        "KZ",
        {"json": {**KZ_REQUEST, "id": "r1"}},
        409,
        "body.id",
    ),
    (
        "POST",
        "/api/exercises/{x}/requests",
        "KZ",
        {"json": {**KZ_REQUEST, "id": "Bad Id"}},
        422,
        "body.id",
    ),
    (
        "POST",
        "/api/exercises/{x}/requests/r1/positions",
        "AM",
        {"json": {"position": "maybe"}},
        422,
        "body.position",
    ),
    ("POST", "/api/exercises/{x}/requests/r1/positions", "AM", {"json": {}}, 422, "body.position"),
    (
        "POST",
        "/api/exercises/{x}/requests/r1/positions",
        "AM",
        {"json": {"position": "support", "note": LONG}},
        422,
        "body.note",
    ),
    (
        "POST",
        "/api/exercises/{x}/requests/r7/positions",
        "AM",
        {"json": {"position": "support"}},
        404,
        None,
    ),
    (
        "POST",
        "/api/exercises/{x}/pledges",
        "AM",
        {"json": {"personnel": -5}},
        422,
        "body.personnel",
    ),
    ("POST", "/api/exercises/{x}/pledges", "AM", {"json": {"units": "one"}}, 422, "body.units"),
    ("POST", "/api/exercises/{x}/requests/r7/close", "fac", {}, 404, None),
    ("POST", "/api/exercises/ex-none/end", "fac", {}, 404, None),
]


@pytest.mark.parametrize(
    "method, path, who, kwargs, status, field",
    CASES,
    ids=[f"{c[0]} {c[1]} {i}" for i, c in enumerate(CASES)],
)
def test_bad_input_is_a_4xx_with_the_error_body(
    refusing: tuple[Api, str],
    method: str,
    path: str,
    who: str | None,
    kwargs: dict[str, Any],
    status: int | tuple[int, ...],
    field: str | None,
) -> None:
    api, xid = refusing
    before = api.ok("GET", f"/api/exercises/{xid}/log", "fac")
    r = api.call(method, path.format(x=xid, long="y" * 300), who, **kwargs)
    error = assert_error(r, status)
    if field is not None:
        assert error["field"] == field, error
    assert api.ok("GET", f"/api/exercises/{xid}/log", "fac") == before


@pytest.fixture(scope="module")
def refusing(module_api: Api) -> tuple[Api, str]:
    """An exercise with KZ and AM delegations and request r1, shared: bad input changes nothing."""
    api = module_api
    xid = api.exercise("kz-2022")
    api.invite(xid, "KZ", "KZ")
    api.invite(xid, "AM", "AM")
    api.ok("POST", f"/api/exercises/{xid}/requests", "KZ", json=KZ_REQUEST)
    api.tokens["garbage"] = "garbage"
    return api, xid
