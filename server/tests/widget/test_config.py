"""GET /api/v1/widget/config: public bootstrap, behind the key's allowlist."""

from __future__ import annotations

import httpx
import pytest

from tests.fixtures.app import Tenant
from tests.widget.helpers import ORIGIN, browser, make_agent, make_key, ready_widget, set_policy

URL = "/api/v1/widget/config"


async def config(
    client: httpx.AsyncClient, key: dict, agent_id: str | None = None, **headers: str
) -> httpx.Response:
    params = {"client_key": key["public_key"]}
    if agent_id is not None:
        params["agent_id"] = agent_id
    return await client.get(URL, params=params, headers=headers or browser())


class TestWidgetConfig:
    async def test_returns_branding_agent_face_and_modes(
        self, client: httpx.AsyncClient, new_tenant
    ) -> None:
        tenant = await new_tenant()
        await client.patch(
            "/api/v1/widget-settings",
            json={
                "primary_color": "#112233",
                "launcher_label": "Ask us",
                "privacy_notice": "Recorded.",
            },
            headers=tenant.headers,
        )
        agent, key = await ready_widget(client, tenant, greeting_override="Welcome, web visitor!")
        r = await config(client, key, agent["id"])
        assert r.status_code == 200, r.text
        body = r.json()
        assert body["branding"]["primary_color"] == "#112233"
        assert body["branding"]["launcher_label"] == "Ask us"
        assert body["branding"]["privacy_notice"] == "Recorded."
        assert body["agent"] == {
            "id": agent["id"],
            "name": agent["name"],
            "greeting": "Welcome, web visitor!",
        }
        assert body["widget_enabled"] is True
        assert body["unavailable_reason"] is None
        assert body["auth_modes"] == ["guest", "user"]
        assert body["pinned"] is False
        assert "system_prompt" not in r.text

    async def test_says_whether_voice_is_connected(
        self, client: httpx.AsyncClient, tenant_a: Tenant, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        from kataven_hub.core.settings import get_settings

        agent, key = await ready_widget(client, tenant_a)
        monkeypatch.setattr(get_settings(), "CALL_PROCESSOR_STREAM_URL", None)
        assert (await config(client, key, agent["id"])).json()["voice_connected"] is False
        monkeypatch.setattr(get_settings(), "CALL_PROCESSOR_STREAM_URL", "wss://cp.example/x")
        assert (await config(client, key, agent["id"])).json()["voice_connected"] is True

    async def test_greeting_defaults_to_the_agents(
        self, client: httpx.AsyncClient, tenant_a: Tenant
    ) -> None:
        agent, key = await ready_widget(client, tenant_a)
        assert (await config(client, key, agent["id"])).json()["agent"]["greeting"] == agent[
            "greeting_message"
        ]

    async def test_pinned_agent_wins(self, client: httpx.AsyncClient, tenant_a: Tenant) -> None:
        pinned, key = await ready_widget(client, tenant_a, pin=True)
        other = await make_agent(client, tenant_a, name="Other")
        await set_policy(client, tenant_a, other["id"])
        body = (await config(client, key, other["id"])).json()
        assert body["agent"]["id"] == pinned["id"]
        assert body["pinned"] is True

    async def test_referer_only_request_is_checked(
        self, client: httpx.AsyncClient, tenant_a: Tenant
    ) -> None:
        agent, key = await ready_widget(client, tenant_a)
        ok = await config(
            client, key, agent["id"], Referer=f"{ORIGIN}/pricing?x=1", Accept="application/json"
        )
        assert ok.status_code == 200
        bad = await config(
            client, key, agent["id"], Referer="https://evil.test/page", Accept="application/json"
        )
        assert bad.status_code == 403
        assert bad.json()["code"] == "origin_not_allowed"

    @pytest.mark.parametrize(
        "origin",
        ["https://evil.test", "http://shop.acme.test", "https://shop.acme.test:8443", "null",
         "https://shop.acme.test.evil.test", "https://sub.shop.acme.test"],
    )  # fmt: skip
    async def test_forged_origin_is_403(
        self, client: httpx.AsyncClient, tenant_a: Tenant, origin: str
    ) -> None:
        agent, key = await ready_widget(client, tenant_a)
        r = await config(client, key, agent["id"], **browser(origin))
        assert r.status_code == 403
        assert r.json()["detail"] == "Origin not in allowlist for this client_key"
        assert "access-control-allow-origin" not in r.headers
        assert "agent" not in r.json()

    async def test_no_origin_nor_referer_is_403(
        self, client: httpx.AsyncClient, tenant_a: Tenant
    ) -> None:
        agent, key = await ready_widget(client, tenant_a)
        r = await client.get(URL, params={"client_key": key["public_key"], "agent_id": agent["id"]})
        assert r.status_code == 403
        assert r.text == "Origin not in allowlist for this client_key"

    async def test_empty_allowlist_blocks_the_key(
        self, client: httpx.AsyncClient, tenant_a: Tenant
    ) -> None:
        agent = await make_agent(client, tenant_a)
        await set_policy(client, tenant_a, agent["id"])
        r = await client.post(
            "/api/v1/widget-keys", json={"name": "empty"}, headers=tenant_a.headers
        )
        assert (await config(client, r.json(), agent["id"])).status_code == 403

    async def test_missing_client_key_is_400(self, client: httpx.AsyncClient) -> None:
        r = await client.get(URL, headers=browser())
        assert r.status_code == 400
        assert r.json()["detail"] == "Missing client_key"

    @pytest.mark.parametrize(
        "client_key",
        ["pk_live_nosuchaccount_" + "a" * 40, "garbage", "sk_live_x_" + "a" * 40,
         "pk_live_kataven-admin_" + "a" * 40, "pk_live_BAD SLUG_" + "a" * 40,
         "pk_live_a\x00b_" + "a" * 40],
    )  # fmt: skip
    async def test_unknown_client_key_is_401(
        self, client: httpx.AsyncClient, client_key: str
    ) -> None:
        r = await client.get(URL, params={"client_key": client_key}, headers=browser())
        assert r.status_code == 401
        assert r.json()["code"] == "invalid_client_key"

    async def test_huge_query_is_400(self, client: httpx.AsyncClient) -> None:
        r = await client.get(URL, params={"client_key": "pk_live_" + "a" * 5000}, headers=browser())
        assert r.status_code == 400

    async def test_key_of_another_account_does_not_reach_its_agents(
        self, client: httpx.AsyncClient, tenant_a: Tenant, tenant_b: Tenant
    ) -> None:
        agent_a, _ = await ready_widget(client, tenant_a)
        _, key_b = await ready_widget(client, tenant_b)
        r = await config(client, key_b, agent_a["id"])
        assert r.status_code == 404

    async def test_unavailable_reasons(self, client: httpx.AsyncClient, tenant_a: Tenant) -> None:
        agent = await make_agent(client, tenant_a)
        key = await make_key(client, tenant_a)
        assert (await config(client, key)).json()["unavailable_reason"] == "agent_required"
        off = (await config(client, key, agent["id"])).json()
        assert off["unavailable_reason"] == "widget_disabled"
        assert off["agent"] is None
        assert off["widget_enabled"] is False
        assert off["auth_modes"] == []
        await set_policy(client, tenant_a, agent["id"])
        await client.patch(
            f"/api/v1/agents/{agent['id']}", json={"status": "paused"}, headers=tenant_a.headers
        )
        paused = (await config(client, key, agent["id"])).json()
        assert paused["unavailable_reason"] == "agent_unavailable"
        assert paused["agent"] is None

    @pytest.mark.parametrize(
        ("mode", "modes"), [("guest", ["guest"]), ("user", ["user"]), ("both", ["guest", "user"])]
    )
    async def test_auth_modes_follow_policy(
        self, client: httpx.AsyncClient, tenant_a: Tenant, mode: str, modes: list[str]
    ) -> None:
        agent, key = await ready_widget(client, tenant_a, auth_mode=mode)
        assert (await config(client, key, agent["id"])).json()["auth_modes"] == modes

    async def test_pinned_to_a_deleted_agent_fails_closed(
        self, client: httpx.AsyncClient, tenant_a: Tenant
    ) -> None:
        agent, key = await ready_widget(client, tenant_a, pin=True)
        other = await make_agent(client, tenant_a, name="Other")
        await set_policy(client, tenant_a, other["id"])
        await client.delete(f"/api/v1/agents/{agent['id']}", headers=tenant_a.headers)
        assert (await config(client, key, other["id"])).status_code == 404

    async def test_served_on_alias_paths(self, client: httpx.AsyncClient, tenant_a: Tenant) -> None:
        agent, key = await ready_widget(client, tenant_a)
        for prefix in ("/v1", "/hub-api/api/v1"):
            r = await client.get(
                f"{prefix}/widget/config",
                params={"client_key": key["public_key"], "agent_id": agent["id"]},
                headers=browser(),
            )
            assert r.status_code == 200, prefix
            assert r.headers["access-control-allow-origin"] == ORIGIN
