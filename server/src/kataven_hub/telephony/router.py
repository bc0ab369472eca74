"""Carrier credentials and phone numbers (`/api/v1/telephony/...`)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Query, Response

from kataven_hub.core.auth import PrincipalDep
from kataven_hub.core.errors import InvalidRequest, NotFound, errors_doc
from kataven_hub.core.secrets import SecretsUnavailable
from kataven_hub.core.sessions import ControlSessionDep, TenantSessionDep, TransactionalRoute
from kataven_hub.telephony import service as telephony_service
from kataven_hub.telephony.models import PhoneNumber
from kataven_hub.telephony.schemas import (
    NumberCreate,
    NumberList,
    NumberRead,
    NumberUpdate,
    ProviderCreate,
    ProviderList,
    ProviderRead,
)
from kataven_hub.telephony.service import ProviderInUse

router = APIRouter(prefix="/telephony", tags=["Telephony"], route_class=TransactionalRoute)


@router.get("/numbers", response_model=NumberList)
async def list_numbers(
    principal: PrincipalDep,
    session: TenantSessionDep,
    agent_id: str | None = Query(default=None, max_length=100, description="Filter by agent id"),
) -> dict[str, Any]:
    """List phone numbers, optionally only those pinned to one agent."""
    return await telephony_service.list_numbers(session, agent_id)


@router.post(
    "/numbers", status_code=201, response_model=NumberRead, responses=errors_doc(InvalidRequest)
)
async def create_number(
    body: NumberCreate,
    principal: PrincipalDep,
    control: ControlSessionDep,
    session: TenantSessionDep,
) -> PhoneNumber:
    """Register an E.164 number on a provider credential and optionally pin it to an agent.
    Inbound and outbound default to enabled. A number can belong to one account only:
    registering a number already registered anywhere is a 400 (duplicate number)."""
    return await telephony_service.create_number(control, session, principal.account, body)


@router.patch(
    "/numbers/{number_id}", status_code=204, responses=errors_doc(InvalidRequest, NotFound)
)
async def update_number(
    number_id: str, body: NumberUpdate, principal: PrincipalDep, session: TenantSessionDep
) -> Response:
    """Pin (`{"agent_id": "agent_…"}`) or unpin (`{"agent_id": null}`) a number; also toggles
    `inbound_enabled` / `outbound_enabled`. Takes effect on the next call."""
    await telephony_service.update_number(session, number_id, body)
    return Response(status_code=204)


@router.delete("/numbers/{number_id}", status_code=204, responses=errors_doc(NotFound))
async def delete_number(
    number_id: str, principal: PrincipalDep, session: TenantSessionDep, control: ControlSessionDep
) -> Response:
    """Delete a phone number; its provider credential may then become deletable."""
    await telephony_service.delete_number(session, control, principal.account, number_id)
    return Response(status_code=204)


@router.get("/providers", response_model=ProviderList)
async def list_providers(principal: PrincipalDep, session: TenantSessionDep) -> dict[str, Any]:
    """Every carrier credential of the account: metadata only, never the secret values."""
    return await telephony_service.list_providers(session)


@router.post(
    "/providers",
    status_code=201,
    response_model=ProviderRead,
    responses=errors_doc(InvalidRequest, SecretsUnavailable),
)
async def create_provider(
    body: ProviderCreate, principal: PrincipalDep, session: TenantSessionDep
) -> dict[str, Any]:
    """Add a carrier credential. The keys are checked per provider (twilio: `account_sid`,
    `auth_token`; plivo and vobiz: `auth_id`, `auth_token`), then encrypted; plaintext is never
    stored or returned. 503 when encryption is unavailable (nothing is stored)."""
    return await telephony_service.create_provider(session, principal.account, body)


@router.delete(
    "/providers/{provider_id}", status_code=204, responses=errors_doc(NotFound, ProviderInUse)
)
async def delete_provider(
    provider_id: str, principal: PrincipalDep, session: TenantSessionDep
) -> Response:
    """Delete a carrier credential; refused (409) while phone numbers still use it."""
    await telephony_service.delete_provider(session, principal.account, provider_id)
    return Response(status_code=204)
