"""Organizations (public, read-only): each member's status on a date, for the map."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query

from casus.api.countries import numeric
from casus.api.errors import COMMON, ApiError, ErrorResponse
from casus.api.schemas import MemberOnDate, Members, OrganizationSummary
from casus.api.services import Services, get_services
from casus.law.membership import membership_on

router = APIRouter(prefix="/api/organizations", tags=["organizations"])
NOT_FOUND: dict[int | str, dict[str, Any]] = {
    **COMMON,
    404: {"model": ErrorResponse, "description": "No such organization"},
}


@router.get(
    "", operation_id="listOrganizations", response_model=list[OrganizationSummary], responses=COMMON
)
def list_organizations(
    services: Annotated[Services, Depends(get_services)],
) -> list[OrganizationSummary]:
    return [
        OrganizationSummary(id=o.id, name=o.name, short_name=o.short_name, members=len(o.members))
        for o in sorted(services.world.organizations.values(), key=lambda o: o.id)
    ]


@router.get(
    "/{org_id}/members", operation_id="getMembers", response_model=Members, responses=NOT_FOUND
)
def get_members(
    services: Annotated[Services, Depends(get_services)],
    org_id: Annotated[str, Path(max_length=80)],
    on: Annotated[dt.date | None, Query(description="The date (default: today, UTC).")] = None,
) -> Members:
    """Every state that has ever been a member, with its status on the date, ISO codes (alpha-2
    and numeric, for the map), whether its status is contested, and the sources."""
    org = services.world.organizations.get(org_id)
    if org is None:
        known = ", ".join(sorted(services.world.organizations))
        raise ApiError(
            404, "not_found", f"no organization '{org_id}' (known: {known})", "path.org_id"
        )
    day = on or dt.datetime.now(dt.UTC).date()
    members = []
    for m in org.members:
        s = membership_on(org, m.state, day)
        members.append(
            MemberOnDate(
                state=m.state,
                numeric=numeric(m.state),
                name=m.name,
                status=s.status,
                participates=s.participates.value,
                since=s.event.date.isoformat() if s.event else None,
                what=s.event.what if s.event else None,
                contested=s.contested,
                sources=list(s.event.sources) if s.event else [],
            )
        )
    return Members(
        organization={"id": org.id, "name": org.name, "short_name": org.short_name},
        on=day.isoformat(),
        members=members,
    )
