"""PATCH racing the dispatchers on the production layout: one API process and two
`kataven-hub dispatcher` processes on PostgreSQL + Redis, a local carrier server. The campaign
is paused, its `max_concurrent_calls` changed while the dispatchers are still stepping it (calls
ending, their refills, sweeps) and resumed, round after round. The carrier's own log shows that
no call placed after a resume ever took the calls in flight above the new limit."""

from __future__ import annotations

import asyncio
import time

import httpx

from tests.campaigns.carrier_sim import CarrierLog, SimulatedCarrier
from tests.campaigns.test_crash import Cluster, _tenant, cluster  # noqa: F401  (fixture)
from tests.factories.campaigns import action, contact_numbers, created, csv_of
from tests.factories.telephony import make_line, set_limits
from tests.fixtures.processes import start_api

LIMITS = [2, 6, 3, 5, 1, 4]


async def _placed_everywhere(http: httpx.AsyncClient, headers: dict, cid: str) -> None:
    """Wait until every attempt in flight has reached the carrier (it has a call id)."""
    deadline = time.monotonic() + 30
    while True:
        r = await http.get(f"/api/v1/campaigns/{cid}/contacts?limit=1000", headers=headers)
        rows = r.json()["contacts"]
        if all(c["call_id"] for c in rows if c["status"] in ("originated", "connected")):
            return
        assert time.monotonic() < deadline, "attempts never reached the carrier"
        await asyncio.sleep(0.05)


async def _calls_after(log: CarrierLog, first: int, n: int) -> None:
    """Wait until the dispatchers placed n calls since timeline index `first`."""
    deadline = time.monotonic() + 60
    while len(log.timeline) < first + n:
        assert time.monotonic() < deadline, f"only {len(log.timeline) - first} calls placed"
        await asyncio.sleep(0.05)


async def test_patch_while_dispatchers_claim(cluster: Cluster) -> None:  # noqa: F811
    async with httpx.AsyncClient(base_url=cluster.api, timeout=30) as http:
        carrier = SimulatedCarrier(http, handle=(0.1, 0.4))
        carrier.outcomes = {"completed": 1.0}
        await carrier.start()
        cluster.env["KATAVEN_TWILIO_API_BASE_URL"] = carrier.base_url
        api = await asyncio.to_thread(start_api, cluster.env, int(cluster.api.rsplit(":", 1)[1]))
        cluster.procs.append(api)
        try:
            tenant = await _tenant(cluster, http)
            line = await make_line(http, tenant, carrier, "twilio")
            await set_limits(
                http, tenant, concurrent_max=100, calls_per_minute=100000, daily_calls_max=100000
            )
            body = await created(
                http, line, csv=csv_of(contact_numbers(400)), max_concurrent_calls=8
            )
            cid = body["id"]
            cluster.dispatcher()
            cluster.dispatcher()
            assert (await action(http, line, cid, "start")).status_code == 200
            log = carrier.carrier_log
            rounds: list[tuple[int, int, int]] = []  # (first timeline index, end index, limit)
            for limit in LIMITS:
                await _calls_after(log, rounds[-1][0] if rounds else 0, 12)
                assert (await action(http, line, cid, "pause")).json()["status"] == "paused"
                patch = http.patch(
                    f"/api/v1/campaigns/{cid}",
                    json={"max_concurrent_calls": limit},
                    headers=tenant.headers,
                )
                r = await patch  # the dispatchers are still landing calls and refilling
                assert r.status_code == 200, r.text
                assert r.json()["max_concurrent_calls"] == limit
                await _placed_everywhere(http, tenant.headers, cid)
                if rounds:
                    rounds[-1] = (rounds[-1][0], len(log.timeline), rounds[-1][2])
                start = len(log.timeline)
                assert (await action(http, line, cid, "resume")).json()["status"] == "running"
                rounds.append((start, -1, limit))
            await _calls_after(log, rounds[-1][0], 12)
            await action(http, line, cid, "pause")
            await _placed_everywhere(http, tenant.headers, cid)
            rounds[-1] = (rounds[-1][0], len(log.timeline), rounds[-1][2])
            await action(http, line, cid, "stop")
            reached = 0
            for first, end, limit in rounds:
                calls = log.timeline[first:end]
                assert calls, f"no calls after the resume with limit {limit}"
                peak = max(flying for _, _, flying in calls)
                assert peak <= limit, (limit, peak)
                reached += peak == limit
            assert reached >= len(rounds) // 2  # the limits were really used, not just respected
        finally:
            await carrier.stop()
