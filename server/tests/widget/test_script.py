"""GET /widget/v1.js: the embeddable script."""

from __future__ import annotations

import httpx

from tests.fixtures.app import Tenant


class TestWidgetScript:
    async def test_served_with_type_and_cache_headers(self, client: httpx.AsyncClient) -> None:
        r = await client.get("/widget/v1.js")
        assert r.status_code == 200
        assert r.headers["content-type"] == "text/javascript; charset=utf-8"
        assert r.headers["cache-control"] == "public, max-age=300"
        assert r.headers["x-content-type-options"] == "nosniff"
        assert r.headers["access-control-allow-origin"] == "*"
        assert r.headers["etag"].startswith('"')
        assert "Kataven" in r.text
        assert "init" in r.text

    async def test_revalidates_with_etag(self, client: httpx.AsyncClient) -> None:
        etag = (await client.get("/widget/v1.js")).headers["etag"]
        r = await client.get("/widget/v1.js", headers={"If-None-Match": etag})
        assert r.status_code == 304
        assert r.content == b""
        assert (
            await client.get("/widget/v1.js", headers={"If-None-Match": '"other"'})
        ).status_code == 200

    async def test_head(self, client: httpx.AsyncClient) -> None:
        r = await client.head("/widget/v1.js")
        assert r.status_code == 200
        assert r.content == b""

    async def test_needs_no_credential_and_is_not_under_api(
        self, client: httpx.AsyncClient, tenant_a: Tenant
    ) -> None:
        assert (await client.get("/api/v1/widget/v1.js")).status_code == 404
        assert (await client.get("/hub-api/widget/v1.js")).status_code == 200
