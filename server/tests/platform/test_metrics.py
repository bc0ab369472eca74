"""/metrics: guarded (404 without a token configured, 401 without the token), Prometheus text,
counting requests by route template, rate-limit and cost-cap rejections."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import httpx
import pytest
from kataven_hub.core import metrics
from kataven_hub.core.settings import get_settings
from pydantic import SecretStr

from tests.fixtures.app import Tenant
from tests.rate_limits.test_request_limits import set_limits

NewTenant = Callable[..., Awaitable[Tenant]]
TOKEN = "metrics-token-for-tests"


@pytest.fixture
def token(monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    monkeypatch.setattr(get_settings(), "METRICS_TOKEN", SecretStr(TOKEN))
    return {"Authorization": f"Bearer {TOKEN}"}


def sample(text: str, line_start: str) -> float:
    for line in text.splitlines():
        if line.startswith(line_start + " "):
            return float(line.rsplit(" ", 1)[1])
    return 0.0


class TestGuard:
    async def test_disabled_without_a_token(self, client: httpx.AsyncClient) -> None:
        r = await client.get("/metrics")
        assert r.status_code == 404
        assert "kataven_http" not in r.text

    @pytest.mark.parametrize(
        "headers",
        [
            {},
            {"Authorization": "Bearer wrong"},
            {"Authorization": TOKEN},
            {"Authorization": f"Basic {TOKEN}"},
        ],
    )
    async def test_needs_the_token(
        self, client: httpx.AsyncClient, token: dict[str, str], headers: dict[str, str]
    ) -> None:
        r = await client.get("/metrics", headers=headers)
        assert r.status_code == 401
        assert "kataven_http" not in r.text

    async def test_an_api_key_is_not_enough(
        self, client: httpx.AsyncClient, token: dict[str, str], tenant_a: Tenant
    ) -> None:
        assert (await client.get("/metrics", headers=tenant_a.headers)).status_code == 401

    async def test_not_in_the_openapi(self, client: httpx.AsyncClient) -> None:
        assert "/metrics" not in (await client.get("/openapi.json")).json()["paths"]


class TestExposition:
    async def test_counts_requests_by_route_template(
        self, client: httpx.AsyncClient, token: dict[str, str], tenant_a: Tenant
    ) -> None:
        series = (
            'kataven_http_requests_total{method="GET",route="/api/v1/agents/{agent_id}",'
            'status="404"}'
        )
        before = sample((await client.get("/metrics", headers=token)).text, series)
        for agent_id in ("agent_a", "agent_b", "agent_c"):
            r = await client.get(f"/v1/agents/{agent_id}", headers=tenant_a.headers)
            assert r.status_code == 404
        r = await client.get("/metrics", headers=token)
        assert r.status_code == 200
        assert r.headers["content-type"].startswith("text/plain; version=")
        assert sample(r.text, series) == before + 3
        assert "agent_a" not in r.text
        assert 'kataven_http_request_duration_seconds_bucket{le="0.005",method="GET",' in r.text

    async def test_openmetrics_when_asked(
        self, client: httpx.AsyncClient, token: dict[str, str]
    ) -> None:
        accept = {"Accept": "application/openmetrics-text; version=1.0.0"}
        r = await client.get("/metrics", headers={**token, **accept})
        assert r.headers["content-type"].startswith("application/openmetrics-text")
        assert r.text.endswith("# EOF\n")

    async def test_unknown_paths_share_one_label(
        self, client: httpx.AsyncClient, token: dict[str, str]
    ) -> None:
        await client.get("/nowhere/98765zz")
        text = (await client.get("/metrics", headers=token)).text
        assert 'route="unmatched",status="404"' in text
        assert "98765zz" not in text

    async def test_counts_rate_limit_rejections(
        self, client: httpx.AsyncClient, token: dict[str, str], new_tenant: NewTenant
    ) -> None:
        series = 'kataven_rate_limit_rejections_total{scope="account",window="per-day"}'
        before = sample((await client.get("/metrics", headers=token)).text, series)
        tenant = await new_tenant()
        await set_limits(tenant.slug, requests_per_day=0)
        for _ in range(2):
            assert (await client.get("/api/v1/agents", headers=tenant.headers)).status_code == 429
        text = (await client.get("/metrics", headers=token)).text
        assert sample(text, series) == before + 2

    async def test_exports_cost_caps_and_gauges_for_other_modules(
        self, client: httpx.AsyncClient, token: dict[str, str]
    ) -> None:
        series = 'kataven_cost_cap_rejections_total{reason="daily_calls"}'
        before = sample((await client.get("/metrics", headers=token)).text, series)
        metrics.COST_CAP_REJECTIONS.labels(reason="daily_calls").inc()
        text = (await client.get("/metrics", headers=token)).text
        assert sample(text, series) == before + 1
        for name in (
            "kataven_sse_connections",
            "kataven_dispatcher_calls_in_flight",
            "kataven_dispatcher_active_campaigns",
            "kataven_http_requests_in_flight",
        ):
            assert f"# TYPE {name} gauge" in text
