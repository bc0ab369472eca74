"""CORS on /api/v1/widget/…: answered for allowed origins only, preflights included."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest

from tests.fixtures.app import Tenant
from tests.widget.helpers import ORIGIN, make_key, ready_widget


async def preflight(
    client: httpx.AsyncClient, path: str, origin: str, client_key: str | None
) -> httpx.Response:
    params = {"client_key": client_key} if client_key is not None else None
    headers = {
        "Origin": origin,
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type",
    }
    return await client.options(path, params=params, headers=headers)


class TestPreflight:
    @pytest.mark.parametrize(
        "path",
        [
            "/api/v1/widget/auth/guest",
            "/api/v1/widget/auth/exchange",
            "/api/v1/widget/auth/refresh",
        ],
    )
    async def test_allowed_origin(
        self, client: httpx.AsyncClient, tenant_a: Tenant, path: str
    ) -> None:
        _, key = await ready_widget(client, tenant_a)
        r = await preflight(client, path, ORIGIN, key["public_key"])
        assert r.status_code == 204
        assert r.headers["access-control-allow-origin"] == ORIGIN
        assert "POST" in r.headers["access-control-allow-methods"]
        assert "content-type" in r.headers["access-control-allow-headers"]
        assert "access-control-allow-credentials" not in r.headers
        assert "Origin" in r.headers["vary"]

    async def test_on_alias_paths(self, client: httpx.AsyncClient, tenant_a: Tenant) -> None:
        _, key = await ready_widget(client, tenant_a)
        for path in ("/v1/widget/auth/guest", "/hub-api/api/v1/widget/auth/guest"):
            r = await preflight(client, path, ORIGIN, key["public_key"])
            assert r.status_code == 204, path

    @pytest.mark.parametrize("origin", ["https://evil.test", "null", "http://shop.acme.test"])
    async def test_forged_origin_gets_no_cors(
        self, client: httpx.AsyncClient, tenant_a: Tenant, origin: str
    ) -> None:
        _, key = await ready_widget(client, tenant_a)
        r = await preflight(client, "/api/v1/widget/auth/guest", origin, key["public_key"])
        assert r.status_code == 403
        assert "access-control-allow-origin" not in r.headers

    @pytest.mark.parametrize("client_key", ["garbage", "pk_live_nosuch_" + "a" * 40, "x" * 5000])
    async def test_without_a_valid_key_gets_no_cors(
        self, client: httpx.AsyncClient, client_key: str | None
    ) -> None:
        r = await preflight(client, "/api/v1/widget/auth/guest", ORIGIN, client_key)
        assert r.status_code == 403
        assert "access-control-allow-origin" not in r.headers

    @pytest.mark.parametrize("client_key", [None, ""])
    async def test_without_client_key_any_active_key_may_allow_the_origin(
        self, client: httpx.AsyncClient, new_tenant: Any, client_key: str | None
    ) -> None:
        """The documented API sends no client_key on the preflight (a page's own code posting
        JSON): it is answered for an origin some active widget key, of any account, allows;
        the request itself is still checked against its exact key."""
        origin = f"https://{uuid.uuid4().hex[:10]}.shop.test"
        path = "/api/v1/widget/auth/guest"
        assert (await preflight(client, path, origin, client_key)).status_code == 403
        tenant: Tenant = await new_tenant()
        key = await make_key(client, tenant, allowlist=[origin])
        r = await preflight(client, path, origin, client_key)
        assert r.status_code == 204
        assert r.headers["access-control-allow-origin"] == origin
        other = await preflight(client, path, "https://nobody-allows.test", client_key)
        assert other.status_code == 403
        assert "access-control-allow-origin" not in other.headers
        assert (await preflight(client, "/api/v1/widget/auth/user-token", origin, client_key)
                ).status_code == 403  # fmt: skip
        r = await client.patch(f"/api/v1/widget-keys/{key['id']}", json={"disabled": True},
                               headers=tenant.headers)  # fmt: skip
        assert r.status_code == 200, r.text
        assert (await preflight(client, path, origin, client_key)).status_code == 403
        r = await client.patch(f"/api/v1/widget-keys/{key['id']}", json={"disabled": False},
                               headers=tenant.headers)  # fmt: skip
        assert (await preflight(client, path, origin, client_key)).status_code == 204
        r = await client.delete(f"/api/v1/widget-keys/{key['id']}", headers=tenant.headers)
        assert r.status_code == 204
        assert (await preflight(client, path, origin, client_key)).status_code == 403

    async def test_empty_allowlist_gets_no_cors(
        self, client: httpx.AsyncClient, tenant_a: Tenant
    ) -> None:
        r = await client.post(
            "/api/v1/widget-keys", json={"name": "empty"}, headers=tenant_a.headers
        )
        pre = await preflight(client, "/api/v1/widget/auth/guest", ORIGIN, r.json()["public_key"])
        assert pre.status_code == 403

    async def test_user_token_never_answers_cors(
        self, client: httpx.AsyncClient, tenant_a: Tenant
    ) -> None:
        _, key = await ready_widget(client, tenant_a)
        r = await preflight(client, "/api/v1/widget/auth/user-token", ORIGIN, key["public_key"])
        assert r.status_code == 403
        assert "access-control-allow-origin" not in r.headers

    async def test_other_routes_untouched(
        self, client: httpx.AsyncClient, tenant_a: Tenant
    ) -> None:
        key = await make_key(client, tenant_a)
        r = await client.get("/api/v1/widget-keys", headers={**tenant_a.headers, "Origin": ORIGIN})
        assert r.status_code == 200
        assert "access-control-allow-origin" not in r.headers
        r = await preflight(client, "/api/v1/widget-keys", ORIGIN, key["public_key"])
        assert "access-control-allow-origin" not in r.headers


class TestActualRequests:
    async def test_cors_only_for_allowed_origin(
        self, client: httpx.AsyncClient, tenant_a: Tenant
    ) -> None:
        agent, key = await ready_widget(client, tenant_a)
        params = {"client_key": key["public_key"], "agent_id": agent["id"]}
        ok = await client.get("/api/v1/widget/config", params=params, headers={"Origin": ORIGIN})
        assert ok.headers["access-control-allow-origin"] == ORIGIN
        bad = await client.get(
            "/api/v1/widget/config", params=params, headers={"Origin": "https://evil.test"}
        )
        assert bad.status_code == 403
        assert "access-control-allow-origin" not in bad.headers
        assert "Origin" in bad.headers["vary"]
