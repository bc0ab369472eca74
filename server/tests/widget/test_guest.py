"""POST /api/v1/widget/auth/guest: anonymous visitor sessions."""

from __future__ import annotations

from datetime import datetime

import httpx
import pytest

from tests.fixtures.app import Tenant
from tests.widget.helpers import (
    ORIGIN,
    browser,
    guest,
    make_agent,
    make_key,
    ready_widget,
    set_policy,
)

URL = "/api/v1/widget/auth/guest"


class TestGuestSession:
    async def test_mints_a_session(self, client: httpx.AsyncClient, tenant_a: Tenant) -> None:
        agent, key = await ready_widget(client, tenant_a)
        r = await guest(client, key, agent["id"])
        assert r.status_code == 200, r.text
        body = r.json()
        assert body["token_type"] == "Bearer"
        assert body["mode"] == "guest"
        assert body["agent_id"] == agent["id"]
        assert body["visitor_id"].startswith("guest_")
        assert body["session_id"].startswith("wsess_")
        assert body["refresh_token"].startswith(f"rt_live_{tenant_a.slug}_")
        assert body["expires_in"] == 900
        lifetime = datetime.fromisoformat(body["expires_at"]) - datetime.fromisoformat(
            body["refresh_expires_at"]
        )
        assert abs(lifetime.total_seconds() + 86_400 - 900) < 5
        assert r.headers["access-control-allow-origin"] == ORIGIN
        assert "Origin" in r.headers["vary"]

    async def test_client_key_in_query_only(
        self, client: httpx.AsyncClient, tenant_a: Tenant
    ) -> None:
        agent, key = await ready_widget(client, tenant_a)
        r = await client.post(
            URL,
            params={"client_key": key["public_key"]},
            json={"agent_id": agent["id"]},
            headers=browser(),
        )
        assert r.status_code == 200

    async def test_body_and_query_keys_must_agree(
        self, client: httpx.AsyncClient, tenant_a: Tenant
    ) -> None:
        agent, key = await ready_widget(client, tenant_a)
        other = await make_key(client, tenant_a)
        r = await client.post(
            URL,
            params={"client_key": other["public_key"]},
            json={"client_key": key["public_key"], "agent_id": agent["id"]},
            headers=browser(),
        )
        assert r.status_code == 400

    async def test_pinned_agent_wins_over_requested(
        self, client: httpx.AsyncClient, tenant_a: Tenant
    ) -> None:
        pinned, key = await ready_widget(client, tenant_a, pin=True)
        other = await make_agent(client, tenant_a, name="Other")
        await set_policy(client, tenant_a, other["id"])
        assert (await guest(client, key, other["id"])).json()["agent_id"] == pinned["id"]
        assert (await guest(client, key, None)).json()["agent_id"] == pinned["id"]

    async def test_missing_client_key_is_400(self, client: httpx.AsyncClient) -> None:
        for kwargs in ({"json": {}}, {}, {"json": {"client_key": ""}}):
            r = await client.post(URL, headers=browser(), **kwargs)
            assert r.status_code == 400
            assert r.json()["detail"] == "Missing client_key"

    async def test_missing_agent_is_400(self, client: httpx.AsyncClient, tenant_a: Tenant) -> None:
        _, key = await ready_widget(client, tenant_a)
        r = await guest(client, key, None)
        assert r.status_code == 400
        assert r.json()["detail"] == "Missing agent_id"

    @pytest.mark.parametrize(
        "body",
        [
            {"client_key": 5},
            {"client_key": "x" * 1_000_000},
            {"agent_id": ["a"]},
            {"client_key": "nul\x00"},
            "text",
        ],
    )
    async def test_hostile_body_is_400(self, client: httpx.AsyncClient, body: object) -> None:
        assert (await client.post(URL, json=body, headers=browser())).status_code == 400

    async def test_malformed_json_is_400(self, client: httpx.AsyncClient) -> None:
        r = await client.post(
            URL, content=b"{", headers={**browser(), "Content-Type": "application/json"}
        )
        assert r.status_code == 400

    async def test_forged_origin_is_403_without_cors(
        self, client: httpx.AsyncClient, tenant_a: Tenant
    ) -> None:
        agent, key = await ready_widget(client, tenant_a)
        r = await guest(client, key, agent["id"], origin="https://evil.test")
        assert r.status_code == 403
        assert r.json()["code"] == "origin_not_allowed"
        assert "access-control-allow-origin" not in r.headers
        assert "token" not in r.json()

    async def test_referer_only(self, client: httpx.AsyncClient, tenant_a: Tenant) -> None:
        agent, key = await ready_widget(client, tenant_a)
        body = {"client_key": key["public_key"], "agent_id": agent["id"]}
        ok = await client.post(URL, json=body, headers={"Referer": f"{ORIGIN}/shop"})
        assert ok.status_code == 200
        assert "access-control-allow-origin" not in ok.headers
        bad = await client.post(URL, json=body, headers={"Referer": "https://evil.test/"})
        assert bad.status_code == 403
        none = await client.post(URL, json=body)
        assert none.status_code == 403

    async def test_disabled_key_is_403(self, client: httpx.AsyncClient, tenant_a: Tenant) -> None:
        agent, key = await ready_widget(client, tenant_a)
        await client.patch(
            f"/api/v1/widget-keys/{key['id']}", json={"disabled": True}, headers=tenant_a.headers
        )
        r = await guest(client, key, agent["id"])
        assert r.status_code == 403
        assert r.json()["code"] == "client_key_disabled"
        # The origin is allowed, so the page may read why it was refused.
        assert r.headers["access-control-allow-origin"] == ORIGIN

    @pytest.mark.parametrize(
        ("agent_fields", "policy", "code"),
        [
            ({}, {"auth_mode": "user"}, "auth_mode_not_allowed"),
            ({"auth_mode": "authenticated"}, {}, "auth_mode_not_allowed"),
            ({}, {"widget_enabled": False}, "widget_disabled"),
            ({"status": "paused"}, {}, "agent_unavailable"),
            ({"status": "draft"}, {}, "agent_unavailable"),
        ],
    )
    async def test_policy_refusals(
        self,
        client: httpx.AsyncClient,
        tenant_a: Tenant,
        agent_fields: dict,
        policy: dict,
        code: str,
    ) -> None:
        agent = await make_agent(client, tenant_a, **agent_fields)
        await set_policy(client, tenant_a, agent["id"], **policy)
        key = await make_key(client, tenant_a)
        r = await guest(client, key, agent["id"])
        assert r.status_code == 403
        assert r.json()["code"] == code

    async def test_never_configured_agent_is_refused(
        self, client: httpx.AsyncClient, tenant_a: Tenant
    ) -> None:
        agent = await make_agent(client, tenant_a)
        key = await make_key(client, tenant_a)
        assert (await guest(client, key, agent["id"])).json()["code"] == "widget_disabled"

    async def test_guest_policy_and_agent_auth_mode(
        self, client: httpx.AsyncClient, tenant_a: Tenant
    ) -> None:
        # An explicit widget policy wins over the agent's own auth_mode.
        agent = await make_agent(client, tenant_a, auth_mode="authenticated")
        await set_policy(client, tenant_a, agent["id"], auth_mode="guest")
        key = await make_key(client, tenant_a)
        assert (await guest(client, key, agent["id"])).status_code == 200

    async def test_unknown_agent_is_404(self, client: httpx.AsyncClient, tenant_a: Tenant) -> None:
        _, key = await ready_widget(client, tenant_a)
        for agent_id in ("agent_01HZ2N0000000000000000000Z", "nope"):
            assert (await guest(client, key, agent_id)).status_code == 404

    async def test_two_account_matrix(
        self, client: httpx.AsyncClient, tenant_a: Tenant, tenant_b: Tenant
    ) -> None:
        agent_a, key_a = await ready_widget(client, tenant_a)
        _, key_b = await ready_widget(client, tenant_b)
        assert (await guest(client, key_b, agent_a["id"])).status_code == 404
        assert (await guest(client, key_a, agent_a["id"])).status_code == 200
