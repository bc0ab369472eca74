"""Ready-made agent templates and third-party integrations."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import Field

from kataven_mcp._hub import Hub
from kataven_mcp._registry import Effect, tool
from kataven_mcp.tools._common import DEFAULT_LIMIT, Limit, Offset, given, shorten, window

TemplateId = Annotated[str, Field(description="The template's id (tmpl_…), from list_templates.")]
IntegrationId = Annotated[
    str, Field(description="The integration's id, e.g. stripe, shopify or slack.")
]
Category = Annotated[str | None, Field(description="Only rows of this category.")]


@tool("marketplace.list", Effect.READ, "List agent templates")
async def list_templates(
    hub: Hub, category: Category = None, limit: Limit = DEFAULT_LIMIT, offset: Offset = 0
) -> Any:
    """Browse the agent templates that ship with the Hub (receptionist, appointment setter,
    support…): the fastest way to a working agent. Install one with install_template.
    Returns {templates, total, category_counts, next_offset}."""
    result = await hub.client.marketplace.list(**given(category=category))
    rows = [
        shorten(t, "description", "system_prompt", get_tool="get_template")
        for t in result.get("templates", [])
    ]
    page = window(rows, "templates", limit=limit, offset=offset, tool="list_templates")
    page["category_counts"] = result.get("category_counts", {})
    return page


@tool("marketplace.get", Effect.READ, "Get an agent template")
async def get_template(hub: Hub, template_id: TemplateId) -> Any:
    """Read one template in full: prompt, greeting, voice, knowledge and tool configs."""
    return await hub.client.marketplace.get(template_id)


@tool("marketplace.install", Effect.CREATE, "Install an agent template")
async def install_template(
    hub: Hub,
    template_id: TemplateId,
    name: Annotated[
        str | None, Field(description="A name for the new agent (default: the template's).")
    ] = None,
) -> Any:
    """Create a new agent from a template, with its playbooks, FAQs and tool configs. The
    agent starts as a draft: set status='active' with update_agent before it takes calls.
    Returns the new agent."""
    return await hub.client.marketplace.install(template_id, **given(name=name))


@tool("integrations.list", Effect.READ, "List integrations")
async def list_integrations(hub: Hub, category: Category = None) -> Any:
    """List the third-party integrations (Stripe, Shopify, Slack…), which credentials each
    needs, which are installed and which tools they bring. Credential values never appear."""
    return await hub.client.integrations.list(**given(category=category))


@tool("integrations.get", Effect.READ, "Get an integration")
async def get_integration(hub: Hub, integration_id: IntegrationId) -> Any:
    """Read one integration: its credential fields, whether it is installed, its tools."""
    return await hub.client.integrations.get(integration_id)


@tool("integrations.install", Effect.SET, "Install an integration")
async def install_integration(
    hub: Hub,
    integration_id: IntegrationId,
    credentials: Annotated[
        dict[str, str],
        Field(
            description="Every key the integration lists in credential_keys (see "
            "get_integration), e.g. {'secret_key': '…'} for stripe. Stored encrypted; "
            "never shown again."
        ),
    ],
) -> Any:
    """Install (or re-install with new credentials) an integration so agents can use its
    tools. Ask the user for the credentials; they are never returned, only which keys are
    set. Returns the integration."""
    return await hub.client.integrations.install(integration_id, credentials=credentials)


@tool("integrations.uninstall", Effect.REMOVE, "Uninstall an integration")
async def uninstall_integration(hub: Hub, integration_id: IntegrationId) -> Any:
    """Uninstall an integration and forget its stored credentials. Returns the integration."""
    return await hub.client.integrations.uninstall(integration_id)


@tool("integrations.native_tools", Effect.READ, "List native tools")
async def list_native_tools(hub: Hub) -> Any:
    """List the built-in tools every agent can use without an integration."""
    return await hub.client.integrations.native_tools()


@tool("integrations.mcp_connections", Effect.READ, "List MCP connections")
async def list_mcp_connections(hub: Hub) -> Any:
    """List the MCP servers connected to the account for agents to use."""
    return await hub.client.integrations.mcp_connections()
