"""The case archive (public, read-only): the cases and each one's replay document, read
through the store exactly as `casus replay CASE --json` reads it."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query

from casus.api.errors import COMMON, ErrorResponse
from casus.api.schemas import CaseSummary
from casus.api.services import Services, get_services
from casus.cases import replay
from casus.model.common import Id

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
