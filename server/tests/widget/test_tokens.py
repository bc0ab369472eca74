"""Visitor JWTs as the call runtime sees them: verified with PyJWT and the published JWKS."""

from __future__ import annotations

import httpx
import jwt
from kataven_hub.core.settings import get_settings

from tests.fixtures.app import Tenant
from tests.widget.helpers import exchange, guest, ready_widget, user_token


async def _verify(client: httpx.AsyncClient, token: str) -> dict:
    jwks = (await client.get("/.well-known/jwks.json")).json()
    keyset = jwt.PyJWKSet.from_dict(jwks)
    kid = jwt.get_unverified_header(token)["kid"]
    key = next(k for k in keyset.keys if k.key_id == kid)
    settings = get_settings()
    return jwt.decode(
        token,
        key.key,
        algorithms=["RS256"],
        audience=settings.WIDGET_TOKEN_AUDIENCE,
        issuer=settings.WIDGET_TOKEN_ISSUER,
    )


class TestVisitorTokens:
    async def test_guest_token_verifies_with_jwks(
        self, client: httpx.AsyncClient, tenant_a: Tenant
    ) -> None:
        agent, key = await ready_widget(client, tenant_a)
        session = (await guest(client, key, agent["id"])).json()
        claims = await _verify(client, session["token"])
        assert jwt.get_unverified_header(session["token"])["alg"] == "RS256"
        assert claims["typ"] == "widget_session"
        assert claims["mode"] == "guest"
        assert claims["account"] == tenant_a.slug
        assert claims["agent_id"] == agent["id"]
        assert claims["widget_key_id"] == key["id"]
        assert claims["sid"] == session["session_id"]
        assert claims["sub"] == session["visitor_id"] == claims["visitor"]["id"]
        assert claims["exp"] - claims["iat"] == 900

    async def test_user_tokens_verify_with_jwks(
        self, client: httpx.AsyncClient, tenant_a: Tenant
    ) -> None:
        agent, key = await ready_widget(client, tenant_a)
        raw = (await user_token(client, key, "user-1")).json()["user_token"]
        user_claims = await _verify(client, raw)
        assert user_claims["typ"] == "widget_user_token"
        assert user_claims["exp"] - user_claims["iat"] == 300
        session = (await exchange(client, key, raw, agent["id"])).json()
        claims = await _verify(client, session["token"])
        assert claims["mode"] == "user"
        assert claims["sub"] == "user-1"
        assert claims["visitor"] == {
            "id": "user-1",
            "mode": "user",
            "external_user_id": "user-1",
            "name": "Ada",
            "email": "ada@example.com",
        }

    async def test_tampered_token_fails_verification(
        self, client: httpx.AsyncClient, tenant_a: Tenant
    ) -> None:
        agent, key = await ready_widget(client, tenant_a)
        token = (await guest(client, key, agent["id"])).json()["token"]
        head, body, sig = token.split(".")
        tampered = f"{head}.{body[:-2]}AA.{sig}"
        try:
            await _verify(client, tampered)
        except jwt.PyJWTError:
            return
        raise AssertionError("a tampered token verified")

    async def test_widget_token_opens_no_management_route(
        self, client: httpx.AsyncClient, tenant_a: Tenant
    ) -> None:
        agent, key = await ready_widget(client, tenant_a)
        token = (await guest(client, key, agent["id"])).json()["token"]
        r = await client.get(
            "/api/v1/agents",
            headers={"Authorization": f"Bearer {token}", "X-Account-ID": tenant_a.slug},
        )
        assert r.status_code == 401

    async def test_signer_works_with_the_builtin_issuer_off(
        self, client: httpx.AsyncClient, tenant_a: Tenant
    ) -> None:
        from kataven_hub.core import auth

        settings = get_settings()
        auth.init(settings.model_copy(update={"BUILTIN_ISSUER_ENABLED": False}))
        try:
            assert auth.builtin_issuer() is None
            agent, key = await ready_widget(client, tenant_a)
            token = (await guest(client, key, agent["id"])).json()["token"]
            assert (await _verify(client, token))["mode"] == "guest"
            login = await client.post(
                "/api/login", json={"email": tenant_a.email, "password": tenant_a.password}
            )
            assert login.status_code == 404
        finally:
            auth.init(settings)
