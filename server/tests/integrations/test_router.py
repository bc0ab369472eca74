from __future__ import annotations

import httpx
import pytest
from kataven_hub.integrations import service as integrations_service

from tests.fixtures.app import Tenant
from tests.helpers import JSON, count_rows, tenant_session

STRIPE = {"secret_key": "sk_test_51RouterTestKey0000000000000"}
SHOPIFY = {
    "shop_domain": "router-test.myshopify.com",
    "access_token": "shpat_" + "0123456789abcdef" * 2,
}
SLACK = {"bot_token": "xoxb-1234-5678-RouterTestToken"}


async def install(
    client: httpx.AsyncClient, tenant: Tenant, ref: str, creds: dict
) -> httpx.Response:
    return await client.post(
        f"/api/v1/integrations/{ref}/install", json={"credentials": creds}, headers=tenant.headers
    )


async def tool_names(client: httpx.AsyncClient, tenant: Tenant, prefix: str) -> list[str]:
    r = await client.get(f"/api/v1/tools?search={prefix}&limit=100", headers=tenant.headers)
    return [t["name"] for t in r.json()["tools"] if t["name"].startswith(prefix)]


class TestListIntegrations:
    async def test_catalogue(self, client: httpx.AsyncClient, new_tenant) -> None:
        tenant = await new_tenant()
        r = await client.get("/api/v1/integrations", headers=tenant.headers)
        assert r.status_code == 200
        body = r.json()
        by_name = {i["name"]: i for i in body["integrations"]}
        assert set(by_name) == {"stripe", "shopify", "slack"}
        assert by_name["stripe"]["credential_keys"] == ["secret_key"]
        assert by_name["shopify"]["credential_keys"] == ["shop_domain", "access_token"]
        assert by_name["slack"]["credential_keys"] == ["bot_token"]
        for entry in body["integrations"]:
            assert entry["id"] == f"intg_{entry['name']}"
            assert entry["tools"]
            assert entry["installed"] is False
            assert entry["credential_keys_set"] == []
        assert body["category_counts"] == {"communication": 1, "ecommerce": 1, "payments": 1}

    async def test_category_filter(self, client: httpx.AsyncClient, tenant_a: Tenant) -> None:
        r = await client.get("/api/v1/integrations?category=payments", headers=tenant_a.headers)
        assert [i["name"] for i in r.json()["integrations"]] == ["stripe"]
        assert sum(r.json()["category_counts"].values()) == 3
        r = await client.get("/api/v1/integrations?category=none", headers=tenant_a.headers)
        assert r.json()["integrations"] == []


class TestGetIntegration:
    @pytest.mark.parametrize("ref", ["stripe", "intg_stripe"])
    async def test_by_id_or_name(
        self, client: httpx.AsyncClient, tenant_a: Tenant, ref: str
    ) -> None:
        r = await client.get(f"/api/v1/integrations/{ref}", headers=tenant_a.headers)
        assert r.status_code == 200
        assert r.json()["id"] == "intg_stripe"
        assert {t["name"] for t in r.json()["tools"]} >= {
            "stripe_find_customer",
            "stripe_refund_payment",
        }

    @pytest.mark.parametrize("ref", ["paypal", "intg_paypal", "x" * 3000, "STRIPE"])
    async def test_unknown_is_404(
        self, client: httpx.AsyncClient, tenant_a: Tenant, ref: str
    ) -> None:
        assert (
            await client.get(f"/api/v1/integrations/{ref}", headers=tenant_a.headers)
        ).status_code == 404


class TestInstall:
    async def test_install_reinstall_uninstall(self, client: httpx.AsyncClient, new_tenant) -> None:
        tenant = await new_tenant()
        r = await install(client, tenant, "shopify", SHOPIFY)
        assert r.status_code == 200, r.text
        body = r.json()
        assert body["installed"] is True
        assert body["credential_keys_set"] == ["access_token", "shop_domain"]
        assert SHOPIFY["access_token"] not in r.text
        assert SHOPIFY["shop_domain"] not in r.text
        assert (
            await client.get("/api/v1/integrations/shopify", headers=tenant.headers)
        ).json() == body
        names = await tool_names(client, tenant, "shopify_")
        assert names == sorted(t["name"] for t in body["tools"])
        tool = (await client.get(f"/api/v1/tools/{names[0]}", headers=tenant.headers)).json()
        assert tool["integration_id"] == "intg_shopify"
        assert tool["implementation_type"] == "http"
        assert (
            tool["implementation_config"]["headers"]["X-Shopify-Access-Token"] == "{access_token}"
        )
        async with tenant_session(tenant.slug) as session:
            assert (
                await integrations_service.credentials(session, tenant.slug, "shopify") == SHOPIFY
            )

        agent = (
            await client.post("/api/v1/agents", json={"name": "Shop"}, headers=tenant.headers)
        ).json()
        url = f"/api/v1/agents/{agent['id']}/tools"
        assert (
            await client.post(url, json={"tool_name": names[0]}, headers=tenant.headers)
        ).status_code == 200

        token2 = "shpat_" + "f" * 32
        r = await install(
            client, tenant, "intg_shopify", {**SHOPIFY, "access_token": f"  {token2} "}
        )
        assert r.status_code == 200
        assert r.json()["installed_at"] == body["installed_at"]
        assert await count_rows(tenant.slug, "integration_credentials") == 2
        async with tenant_session(tenant.slug) as session:
            creds = await integrations_service.credentials(session, tenant.slug, "shopify")
        assert creds["access_token"] == token2
        assert await tool_names(client, tenant, "shopify_") == names

        r = await client.post("/api/v1/integrations/shopify/uninstall", headers=tenant.headers)
        assert r.status_code == 200
        assert r.json()["installed"] is False
        assert r.json()["credential_keys_set"] == []
        assert await count_rows(tenant.slug, "integration_credentials") == 0
        assert await count_rows(tenant.slug, "integrations") == 0
        assert await tool_names(client, tenant, "shopify_") == []
        assert (await client.get(url, headers=tenant.headers)).json() == []
        r = await client.post("/api/v1/integrations/shopify/uninstall", headers=tenant.headers)
        assert r.status_code == 200
        assert r.json()["installed"] is False

    @pytest.mark.parametrize(
        ("ref", "creds"),
        [
            ("stripe", {}),
            ("stripe", {"secret_key": ""}),
            ("stripe", {"secret_key": "   "}),
            ("stripe", {"secret_key": "pk_test_abcdefghijklmnop"}),
            ("stripe", {**STRIPE, "extra": "x"}),
            ("stripe", {"secret_key": 123}),
            ("stripe", {"secret_key": None}),
            ("stripe", {"secret_key": "sk_test_" + "a" * 1_000_000}),
            ("stripe", {"secret_key": "sk_test_abc\x00defghijklmnop"}),
            ("stripe", {f"k{i}": "v" for i in range(25)}),
            ("shopify", {"shop_domain": SHOPIFY["shop_domain"]}),
            ("shopify", {**SHOPIFY, "shop_domain": "evil.example.com"}),
            ("slack", {"bot_token": "xoxp-user-token-not-bot"}),
            ("slack", {"token": SLACK["bot_token"]}),
        ],
    )
    async def test_invalid_credentials_are_400_and_store_nothing(
        self, client: httpx.AsyncClient, tenant_a: Tenant, ref: str, creds: dict
    ) -> None:
        r = await install(client, tenant_a, ref, creds)
        assert r.status_code == 400, r.text
        for value in creds.values():
            if isinstance(value, str) and len(value) > 4:
                assert value.strip() not in r.text
        got = (await client.get(f"/api/v1/integrations/{ref}", headers=tenant_a.headers)).json()
        assert got["installed"] is False

    async def test_error_names_the_keys(self, client: httpx.AsyncClient, tenant_a: Tenant) -> None:
        r = await client.post(
            "/api/v1/integrations/shopify/install",
            json={"credentials": {"shop_domain": "", "bogus": "x"}},
            headers={**tenant_a.headers, **JSON},
        )
        fields = {e["field"]: e["message"] for e in r.json()["errors"]}
        assert fields == {
            "credentials.bogus": "unknown key",
            "credentials.shop_domain": "must not be empty",
            "credentials.access_token": "required",
        }

    @pytest.mark.parametrize(
        "body", [{}, {"credentials": []}, {"credentials": "sk"}, [STRIPE], STRIPE]
    )
    async def test_bad_body_is_400(
        self, client: httpx.AsyncClient, tenant_a: Tenant, body: object
    ) -> None:
        r = await client.post(
            "/api/v1/integrations/stripe/install", json=body, headers=tenant_a.headers
        )
        assert r.status_code == 400

    async def test_unknown_is_404(self, client: httpx.AsyncClient, tenant_a: Tenant) -> None:
        r = await install(client, tenant_a, "paypal", {"secret_key": "x"})
        assert r.status_code == 404
        r = await client.post("/api/v1/integrations/paypal/uninstall", headers=tenant_a.headers)
        assert r.status_code == 404

    async def test_tool_name_clash_is_409(self, client: httpx.AsyncClient, new_tenant) -> None:
        tenant = await new_tenant()
        r = await client.post(
            "/api/v1/tools",
            json={"name": "slack_post_message", "category": "mine"},
            headers=tenant.headers,
        )
        assert r.status_code == 201
        r = await install(client, tenant, "slack", SLACK)
        assert r.status_code == 409
        assert (await client.get("/api/v1/integrations/slack", headers=tenant.headers)).json()[
            "installed"
        ] is False
        assert await count_rows(tenant.slug, "integration_credentials") == 0

    async def test_integration_tools_cannot_be_deleted_directly(
        self, client: httpx.AsyncClient, new_tenant
    ) -> None:
        tenant = await new_tenant()
        assert (await install(client, tenant, "slack", SLACK)).status_code == 200
        r = await client.delete("/api/v1/tools/slack_post_message", headers=tenant.headers)
        assert r.status_code == 403
        r = await client.put(
            "/api/v1/tools/slack_post_message",
            json={"description": "Tell the team."},
            headers=tenant.headers,
        )
        assert r.status_code == 200
        assert r.json()["integration_id"] == "intg_slack"

    async def test_accounts_are_separate(
        self, client: httpx.AsyncClient, tenant_a: Tenant, tenant_b: Tenant
    ) -> None:
        assert (await install(client, tenant_b, "stripe", STRIPE)).status_code == 200
        got = (await client.get("/api/v1/integrations/stripe", headers=tenant_a.headers)).json()
        assert got["installed"] is False
        assert await tool_names(client, tenant_a, "stripe_") == []
        r = await client.post("/api/v1/integrations/stripe/uninstall", headers=tenant_a.headers)
        assert r.status_code == 200
        assert (await client.get("/api/v1/integrations/stripe", headers=tenant_b.headers)).json()[
            "installed"
        ] is True


class TestNativeToolsAndMcp:
    async def test_native_tools_are_the_builtins(
        self, client: httpx.AsyncClient, tenant_a: Tenant
    ) -> None:
        r = await client.get("/api/v1/native-tools", headers=tenant_a.headers)
        assert r.status_code == 200
        body = r.json()
        assert body["count"] == len(body["native_tools"]) > 10
        assert all(t["is_default"] for t in body["native_tools"])
        assert "transfer_call" in {t["name"] for t in body["native_tools"]}

    async def test_mcp_connections_empty(self, client: httpx.AsyncClient, tenant_a: Tenant) -> None:
        r = await client.get("/api/v1/mcp-connections", headers=tenant_a.headers)
        assert r.status_code == 200
        assert r.json() == {"mcp_connections": []}

    @pytest.mark.parametrize(
        "path", ["/api/v1/native-tools", "/api/v1/mcp-connections", "/api/v1/integrations"]
    )
    async def test_require_auth(self, client: httpx.AsyncClient, path: str) -> None:
        assert (await client.get(path)).status_code == 401
