from __future__ import annotations

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from kataven_hub.agents.models import Agent, AgentFaq, AgentPlaybook, AgentTool
from kataven_hub.core.db import TenantSession

Link = AgentPlaybook | AgentFaq


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

    # -- tool rows ---------------------------------------------------------------------------
    async def tools(self, agent_id: str) -> list[AgentTool]:
        stmt = select(AgentTool).where(AgentTool.agent_id == agent_id).order_by(AgentTool.tool_name)
        return list(await self.session.scalars(stmt))

    async def get_tool(self, agent_id: str, tool_name: str) -> AgentTool | None:
        return await self.session.get(AgentTool, (agent_id, tool_name))

    async def add_tool(self, row: AgentTool) -> AgentTool:
        self.session.add(row)
        await self.session.flush()
        return row

    async def delete_tool_rows(self, tool_name: str) -> None:
        await self.session.execute(delete(AgentTool).where(AgentTool.tool_name == tool_name))

    # -- knowledge links ---------------------------------------------------------------------
    async def playbook_links(self, agent_ids: list[str] | None) -> list[AgentPlaybook]:
        """Links of these agents (None: of every agent), in attachment order."""
        stmt = select(AgentPlaybook).order_by(AgentPlaybook.created_at, AgentPlaybook.playbook_id)
        if agent_ids is not None:
            stmt = stmt.where(AgentPlaybook.agent_id.in_(agent_ids))
        return list(await self.session.scalars(stmt))

    async def faq_links(self, agent_ids: list[str] | None) -> list[AgentFaq]:
        stmt = select(AgentFaq).order_by(AgentFaq.created_at, AgentFaq.faq_id)
        if agent_ids is not None:
            stmt = stmt.where(AgentFaq.agent_id.in_(agent_ids))
        return list(await self.session.scalars(stmt))

    async def add_link(self, link: Link) -> bool:
        """Insert a link; False when it already exists (also when a concurrent request won)."""
        if await self.session.get(type(link), self._key(link)) is not None:
            return False
        try:
            async with self.session.begin_nested():
                self.session.add(link)
        except IntegrityError:
            return False
        return True

    async def remove_link(self, kind: type[Link], agent_id: str, other_id: str) -> bool:
        link = await self.session.get(kind, (agent_id, other_id))
        if link is None:
            return False
        await self.session.delete(link)
        await self.session.flush()
        return True

    @staticmethod
    def _key(link: Link) -> tuple[str, str]:
        other = link.playbook_id if isinstance(link, AgentPlaybook) else link.faq_id
        return (link.agent_id, other)
