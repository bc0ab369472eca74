"""The async client against the real server: the same resources, awaited."""

from __future__ import annotations

import asyncio
import secrets
from pathlib import Path

import kataven
import pytest
from kataven import AsyncKatavenClient
from sdk_support import unique_e164


async def test_async_resources_end_to_end(
    aclient: AsyncKatavenClient, csv_path: Path, tmp_path: Path
) -> None:
    agent = await aclient.agents.create(name="Async", status="active")
    assert (await aclient.agents.get(agent["id"]))["name"] == "Async"
    tool = await aclient.tools.create(name="t_" + secrets.token_hex(3), category="custom")
    assert tool["id"] in {t["id"] async for t in aclient.tools.iter(page_size=2)}
    await aclient.agents.upsert_tool(agent["id"], tool["name"])
    assert len(await aclient.agents.list_tools(agent["id"])) == 1
    assert (await aclient.call_limits.get())["concurrent_max"] == 100
    assert (await aclient.marketplace.list())["count"] > 0
    provider = await aclient.telephony.create_provider("sandbox")
    number = await aclient.telephony.create_number(
        unique_e164(), "sandbox", provider["id"], agent_id=agent["id"]
    )
    call = await aclient.calls.originate(number["e164"], unique_e164(), agent["id"])
    assert (await aclient.calls.get(call["session_id"]))["session_id"] == call["session_id"]
    assert call["session_id"] in {c["session_id"] async for c in aclient.calls.iter()}
    recorded = await _recorded_call(aclient, number["e164"], agent["id"])
    written = await aclient.recordings.download(recorded, tmp_path / "a.wav")
    assert (tmp_path / "a.wav").read_bytes()[:4] == b"RIFF"
    assert written == (tmp_path / "a.wav").stat().st_size
    campaign = await aclient.campaigns.create("Async", agent["id"], number["id"], csv_path)
    await aclient.campaigns.start(campaign["id"])
    events = [e async for e in aclient.campaigns.stream_events(campaign["id"])]
    assert events[-1].event == "end"
    ids = [int(e.id) for e in events if e.id]
    assert ids == list(range(1, len(ids) + 1))
    contacts = [c async for c in aclient.campaigns.iter_contacts(campaign["id"], page_size=5)]
    assert len(contacts) == 6
    with pytest.raises(kataven.NotFoundError):
        await aclient.playbooks.get("nope")


async def _recorded_call(aclient: AsyncKatavenClient, e164: str, agent_id: str) -> str:
    """A completed sandbox call whose recording is ready (the sandbox answers 80 %)."""
    for _ in range(8):
        call = await aclient.calls.originate(e164, unique_e164(), agent_id)
        for _ in range(150):
            row = await aclient.calls.get(call["session_id"])
            if row["status"] in {"completed", "busy"} and row.get("recording_status") != "pending":
                break
            await asyncio.sleep(0.2)
        if row["status"] == "completed" and row.get("recording_status") == "ready":
            return call["session_id"]
    raise AssertionError("no recorded call")
