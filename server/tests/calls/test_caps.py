"""Call cost caps through originate, on both counter backends (in-process and Redis)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import httpx

from tests.calls.helpers import in_flight, minutes_today
from tests.factories.telephony import make_line, originate, set_limits
from tests.fixtures.carriers import CarrierServer


def _seconds_to_midnight() -> int:
    now = datetime.now(UTC)
    midnight = (now + timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
    return int((midnight - now).total_seconds())


class TestConcurrentCap:
    async def test_200_concurrent_originates_admit_exactly_10(
        self, client: httpx.AsyncClient, new_tenant, carrier_server: CarrierServer
    ) -> None:
        tenant = await new_tenant()
        line = await make_line(client, tenant, carrier_server)
        await set_limits(
            client, tenant, concurrent_max=10, calls_per_minute=1000, daily_calls_max=1000
        )
        results = await asyncio.gather(*[originate(client, line) for _ in range(200)])
        ok = [r for r in results if r.status_code == 200]
        denied = [r for r in results if r.status_code == 429]
        codes = sorted({r.status_code for r in results})
        assert len(ok) == 10, codes
        assert len(denied) == 190, codes
        assert {r.text for r in denied} == {"Concurrent call limit reached"}
        assert all(int(r.headers["Retry-After"]) >= 1 for r in denied)
        listed = await client.get("/api/v1/calls", params={"limit": 100}, headers=tenant.headers)
        assert len(listed.json()["calls"]) == 10
        assert await in_flight(tenant.slug) == 10

    async def test_terminal_state_frees_the_slot(
        self, client: httpx.AsyncClient, new_tenant, carrier_server: CarrierServer
    ) -> None:
        tenant = await new_tenant()
        line = await make_line(client, tenant, carrier_server)
        await set_limits(client, tenant, concurrent_max=1)
        first = await originate(client, line)
        assert first.status_code == 200
        assert (await originate(client, line)).status_code == 429
        call = carrier_server.requests("twilio", "POST")[-1]
        sid = next(
            c.call_id
            for c in carrier_server.calls.values()
            if c.status_url == call.data["StatusCallback"]
        )
        for cb in carrier_server.callbacks(sid, outcome="busy"):
            assert (await carrier_server.deliver(client, cb)).status_code in (200, 204)
        assert (await originate(client, line)).status_code == 200

    async def test_zero_blocks(
        self, client: httpx.AsyncClient, new_tenant, carrier_server: CarrierServer
    ) -> None:
        tenant = await new_tenant()
        line = await make_line(client, tenant, carrier_server)
        await set_limits(client, tenant, concurrent_max=0)
        r = await originate(client, line)
        assert r.status_code == 429
        assert r.text == "Concurrent call limit reached"
        assert "Retry-After" in r.headers


class TestRateCaps:
    async def test_calls_per_minute(
        self, client: httpx.AsyncClient, new_tenant, carrier_server: CarrierServer
    ) -> None:
        tenant = await new_tenant()
        line = await make_line(client, tenant, carrier_server)
        await set_limits(client, tenant, concurrent_max=100, calls_per_minute=5)
        results = await asyncio.gather(*[originate(client, line) for _ in range(20)])
        assert sum(r.status_code == 200 for r in results) == 5
        denied = [r for r in results if r.status_code == 429]
        assert len(denied) == 15
        assert {r.text for r in denied} == {"Call rate limit"}
        assert all(50 <= int(r.headers["Retry-After"]) <= 60 for r in denied)

    async def test_daily_calls(
        self, client: httpx.AsyncClient, new_tenant, carrier_server: CarrierServer
    ) -> None:
        tenant = await new_tenant()
        line = await make_line(client, tenant, carrier_server)
        await set_limits(
            client, tenant, concurrent_max=100, calls_per_minute=100, daily_calls_max=3
        )
        results = await asyncio.gather(*[originate(client, line) for _ in range(10)])
        assert sum(r.status_code == 200 for r in results) == 3
        denied = [r for r in results if r.status_code == 429]
        assert {r.text for r in denied} == {"Daily call limit reached"}
        retry = int(denied[0].headers["Retry-After"])
        assert abs(retry - _seconds_to_midnight()) <= 5

    async def test_daily_minutes_after_calls_complete(
        self, client: httpx.AsyncClient, new_tenant, carrier_server: CarrierServer
    ) -> None:
        tenant = await new_tenant()
        line = await make_line(client, tenant, carrier_server)
        await set_limits(client, tenant, concurrent_max=5, daily_minutes_max=4)
        r = await originate(client, line)
        assert r.status_code == 200
        sid = _carrier_id(carrier_server, r.json()["session_id"])
        for cb in carrier_server.callbacks(sid, outcome="completed", duration=121):  # 3 minutes
            await carrier_server.deliver(client, cb)
        assert await minutes_today(tenant.slug) == 3
        r = await originate(client, line)
        assert r.status_code == 200  # 3 < 4
        sid = _carrier_id(carrier_server, r.json()["session_id"])
        for cb in carrier_server.callbacks(sid, outcome="completed", duration=30):  # 1 minute
            await carrier_server.deliver(client, cb)
        r = await originate(client, line)
        assert r.status_code == 429
        assert r.text == "Daily minute budget exhausted"
        assert abs(int(r.headers["Retry-After"]) - _seconds_to_midnight()) <= 5


def _carrier_id(server: CarrierServer, session_id: str) -> str:
    return next(c.call_id for c in server.calls.values() if f"session={session_id}" in c.status_url)
