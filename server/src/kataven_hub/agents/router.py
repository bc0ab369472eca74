from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Response

from kataven_hub.agents import deletion as agents_deletion
from kataven_hub.agents import service as agents_service
from kataven_hub.agents.models import AgentTool
from kataven_hub.agents.schemas import (
    AgentCreate,
    AgentRead,
    AgentToolRead,
    AgentToolUpsert,
    AgentUpdate,
    AttachFaq,
    AttachPlaybook,
)
from kataven_hub.core.auth import PrincipalDep
from kataven_hub.core.errors import Conflict, InvalidRequest, NotFound, errors_doc
from kataven_hub.core.sessions import TenantSessionDep, TransactionalRoute

router = APIRouter(prefix="/agents", tags=["Agents"], route_class=TransactionalRoute)


@router.get("", response_model=list[AgentRead])
async def list_agents(principal: PrincipalDep, session: TenantSessionDep) -> list[dict[str, Any]]:
    """List every agent of the account, newest first, with its playbooks and FAQs."""
    return await agents_service.list_agents(session)


@router.post("", status_code=201, response_model=AgentRead, responses=errors_doc(InvalidRequest))
async def create_agent(
    body: AgentCreate, principal: PrincipalDep, session: TenantSessionDep
) -> dict[str, Any]:
    """Create an agent. Only `name` is required; defaults: category `custom`, status `draft`,
    llm_model `gpt-4o`, voice_provider `cartesia`, auth_mode `authenticated`, greeting_mode
    `interruptible`."""
    return await agents_service.create(session, principal, body)


@router.get("/{agent_id}", response_model=AgentRead, responses=errors_doc(NotFound))
async def get_agent(
    agent_id: str, principal: PrincipalDep, session: TenantSessionDep
) -> dict[str, Any]:
    """Get one agent with its playbooks and FAQs."""
    return await agents_service.read(session, agent_id)


@router.patch(
    "/{agent_id}", response_model=AgentRead, responses=errors_doc(InvalidRequest, NotFound)
)
async def update_agent(
    agent_id: str, body: AgentUpdate, principal: PrincipalDep, session: TenantSessionDep
) -> dict[str, Any]:
    """Change only the fields present in the body."""
    return await agents_service.update(session, agent_id, body)


@router.delete("/{agent_id}", status_code=204, responses=errors_doc(NotFound, Conflict))
async def delete_agent(
    agent_id: str, principal: PrincipalDep, session: TenantSessionDep
) -> Response:
    """Delete an agent and its tool, FAQ and playbook links; numbers pinned to it are unpinned."""
    await agents_deletion.delete(session, agent_id)
    return Response(status_code=204)


@router.get("/{agent_id}/tools", response_model=list[AgentToolRead], responses=errors_doc(NotFound))
async def list_agent_tools(
    agent_id: str, principal: PrincipalDep, session: TenantSessionDep
) -> list[AgentTool]:
    """The tools exposed to this agent, with their per-agent config."""
    return await agents_service.list_tools(session, agent_id)


@router.post(
    "/{agent_id}/tools",
    response_model=AgentToolRead,
    responses=errors_doc(InvalidRequest, NotFound),
)
@router.put(
    "/{agent_id}/tools",
    response_model=AgentToolRead,
    responses=errors_doc(InvalidRequest, NotFound),
    operation_id="upsert_agent_tool_put",
    description="An alias of `POST /api/v1/agents/{agent_id}/tools` (`upsert_agent_tool`), "
    "kept for clients that upsert with PUT: same body, same answer.",
    openapi_extra={"x-alias-of": "upsert_agent_tool"},
)
async def upsert_agent_tool(
    agent_id: str, body: AgentToolUpsert, principal: PrincipalDep, session: TenantSessionDep
) -> AgentTool:
    """Attach a tool to the agent or update its config (idempotent, keyed by tool_name). The
    tool must exist in the account (404 otherwise)."""
    return await agents_service.upsert_tool(session, agent_id, body)


@router.post(
    "/{agent_id}/playbooks",
    response_model=AgentRead,
    responses=errors_doc(InvalidRequest, NotFound),
)
async def attach_playbook(
    agent_id: str, body: AttachPlaybook, principal: PrincipalDep, session: TenantSessionDep
) -> dict[str, Any]:
    """Attach a playbook (by id or name); its content joins the agent's prompt at runtime and its
    tools become known to the agent. Attaching twice changes nothing. Returns the agent."""
    return await agents_service.attach_playbook(session, agent_id, body.playbook_id)


@router.delete(
    "/{agent_id}/playbooks/{playbook_id}", status_code=204, responses=errors_doc(NotFound)
)
async def detach_playbook(
    agent_id: str, playbook_id: str, principal: PrincipalDep, session: TenantSessionDep
) -> Response:
    """Detach a playbook (by id or name); the playbook itself stays. 404 if not attached."""
    await agents_service.detach_playbook(session, agent_id, playbook_id)
    return Response(status_code=204)


@router.post(
    "/{agent_id}/faqs", response_model=AgentRead, responses=errors_doc(InvalidRequest, NotFound)
)
async def attach_faq(
    agent_id: str, body: AttachFaq, principal: PrincipalDep, session: TenantSessionDep
) -> dict[str, Any]:
    """Attach an FAQ (by id or name). Attaching twice changes nothing. Returns the agent."""
    return await agents_service.attach_faq(session, agent_id, body.faq_id)


@router.delete("/{agent_id}/faqs/{faq_id}", status_code=204, responses=errors_doc(NotFound))
async def detach_faq(
    agent_id: str, faq_id: str, principal: PrincipalDep, session: TenantSessionDep
) -> Response:
    """Detach an FAQ (by id or name); the FAQ itself stays. 404 if not attached."""
    await agents_service.detach_faq(session, agent_id, faq_id)
    return Response(status_code=204)
