"""The tool list as a client sees it over stdio: one tool per SDK method, each described well
enough for a model, with the MCP annotations that match what it does."""

from __future__ import annotations

import inspect
from typing import Any

import pytest
from kataven import AsyncKatavenClient
from kataven_mcp._registry import NOT_TOOLS, SDK_META_KEY
from mcp_types import Tool

DESTRUCTIVE = {"stop_campaign", "hangup_call"}  # besides delete_*, detach_* and uninstall_*
NOT_IDEMPOTENT = {"start_campaign", "pause_campaign", "resume_campaign", "stop_campaign"}


def sdk_methods() -> set[str]:
    """Every public method of every resource of the SDK's async client, as `resource.method`:
    new SDK resources and methods show up here without touching this test."""
    client = AsyncKatavenClient(api_key="sk_live_acme_unused", base_url="http://127.0.0.1:9")
    methods = set()
    for attr, resource in vars(client).items():
        if attr.startswith("_"):
            continue
        for name, _member in inspect.getmembers(resource, callable):
            if not name.startswith("_"):
                methods.add(f"{attr}.{name}")
    return methods


@pytest.fixture(scope="module")
async def listed(connect_stdio: Any) -> list[Tool]:
    async with connect_stdio() as tools:
        return list((await tools.session.list_tools()).tools)


def test_the_sdk_is_seen(listed: list[Tool]) -> None:
    methods = sdk_methods()
    assert {"agents.create", "campaigns.stream_events", "calls.originate"} <= methods
    assert len(methods) > 60


def test_every_sdk_method_has_a_tool(listed: list[Tool]) -> None:
    covered = {m for tool in listed for m in (tool.meta or {}).get(SDK_META_KEY, [])}
    missing = sdk_methods() - covered - NOT_TOOLS.keys()
    assert not missing, f"SDK methods without an MCP tool: {sorted(missing)}"


def test_no_tool_names_a_method_the_sdk_lacks(listed: list[Tool]) -> None:
    methods = sdk_methods()
    for tool in listed:
        named = (tool.meta or {}).get(SDK_META_KEY, [])
        assert named, f"{tool.name} names no SDK method"
        assert set(named) <= methods, f"{tool.name}: {set(named) - methods}"
    assert set(NOT_TOOLS) <= methods


def test_documented_names(listed: list[Tool]) -> None:
    names = {tool.name for tool in listed}
    assert {
        "list_agents", "get_agent", "create_agent", "update_agent", "delete_agent",
        "attach_faq", "create_campaign", "start_campaign", "pause_campaign",
        "resume_campaign", "stop_campaign", "get_campaign_progress", "originate_call",
        "get_call", "list_calls", "get_recording_url", "get_call_limits",
        "install_template", "create_number",
    } <= names  # fmt: skip
    assert len(names) == len(listed)


def test_descriptions_and_field_descriptions(listed: list[Tool]) -> None:
    for tool in listed:
        assert tool.description is not None
        assert len(tool.description) >= 40, tool.name
        schema = tool.input_schema
        assert schema["type"] == "object"
        assert "hub" not in schema.get("properties", {}), tool.name
        for field, spec in schema.get("properties", {}).items():
            assert spec.get("description"), f"{tool.name}.{field} has no description"


def test_schemas_of_key_tools(listed: list[Tool]) -> None:
    by_name = {tool.name: tool for tool in listed}
    campaign = by_name["create_campaign"].input_schema
    assert set(campaign["required"]) == {"name", "agent_id", "phone_number_id"}
    assert {"contacts_csv", "contacts_path"} <= campaign["properties"].keys()
    originate = by_name["originate_call"].input_schema
    assert set(originate["required"]) == {"from_number", "to_number", "agent_id"}
    listing = by_name["list_agents"].input_schema["properties"]
    assert listing["limit"]["maximum"] == 100
    assert listing["limit"]["default"] == 20


def test_annotations(listed: list[Tool]) -> None:
    for tool in listed:
        hints = tool.annotations
        assert hints is not None, tool.name
        assert hints.title, tool.name
        reads = tool.name.startswith(("list_", "get_"))
        assert hints.read_only_hint is reads, tool.name
        if reads:
            assert hints.idempotent_hint is True, tool.name
            continue
        removes = tool.name.startswith(("delete_", "detach_", "uninstall_"))
        assert hints.destructive_hint is (removes or tool.name in DESTRUCTIVE), tool.name
        if removes or tool.name.startswith(("update_", "attach_")):
            assert hints.idempotent_hint is True, tool.name
        if tool.name.startswith("create_") or tool.name in NOT_IDEMPOTENT:
            assert hints.idempotent_hint is False, tool.name
    by_name = {tool.name: tool for tool in listed}
    assert by_name["originate_call"].annotations.open_world_hint is True  # type: ignore[union-attr]
    assert by_name["stop_campaign"].annotations.destructive_hint is True  # type: ignore[union-attr]
