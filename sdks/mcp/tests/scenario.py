"""The whole flow an assistant would take: an agent, a template, a sandbox number, a call, a
campaign from CSV text run to the end, and an unknown id. Shared by the smoke and secret tests."""

from __future__ import annotations

import asyncio
import time
from typing import Any

from mcp_harness import Tools

CSV = "phone_number,first_name\n+14155550101,Ada\n+14155550102,Grace\n+14155550103,Linus\n"


async def flow(tools: Tools, tag: str) -> None:
    agent = await tools.call(
        "create_agent",
        name=f"Front desk {tag}",
        system_prompt="You answer calls for a dental clinic.",
        greeting_message="Hello, Bright Smiles clinic.",
        status="active",
    )
    assert agent["id"].startswith("agent_")
    assert agent["status"] == "active"

    templates = await tools.call("list_templates", limit=2)
    assert templates["total"] >= 8
    assert len(templates["templates"]) == 2
    assert templates["next_offset"] == 2
    assert "offset=2" in templates["hint"]
    installed = await tools.call("install_template", template_id=templates["templates"][0]["id"])
    assert installed["id"].startswith("agent_")
    assert installed["status"] == "draft"
    assert installed["template_id"] == templates["templates"][0]["id"]

    provider = await tools.call("create_provider", provider="sandbox", label=f"Sandbox {tag}")
    e164 = f"+1415555{int(time.time() * 1000) % 10000:04d}"
    number = await tools.call(
        "create_number", e164=e164, provider="sandbox", credentials_id=provider["id"],
        agent_id=agent["id"],
    )  # fmt: skip
    assert number["e164"] == e164

    call = await tools.call(
        "originate_call", from_number=e164, to_number="+14155550199", agent_id=agent["id"],
        custom_fields={"first_name": "Ada"},
    )  # fmt: skip
    assert call["session_id"].startswith("sess_")
    read = await until(tools, "get_call", {"session_id": call["session_id"]}, "status", "completed")
    assert read["to_number"] == "+14155550199"
    recording = await until(
        tools, "get_call", {"session_id": call["session_id"]}, "recording_status", "ready"
    )
    assert recording["recording_status"] == "ready"
    url = await tools.call("get_recording_url", session_id=call["session_id"])
    assert url["url"].startswith("http")

    campaign = await tools.call(
        "create_campaign", name=f"Recall {tag}", agent_id=agent["id"],
        phone_number_id=number["id"], contacts_csv=CSV, max_concurrent_calls=2,
    )  # fmt: skip
    assert campaign["status"] == "draft"
    assert campaign["contacts_total"] == 3
    started = await tools.call("start_campaign", campaign_id=campaign["id"])
    assert started["status"] == "running"
    progress = await until(
        tools, "get_campaign_progress", {"campaign_id": campaign["id"]}, "is_finished", True
    )
    assert progress["status"] == "completed"
    assert progress["counts"]["completed"] == 3
    assert progress["total"] == 3
    assert progress["done"] == 3
    assert progress["in_flight"] == 0
    assert progress["progress"] == 1.0
    assert progress["eta_seconds"] is None
    contacts = await tools.call("list_campaign_contacts", campaign_id=campaign["id"], limit=2)
    assert contacts["total"] == 3
    assert contacts["next_offset"] == 2
    calls = await tools.call("list_calls", campaign_id=campaign["id"])
    assert len(calls["calls"]) == 3

    text, structured = await tools.error("get_agent", agent_id="agent_01NOSUCHAGENT0000000000000")
    assert "HTTP 404" in text
    assert structured["error"]["status"] == 404
    assert structured["error"]["message"]
    assert structured["error"]["message"] in text


async def until(
    tools: Tools, name: str, arguments: dict[str, Any], key: str, want: Any, timeout: float = 60
) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        result = await tools.call(name, **arguments)
        if result[key] == want:
            return result
        assert time.monotonic() < deadline, f"{name}: {key} stayed {result[key]!r}: {result}"
        await asyncio.sleep(0.3)
