"""Widget settings: the account's branding and each agent's widget policy.

Defaults when never set (DECISIONS): branding per `DEFAULT_BRANDING`; an agent's widget is off
(`widget_enabled=false`) and its `auth_mode` follows the agent (`public` → `both`,
`authenticated` → `user`) until set here. An explicit widget `auth_mode` wins over the agent's.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from kataven_hub.agents import service as agents_service
from kataven_hub.core.db import TenantSession, utcnow
from kataven_hub.widget.settings.models import AgentWidgetPolicy, WidgetBranding
from kataven_hub.widget.settings.repository import WidgetSettingsRepository
from kataven_hub.widget.settings.schemas import (
    DEFAULT_BRANDING,
    AgentWidgetSettingsUpdate,
    BrandingUpdate,
)

_AGENT_AUTH_TO_WIDGET = {"public": "both", "authenticated": "user"}


@dataclass(frozen=True, slots=True)
class Policy:
    agent_id: str
    widget_enabled: bool
    auth_mode: str  # guest | user | both
    greeting: str

    def allows(self, mode: str) -> bool:
        return self.auth_mode == "both" or self.auth_mode == mode

    @property
    def auth_modes(self) -> list[str]:
        return ["guest", "user"] if self.auth_mode == "both" else [self.auth_mode]


def _branding_dict(row: WidgetBranding | None) -> dict[str, Any]:
    data: dict[str, Any] = {k: v for k, v in DEFAULT_BRANDING.items()}
    if row is not None:
        for field in DEFAULT_BRANDING:
            value = getattr(row, field)
            if value is not None:
                data[field] = value
    data["updated_at"] = row.updated_at if row is not None else None
    return data


async def get_branding(session: TenantSession) -> dict[str, Any]:
    return _branding_dict(await WidgetSettingsRepository(session).branding())


async def update_branding(session: TenantSession, body: BrandingUpdate) -> dict[str, Any]:
    repo = WidgetSettingsRepository(session)
    row = await repo.branding() or await repo.add_branding()
    for field, value in body.model_dump(exclude_unset=True).items():
        setattr(row, field, value)
    row.updated_at = utcnow()
    await session.flush()
    return _branding_dict(row)


def _policy_dict(agent: Any, row: AgentWidgetPolicy | None) -> dict[str, Any]:
    explicit = row.auth_mode if row is not None else None
    return {
        "agent_id": agent.id,
        "widget_enabled": row.widget_enabled if row is not None else False,
        "auth_mode": explicit or _AGENT_AUTH_TO_WIDGET.get(agent.auth_mode, "user"),
        "auth_mode_source": "widget" if explicit else "agent",
        "greeting_override": row.greeting_override if row is not None else None,
        "updated_at": row.updated_at if row is not None else None,
    }


async def get_agent_settings(session: TenantSession, agent_id: str) -> dict[str, Any]:
    agent = await agents_service.get(session, agent_id)
    return _policy_dict(agent, await WidgetSettingsRepository(session).policy(agent.id))


async def update_agent_settings(
    session: TenantSession, agent_id: str, body: AgentWidgetSettingsUpdate
) -> dict[str, Any]:
    agent = await agents_service.get(session, agent_id)
    changes = body.model_dump(exclude_unset=True)
    repo = WidgetSettingsRepository(session)
    row = await repo.policy(agent.id) or await repo.add_policy(agent.id)
    for field, value in changes.items():
        setattr(row, field, value)
    row.updated_at = utcnow()
    await session.flush()
    return _policy_dict(agent, row)


async def policy_for(session: TenantSession, agent: Any) -> Policy:
    """The effective widget policy of an agent (what visitor auth enforces)."""
    row = await WidgetSettingsRepository(session).policy(agent.id)
    data = _policy_dict(agent, row)
    greeting = (row.greeting_override if row is not None else None) or agent.greeting_message
    return Policy(agent.id, data["widget_enabled"], data["auth_mode"], greeting or "")
