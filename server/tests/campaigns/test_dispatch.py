"""End to end: campaigns dialled by the embedded dispatcher through the real originate path.

Runs on both backends (SQLite + in-process, PostgreSQL + Redis), once with the sandbox carrier
and once with the local carrier server (Twilio's wire format over HTTP, signed callbacks).
Checked against the carrier's own log: never more than max_concurrent_calls in flight, every
recorded attempt placed exactly once, every contact in exactly one terminal state.
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from collections.abc import AsyncIterator, Callable
from typing import Any

import httpx
import pytest
from kataven_hub.carriers import registry
from kataven_hub.core.settings import get_settings

from tests.campaigns.carrier_sim import CarrierLog, SimulatedCarrier, count_sandbox
from tests.factories.campaigns import action, contact_numbers, created, csv_of
from tests.factories.telephony import Line, make_line, set_limits
from tests.fixtures.app import Tenant
from tests.fixtures.carriers import CarrierServer, local_adapters

TERMINAL = {"completed", "failed", "cancelled"}


@pytest.fixture
def fast_dispatch() -> Any:
    s = get_settings()
    saved = (s.CAMPAIGN_MIN_RETRY_DELAY_SECONDS, s.DISPATCH_MAX_CPS)
    s.CAMPAIGN_MIN_RETRY_DELAY_SECONDS, s.DISPATCH_MAX_CPS = 0, 500.0
    yield s
    s.CAMPAIGN_MIN_RETRY_DELAY_SECONDS, s.DISPATCH_MAX_CPS = saved


@pytest.fixture
async def simulated(
    client: httpx.AsyncClient, carrier_server: CarrierServer
) -> AsyncIterator[SimulatedCarrier]:
    server = SimulatedCarrier(client)
    await server.start()
    carriers = registry.current()
    try:
        with carriers.override(*local_adapters(server.base_url, carriers.client)):
            yield server
    finally:
        await server.stop()


async def counts(client: httpx.AsyncClient, tenant: Tenant, campaign_id: str) -> dict[str, int]:
    r = await client.get(
        f"/api/v1/campaigns/{campaign_id}/contacts?limit=1000", headers=tenant.headers
    )
    assert r.status_code == 200, r.text
    return dict(Counter(c["status"] for c in r.json()["contacts"]))


async def wait_for(check: Callable[[], Any], timeout: float = 240.0) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        value = await check()
        if value:
            return value
        assert time.monotonic() < deadline, "timed out"
        await asyncio.sleep(0.3)


async def run_campaign(
    client: httpx.AsyncClient, tenant: Tenant, line: Line, carrier: CarrierLog, n: int = 200
) -> None:
    await set_limits(
        client, tenant, concurrent_max=10, calls_per_minute=100000, daily_calls_max=100000
    )
    numbers = contact_numbers(n)
    campaign = await created(client, line, csv=csv_of(numbers), max_concurrent_calls=10,
                             retries_per_contact=2, retry_delay_seconds=0)  # fmt: skip
    cid, headers = campaign["id"], tenant.headers
    assert (await action(client, line, cid, "start")).json()["status"] == "running"

    async def done_at_least(k: int) -> bool:
        c = await counts(client, tenant, cid)
        return sum(c.get(s, 0) for s in TERMINAL) >= k

    async def drained() -> bool:
        c = await counts(client, tenant, cid)
        return c.get("originated", 0) + c.get("connected", 0) == 0

    await wait_for(lambda: done_at_least(n // 4))
    r = await action(client, line, cid, "pause")
    assert r.status_code == 200
    assert r.json()["status"] == "paused"
    await wait_for(drained)
    placed = len(carrier.placed)
    await asyncio.sleep(0.8)  # paused: nothing new is dialled
    assert len(carrier.placed) == placed
    assert carrier.in_flight == 0
    assert (await action(client, line, cid, "resume")).json()["status"] == "running"
    await wait_for(lambda: done_at_least(n // 2 if n < 1000 else n * 2 // 5))
    stopped = await action(client, line, cid, "stop")
    assert stopped.status_code == 200
    assert stopped.json()["status"] == "completed"
    assert stopped.json()["stopped_at"] is not None
    await wait_for(drained)
    await asyncio.sleep(0.3)

    r = await client.get(f"/api/v1/campaigns/{cid}/contacts?limit=1000", headers=headers)
    contacts = r.json()["contacts"]
    assert len(contacts) == n
    assert {c["status"] for c in contacts} <= TERMINAL
    statuses = Counter(c["status"] for c in contacts)
    assert statuses["completed"] > 0
    assert statuses["cancelled"] > 0
    assert carrier.max_in_flight <= 10, carrier.max_in_flight
    assert carrier.in_flight == 0
    # One carrier call per recorded attempt, never more; retries really happened.
    per_number = Counter(carrier.placed)
    for c in contacts:
        assert per_number[c["phone_number"]] == c["attempts"], c
        assert c["attempts"] <= 3
    assert any(c["attempts"] > 1 for c in contacts)
    assert sum(c["attempts"] for c in contacts) == len(carrier.placed)
    final = await client.get(f"/api/v1/campaigns/{cid}", headers=headers)
    assert final.json()["status"] == "completed"


class TestDispatchEndToEnd:
    async def test_sandbox_carrier(
        self, client: httpx.AsyncClient, new_tenant, fast_dispatch
    ) -> None:
        tenant = await new_tenant()
        line = await make_line(client, tenant, None, "sandbox")
        with count_sandbox() as carrier:
            await run_campaign(client, tenant, line, carrier)

    async def test_local_carrier_server(
        self,
        client: httpx.AsyncClient,
        backend,
        new_tenant,
        fast_dispatch,
        simulated: SimulatedCarrier,
    ) -> None:
        """On PostgreSQL + Redis the full 1,000 contacts; 200 on SQLite (one writer at a time)."""
        tenant = await new_tenant()
        line = await make_line(client, tenant, simulated, "twilio")
        n = 1000 if backend.is_postgres else 200
        await run_campaign(client, tenant, line, simulated.carrier_log, n=n)
