"""Widget settings: account branding and per-agent policy."""

from __future__ import annotations

import httpx
import pytest

from tests.fixtures.app import Tenant
from tests.widget.helpers import make_agent

DEFAULTS = {
    "primary_color": "#2563eb",
    "accent_color": "#1e40af",
    "logo_url": None,
    "launcher_position": "br",
    "launcher_label": "Talk to us",
    "privacy_notice": None,
}


class TestGetBranding:
    async def test_rejects_anonymous(self, client: httpx.AsyncClient) -> None:
        assert (await client.get("/api/v1/widget-settings")).status_code == 401

    async def test_defaults_when_never_set(self, client: httpx.AsyncClient, new_tenant) -> None:
        tenant = await new_tenant()
        r = await client.get("/api/v1/widget-settings", headers=tenant.headers)
        assert r.status_code == 200
        assert r.json() == {**DEFAULTS, "updated_at": None}


class TestUpdateBranding:
    async def test_partial_update_and_reset(self, client: httpx.AsyncClient, new_tenant) -> None:
        tenant = await new_tenant()
        body = {
            "primary_color": "#FF5500",
            "launcher_position": "tl",
            "launcher_label": "  Chat with Ada  ",
            "privacy_notice": "Calls may be recorded for quality.",
            "logo_url": "https://acme.com/logo.svg",
        }
        r = await client.patch("/api/v1/widget-settings", json=body, headers=tenant.jwt_headers)
        assert r.status_code == 200, r.text
        got = r.json()
        assert got["primary_color"] == "#ff5500"
        assert got["accent_color"] == DEFAULTS["accent_color"]
        assert got["launcher_position"] == "tl"
        assert got["launcher_label"] == "Chat with Ada"
        assert got["logo_url"] == "https://acme.com/logo.svg"
        assert got["updated_at"].endswith("Z")
        r = await client.patch(
            "/api/v1/widget-settings", json={"accent_color": "#000000"}, headers=tenant.headers
        )
        assert r.json()["primary_color"] == "#ff5500"
        assert r.json()["accent_color"] == "#000000"
        r = await client.patch(
            "/api/v1/widget-settings",
            json={"primary_color": None, "logo_url": None},
            headers=tenant.headers,
        )
        assert r.json()["primary_color"] == DEFAULTS["primary_color"]
        assert r.json()["logo_url"] is None
        again = (await client.get("/api/v1/widget-settings", headers=tenant.headers)).json()
        assert again["launcher_position"] == "tl"
        assert again["accent_color"] == "#000000"

    @pytest.mark.parametrize(
        "body",
        [
            {"launcher_position": "middle"},
            {"launcher_position": 1},
            {"primary_color": "red"},
            {"primary_color": "#12345"},
            {"accent_color": "#1234567"},
            {"accent_color": "#gggggg"},
            {"logo_url": "http://acme.com/logo.png"},
            {"logo_url": "javascript:alert(1)"},
            {"logo_url": "https://"},
            {"logo_url": "https://user:pw@acme.com/x.png"},
            {"logo_url": "https://acme.com/a b.png"},
            {"logo_url": "https://acme.com/" + "x" * 3000},
            {"launcher_label": ""},
            {"launcher_label": "   "},
            {"launcher_label": "x" * 61},
            {"launcher_label": "nul\x00"},
            {"privacy_notice": "x" * 1001},
            {"privacy_notice": "x" * 1_000_000},
            ["primary_color"],
        ],
    )
    async def test_rejects_invalid_body_with_400(
        self, client: httpx.AsyncClient, tenant_a: Tenant, body: object
    ) -> None:
        before = (await client.get("/api/v1/widget-settings", headers=tenant_a.headers)).json()
        r = await client.patch("/api/v1/widget-settings", json=body, headers=tenant_a.headers)
        assert r.status_code == 400, r.text
        after = (await client.get("/api/v1/widget-settings", headers=tenant_a.headers)).json()
        assert after == before

    async def test_two_account_matrix(self, client: httpx.AsyncClient, new_tenant) -> None:
        a, b = await new_tenant(), await new_tenant()
        await client.patch(
            "/api/v1/widget-settings", json={"launcher_label": "Only A"}, headers=a.headers
        )
        got_b = (await client.get("/api/v1/widget-settings", headers=b.headers)).json()
        assert got_b["launcher_label"] == DEFAULTS["launcher_label"]

    async def test_rejects_anonymous(self, client: httpx.AsyncClient) -> None:
        r = await client.patch("/api/v1/widget-settings", json={"launcher_label": "x"})
        assert r.status_code == 401


class TestGetAgentWidgetSettings:
    @pytest.mark.parametrize(
        ("agent_auth", "expected"), [("public", "both"), ("authenticated", "user")]
    )
    async def test_defaults_follow_the_agent(
        self, client: httpx.AsyncClient, tenant_a: Tenant, agent_auth: str, expected: str
    ) -> None:
        agent = await make_agent(client, tenant_a, auth_mode=agent_auth)
        r = await client.get(
            f"/api/v1/agents/{agent['id']}/widget-settings", headers=tenant_a.headers
        )
        assert r.status_code == 200
        assert r.json() == {
            "agent_id": agent["id"],
            "widget_enabled": False,
            "auth_mode": expected,
            "auth_mode_source": "agent",
            "greeting_override": None,
            "updated_at": None,
        }

    async def test_inherited_mode_tracks_agent_changes(
        self, client: httpx.AsyncClient, tenant_a: Tenant
    ) -> None:
        agent = await make_agent(client, tenant_a, auth_mode="public")
        url = f"/api/v1/agents/{agent['id']}/widget-settings"
        await client.patch(url, json={"widget_enabled": True}, headers=tenant_a.headers)
        await client.patch(
            f"/api/v1/agents/{agent['id']}",
            json={"auth_mode": "authenticated"},
            headers=tenant_a.headers,
        )
        got = (await client.get(url, headers=tenant_a.headers)).json()
        assert got["auth_mode"] == "user"
        assert got["widget_enabled"] is True

    @pytest.mark.parametrize("agent_id", ["agent_01HZ2N0000000000000000000Z", "nope"])
    async def test_unknown_agent_is_404(
        self, client: httpx.AsyncClient, tenant_a: Tenant, agent_id: str
    ) -> None:
        r = await client.get(f"/api/v1/agents/{agent_id}/widget-settings", headers=tenant_a.headers)
        assert r.status_code == 404

    async def test_rejects_anonymous(self, client: httpx.AsyncClient) -> None:
        r = await client.get("/api/v1/agents/agent_01HZ2N0000000000000000000Z/widget-settings")
        assert r.status_code == 401

    async def test_also_served_on_alias_paths(
        self, client: httpx.AsyncClient, tenant_a: Tenant
    ) -> None:
        agent = await make_agent(client, tenant_a)
        for prefix in ("/v1", "/hub-api/api/v1", "/api"):
            r = await client.get(
                f"{prefix}/agents/{agent['id']}/widget-settings", headers=tenant_a.headers
            )
            assert r.status_code == 200, prefix


class TestUpdateAgentWidgetSettings:
    async def test_sets_and_resets_policy(
        self, client: httpx.AsyncClient, tenant_a: Tenant
    ) -> None:
        agent = await make_agent(client, tenant_a, auth_mode="public")
        url = f"/api/v1/agents/{agent['id']}/widget-settings"
        r = await client.patch(
            url,
            json={"widget_enabled": True, "auth_mode": "guest", "greeting_override": "Hello web!"},
            headers=tenant_a.headers,
        )
        assert r.status_code == 200, r.text
        got = r.json()
        assert got["widget_enabled"] is True
        assert got["auth_mode"] == "guest"
        assert got["auth_mode_source"] == "widget"
        assert got["greeting_override"] == "Hello web!"
        r = await client.patch(url, json={"auth_mode": None}, headers=tenant_a.headers)
        assert r.json()["auth_mode"] == "both"
        assert r.json()["auth_mode_source"] == "agent"
        assert r.json()["widget_enabled"] is True
        assert (await client.get(url, headers=tenant_a.headers)).json() == r.json()

    @pytest.mark.parametrize(
        "body",
        [
            {"auth_mode": "everyone"},
            {"auth_mode": "public"},
            {"widget_enabled": None},
            {"widget_enabled": "true"},
            {"widget_enabled": 1},
            {"greeting_override": "x" * 2001},
            {"greeting_override": "nul\x00"},
            ["widget_enabled"],
        ],
    )
    async def test_rejects_invalid_body_with_400(
        self, client: httpx.AsyncClient, tenant_a: Tenant, body: object
    ) -> None:
        agent = await make_agent(client, tenant_a)
        url = f"/api/v1/agents/{agent['id']}/widget-settings"
        r = await client.patch(url, json=body, headers=tenant_a.headers)
        assert r.status_code == 400, r.text
        assert (await client.get(url, headers=tenant_a.headers)).json()["updated_at"] is None

    async def test_two_account_matrix(
        self, client: httpx.AsyncClient, tenant_a: Tenant, tenant_b: Tenant
    ) -> None:
        agent = await make_agent(client, tenant_a)
        url = f"/api/v1/agents/{agent['id']}/widget-settings"
        r = await client.patch(url, json={"widget_enabled": True}, headers=tenant_b.headers)
        assert r.status_code == 404
        assert (await client.get(url, headers=tenant_b.headers)).status_code == 404
        assert (await client.get(url, headers=tenant_a.headers)).json()["widget_enabled"] is False

    async def test_policy_goes_with_the_agent(
        self, client: httpx.AsyncClient, tenant_a: Tenant
    ) -> None:
        agent = await make_agent(client, tenant_a)
        url = f"/api/v1/agents/{agent['id']}/widget-settings"
        await client.patch(url, json={"widget_enabled": True}, headers=tenant_a.headers)
        assert (
            await client.delete(f"/api/v1/agents/{agent['id']}", headers=tenant_a.headers)
        ).status_code == 204
        assert (await client.get(url, headers=tenant_a.headers)).status_code == 404
