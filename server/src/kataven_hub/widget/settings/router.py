from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from kataven_hub.core.auth import PrincipalDep
from kataven_hub.core.errors import InvalidRequest, NotFound, errors_doc
from kataven_hub.core.sessions import TenantSessionDep, TransactionalRoute
from kataven_hub.widget.settings import service as settings_service
from kataven_hub.widget.settings.schemas import (
    AgentWidgetSettingsRead,
    AgentWidgetSettingsUpdate,
    BrandingRead,
    BrandingUpdate,
)

router = APIRouter(tags=["Widget Admin"], route_class=TransactionalRoute)


@router.get("/widget-settings", response_model=BrandingRead)
async def get_widget_branding(principal: PrincipalDep, session: TenantSessionDep) -> dict[str, Any]:
    """The account's widget branding, shared by every widget of the account. Fields never
    set show their defaults."""
    return await settings_service.get_branding(session)


@router.patch("/widget-settings", response_model=BrandingRead, responses=errors_doc(InvalidRequest))
async def update_widget_branding(
    body: BrandingUpdate, principal: PrincipalDep, session: TenantSessionDep
) -> dict[str, Any]:
    """Change the fields present: colours as `#rrggbb`, `logo_url` (https), `launcher_position`
    (`br`, `bl`, `tr`, `tl`), `launcher_label`, `privacy_notice`. `null` restores a default."""
    return await settings_service.update_branding(session, body)


@router.get(
    "/agents/{agent_id}/widget-settings",
    response_model=AgentWidgetSettingsRead,
    responses=errors_doc(NotFound),
)
async def get_agent_widget_settings(
    agent_id: str, principal: PrincipalDep, session: TenantSessionDep
) -> dict[str, Any]:
    """The agent's widget policy. Never set: the widget is off and `auth_mode` follows the
    agent (`public` → `both`, `authenticated` → `user`)."""
    return await settings_service.get_agent_settings(session, agent_id)


@router.patch(
    "/agents/{agent_id}/widget-settings",
    response_model=AgentWidgetSettingsRead,
    responses=errors_doc(InvalidRequest, NotFound),
)
async def update_agent_widget_settings(
    agent_id: str,
    body: AgentWidgetSettingsUpdate,
    principal: PrincipalDep,
    session: TenantSessionDep,
) -> dict[str, Any]:
    """Turn the widget on or off for this agent, choose who may use it (`guest`, `user`,
    `both`; `null` follows the agent again) and optionally override its greeting."""
    return await settings_service.update_agent_settings(session, agent_id, body)
