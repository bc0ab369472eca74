"""Agents: stored conversation configurations, the tools each one may call, and the
playbooks and FAQs attached to it.

Reads join the attached playbooks and FAQs in attachment order (a fixed number of queries for
the whole list, not one per agent). Attaching takes an id or a name; attaching twice is a
no-op; detaching something not attached is a 404. A tool row needs an existing tool of the
account (404 otherwise); deleting a tool, playbook or FAQ drops its rows and links through the
foreign keys. Deleting an agent goes through `agents.deletion`, which holds the rules that span
modules (a campaign that uses the agent, numbers pinned to it).
"""

from __future__ import annotations

from typing import Any

from kataven_hub.agents.models import Agent, AgentFaq, AgentPlaybook, AgentTool
from kataven_hub.agents.repository import AgentRepository
from kataven_hub.agents.schemas import AgentCreate, AgentToolUpsert, AgentUpdate
from kataven_hub.core.auth import Principal
from kataven_hub.core.db import TenantSession, utcnow
from kataven_hub.core.errors import InvalidRequest, NotFound
from kataven_hub.core.ids import looks_like, new_id
from kataven_hub.faqs import service as faqs_service
from kataven_hub.marketplace.templates import BY_ID
from kataven_hub.playbooks import service as playbooks_service
from kataven_hub.tools import service as tools_service

# Fields that must not be null once set (PATCH with null → 400).
_NOT_NULL = {
    "name", "description", "category", "status", "system_prompt", "greeting_message",
    "greeting_mode", "llm_model", "voice_provider", "voice_id", "auth_mode", "ringing_enabled",
    "background_audio_enabled", "background_audio_volume", "noise_suppression_enabled",
}  # fmt: skip


async def list_agents(session: TenantSession) -> list[dict[str, Any]]:
    return await _read(session)


async def get(session: TenantSession, agent_id: str) -> Agent:
    agent = await AgentRepository(session).get(agent_id) if looks_like("agent", agent_id) else None
    if agent is None:
        raise NotFound(f"Agent {agent_id[:100]!r} not found")
    return agent


async def check_reference(session: TenantSession, agent_id: str) -> None:
    """A body field naming an agent that doesn't exist is a bad request (400), not a 404."""
    try:
        await get(session, agent_id)
    except NotFound:
        raise InvalidRequest(
            "Unknown agent_id", errors=[{"field": "agent_id", "message": "no such agent"}]
        ) from None


async def read(session: TenantSession, agent_id: str) -> dict[str, Any]:
    found = await _read(session, agent_id) if looks_like("agent", agent_id) else []
    if not found:
        raise NotFound(f"Agent {agent_id[:100]!r} not found")
    return found[0]


async def create(
    session: TenantSession, principal: Principal, body: AgentCreate, template_id: str | None = None
) -> dict[str, Any]:
    values = body.model_dump(exclude_none=True)
    requested = values.pop("template_id", None)
    if requested is not None:
        if requested not in BY_ID:
            raise InvalidRequest(f"template_id {requested!r} names no marketplace template")
        template_id = template_id or requested
    agent = Agent(
        id=new_id("agent"), created_by=principal.subject, template_id=template_id, **values
    )
    await AgentRepository(session).add(agent)
    # A new agent has nothing attached yet: no need to read the links back.
    return {c.key: getattr(agent, c.key) for c in Agent.__table__.columns} | {
        "playbooks": [],
        "faqs": [],
    }


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


async def delete(session: TenantSession, agent: Agent) -> None:
    """Delete the agent row; its tool, FAQ and playbook links go with it (foreign keys). Callers
    go through `agents.deletion.delete`, which applies the rules of other modules first."""
    await AgentRepository(session).delete(agent)


async def list_tools(session: TenantSession, agent_id: str) -> list[AgentTool]:
    await get(session, agent_id)
    return await AgentRepository(session).tools(agent_id)


async def upsert_tool(session: TenantSession, agent_id: str, body: AgentToolUpsert) -> AgentTool:
    """Insert or update the (agent, tool_name) row: repeating the call leaves one row."""
    await get(session, agent_id)
    if await tools_service.find(session, body.tool_name) is None:
        raise NotFound(f"Tool {body.tool_name!r} not found")
    agents = AgentRepository(session)
    row = await agents.get_tool(agent_id, body.tool_name)
    if row is None:
        return await agents.add_tool(
            AgentTool(
                agent_id=agent_id,
                tool_name=body.tool_name,
                config=body.config,
                enabled=body.enabled,
            )
        )
    row.config = body.config
    row.enabled = body.enabled
    row.updated_at = utcnow()
    await session.flush()
    return row


async def attach_playbook(session: TenantSession, agent_id: str, ref: str) -> dict[str, Any]:
    agent = await get(session, agent_id)
    playbook = await playbooks_service.get(session, ref)
    link = AgentPlaybook(agent_id=agent.id, playbook_id=playbook.id)
    if await AgentRepository(session).add_link(link):
        agent.updated_at = utcnow()
        await session.flush()
    return await _with_knowledge(session, agent)


async def detach_playbook(session: TenantSession, agent_id: str, ref: str) -> None:
    agent = await get(session, agent_id)
    playbook = await playbooks_service.find(session, ref)
    agents = AgentRepository(session)
    if playbook is None or not await agents.remove_link(AgentPlaybook, agent.id, playbook.id):
        raise NotFound("Playbook is not attached to this agent")
    agent.updated_at = utcnow()
    await session.flush()


async def attach_faq(session: TenantSession, agent_id: str, ref: str) -> dict[str, Any]:
    agent = await get(session, agent_id)
    faq = await faqs_service.get(session, ref)
    if await AgentRepository(session).add_link(AgentFaq(agent_id=agent.id, faq_id=faq.id)):
        agent.updated_at = utcnow()
        await session.flush()
    return await _with_knowledge(session, agent)


async def detach_faq(session: TenantSession, agent_id: str, ref: str) -> None:
    agent = await get(session, agent_id)
    faq = await faqs_service.find(session, ref)
    agents = AgentRepository(session)
    if faq is None or not await agents.remove_link(AgentFaq, agent.id, faq.id):
        raise NotFound("FAQ is not attached to this agent")
    agent.updated_at = utcnow()
    await session.flush()


async def link_knowledge(
    session: TenantSession, agent_id: str, playbook_ids: list[str], faq_ids: list[str]
) -> None:
    """Attach existing playbooks and FAQs by id (already-attached ones are skipped)."""
    agents = AgentRepository(session)
    for playbook_id in playbook_ids:
        await agents.add_link(AgentPlaybook(agent_id=agent_id, playbook_id=playbook_id))
    for faq_id in faq_ids:
        await agents.add_link(AgentFaq(agent_id=agent_id, faq_id=faq_id))


async def _with_knowledge(session: TenantSession, agent: Agent) -> dict[str, Any]:
    await session.flush()  # the read below is a statement, not the identity map
    return (await _read(session, agent.id))[0]


async def _read(session: TenantSession, agent_id: str | None = None) -> list[dict[str, Any]]:
    """Agents with `playbooks` and `faqs` in attachment order (see AgentRepository.read)."""
    agents = await AgentRepository(session).read(agent_id)
    for agent in agents:
        for kind in ("playbooks", "faqs"):
            links = sorted(agent[kind] or [], key=lambda x: (x.pop("linked_at"), x["id"]))
            agent[kind] = links
    return agents
