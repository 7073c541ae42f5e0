"""The case archive (public, read-only): the cases and each one's replay document, read
through the store exactly as `casus replay CASE --json` reads it; the pictures of a replay
(`casus.report.pictures`); and the deployments at a government's request side by side, as
`casus deployments` gives them (`casus.cases.deployments`), in JSON and CSV."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace as replaced
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Response

from casus.api.errors import COMMON, ErrorResponse
from casus.api.schemas import CaseSummary
from casus.api.services import Services, get_services
from casus.cases import replay
from casus.cases.deployments import deployments, to_csv
from casus.model.common import Id
from casus.model.world import World
from casus.report.pictures import pictures

router = APIRouter(prefix="/api/cases", tags=["cases"])
NOT_FOUND: dict[int | str, dict[str, Any]] = {
    **COMMON,
    404: {"model": ErrorResponse, "description": "No such case"},
}


@router.get("", operation_id="listCases", response_model=list[CaseSummary], responses=COMMON)
def list_cases(services: Annotated[Services, Depends(get_services)]) -> list[CaseSummary]:
    """Every case (built-in or imported into the store) with its recorded outcomes."""
    rows = []
    for case_id in services.case_ids():
        case, _ = services.case(case_id, seed=False)
        rows.append(
            CaseSummary(
                id=case.id,
                title=case.title,
                organization=case.organization,
                dates=[r.date.isoformat() for r in case.requests],
                recorded=[
                    r.decision.outcome if r.decision else "no_decision" for r in case.requests
                ],
                hypothetical=case.hypothetical,
            )
        )
    return rows


def _deployments(services: Services) -> list[dict[str, Any]]:
    """The rows of every case as the store records it (built-in ones not yet recorded as built)."""
    cases = {cid: services.case(cid, seed=False) for cid in services.case_ids()}
    key = ("deployments", tuple((cid, head) for cid, (_, head) in cases.items()))

    def make() -> dict[str, Any]:
        world: World = replaced(
            services.world, cases={cid: case for cid, (case, _) in cases.items()}
        )
        return {"rows": deployments(world)}

    rows: list[dict[str, Any]] = services.replays.get(key, make)["rows"]
    return rows


@router.get(
    "/deployments",
    operation_id="listDeployments",
    response_model=list[dict[str, Any]],
    responses=COMMON,
)
def list_deployments(services: Annotated[Services, Depends(get_services)]) -> list[dict[str, Any]]:
    """Deployments at a government's request side by side, one row per case with a request for
    a force: exactly what `casus deployments --json` prints."""
    return _deployments(services)


@router.get(
    "/deployments.csv",
    operation_id="getDeploymentsCsv",
    response_class=Response,
    responses={
        **COMMON,
        200: {
            "content": {"text/csv": {"schema": {"type": "string"}}},
            "description": "The rows as `casus deployments --csv` writes them",
        },
    },
)
def deployments_csv(services: Annotated[Services, Depends(get_services)]) -> Response:
    """The same rows as CSV (one line per deployment; readings as 'reading: value')."""
    return Response(
        to_csv(_deployments(services)),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="casus-deployments.csv"'},
    )


@router.get(
    "/{case_id}", operation_id="getCase", response_model=dict[str, Any], responses=NOT_FOUND
)
def get_case(
    services: Annotated[Services, Depends(get_services)],
    case_id: Annotated[str, Path(max_length=80)],
    on: Annotated[
        dt.date | None, Query(description="Evaluate on this date instead of each request's own.")
    ] = None,
    reading: Annotated[
        Id | None, Query(description="The reading of the facts (default: the case's).")
    ] = None,
) -> dict[str, Any]:
    """The replay document: exactly what `casus replay CASE --json` prints
    (`docs/reference/json.md`)."""
    return _replay_doc(services, case_id, on, reading)


@router.get(
    "/{case_id}/pictures",
    operation_id="getCasePictures",
    response_model=dict[str, Any],
    responses=NOT_FOUND,
)
def get_pictures(
    services: Annotated[Services, Depends(get_services)],
    case_id: Annotated[str, Path(max_length=80)],
) -> dict[str, Any]:
    """The replay's pictures, as the HTML report draws them: `timeline`, `boards` (one per
    request an organ decided) and `force` (null without figures), each `{id, label, width,
    height, marks}`; a mark is an SVG element (`tag`, `attrs`, `text`, `title`, `data`)."""
    return pictures(_replay_doc(services, case_id, None, None))


def _replay_doc(
    services: Services, case_id: str, on: dt.date | None, reading: str | None
) -> dict[str, Any]:
    case, head = services.case(case_id)
    if reading is not None and reading not in {r.id for r in case.readings}:
        from casus.api.errors import ApiError

        known = ", ".join(r.id for r in case.readings)
        raise ApiError(
            422,
            "invalid",
            f"no reading '{reading}' in case {case_id} (known: {known})",
            "query.reading",
        )

    def make() -> dict[str, Any]:
        doc: dict[str, Any] = replay(
            services.world_with(case), case_id, on=on, reading=reading
        ).to_dict()
        return doc

    doc: dict[str, Any] = services.replays.get((case_id, head, on, reading), make)
    return doc
