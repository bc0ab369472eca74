from __future__ import annotations

from sqlalchemy.exc import IntegrityError

from kataven_hub.core.db import TenantSession
from kataven_hub.widget.settings.models import AgentWidgetPolicy, WidgetBranding

BRANDING_ROW = "account"


class WidgetSettingsRepository:
    def __init__(self, session: TenantSession) -> None:
        self.session = session

    async def branding(self) -> WidgetBranding | None:
        return await self.session.get(WidgetBranding, BRANDING_ROW)

    async def add_branding(self) -> WidgetBranding:
        """Create the row, or return the one a concurrent request created first."""
        try:
            async with self.session.begin_nested():
                row = WidgetBranding(id=BRANDING_ROW)
                self.session.add(row)
        except IntegrityError:
            existing = await self.branding()
            assert existing is not None
            return existing
        return row

    async def policy(self, agent_id: str) -> AgentWidgetPolicy | None:
        return await self.session.get(AgentWidgetPolicy, agent_id)

    async def add_policy(self, agent_id: str) -> AgentWidgetPolicy:
        """Create the agent's row, or return the one a concurrent request created first."""
        try:
            async with self.session.begin_nested():
                row = AgentWidgetPolicy(agent_id=agent_id, widget_enabled=False)
                self.session.add(row)
        except IntegrityError:
            existing = await self.policy(agent_id)
            assert existing is not None
            return existing
        return row
