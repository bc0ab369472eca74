"""RateLimit headers (draft-ietf-httpapi-ratelimit-headers) on authenticated responses, so a
client can pace itself before a 429: limit, remaining and reset of the window closest to
exhaustion, and the policy of every window."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import httpx

from tests.fixtures.app import Tenant
from tests.rate_limits.conftest import FakeClock
from tests.rate_limits.test_request_limits import left, set_limits

NewTenant = Callable[..., Awaitable[Tenant]]


class TestRateLimitHeaders:
    async def test_count_down_to_the_429(
        self, client: httpx.AsyncClient, new_tenant: NewTenant, clock: FakeClock
    ) -> None:
        tenant = await new_tenant(generous=False)
        first = await client.get("/api/v1/agents", headers=tenant.headers)
        assert first.status_code == 200
        assert first.headers["ratelimit-limit"] == "60"
        assert first.headers["ratelimit-remaining"] == "59"
        assert first.headers["ratelimit-reset"] == str(left(clock, 60)) == "50"
        assert first.headers["ratelimit-policy"] == "60;w=60, 1000;w=3600, 10000;w=86400"
        for expected in range(58, -1, -1):
            r = await client.get("/api/v1/agents", headers=tenant.headers)
            assert r.headers["ratelimit-remaining"] == str(expected)
        refused = await client.get("/api/v1/agents", headers=tenant.headers)
        assert refused.status_code == 429
        assert refused.headers["ratelimit-remaining"] == "0"
        assert refused.headers["ratelimit-reset"] == refused.headers["retry-after"]

    async def test_the_window_closest_to_exhaustion(
        self, client: httpx.AsyncClient, new_tenant: NewTenant, clock: FakeClock
    ) -> None:
        tenant = await new_tenant()
        await set_limits(tenant.slug, requests_per_minute=100, requests_per_hour=3)
        r = await client.get("/api/v1/agents", headers=tenant.headers)
        assert r.headers["ratelimit-limit"] == "3"
        assert r.headers["ratelimit-remaining"] == "2"
        assert r.headers["ratelimit-reset"] == str(left(clock, 3600))

    async def test_on_errors_and_writes_too(
        self, client: httpx.AsyncClient, new_tenant: NewTenant, clock: FakeClock
    ) -> None:
        tenant = await new_tenant(generous=False)
        missing = await client.get("/api/v1/agents/agent_nope", headers=tenant.headers)
        assert missing.status_code == 404
        assert missing.headers["ratelimit-remaining"] == "59"
        created = await client.post("/api/v1/agents", json={"name": "R"}, headers=tenant.headers)
        assert created.status_code == 201
        assert created.headers["ratelimit-remaining"] == "58"

    async def test_not_on_anonymous_requests(self, client: httpx.AsyncClient) -> None:
        r = await client.get("/api/v1/agents")
        assert r.status_code == 401
        assert "ratelimit-limit" not in r.headers
