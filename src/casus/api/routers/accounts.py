"""The caller's own account, and the service's health (the load benchmark's baseline)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends

from casus.api.auth import Caller
from casus.api.errors import AUTHED, COMMON
from casus.api.schemas import AccountOut, Health
from casus.api.services import Services, get_services

router = APIRouter(prefix="/api", tags=["accounts"])


@router.get("/me", operation_id="getMe", response_model=AccountOut, responses=AUTHED)
async def me(account: Caller) -> AccountOut:
    """Who the token belongs to: role, state (for a delegation) and exercise."""
    return AccountOut(**account.to_dict())


@router.get("/health", operation_id="health", response_model=Health, responses=COMMON)
async def health(services: Annotated[Services, Depends(get_services)]) -> Health:
    """Answers without touching the store (nor a worker thread): the load benchmark's
    baseline."""
    return Health(status="ok", backend=services.store.target.backend)
