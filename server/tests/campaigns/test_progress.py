"""Campaign reads carry progress: GET /campaigns/{id}, the list and the actions include contact
counts by status, the same figures as the SSE snapshot; the list filters by status."""

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
from kataven_hub.campaigns.models import CONTACT_STATUSES
from kataven_hub.core.settings import get_settings

from tests.campaigns.carrier_sim import count_sandbox
from tests.factories.campaigns import action, created
from tests.factories.telephony import make_line, set_limits


@pytest.fixture(scope="module")
async def live_url(app: FastAPI) -> AsyncIterator[str]:
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


async def _snapshot(http: httpx.AsyncClient, url: str, headers: dict[str, str]) -> dict[str, Any]:
    """The first unnamed SSE snapshot in which every concurrent call is in flight."""
    async with http.stream("GET", url, headers=headers) as r:
        assert r.status_code == 200
        buffer = ""
        async for chunk in r.aiter_text():
            buffer += chunk
            while "\n\n" in buffer:
                block, buffer = buffer.split("\n\n", 1)
                lines = dict(line.split(": ", 1) for line in block.split("\n") if ": " in line)
                if "data" in lines and "event" not in lines:
                    data = json.loads(lines["data"])
                    if data["in_flight"] == 2:
                        return data
    raise AssertionError("the stream ended without a snapshot")


class TestProgress:
    async def test_reads_carry_counts(self, client: httpx.AsyncClient, new_tenant) -> None:
        tenant = await new_tenant()
        line = await make_line(client, tenant, None, "sandbox")
        c = await created(client, line, contacts=4)
        zero = {s: 0 for s in CONTACT_STATUSES}
        assert c["progress"] == {
            "counts": {**zero, "pending": 4}, "in_flight": 0, "total": 4, "done": 0,
            "progress": 0.0,
        }  # fmt: skip
        got = (await client.get(f"/api/v1/campaigns/{c['id']}", headers=tenant.headers)).json()
        assert got["progress"] == c["progress"]
        stopped = (await action(client, line, c["id"], "stop")).json()
        assert stopped["progress"]["counts"] == {**zero, "cancelled": 4}
        assert stopped["progress"]["progress"] == 1.0
        listed = (await client.get("/api/v1/campaigns", headers=tenant.headers)).json()
        assert listed["campaigns"][0]["progress"] == stopped["progress"]

    async def test_list_filters_by_status(self, client: httpx.AsyncClient, new_tenant) -> None:
        tenant = await new_tenant()
        line = await make_line(client, tenant, None, "sandbox")
        draft = await created(client, line)
        done = await created(client, line)
        await action(client, line, done["id"], "stop")

        async def ids(status: str) -> list[str]:
            r = await client.get(
                "/api/v1/campaigns", params={"status": status}, headers=tenant.headers
            )
            assert r.status_code == 200, r.text
            return [c["id"] for c in r.json()["campaigns"]]

        assert await ids("draft") == [draft["id"]]
        assert await ids("completed") == [done["id"]]
        assert await ids("running") == []
        r = await client.get("/api/v1/campaigns?status=finished", headers=tenant.headers)
        assert r.status_code == 400

    async def test_the_same_numbers_as_the_sse_snapshot(
        self, client: httpx.AsyncClient, new_tenant, live_url: str
    ) -> None:
        s = get_settings()
        saved = s.CAMPAIGN_SSE_SNAPSHOT_SECONDS
        s.CAMPAIGN_SSE_SNAPSHOT_SECONDS = 0.2
        tenant = await new_tenant()
        line = await make_line(client, tenant, None, "sandbox")
        await set_limits(client, tenant, calls_per_minute=100000)
        try:
            # Calls ring for a minute: the counts hold still while both reads happen.
            with count_sandbox(ring=60.0):
                c = await created(client, line, contacts=6, max_concurrent_calls=2)
                assert (await action(client, line, c["id"], "start")).status_code == 200
                url = f"{live_url}/api/v1/campaigns/{c['id']}/events"
                async with httpx.AsyncClient(timeout=30) as http:
                    snapshot = await _snapshot(http, url, tenant.headers)
                read = (
                    await client.get(f"/api/v1/campaigns/{c['id']}", headers=tenant.headers)
                ).json()
                await action(client, line, c["id"], "stop")
        finally:
            s.CAMPAIGN_SSE_SNAPSHOT_SECONDS = saved
        for key in ("counts", "in_flight", "total", "done", "progress"):
            assert read["progress"][key] == snapshot[key], key
        assert snapshot["counts"]["pending"] == 4
