"""The authorization matrix: every endpoint × every role (a facilitator who created the
exercise, another facilitator, the requesting state's delegation, another state's delegation,
a delegation of another exercise, an observer of the exercise, an observer of everything, a
token not recognized, and no credentials) → allowed or refused as docs/reference/api.md says.

A refused call changes nothing: the store's exercises, their logs and the accounts are compared
before and after. An allowed call that changes something is made on a fresh exercise.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from .conftest import KZ_REQUEST, Api, assert_error

EVERYONE_AUTHED = {"fac", "fac2", "KZ", "AM", "RU2", "obs", "gobs"}
EVERYONE = {*EVERYONE_AUTHED, None, "bad"}
READERS = {"fac", "fac2", "KZ", "AM", "obs", "gobs"}
ROLES: list[str | None] = ["fac", "fac2", "KZ", "AM", "RU2", "obs", "gobs", "bad", None]
BAD_TOKEN = "casus_0123456789abcdef_" + "A" * 43


@dataclass(frozen=True)
class Endpoint:
    method: str
    path: str  # {x}: the exercise; {a}: the account of its AM delegation
    allowed: frozenset[str | None]
    body: dict[str, Any] | None = None
    params: dict[str, str] | None = None

    @property
    def writes(self) -> bool:
        return self.method == "POST"

    def __str__(self) -> str:
        return f"{self.method} {self.path}"


ENDPOINTS = [
    Endpoint("GET", "/api/health", frozenset(EVERYONE)),
    Endpoint("GET", "/api/cases", frozenset(EVERYONE)),
    Endpoint("GET", "/api/cases/kz-2022", frozenset(EVERYONE)),
    Endpoint("GET", "/api/cases/kz-2022/pictures", frozenset(EVERYONE)),
    Endpoint("GET", "/api/cases/deployments", frozenset(EVERYONE)),
    Endpoint("GET", "/api/cases/deployments.csv", frozenset(EVERYONE)),
    Endpoint("GET", "/api/organizations", frozenset(EVERYONE)),
    Endpoint("GET", "/api/organizations/csto/members", frozenset(EVERYONE)),
    Endpoint("GET", "/api/me", frozenset(EVERYONE_AUTHED)),
    Endpoint("GET", "/api/exercises", frozenset(EVERYONE_AUTHED)),
    Endpoint("POST", "/api/exercises", frozenset({"fac", "fac2"}), {"case": "kz-2022"}),
    Endpoint("GET", "/api/exercises/{x}", frozenset(READERS)),
    Endpoint("GET", "/api/exercises/{x}/log", frozenset(READERS)),
    Endpoint("GET", "/api/exercises/{x}/report", frozenset(READERS)),
    Endpoint("GET", "/api/exercises/{x}/report.html", frozenset(READERS)),
    Endpoint("GET", "/api/exercises/{x}/events", frozenset(READERS), params={"follow": "false"}),
    Endpoint("POST", "/api/exercises/{x}/events/ticket", frozenset(READERS)),
    Endpoint(
        "POST",
        "/api/exercises/{x}/participants",
        frozenset({"fac"}),
        {"role": "delegation", "state": "BY", "name": "BY"},
    ),
    Endpoint("POST", "/api/exercises/{x}/clock", frozenset({"fac"}), {"to": "2022-01-06"}),
    Endpoint(
        "POST",
        "/api/exercises/{x}/requests",
        frozenset({"KZ", "AM"}),
        {"office": "head_of_state", "provisions_cited": ["cst/art_4"], "id": "r2"},
    ),
    Endpoint(
        "POST",
        "/api/exercises/{x}/requests/r1/positions",
        frozenset({"KZ", "AM"}),
        {"position": "abstain"},
    ),
    Endpoint("POST", "/api/exercises/{x}/pledges", frozenset({"KZ", "AM"}), {"units": ["a unit"]}),
    Endpoint("POST", "/api/exercises/{x}/requests/r1/close", frozenset({"fac"})),
    Endpoint("POST", "/api/exercises/{x}/end", frozenset({"fac"})),
    Endpoint("POST", "/api/exercises/{x}/participants/{a}/token", frozenset({"fac"})),
    Endpoint("POST", "/api/exercises/{x}/participants/{a}/revoke", frozenset({"fac"})),
]


def _setup(api: Api) -> str:
    """Exercise X (kz-2022, by fac) with KZ and AM delegations, an observer and request r1;
    exercise Y (by fac) with a delegation RU2."""
    xid = api.exercise("kz-2022")
    api.invite(xid, "KZ", "KZ")
    api.invite(xid, "AM", "AM")
    api.invite(xid, "obs", None)
    api.ok("POST", f"/api/exercises/{xid}/requests", "KZ", json=KZ_REQUEST)
    yid = api.exercise("kz-2022")
    api.invite(yid, "RU2", "RU")
    return xid


@pytest.fixture
def matrix_api(make_api: Callable[..., Api]) -> Api:
    api = make_api()
    api.account("fac2", "facilitator")
    api.account("gobs", "observer")
    api.tokens["bad"] = BAD_TOKEN
    return api


def snapshot(api: Api) -> Any:
    """Everything a call could change: every exercise's log and projection, and the accounts."""
    from sqlalchemy import select

    from casus.store import tables
    from casus.store.store import open_store

    with open_store(api.db) as store, store.engine.connect() as conn:
        return [
            [tuple(r) for r in conn.execute(select(t).order_by(*t.primary_key.columns))]
            for t in (
                tables.exercise_events,
                tables.exercises,
                tables.accounts,
                tables.account_events,
                tables.events,
            )
        ]


def _account_of(api: Api, xid: str, name: str) -> str:
    """The account of the participant named `name` in the exercise."""
    found = api.ok("GET", f"/api/exercises/{xid}", "fac")["participants"]
    return str(next(p["account"] for p in found if p["name"] == name))


def _call(api: Api, e: Endpoint, xid: str, who: str | None) -> Any:
    path = e.path.format(x=xid, a=_account_of(api, xid, "AM") if "{a}" in e.path else "")
    return api.call(e.method, path, who, json=e.body, params=e.params or {})


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=str)
def test_every_role_is_allowed_or_refused_and_refusals_change_nothing(
    matrix_api: Api, endpoint: Endpoint
) -> None:
    api = matrix_api
    xid = _setup(api)
    for who in ROLES:
        if who in endpoint.allowed:
            if endpoint.writes:
                # On a fresh exercise, so each allowed change is made from the same start
                # (and the roles keep their tokens of X: a revoke or a reissue in the fresh
                # exercise does not touch them).
                kept = dict(api.tokens)
                fresh = _setup(api)
                r = _call(api, endpoint, fresh, who)
                api.tokens = kept
            else:
                r = _call(api, endpoint, xid, who)
            assert r.status_code < 300, (who, r.status_code, r.text[:500])
            continue
        before = snapshot(api)
        r = _call(api, endpoint, xid, who)
        expected = 401 if who in (None, "bad") else 403
        error = assert_error(r, expected)
        assert error["code"] in (
            ("unauthenticated", "invalid_token") if expected == 401 else ("forbidden",)
        ), (who, error)
        assert snapshot(api) == before, (who, str(endpoint))


@pytest.mark.parametrize(
    "path, body",
    [
        ("/api/exercises/{x}/requests", {**KZ_REQUEST, "id": "r9"}),
        ("/api/exercises/{x}/requests/r1/positions", {"position": "object"}),
        ("/api/exercises/{x}/pledges", {"units": ["a unit"]}),
    ],
)
def test_a_delegation_never_acts_for_another_state(
    matrix_api: Api, path: str, body: dict[str, Any]
) -> None:
    api = matrix_api
    xid = _setup(api)
    before = snapshot(api)
    for who, other in (("AM", "KZ"), ("KZ", "AM"), ("AM", "RU")):
        r = api.call("POST", path.format(x=xid), who, json={**body, "state": other})
        e = assert_error(r, 403, "not_your_state")
        assert e["field"] == "body.state"
    assert snapshot(api) == before


def test_no_one_changes_the_past(matrix_api: Api) -> None:
    """No method edits or deletes what was recorded, whoever asks."""
    api = matrix_api
    xid = _setup(api)
    before = snapshot(api)
    for who in ROLES:
        for method in ("PUT", "PATCH", "DELETE"):
            for path in (
                f"/api/exercises/{xid}",
                f"/api/exercises/{xid}/log",
                f"/api/exercises/{xid}/requests/r1/positions",
            ):
                assert_error(api.call(method, path, who, json={}), 405, "method_not_allowed")
    assert snapshot(api) == before
