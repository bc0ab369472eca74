"""GET /api/v1/campaigns/{id}/events: the SSE stream, replay with Last-Event-ID, and a live
client that disconnects and reconnects (over real HTTP, served by uvicorn)."""

from __future__ import annotations

import asyncio
import contextlib
import json
import socket
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
import uvicorn
from fastapi import FastAPI
from kataven_hub.campaigns.events import channel
from kataven_hub.core import events as bus_mod
from kataven_hub.core import redis as redis_mod
from kataven_hub.core.settings import get_settings

from tests.campaigns.carrier_sim import count_sandbox
from tests.factories.campaigns import action, created
from tests.factories.telephony import Line, make_line, set_limits
from tests.fixtures.carriers import CarrierServer


def parse(text: str) -> list[dict[str, Any]]:
    """SSE frames: {"id", "event", "data"} dicts, and {"comment": …} for comment lines."""
    out = []
    for block in text.split("\n\n"):
        if not block.strip():
            continue
        frame: dict[str, Any] = {}
        for line in block.split("\n"):
            if line.startswith(":"):
                frame["comment"] = line[1:].strip()
            else:
                key, _, value = line.partition(": ")
                frame[key] = json.loads(value) if key == "data" else value
        out.append(frame)
    return out


@pytest.fixture
async def line(client: httpx.AsyncClient, new_tenant, carrier_server: CarrierServer) -> Line:
    return await make_line(client, await new_tenant(), carrier_server, "twilio")


@pytest.fixture(scope="session")
async def live_url(app: FastAPI) -> AsyncIterator[str]:
    """The same app over real HTTP (streaming responses), in the test's event loop."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, lifespan="off", log_config=None, access_log=False))
    task = asyncio.create_task(server.serve(sockets=[sock]))
    while not server.started:
        await asyncio.sleep(0.01)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    with contextlib.suppress(asyncio.CancelledError):
        await task


class TestEventStream:
    async def test_replay_of_a_finished_campaign(
        self, client: httpx.AsyncClient, line: Line
    ) -> None:
        c = await created(client, line, contacts=3)
        await action(client, line, c["id"], "stop")
        url = f"/api/v1/campaigns/{c['id']}/events"
        r = await client.get(url, headers=line.tenant.headers)
        assert r.status_code == 200
        assert r.headers["content-type"].startswith("text/event-stream")
        frames = parse(r.text)
        assert [f.get("id") for f in frames] == ["1", "2", "3", "4", None]
        assert frames[0]["event"] == "status"
        assert frames[0]["data"]["status"] == "completed"
        assert frames[0]["data"]["previous"] == "draft"
        assert {f["data"]["status"] for f in frames[1:4]} == {"cancelled"}
        assert all(
            f["event"] == "contact" and f["data"]["previous"] == "pending" for f in frames[1:4]
        )
        assert frames[-1]["event"] == "end"
        assert frames[-1]["data"] == {"status": "completed"}
        again = await client.get(url, headers={**line.tenant.headers, "Last-Event-ID": "2"})
        assert [f.get("id") for f in parse(again.text)] == ["3", "4", None]
        bogus = await client.get(url, headers={**line.tenant.headers, "Last-Event-ID": "x"})
        assert len(parse(bogus.text)) == 5

    async def test_unknown_campaign(self, client: httpx.AsyncClient, line: Line) -> None:
        for cid in ("camp_01HZZZZZZZZZZZZZZZZZZZZZZZ", "bad"):
            r = await client.get(f"/api/v1/campaigns/{cid}/events", headers=line.tenant.headers)
            assert r.status_code == 404

    async def test_rejects_anonymous(self, client: httpx.AsyncClient, line: Line) -> None:
        c = await created(client, line)
        assert (await client.get(f"/api/v1/campaigns/{c['id']}/events")).status_code == 401


class TestLiveStream:
    async def test_reconnect_gets_every_event_once(
        self, client: httpx.AsyncClient, new_tenant, live_url: str
    ) -> None:
        s = get_settings()
        saved = (s.CAMPAIGN_SSE_SNAPSHOT_SECONDS, s.CAMPAIGN_SSE_HEARTBEAT_SECONDS)
        s.CAMPAIGN_SSE_SNAPSHOT_SECONDS, s.CAMPAIGN_SSE_HEARTBEAT_SECONDS = 0.3, 0.5
        tenant = await new_tenant()
        line = await make_line(client, tenant, None, "sandbox")
        await set_limits(client, tenant, calls_per_minute=100000)
        try:
            with count_sandbox(talk=(0.2, 0.6)):
                c = await created(client, line, contacts=40, max_concurrent_calls=5)
                url = f"{live_url}/api/v1/campaigns/{c['id']}/events"
                async with httpx.AsyncClient(timeout=30) as http:
                    start = lambda: action(client, line, c["id"], "start")  # noqa: E731
                    first = await self._read(http, url, tenant.headers, stop_after=12, start=start)
                    await asyncio.sleep(1.0)  # events keep coming while nobody listens
                    last = [f["id"] for f in first if "id" in f][-1]
                    second = await self._read(http, url, {**tenant.headers, "Last-Event-ID": last})
                    full = parse((await http.get(url, headers=tenant.headers)).text)
        finally:
            s.CAMPAIGN_SSE_SNAPSHOT_SECONDS, s.CAMPAIGN_SSE_HEARTBEAT_SECONDS = saved
        got = [int(f["id"]) for f in first + second if "id" in f]
        everything = [int(f["id"]) for f in full if "id" in f]
        assert got == everything == list(range(1, len(everything) + 1))
        assert second[-1]["event"] == "end"
        assert any(f.get("comment") == "heartbeat" for f in first + second)
        snapshots = [f["data"] for f in first + second if "data" in f and "event" not in f]
        assert snapshots
        assert {"counts", "in_flight", "progress", "total"} <= set(snapshots[0])
        assert snapshots[0]["total"] == 40
        statuses = [f["data"]["status"] for f in full if f.get("event") == "status"]
        assert statuses == ["running", "completed"]

    @staticmethod
    async def _read(
        http: httpx.AsyncClient, url: str, headers: dict[str, str], stop_after: int | None = None,
        start: Any = None,
    ) -> list[dict[str, Any]]:  # fmt: skip
        frames: list[dict[str, Any]] = []
        async with http.stream("GET", url, headers=headers) as r:
            assert r.status_code == 200
            if start is not None:
                assert (await start()).status_code == 200
            buffer = ""
            async for chunk in r.aiter_text():
                buffer += chunk
                while "\n\n" in buffer:
                    block, buffer = buffer.split("\n\n", 1)
                    frames.extend(parse(block + "\n\n"))
                    ids = [f for f in frames if "id" in f]
                    if stop_after is not None and len(ids) >= stop_after:
                        return frames  # disconnect mid-stream
                    if frames[-1].get("event") == "end":
                        return frames
        return frames


class TestFanOut:
    async def test_streams_of_one_campaign_share_one_subscription(
        self, client: httpx.AsyncClient, line: Line, live_url: str
    ) -> None:
        """Every stream of a campaign in this process reads one bus subscription, and each
        gets the same frames: the live ones, then `end`."""
        c = await created(client, line, contacts=3)
        url = f"{live_url}/api/v1/campaigns/{c['id']}/events"
        topic = channel(line.tenant.slug, c["id"])
        async with contextlib.AsyncExitStack() as stack:
            http = await stack.enter_async_context(httpx.AsyncClient(timeout=30))
            streams = [
                await stack.enter_async_context(
                    http.stream("GET", url, headers=line.tenant.headers)
                )
                for _ in range(3)
            ]
            assert all(r.status_code == 200 for r in streams)
            await asyncio.sleep(0.5)  # subscribed and caught up on the (empty) log
            assert await subscribers(topic) == 1
            assert (await action(client, line, c["id"], "stop")).status_code == 200
            texts = [await asyncio.wait_for(r.aread(), 10) for r in streams]
        frames = [parse(t.decode()) for t in texts]
        assert frames[0] == frames[1] == frames[2]
        assert frames[0][0]["id"] == "1"
        assert frames[0][0]["data"]["status"] == "completed"
        assert frames[0][-1]["event"] == "end"
        for _ in range(100):  # the last stream gone, the subscription closes
            if await subscribers(topic) == 0:
                break
            await asyncio.sleep(0.05)
        assert await subscribers(topic) == 0


async def subscribers(topic: str) -> int:
    """How many subscriptions this process holds to a bus channel."""
    bus = bus_mod.bus()
    if isinstance(bus, bus_mod.LocalBus):
        return len(bus._subs.get(topic, ()))
    redis = redis_mod.client()
    assert redis is not None
    return int(
        dict(await redis.pubsub_numsub(redis_mod.key("bus", topic)))[
            redis_mod.key("bus", topic).encode()
        ]
    )
