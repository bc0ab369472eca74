"""The OpenAPI document as client generators need it.

- operationIds are the handler names (`create_agent`), set by `operation_id` below;
- every summary is a short sentence written for customers (`SUMMARIES`; an operation not listed
  gets the first sentence of its docstring);
- component names are unique and readable: a schema name carrying a module path (two models
  with one name) fails `check_component_names`, and the form bodies FastAPI names
  `Body_<operation>` are renamed `<Operation>Form`;
- the free-form JSON value (`JsonValue`) is the empty schema (any JSON value), which every
  generator maps to its "any" type; the server still refuses values no database stores.
"""

from __future__ import annotations

import re
from typing import Any

from fastapi.routing import APIRoute

_JSON_VALUE = {
    "description": "Any JSON value (strings and keys without NUL characters; objects are "
    "limited to 64 KiB serialised)."
}

SUMMARIES = {
    "list_agents": "List agents",
    "create_agent": "Create an agent",
    "get_agent": "Get an agent",
    "update_agent": "Update an agent",
    "delete_agent": "Delete an agent",
    "list_agent_tools": "List the tools attached to an agent",
    "upsert_agent_tool": "Attach or update a tool on an agent",
    "upsert_agent_tool_put": "Attach or update a tool on an agent (PUT alias)",
    "attach_playbook": "Attach a playbook to an agent",
    "detach_playbook": "Detach a playbook from an agent",
    "attach_faq": "Attach an FAQ to an agent",
    "detach_faq": "Detach an FAQ from an agent",
    "list_api_keys": "List API keys",
    "create_api_key": "Create an API key",
    "update_api_key": "Rename, revoke or re-enable an API key",
    "delete_api_key": "Delete or disable an API key",
    "list_numbers": "List phone numbers",
    "create_number": "Register a phone number",
    "update_number": "Pin, unpin or toggle a phone number",
    "delete_number": "Delete a phone number",
    "list_providers": "List carrier credentials",
    "create_provider": "Add a carrier credential",
    "delete_provider": "Delete a carrier credential",
    "originate_call": "Place an outbound call",
    "list_calls": "List calls",
    "get_call": "Get a call",
    "get_call_limits": "Get the call cost caps",
    "update_call_limits": "Change the call cost caps",
    "list_campaigns": "List campaigns",
    "create_campaign": "Create a campaign from a CSV of contacts",
    "get_campaign": "Get a campaign and its progress",
    "delete_campaign": "Delete a campaign",
    "list_contacts": "List a campaign's contacts",
    "stream_events": "Stream a campaign's live events (SSE)",
    "start_campaign": "Start a campaign",
    "pause_campaign": "Pause a running campaign",
    "resume_campaign": "Resume a paused campaign",
    "stop_campaign": "Stop a campaign for good",
    "get_recording": "Get a short-lived link to a call recording",
    "list_widget_keys": "List widget keys",
    "create_widget_key": "Create a widget key pair",
    "get_widget_key": "Get a widget key",
    "update_widget_key": "Update or revoke a widget key",
    "delete_widget_key": "Delete or disable a widget key",
    "get_widget_branding": "Get the widget branding",
    "update_widget_branding": "Change the widget branding",
    "get_agent_widget_settings": "Get an agent's widget policy",
    "update_agent_widget_settings": "Change an agent's widget policy",
    "get_widget_config": "Get the widget's bootstrap configuration",
    "create_guest_session": "Start a guest visitor session",
    "create_user_token": "Mint a signed-in visitor token (from your backend)",
    "exchange_user_token": "Exchange a visitor token for a session",
    "refresh_visitor_session": "Refresh a visitor session",
    "list_tools": "List tools",
    "create_tool": "Create a tool",
    "get_tool": "Get a tool",
    "update_tool": "Update a tool",
    "delete_tool": "Delete a tool",
    "list_playbooks": "List playbooks",
    "create_playbook": "Create a playbook",
    "get_playbook": "Get a playbook",
    "update_playbook": "Update a playbook",
    "delete_playbook": "Delete a playbook",
    "list_faqs": "List FAQs",
    "create_faq": "Create an FAQ",
    "get_faq": "Get an FAQ",
    "update_faq": "Update an FAQ",
    "delete_faq": "Delete an FAQ",
    "list_templates": "Browse agent templates",
    "get_template": "Get an agent template",
    "install_template": "Create an agent from a template",
    "list_integrations": "List integrations",
    "get_integration": "Get an integration",
    "install_integration": "Install an integration",
    "uninstall_integration": "Uninstall an integration",
    "list_native_tools": "List the built-in tools",
    "list_mcp_connections": "List MCP server connections",
    "list_accounts": "List accounts (login page)",
    "validate_account": "Check an account name",
    "get_user_org": "Get the signed-in user and their accounts",
    "login": "Sign in (development login)",
}
for _carrier in ("twilio", "plivo", "vobiz"):
    _name = {"twilio": "Twilio", "plivo": "Plivo", "vobiz": "Vobiz"}[_carrier]
    SUMMARIES[f"{_carrier}_voice"] = f"Answer an inbound call ({_name} webhook)"
    SUMMARIES[f"{_carrier}_status"] = f"Receive call status ({_name} webhook)"
    SUMMARIES[f"{_carrier}_recording"] = f"Receive a recording ({_name} webhook)"


def operation_id(route: APIRoute) -> str:
    """The handler's name: `create_agent`, not `create_agent_api_v1_agents_post`."""
    return route.name


def _first_sentence(text: str) -> str | None:
    sentence = re.split(r"(?<=[.!?])\s", " ".join(text.split()), maxsplit=1)[0].rstrip(".")
    return sentence if 0 < len(sentence) <= 80 else None


def _pascal(name: str) -> str:
    return "".join(part[:1].upper() + part[1:] for part in name.split("_") if part)


def _rename_refs(node: Any, renames: dict[str, str]) -> None:
    if isinstance(node, list):
        for item in node:
            _rename_refs(item, renames)
    elif isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/components/schemas/"):
            name = ref.rsplit("/", 1)[1]
            if name in renames:
                node["$ref"] = f"#/components/schemas/{renames[name]}"
        for value in node.values():
            _rename_refs(value, renames)


def check_component_names(schemas: dict[str, Any]) -> None:
    """Two models with one name get module-path names from pydantic; refuse them here, so the
    clash is fixed by naming the models, not discovered in a generated client."""
    clashes = sorted(name for name in schemas if "__" in name)
    if clashes:
        raise RuntimeError(f"OpenAPI component names clash (rename the models): {clashes}")


def polish(schema: dict[str, Any]) -> None:
    """Summaries, readable form-body names and the JSON value schema (see the module doc)."""
    seen: set[str] = set()
    for operations in schema.get("paths", {}).values():
        for method, operation in operations.items():
            op_id = operation.get("operationId", "")
            if op_id in seen:  # two handlers with one name: keep both operations addressable
                op_id = operation["operationId"] = f"{op_id}_{method}"
            seen.add(op_id)
            summary = SUMMARIES.get(op_id) or _first_sentence(operation.get("description", ""))
            if summary:
                operation["summary"] = summary
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    renames = {
        name: f"{_pascal(name[len('Body_') :])}Form"
        for name in components
        if name.startswith("Body_")
    }
    for old, new in renames.items():
        components[new] = {**components.pop(old), "title": new}
    _rename_refs(schema, renames)
    if "JsonValue" in components:
        components["JsonValue"] = dict(_JSON_VALUE)
    check_component_names(components)
