from __future__ import annotations

import functools
from typing import Any

from sqlalchemy import Select, bindparam, select
from sqlalchemy.exc import IntegrityError

from kataven_hub.agents.models import Agent, AgentFaq, AgentPlaybook, AgentTool
from kataven_hub.core.db import TenantSession, json_array_agg
from kataven_hub.core.repository import Repository
from kataven_hub.faqs.models import Faq
from kataven_hub.playbooks.models import Playbook

Link = AgentPlaybook | AgentFaq


class AgentRepository(Repository[Agent, TenantSession]):
    model = Agent

    async def read(self, agent_id: str | None = None) -> list[dict[str, Any]]:
        """Agents as dicts (one, or all newest first), each with `playbooks` and `faqs`: lists
        of summaries carrying their link's `linked_at`, unsorted. One statement, whatever the
        number of agents (a correlated aggregate per link table)."""
        bind = self.session.bind
        assert bind is not None
        stmt = _read_statement(bind.dialect.name, agent_id is not None)
        params = {} if agent_id is None else {"agent_id": agent_id}
        return [dict(row) for row in (await self.session.execute(stmt, params)).mappings()]

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

    # -- knowledge links ---------------------------------------------------------------------
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


@functools.cache
def _read_statement(dialect: str, one: bool) -> Select[Any]:
    """Built once per dialect (building a statement costs more than running it)."""
    playbooks = json_array_agg(
        dialect,
        {
            "id": Playbook.id,
            "name": Playbook.name,
            "display_name": Playbook.display_name,
            "category": Playbook.category,
            "description": Playbook.description,
            "tool_names": Playbook.tool_names,
            "linked_at": AgentPlaybook.created_at,
        },
        nested=frozenset({"tool_names"}),
    )
    faqs = json_array_agg(
        dialect,
        {
            "id": Faq.id,
            "name": Faq.name,
            "title": Faq.title,
            "summary": Faq.summary,
            "content": Faq.content,
            "category": Faq.category,
            "linked_at": AgentFaq.created_at,
        },
    )
    stmt = select(
        *Agent.__table__.columns,
        select(playbooks)
        .select_from(AgentPlaybook)
        .join(Playbook, Playbook.id == AgentPlaybook.playbook_id)
        .where(AgentPlaybook.agent_id == Agent.id)
        .scalar_subquery()
        .label("playbooks"),
        select(faqs)
        .select_from(AgentFaq)
        .join(Faq, Faq.id == AgentFaq.faq_id)
        .where(AgentFaq.agent_id == Agent.id)
        .scalar_subquery()
        .label("faqs"),
    )
    if one:
        return stmt.where(Agent.id == bindparam("agent_id"))
    return stmt.order_by(Agent.created_at.desc(), Agent.id.desc())
