"""A campaign under faults on the production layout (API + `kataven-hub dispatcher` processes,
PostgreSQL, a Redis the test owns, a simulated carrier): PostgreSQL connections terminated
again and again, a dispatcher killed with SIGKILL, Redis restarted. Afterwards: every contact
is in one terminal state, none failed in doubt without a call at the carrier, at most one
carrier call per attempt, no call slot leaked (concurrent_max 1 dials again), no 500 once the
faults are over, and the API is the process it was."""

from __future__ import annotations

import asyncio
import signal
import time
from collections import Counter
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from tests.campaigns.carrier_sim import SimulatedCarrier
from tests.factories.campaigns import action, contact_numbers, created, csv_of
from tests.factories.telephony import make_line, set_limits
from tests.faults.stack import RedisServer, Stack, close_stack, new_stack
from tests.fixtures.app import Tenant

TERMINAL = {"completed", "failed", "cancelled"}


@pytest.fixture
async def stack(tmp_path: Path, redis_server: RedisServer) -> AsyncIterator[Stack]:
    s = await new_stack(
        tmp_path, redis_server,
        KATAVEN_DISPATCHER_EMBEDDED="false", KATAVEN_DISPATCH_LEASE_SECONDS="2",
        KATAVEN_DISPATCH_IN_DOUBT_SECONDS="3", KATAVEN_DISPATCH_TICK_SECONDS="0.1",
        KATAVEN_DISPATCH_RECONCILE_AFTER_SECONDS="3", KATAVEN_DISPATCH_MAX_CPS="200",
        KATAVEN_CAMPAIGN_MIN_RETRY_DELAY_SECONDS="0", KATAVEN_DB_POOL_SIZE="3",
    )  # fmt: skip
    try:
        yield s
    finally:
        await close_stack(s)


async def test_campaign_heals_after_database_kills_a_dispatcher_kill_and_a_redis_restart(
    stack: Stack,
) -> None:
    async with httpx.AsyncClient(base_url=stack.url, timeout=30) as http:
        carrier = SimulatedCarrier(http, handle=(0.1, 0.4))
        await carrier.start()
        stack.env["KATAVEN_TWILIO_API_BASE_URL"] = carrier.base_url
        try:
            await asyncio.to_thread(stack.start_api)
            api_pid = stack.api.pid if stack.api else None
            account = await stack.account(http, generous=True)
            tenant = Tenant(account["slug"], account["key"], "", account["email"],
                            account["password"], "", headers=account["headers"],
                            jwt_headers=account["jwt_headers"])  # fmt: skip
            line = await make_line(http, tenant, carrier, "twilio")
            await set_limits(http, tenant, concurrent_max=4, calls_per_minute=100000,
                             daily_calls_max=100000)  # fmt: skip
            campaign = await created(http, line, csv=csv_of(contact_numbers(80)),
                                     max_concurrent_calls=4, retries_per_contact=1,
                                     retry_delay_seconds=0)  # fmt: skip
            cid = campaign["id"]
            dispatcher = stack.dispatcher()
            assert (await action(http, line, cid, "start")).status_code == 200
            await asyncio.sleep(1.5)
            killed = 0
            for round_ in range(6):  # the faults, while calls are being placed
                killed += await stack.terminate_backends()
                if round_ == 2:
                    dispatcher.send_signal(signal.SIGKILL)
                    dispatcher.wait()
                    dispatcher = stack.dispatcher()
                if round_ == 4:
                    stack.redis.restart()
                await asyncio.sleep(0.7)
            assert killed > 0
            deadline = time.monotonic() + 150
            while True:  # the faults are over: from here on, never a 500
                r = await http.get(f"/api/v1/campaigns/{cid}", headers=tenant.headers)
                assert r.status_code == 200, r.text
                if r.json()["status"] == "completed":
                    break
                assert time.monotonic() < deadline, r.json()
                await asyncio.sleep(0.5)
            r = await http.get(f"/api/v1/campaigns/{cid}/contacts?limit=1000",
                               headers=tenant.headers)  # fmt: skip
            assert r.status_code == 200, r.text
            contacts = r.json()["contacts"]
            assert len(contacts) == 80
            placed = Counter(carrier.carrier_log.placed)
            for c in contacts:
                assert c["status"] in TERMINAL, c
                assert placed[c["phone_number"]] <= c["attempts"], c  # ≤ 1 call per attempt
                if c["status"] == "failed" and c["failure_reason"] == "outcome_unknown":
                    assert placed[c["phone_number"]] >= 1, c  # never failed without a dial
                if c["status"] == "completed":
                    assert placed[c["phone_number"]] >= 1, c
            # No slot leaked: with every call over, concurrent_max 1 places a call.
            await set_limits(http, tenant, concurrent_max=1)
            r = await http.post("/api/v1/calls/originate", json=line.originate_body(),
                                headers=tenant.headers)  # fmt: skip
            assert r.status_code == 200, r.text
            assert stack.api_alive()
            assert stack.api is not None
            assert stack.api.pid == api_pid
        finally:
            await carrier.stop()
