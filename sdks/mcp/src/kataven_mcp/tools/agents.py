"""Agents: the voice assistants that take and place calls, and what they are linked to."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Field

from kataven_mcp._hub import Hub
from kataven_mcp._registry import Effect, tool
from kataven_mcp.tools._common import (
    DEFAULT_LIMIT,
    AgentId,
    Limit,
    Offset,
    given,
    shorten,
    window,
)

Category = Literal["customer_support", "sales", "operations", "custom"]
Status = Literal["draft", "active", "paused", "archived"]
LlmModel = Annotated[
    str | None,
    Field(description="LLM, e.g. gpt-4o, gpt-4o-mini, claude-3-5-sonnet, claude-sonnet-4-6."),
]
VoiceProvider = Literal["cartesia", "elevenlabs", "deepgram"]
PlaybookRef = Annotated[str, Field(description="The playbook's id (pb_…) or name.")]
FaqRef = Annotated[str, Field(description="The FAQ's id (faq_…) or name.")]

_LONG = ("system_prompt", "greeting_message", "description")


@tool("agents.list", Effect.READ, "List agents")
async def list_agents(hub: Hub, limit: Limit = DEFAULT_LIMIT, offset: Offset = 0) -> Any:
    """List the account's voice agents (id, name, status, model, voice…), newest first.

    Use it to find an agent's id before updating it, attaching knowledge, pinning a number or
    starting a campaign. Long prompts are shortened here; get_agent returns one agent whole.
    Returns {agents, total, limit, offset, next_offset}."""
    rows = [shorten(a, *_LONG, get_tool="get_agent") for a in await hub.client.agents.list()]
    return window(rows, "agents", limit=limit, offset=offset, tool="list_agents")


@tool("agents.get", Effect.READ, "Get an agent")
async def get_agent(hub: Hub, agent_id: AgentId) -> Any:
    """Read one agent in full: prompt, greeting, model, voice, status and settings."""
    return await hub.client.agents.get(agent_id)


@tool("agents.create", Effect.CREATE, "Create an agent")
async def create_agent(
    hub: Hub,
    name: Annotated[str, Field(description="A unique name for the agent in this account.")],
    system_prompt: Annotated[
        str | None, Field(description="What the agent is and how it behaves on calls.")
    ] = None,
    greeting_message: Annotated[
        str | None, Field(description="The first sentence the agent says on a call.")
    ] = None,
    description: Annotated[str | None, Field(description="A short note for people.")] = None,
    category: Annotated[Category | None, Field(description="What the agent is for.")] = None,
    status: Annotated[
        Status | None,
        Field(description="draft (default) or active; only active agents take or place calls."),
    ] = None,
    llm_model: LlmModel = None,
    voice_provider: Annotated[
        VoiceProvider | None, Field(description="Speech voice vendor.")
    ] = None,
    voice_id: Annotated[str | None, Field(description="The vendor's voice id.")] = None,
) -> Any:
    """Create a voice agent. It starts as a draft unless status='active' is given; set it
    active (here or with update_agent) before it can take or place calls. To start from a
    ready-made agent instead, see list_templates and install_template.
    Returns the new agent with its id."""
    fields = given(
        system_prompt=system_prompt,
        greeting_message=greeting_message,
        description=description,
        category=category,
        status=status,
        llm_model=llm_model,
        voice_provider=voice_provider,
        voice_id=voice_id,
    )
    return await hub.client.agents.create(name=name, **fields)


@tool("agents.update", Effect.SET, "Update an agent")
async def update_agent(
    hub: Hub,
    agent_id: AgentId,
    name: Annotated[str | None, Field(description="A new unique name.")] = None,
    system_prompt: Annotated[str | None, Field(description="The new prompt, whole.")] = None,
    greeting_message: Annotated[str | None, Field(description="The new greeting.")] = None,
    description: Annotated[str | None, Field(description="A short note for people.")] = None,
    category: Annotated[Category | None, Field(description="What the agent is for.")] = None,
    status: Annotated[
        Status | None,
        Field(description="active to take and place calls; paused or archived to stop."),
    ] = None,
    llm_model: LlmModel = None,
    voice_provider: Annotated[
        VoiceProvider | None, Field(description="Speech voice vendor.")
    ] = None,
    voice_id: Annotated[str | None, Field(description="The vendor's voice id.")] = None,
    greeting_mode: Annotated[
        Literal["interruptible", "locked"] | None,
        Field(description="Whether callers can interrupt the greeting."),
    ] = None,
    auth_mode: Annotated[
        Literal["public", "authenticated"] | None,
        Field(description="Who may talk to the agent through the web widget."),
    ] = None,
) -> Any:
    """Change an agent's fields; only the fields given change. Typical use: status='active'
    to let a new agent take calls, or a new system_prompt. Returns the updated agent."""
    fields = given(
        name=name,
        system_prompt=system_prompt,
        greeting_message=greeting_message,
        description=description,
        category=category,
        status=status,
        llm_model=llm_model,
        voice_provider=voice_provider,
        voice_id=voice_id,
        greeting_mode=greeting_mode,
        auth_mode=auth_mode,
    )
    return await hub.client.agents.update(agent_id, **fields)


@tool("agents.delete", Effect.REMOVE, "Delete an agent")
async def delete_agent(hub: Hub, agent_id: AgentId) -> Any:
    """Delete an agent for good: its numbers are unpinned and its links removed. Refused
    (409) while a scheduled, running or paused campaign uses it. Ask the user first."""
    await hub.client.agents.delete(agent_id)
    return {"deleted": True, "agent_id": agent_id}


@tool("agents.list_tools", Effect.READ, "List an agent's tools")
async def list_agent_tools(hub: Hub, agent_id: AgentId) -> Any:
    """List the tools configured on one agent (tool name, its config, enabled or not)."""
    return {"agent_id": agent_id, "tools": await hub.client.agents.list_tools(agent_id)}


@tool("agents.upsert_tool", Effect.SET, "Configure a tool on an agent")
async def upsert_agent_tool(
    hub: Hub,
    agent_id: AgentId,
    tool_name: Annotated[
        str, Field(description="The tool's name, from list_tools or list_native_tools.")
    ],
    config: Annotated[
        dict[str, Any] | None, Field(description="The tool's settings for this agent.")
    ] = None,
    enabled: Annotated[bool, Field(description="false keeps the config but turns it off.")] = True,
) -> Any:
    """Give an agent a tool (or change its config / turn it off). Setting the same tool
    again replaces its config. Returns the stored agent-tool row."""
    return await hub.client.agents.upsert_tool(
        agent_id, tool_name=tool_name, config=config or {}, enabled=enabled
    )


@tool("agents.attach_playbook", Effect.SET, "Attach a playbook to an agent")
async def attach_playbook(hub: Hub, agent_id: AgentId, playbook_id: PlaybookRef) -> Any:
    """Link a playbook (a reusable prompt fragment with its tools) to an agent. Attaching
    twice changes nothing. Returns the agent."""
    return await hub.client.agents.attach_playbook(agent_id, playbook_id)


@tool("agents.detach_playbook", Effect.REMOVE, "Detach a playbook from an agent")
async def detach_playbook(hub: Hub, agent_id: AgentId, playbook_id: PlaybookRef) -> Any:
    """Remove a playbook's link from an agent (the playbook itself stays)."""
    await hub.client.agents.detach_playbook(agent_id, playbook_id)
    return {"detached": True, "agent_id": agent_id, "playbook_id": playbook_id}


@tool("agents.attach_faq", Effect.SET, "Attach an FAQ to an agent")
async def attach_faq(hub: Hub, agent_id: AgentId, faq_id: FaqRef) -> Any:
    """Link an FAQ (knowledge the agent can answer from) to an agent. Attaching twice
    changes nothing. Returns the agent."""
    return await hub.client.agents.attach_faq(agent_id, faq_id)


@tool("agents.detach_faq", Effect.REMOVE, "Detach an FAQ from an agent")
async def detach_faq(hub: Hub, agent_id: AgentId, faq_id: FaqRef) -> Any:
    """Remove an FAQ's link from an agent (the FAQ itself stays)."""
    await hub.client.agents.detach_faq(agent_id, faq_id)
    return {"detached": True, "agent_id": agent_id, "faq_id": faq_id}
