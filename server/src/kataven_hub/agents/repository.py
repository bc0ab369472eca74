from __future__ import annotations

from sqlalchemy import select

from kataven_hub.agents.models import Agent, AgentTool
from kataven_hub.core.db import TenantSession


class AgentRepository:
    def __init__(self, session: TenantSession) -> None:
        self.session = session

    async def list(self) -> list[Agent]:
        stmt = select(Agent).order_by(Agent.created_at.desc(), Agent.id.desc())
        return list(await self.session.scalars(stmt))

    async def get(self, agent_id: str) -> Agent | None:
        return await self.session.get(Agent, agent_id)

    async def add(self, agent: Agent) -> Agent:
        self.session.add(agent)
        await self.session.flush()
        return agent

    async def delete(self, agent: Agent) -> None:
        await self.session.delete(agent)
        await self.session.flush()

    async def tools(self, agent_id: str) -> list[AgentTool]:
        stmt = select(AgentTool).where(AgentTool.agent_id == agent_id).order_by(AgentTool.tool_name)
        return list(await self.session.scalars(stmt))

    async def get_tool(self, agent_id: str, tool_name: str) -> AgentTool | None:
        return await self.session.get(AgentTool, (agent_id, tool_name))

    async def add_tool(self, row: AgentTool) -> AgentTool:
        self.session.add(row)
        await self.session.flush()
        return row
