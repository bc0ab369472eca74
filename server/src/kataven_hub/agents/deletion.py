"""Deleting an agent: the rules that span modules, in a module above the ones they span.

Campaigns and telephony use agents (they import `agents.service`), so their rules about an
agent going away live here rather than in `agents.service`, which would have to import them
back. What is only "delete the children" is left to the database: tool, playbook and FAQ links
go by ON DELETE CASCADE. Numbers pinned to the agent are unpinned here (the foreign key would
set `agent_id` to null too, but not the number's `updated_at`).
"""

from __future__ import annotations

from kataven_hub.agents import service as agents_service
from kataven_hub.campaigns import service as campaigns_service
from kataven_hub.core.db import TenantSession
from kataven_hub.core.errors import Conflict
from kataven_hub.telephony import service as telephony_service


async def delete(session: TenantSession, agent_id: str) -> None:
    """Delete an agent: 404 when there is none, 409 while a scheduled, running or paused
    campaign uses it; numbers pinned to it are unpinned."""
    agent = await agents_service.get(session, agent_id)
    if await campaigns_service.blocks_agent(session, agent.id):
        raise Conflict("Agent is used by a scheduled, running or paused campaign")
    await telephony_service.unpin_agent(session, agent.id)
    await agents_service.delete(session, agent)
