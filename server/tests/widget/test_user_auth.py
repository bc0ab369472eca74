"""Logged-in visitors: POST /widget/auth/user-token (backend) then /widget/auth/exchange."""

from __future__ import annotations

import time

import httpx
import pytest
from kataven_hub.core import auth
from kataven_hub.core.settings import get_settings

from tests.fixtures.app import Tenant
from tests.widget.helpers import JSON, ORIGIN, browser, exchange, make_key, ready_widget, user_token

URL = "/api/v1/widget/auth/user-token"


class TestUserToken:
    async def test_mints_a_five_minute_token(
        self, client: httpx.AsyncClient, tenant_a: Tenant
    ) -> None:
        _, key = await ready_widget(client, tenant_a)
        r = await user_token(client, key)
        assert r.status_code == 200, r.text
        assert r.json()["expires_in"] == 300
        assert r.json()["user_token"].count(".") == 2
        assert "access-control-allow-origin" not in r.headers

    async def test_rejects_missing_or_wrong_secret(
        self, client: httpx.AsyncClient, tenant_a: Tenant
    ) -> None:
        _, key = await ready_widget(client, tenant_a)
        body = {"external_user_id": "u1"}
        for headers in (
            {},
            {"Authorization": "Bearer"},
            {"Authorization": f"Bearer {key['public_key']}"},
            {"Authorization": f"Bearer {tenant_a.key}"},  # an API key is not a widget secret
            {"Authorization": f"Bearer sk_live_{tenant_a.slug}_{'a' * 40}"},
            {"Authorization": f"Bearer sk_live_nosuch_{'a' * 40}"},
            {"Authorization": f"Bearer {tenant_a.jwt}"},
        ):
            r = await client.post(URL, json=body, headers=headers)
            assert r.status_code == 401, headers

    async def test_revoked_secret_is_401(self, client: httpx.AsyncClient, tenant_a: Tenant) -> None:
        _, key = await ready_widget(client, tenant_a)
        await client.patch(
            f"/api/v1/widget-keys/{key['id']}", json={"disabled": True}, headers=tenant_a.headers
        )
        r = await user_token(client, key)
        assert r.status_code == 401
        assert "revoked" in r.text

    async def test_browser_call_from_forged_origin_is_403(
        self, client: httpx.AsyncClient, tenant_a: Tenant
    ) -> None:
        _, key = await ready_widget(client, tenant_a)
        headers = {"Authorization": f"Bearer {key['secret_key']}", "Origin": "https://evil.test"}
        r = await client.post(URL, json={"external_user_id": "u1"}, headers=headers)
        assert r.status_code == 403

    @pytest.mark.parametrize(
        "body",
        [{}, {"external_user_id": ""}, {"external_user_id": 5}, {"external_user_id": "x" * 201},
         {"external_user_id": "u", "email": "not-an-email"}, {"external_user_id": "nul\x00"},
         {"external_user_id": "u", "display_name": "x" * 1_000_000}],
    )  # fmt: skip
    async def test_invalid_body_is_400(
        self, client: httpx.AsyncClient, tenant_a: Tenant, body: object
    ) -> None:
        _, key = await ready_widget(client, tenant_a)
        r = await client.post(
            URL, json=body, headers={"Authorization": f"Bearer {key['secret_key']}"}
        )
        assert r.status_code == 400


class TestExchange:
    async def test_exchanges_once_for_a_user_session(
        self, client: httpx.AsyncClient, tenant_a: Tenant
    ) -> None:
        agent, key = await ready_widget(client, tenant_a)
        token = (await user_token(client, key, "user-7")).json()["user_token"]
        r = await exchange(client, key, token, agent["id"])
        assert r.status_code == 200, r.text
        body = r.json()
        assert body["mode"] == "user"
        assert body["visitor_id"] == "user-7"
        assert body["agent_id"] == agent["id"]
        assert body["expires_in"] == 900
        assert r.headers["access-control-allow-origin"] == ORIGIN
        again = await exchange(client, key, token, agent["id"])
        assert again.status_code == 400
        assert "already used" in again.json()["detail"]

    async def test_forged_origin_is_403_and_token_stays_unused(
        self, client: httpx.AsyncClient, tenant_a: Tenant
    ) -> None:
        agent, key = await ready_widget(client, tenant_a)
        token = (await user_token(client, key)).json()["user_token"]
        r = await exchange(client, key, token, agent["id"], origin="https://evil.test")
        assert r.status_code == 403
        assert "access-control-allow-origin" not in r.headers
        assert (await exchange(client, key, token, agent["id"])).status_code == 200

    async def test_referer_only(self, client: httpx.AsyncClient, tenant_a: Tenant) -> None:
        agent, key = await ready_widget(client, tenant_a)
        token = (await user_token(client, key)).json()["user_token"]
        body = {"client_key": key["public_key"], "user_token": token, "agent_id": agent["id"]}
        bad = await client.post(
            "/api/v1/widget/auth/exchange", json=body, headers={"Referer": "https://evil.test/x"}
        )
        assert bad.status_code == 403
        ok = await client.post(
            "/api/v1/widget/auth/exchange", json=body, headers={"Referer": f"{ORIGIN}/x"}
        )
        assert ok.status_code == 200

    @pytest.mark.parametrize("token", [None, "", "garbage", "a.b.c"])
    async def test_missing_or_bad_token_is_400(
        self, client: httpx.AsyncClient, tenant_a: Tenant, token: str | None
    ) -> None:
        agent, key = await ready_widget(client, tenant_a)
        r = await exchange(client, key, token, agent["id"])  # type: ignore[arg-type]
        assert r.status_code == 400
        assert r.json()["detail"] == "Missing or expired token"

    async def test_expired_token_is_400(
        self, client: httpx.AsyncClient, tenant_a: Tenant, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        agent, key = await ready_widget(client, tenant_a)
        monkeypatch.setattr(get_settings(), "WIDGET_USER_TOKEN_TTL_SECONDS", -5)
        token = (await user_token(client, key)).json()["user_token"]
        monkeypatch.undo()
        r = await exchange(client, key, token, agent["id"])
        assert r.status_code == 400
        assert r.json()["detail"] == "Missing or expired token"

    async def test_session_or_foreign_tokens_are_not_user_tokens(
        self, client: httpx.AsyncClient, tenant_a: Tenant
    ) -> None:
        agent, key = await ready_widget(client, tenant_a)
        session = (await client.post(
            "/api/v1/widget/auth/guest",
            json={"client_key": key["public_key"], "agent_id": agent["id"]},
            headers=browser(),
        )).json()["token"]  # fmt: skip
        now = int(time.time())
        forged = auth.signing_key().sign(
            {"sub": "x", "exp": now + 60, "iat": now, "typ": "widget_user_token"}
        )
        for token in (session, tenant_a.jwt, forged):
            r = await exchange(client, key, token, agent["id"])
            assert r.status_code == 400

    async def test_token_is_bound_to_its_key(
        self, client: httpx.AsyncClient, tenant_a: Tenant, tenant_b: Tenant
    ) -> None:
        agent, key = await ready_widget(client, tenant_a)
        other_key = await make_key(client, tenant_a)
        token = (await user_token(client, other_key)).json()["user_token"]
        assert (await exchange(client, key, token, agent["id"])).status_code == 400
        agent_b, key_b = await ready_widget(client, tenant_b)
        token_a = (await user_token(client, key)).json()["user_token"]
        assert (await exchange(client, key_b, token_a, agent_b["id"])).status_code == 400

    async def test_guest_only_agent_refuses_users(
        self, client: httpx.AsyncClient, tenant_a: Tenant
    ) -> None:
        agent, key = await ready_widget(client, tenant_a, auth_mode="guest")
        token = (await user_token(client, key)).json()["user_token"]
        r = await exchange(client, key, token, agent["id"])
        assert r.status_code == 403
        assert r.json()["code"] == "auth_mode_not_allowed"

    async def test_user_only_agent_accepts_users(
        self, client: httpx.AsyncClient, tenant_a: Tenant
    ) -> None:
        agent, key = await ready_widget(client, tenant_a, auth_mode="user")
        token = (await user_token(client, key)).json()["user_token"]
        assert (await exchange(client, key, token, agent["id"])).status_code == 200

    async def test_disabled_key_is_403(self, client: httpx.AsyncClient, tenant_a: Tenant) -> None:
        agent, key = await ready_widget(client, tenant_a)
        token = (await user_token(client, key)).json()["user_token"]
        await client.patch(
            f"/api/v1/widget-keys/{key['id']}", json={"disabled": True}, headers=tenant_a.headers
        )
        assert (await exchange(client, key, token, agent["id"])).status_code == 403

    async def test_hostile_body_is_400(self, client: httpx.AsyncClient) -> None:
        for body in ({"user_token": "x" * 1_000_000}, {"user_token": 5}, []):
            r = await client.post(
                "/api/v1/widget/auth/exchange", json=body, headers={**browser(), **JSON}
            )
            assert r.status_code == 400
