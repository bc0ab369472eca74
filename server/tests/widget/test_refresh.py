"""POST /api/v1/widget/auth/refresh: opaque, single-use, rotating refresh tokens."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
import jwt
import pytest
from kataven_hub.core import auth, tenancy
from sqlalchemy import text

from tests.fixtures.app import Tenant
from tests.widget.helpers import (
    ORIGIN,
    exchange,
    guest,
    make_key,
    ready_widget,
    refresh,
    user_token,
)


async def _expire(account: str, refresh_token: str) -> None:
    engine = await tenancy.get().engine_for(account)
    assert engine is not None
    async with engine.begin() as conn:
        await conn.execute(
            text("UPDATE widget_refresh_tokens SET expires_at = :t WHERE digest = :d"),
            {"t": datetime.now(UTC) - timedelta(seconds=1), "d": auth.key_digest(refresh_token)},
        )


class TestRefresh:
    async def test_rotates_and_keeps_identity(
        self, client: httpx.AsyncClient, tenant_a: Tenant
    ) -> None:
        agent, key = await ready_widget(client, tenant_a)
        first = (await guest(client, key, agent["id"])).json()
        r = await refresh(client, first["refresh_token"])
        assert r.status_code == 200, r.text
        second = r.json()
        assert second["refresh_token"] != first["refresh_token"]
        assert second["token"] != first["token"]
        for field in ("visitor_id", "session_id", "agent_id", "mode"):
            assert second[field] == first[field]
        assert r.headers["access-control-allow-origin"] == ORIGIN
        third = await refresh(client, second["refresh_token"])
        assert third.status_code == 200

    async def test_keeps_the_signed_in_profile(
        self, client: httpx.AsyncClient, tenant_a: Tenant
    ) -> None:
        agent, key = await ready_widget(client, tenant_a)
        token = (await user_token(client, key, "user-9")).json()["user_token"]
        session = (await exchange(client, key, token, agent["id"])).json()
        renewed = (await refresh(client, session["refresh_token"])).json()
        claims = jwt.decode(renewed["token"], options={"verify_signature": False})
        assert claims["mode"] == "user"
        assert claims["sub"] == "user-9"
        assert claims["visitor"]["email"] == "ada@example.com"
        assert claims["visitor"]["name"] == "Ada"

    async def test_replay_is_refused_and_revokes_the_family(
        self, client: httpx.AsyncClient, tenant_a: Tenant
    ) -> None:
        agent, key = await ready_widget(client, tenant_a)
        first = (await guest(client, key, agent["id"])).json()
        second = (await refresh(client, first["refresh_token"])).json()
        replay = await refresh(client, first["refresh_token"])
        assert replay.status_code == 400
        assert replay.json()["code"] == "refresh_token_reused"
        # The legitimate holder's newer token is revoked too: a thief gets one use at most.
        after = await refresh(client, second["refresh_token"])
        assert after.status_code == 400
        assert after.json()["detail"] == "Missing or expired refresh_token"
        # Other sessions are untouched.
        other = (await guest(client, key, agent["id"])).json()
        assert (await refresh(client, other["refresh_token"])).status_code == 200

    async def test_expired_is_400(self, client: httpx.AsyncClient, tenant_a: Tenant) -> None:
        agent, key = await ready_widget(client, tenant_a)
        session = (await guest(client, key, agent["id"])).json()
        await _expire(tenant_a.slug, session["refresh_token"])
        r = await refresh(client, session["refresh_token"])
        assert r.status_code == 400
        assert r.json()["detail"] == "Missing or expired refresh_token"

    @pytest.mark.parametrize(
        "token",
        [
            None,
            "",
            "garbage",
            "rt_live_nosuch_" + "a" * 43,
            "rt_live_kataven-admin_" + "a" * 43,
            5,
            "x" * 1_000_000,
        ],
    )
    async def test_missing_or_unknown_is_400(
        self, client: httpx.AsyncClient, token: object
    ) -> None:
        r = await client.post(
            "/api/v1/widget/auth/refresh", json={"refresh_token": token}, headers={"Origin": ORIGIN}
        )
        assert r.status_code == 400

    async def test_forged_origin_is_403_and_token_survives(
        self, client: httpx.AsyncClient, tenant_a: Tenant
    ) -> None:
        agent, key = await ready_widget(client, tenant_a)
        session = (await guest(client, key, agent["id"])).json()
        r = await refresh(client, session["refresh_token"], origin="https://evil.test")
        assert r.status_code == 403
        assert "access-control-allow-origin" not in r.headers
        assert (await refresh(client, session["refresh_token"])).status_code == 200

    async def test_referer_only(self, client: httpx.AsyncClient, tenant_a: Tenant) -> None:
        agent, key = await ready_widget(client, tenant_a)
        session = (await guest(client, key, agent["id"])).json()
        body = {"refresh_token": session["refresh_token"]}
        bad = await client.post(
            "/api/v1/widget/auth/refresh", json=body, headers={"Referer": "https://evil.test/"}
        )
        assert bad.status_code == 403
        ok = await client.post(
            "/api/v1/widget/auth/refresh", json=body, headers={"Referer": f"{ORIGIN}/a"}
        )
        assert ok.status_code == 200

    async def test_revoked_key_stops_refresh(
        self, client: httpx.AsyncClient, tenant_a: Tenant
    ) -> None:
        agent, key = await ready_widget(client, tenant_a)
        session = (await guest(client, key, agent["id"])).json()
        await client.patch(
            f"/api/v1/widget-keys/{key['id']}", json={"disabled": True}, headers=tenant_a.headers
        )
        r = await refresh(client, session["refresh_token"])
        assert r.status_code == 403
        assert r.json()["code"] == "client_key_disabled"

    async def test_allowlist_change_applies(
        self, client: httpx.AsyncClient, tenant_a: Tenant
    ) -> None:
        agent, key = await ready_widget(client, tenant_a)
        session = (await guest(client, key, agent["id"])).json()
        await client.patch(
            f"/api/v1/widget-keys/{key['id']}",
            json={"domain_allowlist": ["other.test"]},
            headers=tenant_a.headers,
        )
        assert (await refresh(client, session["refresh_token"])).status_code == 403

    async def test_policy_change_applies(self, client: httpx.AsyncClient, tenant_a: Tenant) -> None:
        agent, key = await ready_widget(client, tenant_a)
        session = (await guest(client, key, agent["id"])).json()
        await client.patch(
            f"/api/v1/agents/{agent['id']}/widget-settings",
            json={"auth_mode": "user"},
            headers=tenant_a.headers,
        )
        r = await refresh(client, session["refresh_token"])
        assert r.status_code == 403
        assert r.json()["code"] == "auth_mode_not_allowed"

    async def test_client_key_must_match(self, client: httpx.AsyncClient, tenant_a: Tenant) -> None:
        agent, key = await ready_widget(client, tenant_a)
        other = await make_key(client, tenant_a)
        session = (await guest(client, key, agent["id"])).json()
        r = await client.post(
            "/api/v1/widget/auth/refresh",
            json={"refresh_token": session["refresh_token"], "client_key": other["public_key"]},
            headers={"Origin": ORIGIN},
        )
        assert r.status_code == 400
        r = await client.post(
            "/api/v1/widget/auth/refresh",
            params={"client_key": key["public_key"]},
            json={"refresh_token": session["refresh_token"]},
            headers={"Origin": ORIGIN},
        )
        assert r.status_code == 200

    async def test_two_account_matrix(
        self, client: httpx.AsyncClient, tenant_a: Tenant, tenant_b: Tenant
    ) -> None:
        agent, key = await ready_widget(client, tenant_a)
        session = (await guest(client, key, agent["id"])).json()
        # The same secret part under another account's name finds nothing.
        secret = session["refresh_token"].rsplit("_", 1)[1]
        r = await refresh(client, f"rt_live_{tenant_b.slug}_{secret}")
        assert r.status_code == 400
        assert (await refresh(client, session["refresh_token"])).status_code == 200
