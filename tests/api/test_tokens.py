"""Delegation tokens that a facilitator can run an exercise with: reissued (the old one refused
at once, the new one good, the participant's record its own still), revoked, expiring; each
refusal a 401 with the one error body and a code a client can act on; each change an event of
the exercise's log, which holds a token only as a digest."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from typing import Any

import pytest

from .conftest import KZ_REQUEST, Api, assert_error


def _participant(api: Api, xid: str, name: str) -> dict[str, Any]:
    found = api.ok("GET", f"/api/exercises/{xid}", "fac")["participants"]
    return dict(next(p for p in found if p["name"] == name))


def _setup(api: Api) -> tuple[str, str]:
    """An exercise on kz-2022 with a KZ delegation that has filed r1; (exercise, KZ account)."""
    xid = api.exercise("kz-2022")
    api.invite(xid, "KZ", "KZ")
    api.ok("POST", f"/api/exercises/{xid}/requests", "KZ", json=KZ_REQUEST)
    return xid, _participant(api, xid, "KZ")["account"]


def _me(api: Api, token: str) -> Any:
    return api.client.get("/api/me", headers={"Authorization": f"Bearer {token}"})


def test_a_reissued_token_replaces_the_old_one_at_once(api: Api) -> None:
    xid, acc = _setup(api)
    old = api.tokens["KZ"]
    assert _me(api, old).status_code == 200  # checked, so cached in this process
    r = api.ok("POST", f"/api/exercises/{xid}/participants/{acc}/token", "fac")
    new = r["token"]
    assert new and new != old and r["participant"]["account"] == acc
    assert r["events"][0]["type"] == "token_reissued"
    # The old token is unknown from now on; the new one is the same account.
    assert_error(_me(api, old), 401, "invalid_token")
    me = _me(api, new)
    assert me.status_code == 200 and me.json()["account"] == acc
    # The participant acts with it as before, and its earlier request stays its own.
    api.tokens["KZ"] = new
    api.ok("POST", f"/api/exercises/{xid}/pledges", "KZ", json={"units": ["a company"]})
    ex = api.ok("GET", f"/api/exercises/{xid}", "fac")
    assert ex["requests"][0]["state"] == "KZ"
    assert _participant(api, xid, "KZ")["token_status"] == "active"
    # The log has the digest of the new credential, never a token.
    log = api.ok("GET", f"/api/exercises/{xid}/log", "fac")
    text = str(log)
    assert old not in text and new not in text
    reissued = [e for e in log["events"] if e["type"] == "token_reissued"]
    assert len(reissued) == 1 and len(reissued[0]["payload"]["credential"]["digest"]) == 64


def test_a_reissue_retried_records_once_and_shows_no_token_again(api: Api) -> None:
    xid, acc = _setup(api)
    path = f"/api/exercises/{xid}/participants/{acc}/token"
    key = {"Idempotency-Key": "reissue-1"}
    first = api.ok("POST", path, "fac", headers=key)
    again = api.ok("POST", path, "fac", headers=key)
    assert first["recorded"] is True and first["token"]
    assert again["recorded"] is False and again["token"] is None
    assert again["events"][0]["seq"] == first["events"][0]["seq"]
    assert _me(api, first["token"]).status_code == 200


def test_a_revoked_token_is_refused_with_its_code(api: Api) -> None:
    xid, acc = _setup(api)
    token = api.tokens["KZ"]
    assert _me(api, token).status_code == 200
    r = api.ok("POST", f"/api/exercises/{xid}/participants/{acc}/revoke", "fac")
    assert [e["type"] for e in r["events"]] == ["token_revoked"]
    e = assert_error(_me(api, token), 401, "token_revoked")
    assert e["field"] == "Authorization"
    # Refused for writes too, and nothing is recorded.
    before = api.ok("GET", f"/api/exercises/{xid}", "fac")["head"]
    body = {"position": "abstain"}
    r2 = api.call("POST", f"/api/exercises/{xid}/requests/r1/positions", "KZ", json=body)
    assert_error(r2, 401, "token_revoked")
    assert api.ok("GET", f"/api/exercises/{xid}", "fac")["head"] == before
    assert _participant(api, xid, "KZ")["token_status"] == "revoked"
    # Revoking again is a conflict; a reissue gives the participant a good token again.
    again = api.call("POST", f"/api/exercises/{xid}/participants/{acc}/revoke", "fac")
    assert_error(again, 409, "revoked")
    new = api.ok("POST", f"/api/exercises/{xid}/participants/{acc}/token", "fac")["token"]
    assert _me(api, new).status_code == 200
    assert_error(_me(api, token), 401, "invalid_token")
    # The accounts table is what the exercise's log gives: the audit finds nothing.
    from casus.store.exercises import ExerciseLog
    from casus.store.store import open_store

    with open_store(api.db) as store:
        assert [(x, f) for x, _, f in ExerciseLog(store).verify()] == [
            (xid, None),
            ("accounts", None),
        ]


def test_a_token_may_be_revoked_after_the_exercise_has_ended(api: Api) -> None:
    xid, acc = _setup(api)
    api.ok("POST", f"/api/exercises/{xid}/end", "fac")
    api.ok("POST", f"/api/exercises/{xid}/participants/{acc}/revoke", "fac")
    assert_error(_me(api, api.tokens["KZ"]), 401, "token_revoked")


def test_an_expired_token_is_refused_with_when_it_expired(api: Api) -> None:
    xid, acc = _setup(api)
    token = api.tokens["KZ"]
    assert _me(api, token).status_code == 200
    services = api.client.app.state.services  # type: ignore[attr-defined]
    real = services.store.clock
    try:
        services.store.clock = lambda: real() + dt.timedelta(days=30, seconds=1)
        e = assert_error(_me(api, token), 401, "token_expired")
        assert e["field"] == "Authorization"
        assert "expired at 20" in e["message"]
        assert _participant(api, xid, "KZ")["token_status"] == "expired"
        # A facilitator's account made by `casus accounts create` has no expiry.
        assert api.call("GET", "/api/me", "fac").status_code == 200
        # A reissued token is good again, for another lifetime from now.
        new = api.ok("POST", f"/api/exercises/{xid}/participants/{acc}/token", "fac")["token"]
        assert _me(api, new).status_code == 200
    finally:
        services.store.clock = real
    # And a token is good just before its expiry.
    assert _me(api, new).status_code == 200


def test_the_lifetime_is_the_services_setting(
    world: Any, tmp_path: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from fastapi.testclient import TestClient

    from casus.api.app import create_app
    from casus.api.settings import Settings

    from .conftest import Api as A

    app = create_app(Settings(db_url=str(tmp_path / "t.db"), token_days=2), world=world)
    with TestClient(app) as client:
        api = A(client, str(tmp_path / "t.db"))
        api.account("fac", "facilitator")
        xid = api.exercise("kz-2022")
        api.invite(xid, "KZ", "KZ")
        log = api.ok("GET", f"/api/exercises/{xid}/log", "fac")["events"]
        expires = log[-1]["payload"]["credential"]["expires_at"]
        made = dt.datetime.fromisoformat(log[-1]["recorded_at"].replace("Z", "+00:00"))
        at = dt.datetime.fromisoformat(expires.replace("Z", "+00:00"))
        assert dt.timedelta(days=2) - dt.timedelta(seconds=5) < at - made <= dt.timedelta(days=2)


@pytest.mark.parametrize("setting", [{"token_days": 0}, {"token_recheck_seconds": 5}])
def test_a_lifetime_out_of_bounds_is_refused(setting: dict[str, float]) -> None:
    from pydantic import ValidationError

    from casus.api.settings import Settings

    with pytest.raises(ValidationError):
        Settings(**setting)


def test_a_revocation_by_one_process_is_refused_by_another_within_a_second(
    make_api: Callable[..., Api], tmp_path: Any
) -> None:
    """Two applications on one store, each with its own cache of tokens checked lately."""
    one = make_api(str(tmp_path / "shared.db"))
    xid, acc = _setup(one)
    two = make_api(str(tmp_path / "shared.db"))
    token = one.tokens["KZ"]
    assert _me(two, token).status_code == 200  # cached in the second process now
    one.ok("POST", f"/api/exercises/{xid}/participants/{acc}/revoke", "fac")
    deadline = time.monotonic() + 1.0
    while _me(two, token).status_code == 200:
        assert time.monotonic() < deadline, "still accepted by the other process after 1 s"
        time.sleep(0.05)
    assert_error(_me(two, token), 401, "token_revoked")


@pytest.mark.parametrize(
    "path, who, status, code",
    [
        ("/api/exercises/{x}/participants/acc-000000000000/token", "fac", 404, "not_found"),
        ("/api/exercises/{x}/participants/acc-000000000000/revoke", "fac", 404, "not_found"),
        ("/api/exercises/{x}/participants/{a}/token", "KZ", 403, "forbidden"),
        ("/api/exercises/{x}/participants/{a}/revoke", "KZ", 403, "forbidden"),
        ("/api/exercises/{x}/participants/{a}/revoke", None, 401, "unauthenticated"),
        ("/api/exercises/ex-nothere/participants/{a}/revoke", "fac", 404, "not_found"),
        ("/api/exercises/{x}/participants/{long}/revoke", "fac", 422, "invalid"),
    ],
)
def test_bad_token_calls_are_4xx_with_the_error_body(
    api: Api, path: str, who: str | None, status: int, code: str
) -> None:
    xid, acc = _setup(api)
    before = api.ok("GET", f"/api/exercises/{xid}", "fac")["head"]
    r = api.call("POST", path.format(x=xid, a=acc, long="acc-" + "f" * 60), who)
    assert_error(r, status, code)
    assert api.ok("GET", f"/api/exercises/{xid}", "fac")["head"] == before


def test_a_participant_of_another_exercise_is_not_found(api: Api) -> None:
    xid, _ = _setup(api)
    yid, other = _setup(api)
    r = api.call("POST", f"/api/exercises/{xid}/participants/{other}/revoke", "fac")
    assert_error(r, 404, "not_found")
    assert _participant(api, yid, "KZ")["token_status"] == "active"
