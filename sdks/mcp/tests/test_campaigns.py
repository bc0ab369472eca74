"""Campaign control as an assistant drives it: progress snapshots while running (rate, ETA),
pause, resume, stop, delete; and list results trimmed to what a model needs."""

from __future__ import annotations

import asyncio
import time
from typing import Any

from mcp_harness import Tools

CONTACTS = 40


async def _sandbox_setup(tools: Tools, tag: str, e164: str) -> tuple[str, str]:
    agent = await tools.call("create_agent", name=f"Caller {tag}", status="active")
    provider = await tools.call("create_provider", provider="sandbox")
    number = await tools.call(
        "create_number", e164=e164, provider="sandbox", credentials_id=provider["id"]
    )
    return agent["id"], number["id"]


async def test_progress_pause_resume_stop_delete(connect_stdio: Any) -> None:
    csv = "phone_number\n" + "".join(f"+1415556{i:04d}\n" for i in range(CONTACTS))
    async with connect_stdio() as tools:
        agent_id, number_id = await _sandbox_setup(tools, "control", "+14155557301")
        campaign = await tools.call(
            "create_campaign", name="Control", agent_id=agent_id, phone_number_id=number_id,
            contacts_csv=csv, max_concurrent_calls=1,
        )  # fmt: skip
        campaign_id = campaign["id"]
        draft = await tools.call("get_campaign_progress", campaign_id=campaign_id)
        assert draft["status"] == "draft"
        assert draft["counts"]["pending"] == CONTACTS
        assert (draft["done"], draft["in_flight"], draft["dials_per_minute"]) == (0, 0, 0)
        assert draft["is_finished"] is False

        await tools.call("start_campaign", campaign_id=campaign_id)
        moving = await _poll(tools, campaign_id, lambda p: p["done"] >= 2)
        assert moving["status"] == "running"
        assert moving["dials_per_minute"] >= 2
        assert moving["eta_seconds"] is not None
        assert moving["eta_seconds"] > 0
        assert moving["total"] == CONTACTS
        assert 0 < moving["progress"] < 1

        paused = await tools.call("pause_campaign", campaign_id=campaign_id)
        assert paused["status"] == "paused"
        text, structured = await tools.error("pause_campaign", campaign_id=campaign_id)
        assert structured["error"]["status"] == 409
        assert "HTTP 409" in text
        resumed = await tools.call("resume_campaign", campaign_id=campaign_id)
        assert resumed["status"] == "running"

        stopped = await tools.call("stop_campaign", campaign_id=campaign_id)
        assert stopped["status"] == "completed"
        final = await _poll(tools, campaign_id, lambda p: p["in_flight"] == 0)
        assert final["is_finished"] is True
        assert final["counts"]["cancelled"] > 0
        assert final["done"] == CONTACTS
        assert final["eta_seconds"] is None

        cancelled = await tools.call(
            "list_campaign_contacts", campaign_id=campaign_id, status="cancelled", limit=5
        )
        assert cancelled["total"] == final["counts"]["cancelled"]
        assert all(c["status"] == "cancelled" for c in cancelled["contacts"])
        if cancelled["total"] > 5:
            assert "status='cancelled'" in cancelled["hint"]

        deleted = await tools.call("delete_campaign", campaign_id=campaign_id)
        assert deleted == {"deleted": True, "campaign_id": campaign_id}
        _, structured = await tools.error("get_campaign", campaign_id=campaign_id)
        assert structured["error"]["status"] == 404


async def _poll(tools: Tools, campaign_id: str, done: Any, timeout: float = 90) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        progress = await tools.call("get_campaign_progress", campaign_id=campaign_id)
        if done(progress):
            return progress
        assert time.monotonic() < deadline, progress
        await asyncio.sleep(0.2)


async def test_lists_are_paged_and_long_text_shortened(connect_stdio: Any) -> None:
    prompt = "You are a patient scheduler. " * 40
    async with connect_stdio() as tools:
        for i in range(3):
            await tools.call("create_agent", name=f"Long prompt {i}", system_prompt=prompt)
        page = await tools.call("list_agents", limit=2)
        assert len(page["agents"]) == 2
        assert page["total"] >= 3
        assert page["next_offset"] == 2
        assert "list_agents with offset=2" in page["hint"]
        everything = await tools.call("list_agents", limit=100)
        assert everything["total"] == len(everything["agents"])
        assert everything["next_offset"] is None
        long_ones = [a for a in everything["agents"] if a["name"].startswith("Long prompt")]
        assert len(long_ones) == 3
        for agent in long_ones:
            assert len(agent["system_prompt"]) < 400
            assert "use get_agent" in agent["system_prompt"]
        full = await tools.call("get_agent", agent_id=long_ones[0]["id"])
        assert full["system_prompt"] == prompt
