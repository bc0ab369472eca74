"""GET /api/v1/usage: calls and minutes per UTC day or hour, matching the cost-cap counters."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from kataven_hub.core.counters import Window, counters
from kataven_hub.limits.service import DAY, MINUTES

from tests.calls.test_caps import _carrier_id
from tests.factories.telephony import make_line, originate, set_limits
from tests.fixtures.app import Tenant
from tests.fixtures.carriers import CarrierServer

URL = "/api/v1/usage"


async def _calls(client: httpx.AsyncClient, tenant: Tenant, server: CarrierServer) -> None:
    """Three outbound calls: 61 s (2 minutes), 30 s (1 minute), busy."""
    line = await make_line(client, tenant, server, "twilio")
    await set_limits(client, tenant, concurrent_max=5)
    for outcome, duration in (("completed", 61), ("completed", 30), ("busy", 0)):
        r = await originate(client, line)
        assert r.status_code == 200, r.text
        sid = _carrier_id(server, r.json()["session_id"])
        for cb in server.callbacks(sid, outcome=outcome, duration=duration):
            await server.deliver(client, cb)


class TestGetUsage:
    async def test_rejects_anonymous(self, client: httpx.AsyncClient) -> None:
        assert (await client.get(URL)).status_code == 401

    async def test_today_matches_cost_cap_counters(
        self, client: httpx.AsyncClient, new_tenant: Any, carrier_server: CarrierServer
    ) -> None:
        tenant = await new_tenant()
        await _calls(client, tenant, carrier_server)
        r = await client.get(URL, headers=tenant.headers)
        assert r.status_code == 200, r.text
        body = r.json()
        assert body["granularity"] == "day"
        rows = body["rows"]
        assert len(rows) == 30  # the last 30 days, empty ones included
        today = datetime.now(UTC).strftime("%Y-%m-%d")
        assert rows[-1]["period"] == today
        row = rows[-1]
        assert row["calls"] == row["outbound_calls"] == 3
        assert row["inbound_calls"] == 0
        assert row["answered"] == 2
        assert row["minutes"] == row["outbound_minutes"] == 3
        assert row["by_outcome"] == {"completed": 2, "busy": 1}
        assert all(r["calls"] == 0 for r in rows[:-1])
        started = await counters().value(tenant.slug, Window(DAY, "fixed", 0, 86400))
        minutes = await counters().value(tenant.slug, Window(MINUTES, "fixed", 0, 86400))
        assert (row["outbound_calls"], row["outbound_minutes"]) == (started, minutes)

    async def test_by_hour(
        self, client: httpx.AsyncClient, new_tenant: Any, carrier_server: CarrierServer
    ) -> None:
        tenant = await new_tenant()
        await _calls(client, tenant, carrier_server)
        now = datetime.now(UTC)
        start = (now - timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M:%SZ")
        r = await client.get(
            URL, params={"granularity": "hour", "from": start}, headers=tenant.headers
        )
        assert r.status_code == 200, r.text
        rows = r.json()["rows"]
        assert len(rows) == 3
        assert rows[-1]["period"] == now.strftime("%Y-%m-%dT%H:00:00Z")
        assert rows[-1]["calls"] == 3
        assert rows[-1]["minutes"] == 3
        assert sum(r["calls"] for r in rows) == 3

    async def test_range_before_calls_is_empty(
        self, client: httpx.AsyncClient, new_tenant: Any, carrier_server: CarrierServer
    ) -> None:
        tenant = await new_tenant()
        await _calls(client, tenant, carrier_server)
        r = await client.get(
            URL, params={"from": "2026-01-01", "to": "2026-01-03"}, headers=tenant.headers
        )
        assert r.status_code == 200, r.text
        assert [x["period"] for x in r.json()["rows"]] == ["2026-01-01", "2026-01-02"]
        assert all(x["calls"] == 0 for x in r.json()["rows"])

    async def test_bad_queries_400(self, client: httpx.AsyncClient, tenant_a: Tenant) -> None:
        for params in (
            {"granularity": "week"},
            {"from": "2026-02-01", "to": "2026-01-01"},
            {"from": "2020-01-01", "to": "2026-01-01"},
            {"granularity": "hour", "from": "2026-01-01", "to": "2026-03-01"},
            {"from": "soon"},
        ):
            r = await client.get(URL, params=params, headers=tenant_a.headers)
            assert r.status_code == 400, (params, r.text)

    async def test_other_account_sees_nothing(
        self, client: httpx.AsyncClient, new_tenant: Any, carrier_server: CarrierServer
    ) -> None:
        a, b = await new_tenant(), await new_tenant()
        await _calls(client, a, carrier_server)
        r = await client.get(URL, headers=b.headers)
        assert sum(x["calls"] for x in r.json()["rows"]) == 0
