"""The account's tool catalogue, playbooks and FAQs: what agents can do and know."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any, Literal

from pydantic import Field

from kataven_mcp._hub import Hub
from kataven_mcp._registry import Effect, tool
from kataven_mcp.tools._common import (
    DEFAULT_LIMIT,
    Limit,
    Offset,
    Tags,
    given,
    paging_hint,
    shorten,
    window,
)

ToolRef = Annotated[str, Field(description="The tool's id (tool_…) or its snake_case name.")]
PlaybookRef = Annotated[str, Field(description="The playbook's id (pb_…) or name.")]
FaqRef = Annotated[str, Field(description="The FAQ's id (faq_…) or name.")]
Category = Annotated[str | None, Field(description="Only rows of this category.")]
Search = Annotated[str | None, Field(description="Words to look for in names and descriptions.")]


def _paged(result: Mapping[str, Any], key: str, tool: str, get_tool: str, *fields: str) -> Any:
    """Shorten long fields of a server-paged envelope and add the paging hint."""
    rows = [shorten(r, *fields, get_tool=get_tool) for r in result[key]]
    hint = paging_hint(result["total"], len(rows), result["limit"], result["offset"], tool)
    return {**result, key: rows, **hint}


# Tools -------------------------------------------------------------------------------------


@tool(("tools.list", "tools.iter"), Effect.READ, "List tools")
async def list_tools(
    hub: Hub,
    category: Category = None,
    type: Annotated[str | None, Field(description="builtin or custom.")] = None,
    search: Search = None,
    limit: Limit = DEFAULT_LIMIT,
    offset: Offset = 0,
) -> Any:
    """Search the account's tool catalogue (the actions an agent can take on a call, such as
    booking or a lookup). Returns {tools, total, has_next, next_offset, category_counts…}; use
    a tool's name with upsert_agent_tool to give it to an agent."""
    result = await hub.client.tools.list(
        category=category, type=type, search=search, limit=limit, offset=offset
    )
    return _paged(result, "tools", "list_tools", "get_tool", "description", "implementation_code")


@tool("tools.get", Effect.READ, "Get a tool")
async def get_tool(hub: Hub, tool_id_or_name: ToolRef) -> Any:
    """Read one tool in full: description, input schema and implementation."""
    return await hub.client.tools.get(tool_id_or_name)


@tool("tools.create", Effect.CREATE, "Create a tool")
async def create_tool(
    hub: Hub,
    name: Annotated[str, Field(description="Unique snake_case name; cannot change later.")],
    category: Annotated[str, Field(description="A category, e.g. scheduling or crm.")],
    description: Annotated[
        str,
        Field(description="What the tool does, for the agent's model to decide when to use it."),
    ] = "",
    schema: Annotated[
        dict[str, Any] | None, Field(description="JSON Schema of the tool's input.")
    ] = None,
    implementation_type: Annotated[
        Literal["python", "http"], Field(description="How the tool runs.")
    ] = "python",
    implementation_config: Annotated[
        dict[str, Any] | None, Field(description="For http: url, method, headers…")
    ] = None,
    implementation_code: Annotated[str, Field(description="For python: the code.")] = "",
    tags: Tags = None,
) -> Any:
    """Add a custom tool to the account's catalogue. Returns the tool with its id."""
    fields = given(
        schema=schema,
        implementation_config=implementation_config,
        implementation_code=implementation_code or None,
        tags=tags,
    )
    return await hub.client.tools.create(
        name=name,
        category=category,
        description=description,
        implementation_type=implementation_type,
        **fields,
    )


@tool("tools.update", Effect.SET, "Update a tool")
async def update_tool(
    hub: Hub,
    tool_id_or_name: ToolRef,
    display_name: Annotated[str | None, Field(description="A new label for people.")] = None,
    description: Annotated[str | None, Field(description="A new description.")] = None,
    category: Category = None,
    schema: Annotated[dict[str, Any] | None, Field(description="A new input schema.")] = None,
    implementation_config: Annotated[
        dict[str, Any] | None, Field(description="New implementation settings.")
    ] = None,
    implementation_code: Annotated[str | None, Field(description="New code.")] = None,
    tags: Tags = None,
) -> Any:
    """Change a tool; only the fields given change (its name cannot). Returns the tool."""
    fields = given(
        display_name=display_name,
        description=description,
        category=category,
        schema=schema,
        implementation_config=implementation_config,
        implementation_code=implementation_code,
        tags=tags,
    )
    return await hub.client.tools.update(tool_id_or_name, **fields)


@tool("tools.delete", Effect.REMOVE, "Delete a tool")
async def delete_tool(hub: Hub, tool_id_or_name: ToolRef) -> Any:
    """Delete a custom tool and its links to agents (built-in tools cannot be deleted)."""
    await hub.client.tools.delete(tool_id_or_name)
    return {"deleted": True, "tool": tool_id_or_name}


# Playbooks ---------------------------------------------------------------------------------


@tool(("playbooks.list", "playbooks.iter"), Effect.READ, "List playbooks")
async def list_playbooks(
    hub: Hub,
    category: Category = None,
    search: Search = None,
    limit: Limit = DEFAULT_LIMIT,
    offset: Offset = 0,
) -> Any:
    """Search playbooks: reusable prompt fragments (with the tools they need) that can be
    attached to agents with attach_playbook. Long content is shortened; get_playbook has it
    whole. Returns {playbooks, total, has_next, next_offset…}."""
    result = await hub.client.playbooks.list(
        category=category, search=search, limit=limit, offset=offset
    )
    return _paged(result, "playbooks", "list_playbooks", "get_playbook", "content", "description")


@tool("playbooks.get", Effect.READ, "Get a playbook")
async def get_playbook(hub: Hub, playbook_id_or_name: PlaybookRef) -> Any:
    """Read one playbook in full, with its markdown content and tool names."""
    return await hub.client.playbooks.get(playbook_id_or_name)


@tool("playbooks.create", Effect.CREATE, "Create a playbook")
async def create_playbook(
    hub: Hub,
    display_name: Annotated[str, Field(description="The playbook's title.")],
    content: Annotated[str, Field(description="The prompt fragment, in markdown.")] = "",
    name: Annotated[
        str | None, Field(description="Unique snake_case name; default from display_name.")
    ] = None,
    category: Annotated[str | None, Field(description="Default custom.")] = None,
    description: Annotated[str | None, Field(description="A short summary.")] = None,
    tool_names: Annotated[
        list[str] | None, Field(description="Tools the playbook relies on.")
    ] = None,
    tags: Tags = None,
) -> Any:
    """Create a playbook. Attach it to agents with attach_playbook. Returns it with its id."""
    fields = given(
        name=name, category=category, description=description, tool_names=tool_names, tags=tags
    )
    return await hub.client.playbooks.create(display_name=display_name, content=content, **fields)


@tool("playbooks.update", Effect.SET, "Update a playbook")
async def update_playbook(
    hub: Hub,
    playbook_id_or_name: PlaybookRef,
    display_name: Annotated[str | None, Field(description="A new title.")] = None,
    content: Annotated[str | None, Field(description="The new markdown, whole.")] = None,
    category: Category = None,
    description: Annotated[str | None, Field(description="A new summary.")] = None,
    tool_names: Annotated[list[str] | None, Field(description="The new tool list.")] = None,
    tags: Tags = None,
) -> Any:
    """Change a playbook; only the fields given change. Returns the playbook."""
    fields = given(
        display_name=display_name,
        content=content,
        category=category,
        description=description,
        tool_names=tool_names,
        tags=tags,
    )
    return await hub.client.playbooks.update(playbook_id_or_name, **fields)


@tool("playbooks.delete", Effect.REMOVE, "Delete a playbook")
async def delete_playbook(hub: Hub, playbook_id_or_name: PlaybookRef) -> Any:
    """Delete a playbook and its links to agents (built-in playbooks cannot be deleted)."""
    await hub.client.playbooks.delete(playbook_id_or_name)
    return {"deleted": True, "playbook": playbook_id_or_name}


# FAQs --------------------------------------------------------------------------------------


@tool(("faqs.list", "faqs.iter"), Effect.READ, "List FAQs")
async def list_faqs(
    hub: Hub, category: Category = None, limit: Limit = DEFAULT_LIMIT, offset: Offset = 0
) -> Any:
    """List the account's FAQs: knowledge entries an agent answers from once attached with
    attach_faq. Long answers are shortened; get_faq has them whole.
    Returns {faqs, total, limit, offset, next_offset}."""
    result = await hub.client.faqs.list(**given(category=category))
    rows = list(result["faqs"])
    rows = [shorten(f, "content", get_tool="get_faq") for f in rows]
    return window(rows, "faqs", limit=limit, offset=offset, tool="list_faqs")


@tool("faqs.get", Effect.READ, "Get an FAQ")
async def get_faq(hub: Hub, faq_id_or_name: FaqRef) -> Any:
    """Read one FAQ in full: title, summary, the whole answer, category and tags."""
    return await hub.client.faqs.get(faq_id_or_name)


@tool("faqs.create", Effect.CREATE, "Create an FAQ")
async def create_faq(
    hub: Hub,
    title: Annotated[str, Field(description="The question or topic.")],
    content: Annotated[str, Field(description="The full answer.")] = "",
    summary: Annotated[str | None, Field(description="A one-line answer.")] = None,
    name: Annotated[
        str | None, Field(description="Unique snake_case name; default from title.")
    ] = None,
    category: Annotated[str | None, Field(description="Default general.")] = None,
    tags: Tags = None,
) -> Any:
    """Create an FAQ entry. Attach it to agents with attach_faq. Returns it with its id."""
    fields = given(summary=summary, name=name, category=category, tags=tags)
    return await hub.client.faqs.create(title=title, content=content, **fields)


@tool("faqs.update", Effect.SET, "Update an FAQ")
async def update_faq(
    hub: Hub,
    faq_id_or_name: FaqRef,
    title: Annotated[str | None, Field(description="A new title.")] = None,
    content: Annotated[str | None, Field(description="The new answer, whole.")] = None,
    summary: Annotated[str | None, Field(description="A new one-line answer.")] = None,
    category: Category = None,
    tags: Tags = None,
) -> Any:
    """Change an FAQ; only the fields given change. Returns the FAQ."""
    fields = given(title=title, content=content, summary=summary, category=category, tags=tags)
    return await hub.client.faqs.update(faq_id_or_name, **fields)


@tool("faqs.delete", Effect.REMOVE, "Delete an FAQ")
async def delete_faq(hub: Hub, faq_id_or_name: FaqRef) -> Any:
    """Delete an FAQ and its links to agents; agents stop answering from it. Ask first."""
    await hub.client.faqs.delete(faq_id_or_name)
    return {"deleted": True, "faq": faq_id_or_name}
