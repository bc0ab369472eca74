"""Request rate limits through HTTP, on both backends: documented defaults, 429 body and
Retry-After, every window, the concurrency gauge, per-account configuration."""

from __future__ import annotations

import asyncio
import math
from collections.abc import Awaitable, Callable

import httpx
import pytest
from kataven_hub.core.counters import Window, counters
from kataven_hub.core.db import ControlSession, new_session
from kataven_hub.core.sessions import commit
from kataven_hub.rate_limits import service as rate_limits_service
from kataven_hub.rate_limits.schemas import RateLimitsUpdate

from tests.fixtures.app import GENEROUS, Tenant
from tests.fixtures.probe import Probe
from tests.rate_limits.conftest import FakeClock

JSON = {"Accept": "application/json"}
NewTenant = Callable[..., Awaitable[Tenant]]


async def set_limits(slug: str, **limits: int) -> None:
    from kataven_hub.core import tenancy

    full = {
        "requests_per_minute": GENEROUS,
        "requests_per_hour": GENEROUS,
        "requests_per_day": GENEROUS,
        "concurrent_requests": GENEROUS,
        **limits,
    }
    async with new_session(tenancy.get().control_engine) as session:
        await rate_limits_service.set_limits(
            ControlSession(session), slug, RateLimitsUpdate(**full)
        )
        await commit(session)


async def burst(client: httpx.AsyncClient, tenant: Tenant, n: int) -> list[httpx.Response]:
    return [await client.get("/api/v1/agents", headers=tenant.headers) for _ in range(n)]


def left(clock: FakeClock, seconds: int) -> int:
    return math.ceil((math.floor(clock.now / seconds) + 1) * seconds - clock.now)


class TestDefaults:
    async def test_new_account_has_documented_limits(self, new_tenant: NewTenant) -> None:
        tenant = await new_tenant(generous=False)
        limits = await rate_limits_service.limits_for(tenant.slug)
        assert limits == rate_limits_service.DEFAULTS
        assert (
            limits.requests_per_minute,
            limits.requests_per_hour,
            limits.requests_per_day,
            limits.concurrent_requests,
        ) == (60, 1_000, 10_000, 20)

    async def test_sixty_first_request_in_a_minute_is_429(
        self, client: httpx.AsyncClient, new_tenant: NewTenant, clock: FakeClock
    ) -> None:
        tenant = await new_tenant(generous=False)
        ok = await burst(client, tenant, 60)
        assert [r.status_code for r in ok] == [200] * 60
        r = await client.get("/api/v1/agents", headers=tenant.headers)
        assert r.status_code == 429
        assert r.text == "rate_limited: per-minute (60) exceeded"
        assert r.headers["content-type"].startswith("text/plain")
        assert r.headers["retry-after"] == "50" == str(left(clock, 60))

    async def test_problem_json_when_asked(
        self, client: httpx.AsyncClient, new_tenant: NewTenant, clock: FakeClock
    ) -> None:
        tenant = await new_tenant(generous=False)
        await burst(client, tenant, 60)
        r = await client.get("/api/v1/agents", headers={**tenant.headers, **JSON})
        assert r.status_code == 429
        assert r.headers["content-type"] == "application/problem+json"
        problem = r.json()
        assert problem["code"] == "rate_limited"
        assert problem["status"] == 429
        assert problem["detail"] == "rate_limited: per-minute (60) exceeded"
        assert r.headers["retry-after"] == "50"

    async def test_new_minute_admits_again(
        self, client: httpx.AsyncClient, new_tenant: NewTenant, clock: FakeClock
    ) -> None:
        tenant = await new_tenant(generous=False)
        await burst(client, tenant, 60)
        assert (await client.get("/api/v1/agents", headers=tenant.headers)).status_code == 429
        clock.now += 49.5  # 0.25 s before the minute ends: still refused, 1 s to wait
        r = await client.get("/api/v1/agents", headers=tenant.headers)
        assert r.status_code == 429
        assert r.headers["retry-after"] == "1"
        clock.now += 0.5
        assert (await client.get("/api/v1/agents", headers=tenant.headers)).status_code == 200

    async def test_thousand_and_first_request_in_an_hour_is_429(
        self, client: httpx.AsyncClient, new_tenant: NewTenant, clock: FakeClock
    ) -> None:
        tenant = await new_tenant(generous=False)
        # 999 requests earlier this hour (in other minutes), then 1 more is the 1,000th.
        await counters().add(tenant.slug, Window("req:hour", "fixed", 0, 3600), 999, clock.now)
        assert (await client.get("/api/v1/agents", headers=tenant.headers)).status_code == 200
        r = await client.get("/api/v1/agents", headers=tenant.headers)
        assert r.status_code == 429
        assert r.text == "rate_limited: per-hour (1000) exceeded"
        assert r.headers["retry-after"] == str(left(clock, 3600)) == "3170"

    async def test_ten_thousand_and_first_request_in_a_day_is_429(
        self, client: httpx.AsyncClient, new_tenant: NewTenant, clock: FakeClock
    ) -> None:
        tenant = await new_tenant(generous=False)
        await counters().add(tenant.slug, Window("req:day", "fixed", 0, 86400), 9_999, clock.now)
        assert (await client.get("/api/v1/agents", headers=tenant.headers)).status_code == 200
        r = await client.get("/api/v1/agents", headers=tenant.headers)
        assert r.status_code == 429
        assert r.text == "rate_limited: per-day (10000) exceeded"
        # Until UTC midnight: 18:52:49.75 → 67,970 s.
        assert r.headers["retry-after"] == str(left(clock, 86400)) == "67970"

    async def test_twenty_first_concurrent_request_is_429(
        self, new_tenant: NewTenant, probe: Probe
    ) -> None:
        tenant = await new_tenant(generous=False)
        held = [
            asyncio.create_task(probe.client.get("/api/v1/_probe/slow", headers=tenant.headers))
            for _ in range(20)
        ]
        for _ in range(20):
            await asyncio.wait_for(probe.entered.get(), 10)
        r = await probe.client.get("/api/v1/_probe/slow", headers=tenant.headers)
        assert r.status_code == 429
        assert r.text == "rate_limited: concurrent (20) exceeded"
        assert r.headers["retry-after"] == "1"
        probe.release.set()
        assert [r.status_code for r in await asyncio.gather(*held)] == [200] * 20


async def gauge_drains(account: str) -> None:
    """The account's in-flight gauge reaches 0: slots given back without a request to carry
    them are sent within a few milliseconds."""
    gauge = Window("req:concurrent", "gauge", 1, 3600)
    for _ in range(100):
        if await counters().value(account, gauge) == 0:
            return
        await asyncio.sleep(0.01)
    raise AssertionError(f"in-flight gauge stuck at {await counters().value(account, gauge)}")


class TestConcurrency:
    async def test_slots_come_back_when_responses_end(
        self, client: httpx.AsyncClient, new_tenant: NewTenant, probe: Probe
    ) -> None:
        tenant = await new_tenant()
        await set_limits(tenant.slug, concurrent_requests=2)
        held = [
            asyncio.create_task(probe.client.get("/api/v1/_probe/slow", headers=tenant.headers))
            for _ in range(2)
        ]
        for _ in range(2):
            await asyncio.wait_for(probe.entered.get(), 10)
        for _ in range(3):  # refused requests hold no slot
            r = await client.get("/api/v1/agents", headers=tenant.headers)
            assert r.status_code == 429
            assert r.text == "rate_limited: concurrent (2) exceeded"
        probe.release.set()
        assert [r.status_code for r in await asyncio.gather(*held)] == [200, 200]
        # Successes and failures alike give their slot back.
        for path in ["/api/v1/agents", "/api/v1/agents/agent_nope", "/api/v1/agents"]:
            r = await client.get(path, headers=tenant.headers)
            assert r.status_code in (200, 404)
        rs = await asyncio.gather(
            *[client.get("/api/v1/agents", headers=tenant.headers) for _ in range(2)]
        )
        assert [r.status_code for r in rs] == [200, 200]

    async def test_long_lived_responses_can_give_their_slot_back(
        self, client: httpx.AsyncClient, new_tenant: NewTenant, probe: Probe
    ) -> None:
        tenant = await new_tenant()
        await set_limits(tenant.slug, concurrent_requests=1)
        streams = []
        for _ in range(3):  # one after the other: each gives its slot back, the next gets it
            get = probe.client.get("/api/v1/_probe/stream", headers=tenant.headers)
            streams.append(asyncio.create_task(get))
            await asyncio.wait_for(probe.entered.get(), 10)
        await gauge_drains(tenant.slug)
        assert (await client.get("/api/v1/agents", headers=tenant.headers)).status_code == 200
        probe.release.set()
        assert [r.status_code for r in await asyncio.gather(*streams)] == [200] * 3
        await gauge_drains(tenant.slug)

    async def test_a_slot_comes_back_before_the_next_check(
        self, client: httpx.AsyncClient, new_tenant: NewTenant
    ) -> None:
        """With Redis, a finished request's slot travels with the account's next acquire (one
        round trip per request); it is never counted against that request."""
        tenant = await new_tenant()
        await set_limits(tenant.slug, concurrent_requests=1)
        for _ in range(20):
            r = await client.get("/api/v1/agents", headers=tenant.headers)
            assert r.status_code == 200, r.text
        await gauge_drains(tenant.slug)

    async def test_gauge_never_exceeds_limit_under_a_burst(
        self, new_tenant: NewTenant, probe: Probe
    ) -> None:
        tenant = await new_tenant()
        await set_limits(tenant.slug, concurrent_requests=5)
        tasks = [
            asyncio.create_task(probe.client.get("/api/v1/_probe/slow", headers=tenant.headers))
            for _ in range(30)
        ]
        for _ in range(5):
            await asyncio.wait_for(probe.entered.get(), 10)
        for _ in range(300):  # every other request is refused while the five are held
            if sum(t.done() for t in tasks) == 25:
                break
            await asyncio.sleep(0.1)
        refused = [t.result() for t in tasks if t.done()]
        assert [r.status_code for r in refused] == [429] * 25
        assert probe.entered.empty()  # nobody else got in
        probe.release.set()
        statuses = [r.status_code for r in await asyncio.gather(*tasks)]
        assert statuses.count(200) == 5


class TestConfiguration:
    async def test_account_limits_are_honoured_and_isolated(
        self, client: httpx.AsyncClient, new_tenant: NewTenant, clock: FakeClock
    ) -> None:
        small, other = await new_tenant(), await new_tenant(generous=False)
        await set_limits(small.slug, requests_per_minute=3)
        assert [r.status_code for r in await burst(client, small, 3)] == [200] * 3
        r = await client.get("/api/v1/agents", headers=small.headers)
        assert r.status_code == 429
        assert r.text == "rate_limited: per-minute (3) exceeded"
        assert [r.status_code for r in await burst(client, other, 5)] == [200] * 5

    async def test_limits_apply_to_every_credential_of_the_account(
        self, client: httpx.AsyncClient, new_tenant: NewTenant, clock: FakeClock
    ) -> None:
        tenant = await new_tenant()
        await set_limits(tenant.slug, requests_per_minute=2)
        assert (await client.get("/api/v1/agents", headers=tenant.headers)).status_code == 200
        assert (await client.get("/api/v1/agents", headers=tenant.jwt_headers)).status_code == 200
        r = await client.get("/api/v1/api-keys", headers=tenant.jwt_headers)
        assert r.status_code == 429

    async def test_zero_blocks(self, client: httpx.AsyncClient, new_tenant: NewTenant) -> None:
        tenant = await new_tenant()
        await set_limits(tenant.slug, requests_per_day=0)
        r = await client.get("/api/v1/agents", headers=tenant.headers)
        assert r.status_code == 429
        assert r.text == "rate_limited: per-day (0) exceeded"

    async def test_unauthenticated_requests_are_not_counted(
        self, client: httpx.AsyncClient, new_tenant: NewTenant, clock: FakeClock
    ) -> None:
        tenant = await new_tenant()
        await set_limits(tenant.slug, requests_per_minute=1)
        bad = {"Authorization": f"Bearer sk_live_{tenant.slug}_{'x' * 40}"}
        for _ in range(5):
            assert (await client.get("/api/v1/agents", headers=bad)).status_code == 401
        assert (await client.get("/api/v1/agents", headers=tenant.headers)).status_code == 200

    async def test_unknown_account_is_404(self) -> None:
        from kataven_hub.core import tenancy
        from kataven_hub.core.errors import NotFound

        async with new_session(tenancy.get().control_engine) as session:
            with pytest.raises(NotFound):
                await rate_limits_service.set_limits(
                    ControlSession(session), "no-such-account", RateLimitsUpdate()
                )

    @pytest.mark.parametrize(
        "changes",
        [{"requests_per_minute": -1}, {"concurrent_requests": "5"}, {"requests_per_day": 10**10}],
    )
    def test_rejects_bad_values(self, changes: dict[str, object]) -> None:
        from pydantic import ValidationError

        with pytest.raises(ValidationError):
            RateLimitsUpdate(**changes)  # type: ignore[arg-type]

    async def test_cached_limits_expire(
        self, monkeypatch: pytest.MonkeyPatch, new_tenant: NewTenant
    ) -> None:
        tenant = await new_tenant()
        assert (await rate_limits_service.limits_for(tenant.slug)).requests_per_minute == GENEROUS
        # Another process (the operator command) changes the row: this one's cache is stale...
        from kataven_hub.core import tenancy

        async with new_session(tenancy.get().control_engine) as session:
            row = await session.get(rate_limits_service.AccountRateLimit, tenant.slug)
            assert row is not None
            row.requests_per_minute = 7
            await session.commit()
        assert (await rate_limits_service.limits_for(tenant.slug)).requests_per_minute == GENEROUS
        # ...until RATE_LIMITS_CACHE_SECONDS have passed.
        real = rate_limits_service.time.monotonic

        class Later:
            @staticmethod
            def monotonic() -> float:
                return real() + 11

        monkeypatch.setattr(rate_limits_service, "time", Later)
        assert (await rate_limits_service.limits_for(tenant.slug)).requests_per_minute == 7


class TestPublicLimits:
    async def test_per_client_key_and_ip(self, probe: Probe, clock: FakeClock) -> None:
        url = "/api/v1/_probe/public?client_key=pk_live_abc"
        rs = [await probe.client.get(url) for _ in range(60)]
        assert [r.status_code for r in rs] == [200] * 60
        r = await probe.client.get(url)
        assert r.status_code == 429
        assert r.text == "rate_limited: per-minute (60) exceeded"
        assert r.headers["retry-after"] == "50"
        # Another key from the same IP, and the same key from another IP, are counted apart.
        assert (await probe.client.get(url + "x")).status_code == 200
        transport = httpx.ASGITransport(app=probe.client._transport.app, client=("10.9.8.7", 5))  # type: ignore[attr-defined]
        async with httpx.AsyncClient(transport=transport, base_url="http://hub.test") as other:
            assert (await other.get(url)).status_code == 200

    async def test_per_client_key_overall(
        self, probe: Probe, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        from kataven_hub.core.settings import get_settings

        monkeypatch.setattr(get_settings(), "PUBLIC_REQUESTS_PER_MINUTE_PER_KEY", 4)
        url = "/api/v1/_probe/public?client_key=pk_live_overall"
        app = probe.client._transport.app  # type: ignore[attr-defined]
        statuses = []
        for i in range(6):
            transport = httpx.ASGITransport(app=app, client=(f"10.0.0.{i}", 5))
            async with httpx.AsyncClient(transport=transport, base_url="http://hub.test") as c:
                statuses.append((await c.get(url)).status_code)
        assert statuses == [200] * 4 + [429] * 2

    async def test_hostile_client_keys(self, probe: Probe) -> None:
        for key in ["", "x" * 5000, "%00", "{a}", "ü"]:
            r = await probe.client.get("/api/v1/_probe/public", params={"client_key": key})
            assert r.status_code == 200, key
