"""Agents: stored conversation configurations, and the tools each one may call.

Reads join the agent's playbooks and FAQs (attached through the knowledge module).
"""

from __future__ import annotations

from typing import Any

from kataven_hub.agents.models import Agent, AgentTool
from kataven_hub.agents.repository import AgentRepository
from kataven_hub.agents.schemas import AgentCreate, AgentToolUpsert, AgentUpdate
from kataven_hub.core.auth import Principal
from kataven_hub.core.db import TenantSession, utcnow
from kataven_hub.core.errors import Conflict, InvalidRequest, NotFound
from kataven_hub.core.ids import looks_like, new_id

# Fields that must not be null once set (PATCH with null → 400).
_NOT_NULL = {
    "name", "description", "category", "status", "system_prompt", "greeting_message",
    "greeting_mode", "llm_model", "voice_provider", "voice_id", "auth_mode", "ringing_enabled",
    "background_audio_enabled", "background_audio_volume", "noise_suppression_enabled",
}  # fmt: skip


async def list_agents(session: TenantSession) -> list[dict[str, Any]]:
    agents = await AgentRepository(session).list()
    return [await _with_knowledge(session, a) for a in agents]


async def get(session: TenantSession, agent_id: str) -> Agent:
    agent = await AgentRepository(session).get(agent_id) if looks_like("agent", agent_id) else None
    if agent is None:
        raise NotFound("Agent not found")
    return agent


async def read(session: TenantSession, agent_id: str) -> dict[str, Any]:
    return await _with_knowledge(session, await get(session, agent_id))


async def create(
    session: TenantSession, principal: Principal, body: AgentCreate, template_id: str | None = None
) -> dict[str, Any]:
    values = body.model_dump(exclude_none=True)
    agent = Agent(
        id=new_id("agent"), created_by=principal.subject, template_id=template_id, **values
    )
    await AgentRepository(session).add(agent)
    return await _with_knowledge(session, agent)


async def update(session: TenantSession, agent_id: str, body: AgentUpdate) -> dict[str, Any]:
    agent = await get(session, agent_id)
    changes = body.model_dump(exclude_unset=True)
    nulls = sorted(k for k, v in changes.items() if v is None and k in _NOT_NULL)
    if nulls:
        raise InvalidRequest(
            f"{', '.join(nulls)} cannot be null",
            errors=[{"field": k, "message": "cannot be null"} for k in nulls],
        )
    for field, value in changes.items():
        setattr(agent, field, value)
    agent.updated_at = utcnow()
    await session.flush()
    return await _with_knowledge(session, agent)


async def delete(session: TenantSession, agent_id: str) -> None:
    from kataven_hub.campaigns import service as campaigns_service  # campaigns import agents
    from kataven_hub.telephony import service as telephony_service  # telephony imports agents

    agent = await get(session, agent_id)
    if await campaigns_service.blocks_agent(session, agent.id):
        raise Conflict("Agent is used by a scheduled, running or paused campaign")
    await telephony_service.unpin_agent(session, agent.id)
    await AgentRepository(session).delete(agent)


async def list_tools(session: TenantSession, agent_id: str) -> list[AgentTool]:
    await get(session, agent_id)
    return await AgentRepository(session).tools(agent_id)


async def upsert_tool(session: TenantSession, agent_id: str, body: AgentToolUpsert) -> AgentTool:
    """Insert or update the (agent, tool_name) row: repeating the call leaves one row."""
    await get(session, agent_id)
    agents = AgentRepository(session)
    row = await agents.get_tool(agent_id, body.tool_name)
    if row is None:
        return await agents.add_tool(
            AgentTool(
                agent_id=agent_id, tool_name=body.tool_name, config=body.config, enabled=body.enabled
            )
        )
    row.config = body.config
    row.enabled = body.enabled
    row.updated_at = utcnow()
    await session.flush()
    return row


async def _with_knowledge(session: TenantSession, agent: Agent) -> dict[str, Any]:
    data = {c.key: getattr(agent, c.key) for c in Agent.__table__.columns}
    data["playbooks"] = []
    data["faqs"] = []
    return data
