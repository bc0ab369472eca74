from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from kataven_hub.core.auth import PrincipalDep
from kataven_hub.core.errors import Conflict, InvalidRequest, NotFound, errors_doc
from kataven_hub.core.pagination import FilterText
from kataven_hub.core.secrets import SecretsUnavailable
from kataven_hub.core.sessions import TenantSessionDep, TransactionalRoute
from kataven_hub.integrations import service as integrations_service
from kataven_hub.integrations.schemas import (
    IntegrationInstall,
    IntegrationList,
    IntegrationRead,
    McpConnectionList,
    NativeToolList,
)
from kataven_hub.tools import service as tools_service

router = APIRouter(prefix="/integrations", tags=["Integrations"], route_class=TransactionalRoute)
extras = APIRouter(tags=["Integrations"], route_class=TransactionalRoute)


@router.get("", response_model=IntegrationList, responses=errors_doc(InvalidRequest))
async def list_integrations(
    principal: PrincipalDep, session: TenantSessionDep, category: FilterText = None
) -> dict[str, Any]:
    """The integration catalogue with this account's install state; `category` filters
    exactly and `category_counts` counts the whole catalogue."""
    return await integrations_service.list_integrations(session, category)


@router.get("/{integration_id}", response_model=IntegrationRead, responses=errors_doc(NotFound))
async def get_integration(
    integration_id: str, principal: PrincipalDep, session: TenantSessionDep
) -> dict[str, Any]:
    """One integration, by id (`intg_stripe`) or name (`stripe`), with its install state."""
    return await integrations_service.read(session, integration_id)


@router.post(
    "/{integration_id}/install",
    response_model=IntegrationRead,
    responses=errors_doc(InvalidRequest, NotFound, Conflict, SecretsUnavailable),
)
async def install_integration(
    integration_id: str,
    body: IntegrationInstall,
    principal: PrincipalDep,
    session: TenantSessionDep,
) -> dict[str, Any]:
    """Install (or re-install, replacing the credentials) with `{"credentials": {...}}`: every
    key in `credential_keys` and no other. Credentials are encrypted at rest and never returned;
    the response lists which keys are set. The integration's tools appear in `/tools`. 503 (and
    nothing stored) when encryption is unavailable."""
    return await integrations_service.install(
        session, principal.account, integration_id, body.credentials
    )


@router.post(
    "/{integration_id}/uninstall", response_model=IntegrationRead, responses=errors_doc(NotFound)
)
async def uninstall_integration(
    integration_id: str, principal: PrincipalDep, session: TenantSessionDep
) -> dict[str, Any]:
    """Delete the stored credentials and the integration's tools (detaching them from agents).
    Uninstalling an integration that is not installed changes nothing."""
    return await integrations_service.uninstall(session, integration_id)


@extras.get("/native-tools", response_model=NativeToolList)
async def list_native_tools(principal: PrincipalDep, session: TenantSessionDep) -> dict[str, Any]:
    """The built-in tools of the account (call control, messaging, calendar, CRM…), as
    currently configured."""
    rows = await tools_service.native_tools(session)
    return {"native_tools": rows, "count": len(rows)}


@extras.get("/mcp-connections", response_model=McpConnectionList)
async def list_mcp_connections(principal: PrincipalDep) -> dict[str, Any]:
    """MCP server connections (not available yet: always empty)."""
    return {"mcp_connections": []}
