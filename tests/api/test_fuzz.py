"""Property-based fuzzing of the OpenAPI document (schemathesis): for every operation, valid
and invalid inputs generated from the schema; every response must be no 5xx, of a documented
status and content type, and conform to its documented schema.

The calls carry a facilitator's token, so that authenticated operations are exercised past
their authorization. The event stream is left out here: it stays open by design (it is tested
in test_live.py with a real server).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from casus.api.app import create_app

TOKEN: dict[str, str] = {}

# The application is built at collection (cheap: no store, no world until its lifespan starts),
# so that schemathesis can read its OpenAPI document; the fixture below starts it on a store.
APP = create_app()
schema = schemathesis.openapi.from_asgi("/openapi.json", APP).exclude(
    operation_id="streamExerciseEvents"
)


@pytest.fixture(scope="module", autouse=True)
def running(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """The application running on a fresh store with a facilitator and an exercise."""
    from casus.store.accounts import Accounts
    from casus.store.store import open_store

    db = str(tmp_path_factory.mktemp("fuzz") / "fuzz.db")
    with open_store(db) as store:
        TOKEN["fac"] = (
            Accounts(store)
            .create(name="fuzzer", role="facilitator", created_by="system:test")
            .token
        )
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("CASUS_DB_URL", db)
        client = TestClient(APP)
        client.__enter__()  # the lifespan reads CASUS_DB_URL now
    try:
        headers = {"Authorization": f"Bearer {TOKEN['fac']}"}
        r = client.post("/api/exercises", json={"case": "kz-2022"}, headers=headers)
        assert r.status_code == 201, r.text
        yield
    finally:
        client.__exit__(None, None, None)


@schema.parametrize()
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
def test_no_server_error_and_responses_conform(case: Any) -> None:
    case.call_and_validate(
        headers={"Authorization": f"Bearer {TOKEN['fac']}"},
        checks=[
            not_a_server_error,
            status_code_conformance,
            content_type_conformance,
            response_schema_conformance,
        ],
    )


def test_the_document_names_every_operation_stably() -> None:
    ids = sorted(
        op["operationId"] for path in APP.openapi()["paths"].values() for op in path.values()
    )
    assert ids == sorted(
        [
            "advanceClock",
            "castPosition",
            "closeDecision",
            "createExercise",
            "createStreamTicket",
            "endExercise",
            "fileRequest",
            "getCase",
            "getCasePictures",
            "getDeploymentsCsv",
            "getExercise",
            "getExerciseLog",
            "getExerciseReport",
            "getExerciseReportPage",
            "getMe",
            "getMembers",
            "health",
            "inviteParticipant",
            "listCases",
            "listDeployments",
            "listExercises",
            "listOrganizations",
            "makePledge",
            "reissueToken",
            "revokeToken",
            "streamExerciseEvents",
        ]
    )
