"""API keys (read only), the web widget's keys and its look."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Field

from kataven_mcp._hub import Hub, ToolInputError
from kataven_mcp._registry import Effect, tool
from kataven_mcp.tools._common import DEFAULT_LIMIT, AgentId, Limit, Offset, given, window

WidgetKeyId = Annotated[str, Field(description="The widget key's id (wk_…).")]
Allowlist = Annotated[
    list[str] | None,
    Field(
        description="Sites allowed to embed the widget: acme.com, https://acme.com, "
        "*.acme.com or localhost:*."
    ),
]


@tool("api_keys.list", Effect.READ, "List API keys")
async def list_api_keys(hub: Hub) -> Any:
    """List the account's API keys: name, last characters, scopes, expiry, last use (never
    the keys themselves). Keys are created and revoked in the Hub dashboard."""
    return {"api_keys": await hub.client.api_keys.list()}


@tool("widget_keys.list", Effect.READ, "List widget keys")
async def list_widget_keys(hub: Hub, limit: Limit = DEFAULT_LIMIT, offset: Offset = 0) -> Any:
    """List the keys that let websites embed the voice widget: name, allowed sites, pinned
    agent, last characters, disabled or not. Returns {widget_keys, total, next_offset}."""
    rows = await hub.client.widget_keys.list()
    return window(rows, "widget_keys", limit=limit, offset=offset, tool="list_widget_keys")


@tool("widget_keys.get", Effect.READ, "Get a widget key")
async def get_widget_key(hub: Hub, widget_key_id: WidgetKeyId) -> Any:
    """Read one widget key: allowed sites, pinned agent, last characters, last use."""
    return await hub.client.widget_keys.get(widget_key_id)


@tool("widget_keys.create", Effect.CREATE, "Create a widget key", reveals=frozenset({"secret_key"}))
async def create_widget_key(
    hub: Hub,
    name: Annotated[str, Field(description="A name for people, e.g. the website.")],
    domain_allowlist: Allowlist = None,
    agent_id: Annotated[
        str | None, Field(description="Pin the key to one agent (wins over the page's choice).")
    ] = None,
) -> Any:
    """Create a key pair for embedding the voice widget on a website. public_key goes in the
    page; secret_key stays on the customer's backend and is shown this once only: tell the
    user to store it now (it cannot be shown again). The widget only loads on the allowed
    sites."""
    fields = given(domain_allowlist=domain_allowlist, agent_id=agent_id)
    return await hub.client.widget_keys.create(name=name, **fields)


@tool("widget_keys.update", Effect.SET, "Update a widget key")
async def update_widget_key(
    hub: Hub,
    widget_key_id: WidgetKeyId,
    name: Annotated[str | None, Field(description="A new name.")] = None,
    domain_allowlist: Allowlist = None,
    agent_id: Annotated[str | None, Field(description="Pin this agent.")] = None,
    unpin_agent: Annotated[bool, Field(description="true removes the pinned agent.")] = False,
    disabled: Annotated[
        bool | None, Field(description="true revokes the key pair; false re-enables it.")
    ] = None,
) -> Any:
    """Rename a widget key, change its allowed sites or pinned agent, or disable it; only the
    fields given change. Returns the key (without secrets)."""
    if unpin_agent and agent_id is not None:
        raise ToolInputError("Give agent_id to pin an agent, or unpin_agent=true, not both.")
    fields = given(
        name=name, domain_allowlist=domain_allowlist, agent_id=agent_id, disabled=disabled
    )
    if unpin_agent:
        fields["agent_id"] = None
    return await hub.client.widget_keys.update(widget_key_id, **fields)


@tool("widget_keys.delete", Effect.REMOVE, "Delete a widget key")
async def delete_widget_key(hub: Hub, widget_key_id: WidgetKeyId) -> Any:
    """Delete a widget key: websites using it stop loading the widget. Ask the user first."""
    await hub.client.widget_keys.delete(widget_key_id)
    return {"deleted": True, "widget_key_id": widget_key_id}


@tool("widget_settings.get", Effect.READ, "Get widget branding")
async def get_widget_settings(hub: Hub) -> Any:
    """Read the widget's look for the whole account: colours, logo, launcher position and
    label, privacy notice."""
    return await hub.client.widget_settings.get()


@tool("widget_settings.update", Effect.SET, "Update widget branding")
async def update_widget_settings(
    hub: Hub,
    primary_color: Annotated[str | None, Field(description="CSS colour, e.g. #1a73e8.")] = None,
    accent_color: Annotated[str | None, Field(description="CSS colour.")] = None,
    logo_url: Annotated[str | None, Field(description="https URL of the logo.")] = None,
    launcher_position: Annotated[
        Literal["br", "bl", "tr", "tl"] | None,
        Field(description="Corner of the launcher button: bottom right (br), bl, tr or tl."),
    ] = None,
    launcher_label: Annotated[str | None, Field(description="Text on the launcher.")] = None,
    privacy_notice: Annotated[str | None, Field(description="Shown before a call.")] = None,
) -> Any:
    """Change the widget's look; only the fields given change. Returns the settings."""
    fields = given(
        primary_color=primary_color,
        accent_color=accent_color,
        logo_url=logo_url,
        launcher_position=launcher_position,
        launcher_label=launcher_label,
        privacy_notice=privacy_notice,
    )
    return await hub.client.widget_settings.update(**fields)


@tool("widget_settings.get_agent", Effect.READ, "Get an agent's widget settings")
async def get_agent_widget_settings(hub: Hub, agent_id: AgentId) -> Any:
    """Read whether an agent is reachable through the widget and which visitors may use it."""
    return await hub.client.widget_settings.get_agent(agent_id)


@tool("widget_settings.update_agent", Effect.SET, "Update an agent's widget settings")
async def update_agent_widget_settings(
    hub: Hub,
    agent_id: AgentId,
    widget_enabled: Annotated[
        bool | None, Field(description="true makes the agent reachable from the widget.")
    ] = None,
    auth_mode: Annotated[
        Literal["guest", "user", "both"] | None,
        Field(description="guest: anonymous visitors; user: signed-in visitors; both."),
    ] = None,
    greeting_override: Annotated[
        str | None, Field(description="What the widget greets with instead.")
    ] = None,
) -> Any:
    """Turn the widget on or off for an agent and choose who may call it; only the fields
    given change. Returns the settings."""
    fields = given(
        widget_enabled=widget_enabled, auth_mode=auth_mode, greeting_override=greeting_override
    )
    return await hub.client.widget_settings.update_agent(agent_id, **fields)
